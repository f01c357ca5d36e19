// Stations sharing a race, through real web stations and one practice RunSignup: a finish and a split station
// (two pages, two databases) on the same race, and a timer page with a chute page on one station
// merging times and bib order. RunSignup (the emulator) is the judge at the end.
import { expect, test, type Page } from '@playwright/test';
import { createPracticeRace } from '../../src-main/runsignup/emulator';
import { fireGun, normalValue } from './support/station';
import { setUpStation, startSharedRace, waitSynced, type SharedRace } from './support/stations';

const SEED = 5;
const race = createPracticeRace(SEED);
// The event a split station serves: the first with a split in its first result set.
const splitEvent = race.events.find((e) => (e.resultSets[0]?.splits.length ?? 0) > 0)!;
const resultSet = splitEvent.resultSets[0]!;
const splitKey = `split-${resultSet.splits[0]!.splitId}`;
const runners = race.participants
  .filter((p) => p.eventId === splitEvent.eventId && p.bib !== null)
  .map((p) => p.bib as number)
  .slice(0, 4);

const bib = (page: Page) => page.getByTestId('bib-input');
const cellOfBib = (page: Page, b: number, cell: string) =>
  page
    .locator('[data-testid=crossings] tbody tr[data-seq]')
    .filter({ has: page.locator('td.cell-bib', { hasText: new RegExp(`^${b}$`) }) })
    .locator(`td.${cell}`);

async function record(page: Page, b: number) {
  await bib(page).pressSequentially(String(b));
  await bib(page).press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${b}`);
}

let shared: SharedRace | null = null;
test.afterEach(async () => {
  await shared?.close();
  shared = null;
});

test('a finish station and a split station on one practice race: RunSignup gets both fields of every runner', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  shared = await startSharedRace(SEED, 2);
  const [finishStation, splitStation] = shared.stations as [
    (typeof shared.stations)[number],
    (typeof shared.stations)[number],
  ];
  const finish = await browser.newPage();
  const split = await browser.newPage();
  await setUpStation(finish, finishStation.url, race.raceId, 'finish', 'Finish A');
  await setUpStation(split, splitStation.url, race.raceId, 'split', 'Mile 1');

  // The finish fires the gun; the split station reads it from RunSignup and says so.
  await fireGun(finish, finishStation);
  await split.keyboard.press('F2');
  await expect(split.getByTestId(`gun-${splitEvent.eventId}`)).toContainText('from RunSignup', {
    timeout: 20_000,
  });
  await expect(split.getByTestId('gun-notice')).toContainText('from RunSignup');
  await expect(finish.getByTestId(`gun-${splitEvent.eventId}`)).toContainText('pressed here');

  // Each station knows its clock against RunSignup and can measure it again.
  await expect(split.getByTestId('status-clock')).toContainText(/Clock vs RunSignup: [+−]?\d/, {
    timeout: 20_000,
  });
  await finish.getByRole('button', { name: 'Re-measure' }).click();
  await expect(finish.getByTestId('notice')).toContainText('Saved: clock measured', {
    timeout: 20_000,
  });
  await expect(finish.getByTestId('status-clock')).toContainText(/Clock vs RunSignup: [+−]?\d/);
  await expect(bib(finish)).toBeFocused();

  // Runners pass the split, then the finish.
  for (const b of runners) await record(split, b);
  for (const b of runners) await record(finish, b);
  await waitSynced(split);
  await waitSynced(finish);
  await split.screenshot({ path: 'test-results/screens/station-split.png', fullPage: true });
  await finish.screenshot({ path: 'test-results/screens/station-finish.png', fullPage: true });

  const onScreen = async (page: Page) => {
    const out: Record<number, string> = {};
    for (const b of runners)
      out[b] = normalValue(await cellOfBib(page, b, 'cell-time').textContent());
    return out;
  };
  // A freshly saved row is drawn from the command's answer first and gets its time from the
  // next snapshot: wait until every runner shows a time before taking the screen as the truth.
  const allTimed = (times: Record<number, string>) =>
    runners.every((b) => /^\d+ms$/.test(times[b] ?? ''));
  await expect.poll(async () => allTimed(await onScreen(split))).toBe(true);
  await expect.poll(async () => allTimed(await onScreen(finish))).toBe(true);
  const splitTimes = await onScreen(split);
  const finishTimes = await onScreen(finish);
  await expect
    .poll(
      () => {
        const rows = shared!.emulator.results(resultSet.resultSetId);
        return runners.map((b) => {
          const row = rows.find((r) => r.bib === b);
          return {
            bib: b,
            finish: normalValue(String(row?.clock_time ?? '')),
            split: normalValue(String(row?.[splitKey] ?? '')),
          };
        });
      },
      { timeout: 20_000 },
    )
    .toEqual(runners.map((b) => ({ bib: b, finish: finishTimes[b], split: splitTimes[b] })));
  for (const b of runners) {
    expect(finishTimes[b]).toMatch(/ms$/);
    expect(splitTimes[b]).toMatch(/ms$/);
  }
  await finish.close();
  await split.close();
});

test('timer and chute on one station: times from one page, bib order from the other, merged in order', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  shared = await startSharedRace(SEED, 1);
  const station = shared.stations[0]!;
  const timer = await browser.newPage();
  await setUpStation(timer, station.url, race.raceId, 'finish', 'Finish A');
  await fireGun(timer, station);

  const chute = await browser.newPage();
  await chute.goto(station.url);
  await expect(chute.getByTestId('practice-badge')).toBeVisible();
  await chute.keyboard.press('F5');
  const chuteInput = chute.getByTestId('chute-input');
  await expect(chuteInput).toBeFocused();
  const [a, b, c, d] = runners as [number, number, number, number];

  // Two runners cross (timer: Space), then the chute types their bibs; the chute then runs
  // ahead: c and d are typed before their times, wait, and take the next two times.
  await bib(timer).press('Space');
  await bib(timer).press('Space');
  await expect(timer.locator('[data-testid=crossings] tbody tr[data-seq]')).toHaveCount(2);
  for (const x of [a, b, c, d]) {
    await chuteInput.pressSequentially(String(x));
    await chuteInput.press('Enter');
    await expect(chute.getByTestId('notice')).toContainText(`Saved: bib ${x} in order`);
  }
  await expect(chute.getByTestId('chute-waiting').locator('li')).toHaveCount(2);
  await expect(timer.getByTestId('waiting-bibs')).toContainText(`${c}, ${d}`);
  await chute.screenshot({ path: 'test-results/screens/chute-live.png', fullPage: true });
  await bib(timer).press('Space');
  await bib(timer).press('Space');
  await expect(chute.getByTestId('chute-waiting').locator('li')).toHaveCount(0);
  await expect(timer.getByTestId('waiting-bibs')).toBeHidden();
  await waitSynced(timer);
  await timer.screenshot({ path: 'test-results/screens/timer-with-chute.png', fullPage: true });

  // Crossing order on the timer's screen (newest first) is the chute's order reversed.
  const bibs = await timer
    .locator('[data-testid=crossings] tbody tr[data-seq] td.cell-bib')
    .evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));
  expect(bibs).toEqual([d, c, b, a].map(String));
  const times: Record<number, string> = {};
  // Each row gets its time from the snapshot after the merge: wait until all four show one.
  await expect
    .poll(async () => {
      for (const x of [a, b, c, d])
        times[x] = normalValue(await cellOfBib(timer, x, 'cell-time').textContent());
      return [a, b, c, d].every((x) => /^\d+ms$/.test(times[x] ?? ''));
    })
    .toBe(true);
  await expect
    .poll(
      () =>
        [a, b, c, d].map((x) => {
          const row = shared!.emulator.results(resultSet.resultSetId).find((r) => r.bib === x);
          return normalValue(String(row?.clock_time ?? ''));
        }),
      { timeout: 20_000 },
    )
    .toEqual([a, b, c, d].map((x) => times[x]));
  await timer.close();
  await chute.close();
});

test('line-up tools on a real station: bibs in order, a missed crossing inserted, a block shifted (a refusal first), the extra dropped; RunSignup ends equal to the screen', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  shared = await startSharedRace(SEED, 1);
  const page = await browser.newPage();
  await setUpStation(page, shared.stations[0]!.url, race.raceId, 'finish', 'Finish A');
  await fireGun(page, shared.stations[0]!);
  const [a, b, c] = runners as [number, number, number];
  const rows = page.locator('[data-testid=crossings] tbody tr[data-seq]:not(.row-voided)');
  const bibCells = () =>
    rows.locator('td.cell-bib').evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));

  // Three crossings timed, then the three bibs typed in order: they fill the times oldest first.
  for (let i = 0; i < 3; i++) await bib(page).press('Space');
  await expect(rows).toHaveCount(3);
  for (const x of [a, b, c]) {
    await bib(page).pressSequentially(String(x));
    await bib(page).press('Enter');
    await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${x} in order`);
  }
  await expect.poll(bibCells).toEqual([c, b, a].map(String));

  // One crossing was missed right after the gun: every bib sits one crossing late.
  await bib(page).press('i');
  const dialog = page.getByRole('dialog', { name: 'Insert a missing crossing' });
  await dialog.locator('input[name=insert-time]').fill('0:00:00.010');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(bibCells).toEqual([String(c), String(b), String(a), '— waiting']);

  await bib(page).press('ArrowDown');
  for (let i = 0; i < 3; i++) await bib(page).press('Shift+ArrowDown');
  await expect(page.getByTestId('row-actions')).toContainText('Block of 4 crossings');
  await bib(page).press(']');
  await expect(page.getByTestId('notice')).toContainText('NOT saved');
  await page.screenshot({ path: 'test-results/screens/lineup-refused.png', fullPage: true });
  await bib(page).press('[');
  await expect(page.getByTestId('notice')).toContainText('Saved: bibs of 4 crossings');
  await expect.poll(bibCells).toEqual(['— waiting', String(c), String(b), String(a)]);
  await bib(page).press('Escape');
  await bib(page).press('ArrowDown');
  await bib(page).press('v');
  // The dropped crossing stays listed, struck through, and counts no more.
  await expect(page.locator('[data-testid=crossings] tr.row-voided')).toHaveCount(1);
  await expect.poll(bibCells).toEqual([c, b, a].map(String));
  await waitSynced(page);
  await page.screenshot({ path: 'test-results/screens/lineup-real.png', fullPage: true });

  const times: Record<number, string> = {};
  const readTimes = async () => {
    for (const x of [a, b, c]) {
      times[x] = normalValue(await cellOfBib(page, x, 'cell-time').textContent());
    }
    return [a, b, c].map((x) => times[x]);
  };
  // The void re-places the race; its rows get their times from the next snapshot.
  await expect
    .poll(readTimes)
    .toEqual([
      expect.stringMatching(/^\d{1,3}ms$/),
      expect.stringMatching(/^\d+ms$/),
      expect.stringMatching(/^\d+ms$/),
    ]);
  await expect
    .poll(
      () =>
        [a, b, c].map((x) => {
          const row = shared!.emulator.results(resultSet.resultSetId).find((r) => r.bib === x);
          return normalValue(String(row?.clock_time ?? ''));
        }),
      { timeout: 20_000 },
    )
    .toEqual([a, b, c].map((x) => times[x]));
  await page.close();
});
