// The status bar's clock offset and the shared gun through real web stations in practice mode:
// the station measures its clock against the practice RunSignup (whose clock the test sets),
// warns when it is far off, re-measures, and the timer confirms a manual offset; a split
// station is told when the gun typed at the finish line arrives from RunSignup. Screenshots go to test-results/screens/.
import { expect, test, type Page } from '@playwright/test';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../src-main/runsignup/emulator';
import { fireGun, openTiming, startStation, type E2eStation } from './support/station';
import { setUpStation, startSharedRace, type SharedRace } from './support/stations';

const SEED = 3;
const race = createPracticeRace(SEED);

const bib = (page: Page) => page.getByTestId('bib-input');

let env: E2eStation | null = null;
let emulator: RunningEmulator | null = null;
let shared: SharedRace | null = null;
test.afterEach(async () => {
  await env?.close();
  await emulator?.close();
  await shared?.close();
  env = null;
  emulator = null;
  shared = null;
});

/** The measured offset and its uncertainty, in seconds, as the status bar shows them. */
async function shownOffset(page: Page): Promise<{ offset: number; within: number } | null> {
  const text = (await page.getByTestId('status-clock').textContent()) ?? '';
  const m = /Clock vs RunSignup: ([+−]?)(\d+\.\d\d) s ± (\d+\.\d\d) s/.exec(text);
  if (!m) return null;
  return { offset: (m[1] === '−' ? -1 : 1) * Number(m[2]), within: Number(m[3]) };
}

/** Whether the shown offset holds the true one and is known to within a tenth of a second. */
const measures = (shown: { offset: number; within: number } | null, trueSeconds: number) =>
  shown !== null &&
  shown.within <= 0.1 &&
  Math.abs(shown.offset - trueSeconds) <= shown.within + 0.01;

/** A finish station whose practice RunSignup's clock runs `aheadMs` ahead of this laptop's. */
async function openWithRunSignupAhead(page: Page, aheadMs: number): Promise<void> {
  emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    seed: SEED,
    now: () => Date.now() + aheadMs,
  });
  env = await startStation(SEED, { practiceEmulator: emulator });
  await openTiming(page, env.station);
  await fireGun(page, env.station);
}

test('status bar: a small clock offset is shown with its uncertainty and no warning', async ({
  page,
}) => {
  await openWithRunSignupAhead(page, 120);
  await expect.poll(async () => measures(await shownOffset(page), 0.12)).toBe(true);
  await expect(page.getByTestId('status-clock')).toContainText(
    /Clock vs RunSignup: \+0\.\d\d s ± 0\.\d\d s/,
  );
  await expect(page.getByTestId('clock-warning')).toHaveCount(0);
});

test('status bar: a large offset warns, re-measure, manual offset confirmed', async ({ page }) => {
  await openWithRunSignupAhead(page, 730);
  await expect.poll(async () => measures(await shownOffset(page), 0.73)).toBe(true);
  // The warning and the offset dialog say what the status bar shows (0.73 s, give or take).
  const behind = async () => `${(await shownOffset(page))!.offset.toFixed(2)} s behind`;
  await expect(page.getByTestId('clock-warning')).toContainText(await behind());
  // Re-measuring asks RunSignup again and still finds it.
  await page.getByRole('button', { name: 'Re-measure' }).click();
  await expect(page.getByTestId('notice')).toContainText('Saved: clock measured against RunSignup');
  expect(measures(await shownOffset(page), 0.73)).toBe(true);
  await expect(page.getByTestId('clock-warning')).toContainText(await behind());
  const measured = (await shownOffset(page))!.offset.toFixed(2);
  await page.getByRole('button', { name: 'Set offset…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clock offset to RunSignup' });
  await expect(dialog.locator('input[name=offset]')).toHaveValue(measured);
  await dialog.locator('input[name=offset]').fill('abc');
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(dialog.locator('.tone-error')).toContainText('seconds');
  await dialog.locator('input[name=offset]').fill('0.7');
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(page.getByTestId('offset-confirm')).toContainText('re-times EVERY entry');
  await page.screenshot({ path: 'test-results/screens/offset-confirm.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('status-clock')).toContainText('applied +0.70 s');
  // The applied offset covers the measured one: no warning left.
  await expect(page.getByTestId('clock-warning')).toHaveCount(0);
  await expect(page.getByTestId(`gun-${race.events[0]!.eventId}`)).toContainText('pressed here');
});

test('shared gun: the split station is told when the gun arrives from RunSignup', async ({
  browser,
}) => {
  shared = await startSharedRace(SEED, 2);
  const [finish, split] = [await browser.newPage(), await browser.newPage()];
  await setUpStation(finish, shared.stations[0]!.url, race.raceId, 'finish', 'Finish A');
  await setUpStation(split, shared.stations[1]!.url, race.raceId, 'split', 'Mile 1');
  await split.keyboard.press('F2');
  // The split serves the events passing its split; the first of them shows the notice.
  const splitEvent = race.events.find((e) => e.resultSets[0]?.splits.length)!;
  await fireGun(finish, shared.stations[0]!);
  await expect(finish.getByTestId(`gun-${splitEvent.eventId}`)).toContainText('pressed here');

  await expect(split.getByTestId('gun-notice')).toContainText(
    `Gun for ${splitEvent.name} changed (from RunSignup)`,
    { timeout: 20_000 },
  );
  await expect(split.getByTestId(`gun-${splitEvent.eventId}`)).toContainText('from RunSignup');
  await split.screenshot({ path: 'test-results/screens/status-clock-gun.png', fullPage: true });
  await split.getByRole('button', { name: 'Seen' }).click();
  await expect(split.getByTestId('gun-notice')).toBeHidden();
  await expect(bib(split)).toBeFocused();
  await finish.close();
  await split.close();
});
