// The screens through the real web host and station in practice mode: what a timer sees and
// does on Setup, Timing, Review and Results. RunSignup here is the practice emulator; where a
// screen must show RunSignup refusing a row, the race director gives a runner another bib on
// RunSignup after the station downloaded the list (as packet pickup swaps do), so RunSignup
// truly refuses the station's posts for the old bib. Screenshots go to
// test-results/screens/*.png for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { createPracticeRace } from '../../src-main/runsignup/emulator';
import { fireGun, openTiming, startStation, type E2eStation } from './support/station';

const SEED = 3;
const race = createPracticeRace(SEED);
const [fiveK, tenK] = race.events as [(typeof race.events)[0], (typeof race.events)[0]];
const runnersOf = (eventId: number) =>
  race.participants.filter((p) => p.eventId === eventId && p.bib !== null);
const [a, b, c, d, e] = runnersOf(fiveK.eventId) as [Runner, Runner, Runner, Runner, Runner];
const [k] = runnersOf(tenK.eventId) as [Runner];
type Runner = (typeof race.participants)[number];
const nameOf = (r: Runner) => `${r.firstName} ${r.lastName}`;
const bibOf = (r: Runner) => String(r.bib);
const takenBibs = new Set(race.participants.map((p) => p.bib));
/** Bibs nobody has: typed as unknown, or handed out on RunSignup after the download. */
const freeBibs = Array.from({ length: 100 }, (_, i) => 9_000 + i).filter((n) => !takenBibs.has(n));

const bib = (page: Page) => page.getByTestId('bib-input');
// Crossings in force (voided and undone ones stay listed, struck through).
const rows = (page: Page) =>
  page.locator('[data-testid=crossings] tbody tr[data-seq]:not(.row-voided)');
const rowOfBib = (page: Page, r: Runner) =>
  rows(page).filter({ has: page.locator('td.cell-bib', { hasText: new RegExp(`^${r.bib}$`) }) });

let env: E2eStation | null = null;
test.afterEach(async () => {
  await env?.close();
  env = null;
});

/** A finish station set up for the whole practice race, its page open on Timing. */
async function open(page: Page): Promise<E2eStation> {
  env = await startStation(SEED);
  await openTiming(page, env.station);
  return env;
}

test('setup: practice connection, race, events, station name', async ({ page }) => {
  env = await startStation(SEED);
  await page.goto(env.station.url);
  await page.keyboard.press('F1');
  await expect(page.getByRole('heading', { name: '1. Connection' })).toBeVisible();
  // Bad input gets sentences, not a crash.
  await page.getByLabel('Custom URL').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('Type the custom URL in full');
  await page.getByLabel('Practice race (no internet needed)').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Load my races' }).click();
  await page.locator('select[name=race]').selectOption({ label: race.name });
  await page.getByRole('button', { name: 'Save station setup' }).click();
  await expect(page.getByRole('alert')).toContainText('Name this station');
  await page.locator('input[name=stationName]').fill('Finish A');
  await page.screenshot({ path: 'test-results/screens/setup.png', fullPage: true });
  await page.getByRole('button', { name: 'Save station setup' }).click();
  await expect(page.getByTestId('current-setup')).toContainText('Finish A');
  await expect(page.getByTestId('practice-badge')).toBeVisible();
});

test('setup: an OAuth token with its renewal connects to RunSignup and lists the races', async ({
  page,
}) => {
  env = await startStation(SEED);
  const emulator = env.station.emulator!;
  const creds = emulator.practice.credentials;
  await page.goto(env.station.url);
  await page.keyboard.press('F1');
  await page.getByLabel('Custom URL').check();
  await page.locator('input[name=customUrl]').fill(emulator.url);
  await page.getByLabel('OAuth token').check();
  await expect(page.getByTestId('refresh-hint')).toContainText('renews it by itself');
  await page.locator('input[name=accessToken]').fill(creds.bearerToken);
  await page.locator('input[name=refreshToken]').fill(creds.bearerRefreshToken);
  // Half of the renewal is refused with a sentence, nothing sent.
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'Give both the refresh token and the OAuth client id, or neither',
  );
  await page.locator('input[name=clientId]').fill(creds.oauthClientId);
  await page.locator('input[name=callerToken]').fill(emulator.practice.caller.token);
  await page.locator('input[name=callerSecret]').fill(emulator.practice.caller.secret);
  await page.screenshot({ path: 'test-results/screens/setup-oauth.png', fullPage: true });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Load my races' }).click();
  await expect(page.locator('select[name=race] option', { hasText: race.name })).toHaveCount(1);
  // The station keeps the secrets; the form forgets them.
  await expect(page.locator('input[name=accessToken]')).toHaveValue('');
  await expect(page.locator('input[name=refreshToken]')).toHaveValue('');
});

test('timing: gun, bib-first, time-first fill, unreadable, focus, DNF, undo', async ({ page }) => {
  const { station } = await open(page);
  await expect(page.getByTestId('race-clock')).toHaveText('NO GUN');
  await fireGun(page, station);
  await expect(page.getByTestId('race-clock')).toHaveText(/^0:00:0\d\.\d$/);

  // Bib-first: the name shows while typing, Enter records.
  await bib(page).pressSequentially(bibOf(a));
  await expect(page.getByTestId('lookup')).toContainText(nameOf(a));
  await bib(page).press('Enter');
  await expect(bib(page)).toHaveValue('');
  await expect(rows(page).first()).toContainText(nameOf(a));
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${a.bib}`);

  // A stray click elsewhere does not take the focus away.
  await page.locator('.help').first().click();
  await expect(bib(page)).toBeFocused();

  // Unknown bib: warning colour and words.
  await bib(page).pressSequentially(String(freeBibs[0]));
  await expect(page.getByTestId('lookup')).toContainText('not registered');
  await expect(page.getByTestId('lookup')).toHaveClass(/tone-warn/);
  await bib(page).press('Escape');
  await expect(bib(page)).toHaveValue('');

  // Time-first: two taps, bibs typed later fill the oldest first.
  await bib(page).press('Space');
  await bib(page).press('Space');
  await expect(page.getByTestId('fill-hint')).toContainText('2 times waiting');
  await bib(page).pressSequentially(bibOf(b));
  await bib(page).press('Enter');
  await bib(page).pressSequentially(bibOf(c));
  await bib(page).press('Enter');
  await expect(page.getByTestId('fill-hint')).toBeHidden();
  await expect(rows(page).nth(1)).toContainText(nameOf(b));
  await expect(rows(page).nth(0)).toContainText(nameOf(c));

  // Unreadable bib, fixed through the correction dialog.
  await bib(page).press('*');
  await expect(rows(page).first()).toContainText('unreadable');
  await bib(page).press('ArrowDown');
  await expect(page.getByTestId('row-actions')).toBeVisible();
  await bib(page).press('b');
  await page.getByRole('dialog').locator('input').fill(bibOf(d));
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(rows(page).first()).toContainText(nameOf(d));
  await expect(bib(page)).toBeFocused();

  // DNF on a selected row: the selection stayed on the fixed row; one step down is c. c's
  // result is on RunSignup by then, so the status waits for one confirming Enter.
  await bib(page).press('ArrowDown');
  await expect(rowOfBib(page, c).locator('td.cell-sync')).toHaveText(/^sent/, { timeout: 20_000 });
  await bib(page).press('f');
  await expect(page.getByTestId('confirm')).toContainText(`Bib ${c.bib}'s result is on RunSignup`);
  await bib(page).press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: DNF bib ${c.bib}`);
  await expect(rowOfBib(page, c)).toContainText('DNF');
  await page.screenshot({ path: 'test-results/screens/timing.png', fullPage: true });

  // Undo takes back this screen's latest entry: the DNF first, then a crossing.
  await bib(page).press('Escape');
  await bib(page).press('Control+z');
  await expect(page.getByTestId('notice')).toContainText(`Undone: DNF bib ${c.bib}`);
  await expect(rowOfBib(page, c)).not.toContainText('DNF');
  const before = await rows(page).count();
  await bib(page).press('Space');
  await expect(rows(page)).toHaveCount(before + 1);
  await bib(page).press('Control+z');
  await expect(rows(page)).toHaveCount(before);
});

test('review and results screens, switched by keyboard', async ({ page }) => {
  const { station } = await open(page);
  // After the station downloaded the runners, RunSignup gives c another bib: c's old bib is
  // refused from now on, the one row needing attention.
  station.emulator!.changeBib(c.registrationId, freeBibs[1]!);
  await fireGun(page, station);
  for (const r of [a, k, null, b, c]) {
    if (r === null) await bib(page).press('Space');
    else {
      await bib(page).pressSequentially(bibOf(r));
      await bib(page).press('Shift+Enter');
    }
  }
  await expect(rows(page)).toHaveCount(5);
  await page.keyboard.press('Alt+3');
  // Both of c's fields (finish time and place) are refused, nothing else.
  await expect(page.getByRole('heading', { name: 'Needs attention (2)' })).toBeVisible({
    timeout: 20_000,
  });
  const refused = page.getByTestId('attention').locator('tbody tr');
  await expect(refused).toHaveCount(2);
  await expect(refused.filter({ hasText: nameOf(c) })).toHaveCount(2);
  await expect(page.getByTestId('untagged')).toContainText('time only');
  await expect(page.getByTestId('journal')).toContainText(`bib ${k.bib}`);
  await page.screenshot({ path: 'test-results/screens/review.png', fullPage: true });
  await page.getByTestId('untagged').locator('input').fill(bibOf(d));
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByTestId('untagged')).toBeHidden();

  await page.keyboard.press('F4');
  await expect(page.getByTestId('results')).toContainText(nameOf(a));
  await page.getByRole('button', { name: tenK.name, exact: true }).click();
  await expect(page.getByTestId('results')).toContainText(nameOf(k));
  await page.screenshot({ path: 'test-results/screens/results.png', fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('practice-badge')).toBeHidden();
  await page.screenshot({ path: 'test-results/screens/results-print.png', fullPage: true });
});

test('review: every row needing attention, status-only ones too, with the reason and Retry', async ({
  page,
}) => {
  const { station } = await open(page);
  // RunSignup gives two runners other bibs after the download: posts for the old bibs are refused.
  station.emulator!.changeBib(e.registrationId, freeBibs[2]!);
  station.emulator!.changeBib(k.registrationId, freeBibs[3]!);
  await fireGun(page, station);
  for (const r of [a, b, c, d, e]) {
    await bib(page).pressSequentially(bibOf(r));
    await bib(page).press('Shift+Enter');
  }
  // A DNS typed by bib, no crossing: a status-only field.
  await bib(page).pressSequentially(bibOf(k));
  await bib(page).press('s');
  await expect(page.getByTestId('notice')).toContainText(`Saved: DNS bib ${k.bib}`);
  await page.keyboard.press('F3');
  const table = page.getByTestId('attention');
  // e's crossing is refused in both its fields (finish time and place), k's DNS in one.
  await expect(page.getByRole('heading', { name: 'Needs attention (3)' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  const crossingRows = table.locator('tbody tr', { hasText: nameOf(e) });
  await expect(crossingRows).toHaveCount(2);
  await expect(crossingRows.filter({ hasText: 'finish time' })).toContainText(
    'First name is required. (error 104)',
  );
  await expect(crossingRows.filter({ hasText: 'place' })).toContainText('(error 104)');
  const statusRow = table.locator('tbody tr', { hasText: bibOf(k) });
  await expect(statusRow).toContainText('DNS');
  await expect(statusRow).toContainText('First name is required. (error 104)');
  await expect(statusRow).toContainText('finish time');
  await page.screenshot({ path: 'test-results/screens/review-attention.png', fullPage: true });
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('notice')).toContainText('Saved: retry');
});
