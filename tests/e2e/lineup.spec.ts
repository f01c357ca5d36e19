// The line-up tools and the Chute screen through the real web host and station in practice
// mode: bibs in order with a waiting list, a missed crossing inserted, a block shifted (and a
// refusal), the extra crossing dropped; a crossing inserted before the gun at a time of day on the
// race's clock; the chute recorder's big field, names, waiting list and last bibs. Screenshots go
// to test-results/screens/ for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { createPracticeRace } from '../../src-main/runsignup/emulator';
import { formatTimeOfDay } from '../../src-renderer/lib/format';
import { fireGun, openTiming, startStation, type E2eStation } from './support/station';

const SEED = 3;
const race = createPracticeRace(SEED);
type Runner = (typeof race.participants)[number];
const [a, b, c, d] = race.participants.filter(
  (p) => p.eventId === race.events[0]!.eventId && p.bib !== null,
) as [Runner, Runner, Runner, Runner];
const nameOf = (r: Runner) => `${r.firstName} ${r.lastName}`;
const bibOf = (r: Runner) => String(r.bib);

const bib = (page: Page) => page.getByTestId('bib-input');
// Crossings in force (voided and undone ones stay listed, struck through).
const rows = (page: Page) =>
  page.locator('[data-testid=crossings] tbody tr[data-seq]:not(.row-voided)');
const bibCells = (page: Page) =>
  rows(page)
    .locator('td.cell-bib')
    .evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));

let env: E2eStation | null = null;
test.afterEach(async () => {
  await env?.close();
  env = null;
});

/** A finish station for the whole practice race, its gun fired, the Timing screen open. */
async function openWithGun(page: Page): Promise<void> {
  env = await startStation(SEED);
  await openTiming(page, env.station);
  await fireGun(page, env.station);
}

/** A bib typed while times wait: it must fill the oldest time (an order), not make a crossing. */
async function enter(page: Page, r: Runner) {
  await bib(page).pressSequentially(bibOf(r));
  await bib(page).press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${r.bib} in order`);
}

test('line-up: bibs in order wait for times, insert, drop, shift a block (and a refusal)', async ({
  page,
}) => {
  await openWithGun(page);
  // Three times, then three bibs in order: they fill the times oldest first.
  for (let i = 0; i < 3; i++) await bib(page).press('Space');
  await expect(rows(page)).toHaveCount(3);
  for (const r of [a, b, c]) await enter(page, r);
  await expect.poll(() => bibCells(page)).toEqual([c, b, a].map(bibOf));

  // No time waiting: a bib typed in order on the Chute screen goes to the waiting list (the
  // chute is ahead of the timer), and the next time-only crossing takes it.
  await page.keyboard.press('F5');
  await page.getByTestId('chute-input').pressSequentially(bibOf(d));
  await page.getByTestId('chute-input').press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${d.bib} in order`);
  await page.keyboard.press('F2');
  await expect(page.getByTestId('waiting-bibs')).toContainText(bibOf(d));
  await bib(page).press('Space');
  await expect(page.getByTestId('waiting-bibs')).toBeHidden();
  await expect.poll(() => bibCells(page)).toEqual([d, c, b, a].map(bibOf));

  // The timer missed the first runner's crossing, so every bib sits one crossing late. Insert
  // the missing crossing right after the gun (a bad time first: refused with a sentence).
  await bib(page).press('i');
  const dialog = page.getByRole('dialog', { name: 'Insert a missing crossing' });
  await expect(dialog).toBeVisible();
  await dialog.locator('input[name=insert-time]').fill('99:99');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog.locator('.tone-error')).toBeVisible();
  await dialog.locator('input[name=insert-time]').fill('0:00:00.001');
  await page.screenshot({ path: 'test-results/screens/lineup-insert.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  await expect(bib(page)).toBeFocused();
  await expect.poll(() => bibCells(page)).toEqual([...[d, c, b, a].map(bibOf), '— waiting']);

  // Select the whole line as a block: newest row, then Shift+↓ down to the inserted one.
  await bib(page).press('ArrowDown');
  for (let i = 0; i < 4; i++) await bib(page).press('Shift+ArrowDown');
  await expect(page.getByTestId('row-actions')).toContainText('Block of 5 crossings');
  await expect(page.locator('tr.row-block')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/screens/lineup-block.png', fullPage: true });
  // Later would push d off the newest crossing: the station refuses and says why.
  await bib(page).press(']');
  await expect(page.getByTestId('notice')).toContainText('NOT saved');
  await expect(page.getByTestId('notice')).toContainText(
    `has bib ${d.bib}: shifting later would push it out`,
  );
  await expect.poll(() => bibCells(page)).toEqual([...[d, c, b, a].map(bibOf), '— waiting']);
  await bib(page).press('[');
  await expect(page.getByTestId('notice')).toContainText(
    'Saved: bibs of 5 crossings one crossing earlier',
  );
  await expect.poll(() => bibCells(page)).toEqual(['— waiting', ...[d, c, b, a].map(bibOf)]);

  // Drop the extra crossing now left at the top (V on the time-only row).
  await bib(page).press('Escape');
  await bib(page).press('ArrowDown');
  await bib(page).press('v');
  await expect.poll(() => bibCells(page)).toEqual([d, c, b, a].map(bibOf));
  await expect(page.locator('[data-testid=crossings] tr.row-voided')).toHaveCount(1);
  await expect(page.getByTestId('lineup-help')).toContainText('bibs one crossing earlier');
  await page.screenshot({ path: 'test-results/screens/lineup-done.png', fullPage: true });
});

test("before the gun, a missed crossing is inserted at a time of day on the race's clock, whatever the laptop's zone", async ({
  page,
}) => {
  // The practice race is in New York; this laptop may be on any zone (here UTC).
  env = await startStation(SEED);
  await openTiming(page, env.station);
  const crossedAt = Math.floor((Date.now() - 120_000) / 1000) * 1000;
  await bib(page).press('i');
  const dialog = page.getByRole('dialog', { name: 'Insert a missing crossing' });
  await expect(dialog).toContainText(`race's clock, ${race.timeZone}`);
  await dialog
    .locator('input[name=insert-time]')
    .fill(formatTimeOfDay(crossedAt, 0, race.timeZone));
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  await expect(rows(page).locator('td.cell-time')).toHaveText(
    formatTimeOfDay(crossedAt, 1, race.timeZone),
  );
  // The gun typed a minute before it on the same clock: the crossing is a minute into the race.
  await page.getByRole('button', { name: 'Type gun time…' }).click();
  await page
    .getByRole('dialog')
    .locator('input[name=gun-time]')
    .fill(formatTimeOfDay(crossedAt - 60_000, 0, race.timeZone));
  await page.getByRole('button', { name: 'Set gun' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(rows(page).locator('td.cell-time')).toHaveText(/^≈0:0(0:59|1:00)\.\d$/);
});

test('chute screen: big bib field, names, waiting list, last bibs; F5 from anywhere', async ({
  page,
}) => {
  await openWithGun(page);
  await page.keyboard.press('F5');
  const input = page.getByTestId('chute-input');
  await expect(input).toBeFocused();
  await input.pressSequentially(bibOf(a));
  await expect(page.getByTestId('chute-lookup')).toContainText(nameOf(a));
  await input.press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${a.bib} in order`);
  await input.pressSequentially(bibOf(b));
  await input.press('Enter');
  await input.press('x'); // stray letter: swallowed
  await expect(input).toHaveValue('');
  // Neither Tab nor a click elsewhere takes the field's focus away.
  await input.press('Tab');
  await expect(input).toBeFocused();
  await page.locator('.chute-title').click();
  await expect(input).toBeFocused();
  await expect(page.getByTestId('chute-waiting')).toContainText(bibOf(a));
  await expect(page.getByTestId('chute-waiting')).toContainText(nameOf(b));
  // The timer's time arrives (Space on Timing): the oldest waiting bib gets it.
  await page.keyboard.press('F2');
  await bib(page).press('Space');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('chute-waiting').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('chute-recent')).toContainText(nameOf(a));
  await expect(page.getByText('F5', { exact: true }).first()).toBeVisible();
  const size = await input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(48);
  await page.screenshot({ path: 'test-results/screens/chute.png', fullPage: true });
});
