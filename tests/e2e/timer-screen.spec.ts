// The timer's screen under pressure, on the real practice station: keys that cannot mark the
// wrong runner, dialogs that take one key, the clock and bib field always in view, small
// laptops, time-first, a clock per event, and the announcer's display. Screenshots of every
// screen at 1024×600 and 1366×768 go to test-results/screens.
import { expect, test, type Page } from '@playwright/test';
import { formatTimeOfDay } from '../../src-renderer/lib/format';
import { practiceRunners } from './support/practice-runners';
import { startStation, type E2eStation } from './support/station';
import { setUpStation } from './support/stations';

const SEED = 1;
const { race, fiveK, tenK, bibsOf, nameOf } = practiceRunners(SEED);

const SIZES = [
  { width: 1024, height: 600, rows: 5 },
  { width: 1366, height: 768, rows: 10 },
] as const;

const bib = (page: Page) => page.getByTestId('bib-input');
const rows = (page: Page) => page.locator('[data-testid=crossings] tbody tr[data-seq]');
const rowOfBib = (page: Page, b: number) =>
  rows(page).filter({ has: page.locator('td.cell-bib', { hasText: new RegExp(`^${b}$`) }) });
const notice = (page: Page) => page.getByTestId('notice');

const setUp = (page: Page, url: string, opts: { only?: number } = {}) =>
  setUpStation(page, url, race.raceId, 'finish', 'Finish A', opts.only);

/**
 * The gun key, then Enter: the gun for every event this station times. A pressed gun is taken
 * once the station has measured this screen's clock: wait for that first.
 */
async function gunByKey(page: Page) {
  const station = env!.station;
  await expect.poll(() => station.measuredScreens(), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.keyboard.press('F2');
  await expect(bib(page)).toBeFocused();
  await bib(page).press('g');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('input[name=gun-time]')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('race-clock')).not.toHaveText('NO GUN');
  await expect(bib(page)).toBeFocused();
}

/** A finish station timing every event, on a 1366×768 page, with its guns pressed. */
async function startTiming(page: Page) {
  await page.setViewportSize({ width: 1366, height: 768 });
  env = await startStation(SEED);
  await setUp(page, env.station.url);
  await gunByKey(page);
}

async function typeAndEnter(page: Page, b: number, key = 'Enter') {
  await bib(page).pressSequentially(String(b));
  await expect(page.getByTestId('lookup')).not.toContainText('…');
  await bib(page).press(key);
  await expect(notice(page)).toContainText(`Saved: bib ${b}`);
}

/** How many crossing rows are wholly inside the list's scroll box and the window. */
async function wholeRowsInView(page: Page): Promise<number> {
  return page.getByTestId('list-scroll').evaluate((box) => {
    const frame = box.getBoundingClientRect();
    const bottom = Math.min(frame.bottom, window.innerHeight);
    // The header sticks to the top of the box while the rows scroll under it.
    const head = box.querySelector('thead th')?.getBoundingClientRect().bottom ?? frame.top;
    return Array.from(box.querySelectorAll('tbody tr[data-seq]')).filter((tr) => {
      const r = tr.getBoundingClientRect();
      return r.top >= head - 1 && r.bottom <= bottom + 1;
    }).length;
  });
}

let env: E2eStation | null = null;
test.afterEach(async () => {
  await env?.close();
  env = null;
});

test('safe keys: the typed bib wins, a posted result waits for Enter, undo says what, ↑ B digits Enter', async ({
  page,
}) => {
  await startTiming(page);
  const [a, b, c, d, e] = bibsOf(fiveK.eventId) as [number, number, number, number, number];
  await typeAndEnter(page, a);
  await typeAndEnter(page, b);
  await expect(rowOfBib(page, a).locator('td.cell-sync')).toHaveText(/^(sent|verified ✓)$/, {
    timeout: 20_000,
  });

  // A clicked row, then a typed bib and F: the typed bib is marked, never the clicked row.
  await rowOfBib(page, a).click();
  await expect(rowOfBib(page, a)).toHaveClass(/row-selected/);
  await bib(page).pressSequentially(String(c));
  await bib(page).press('f');
  await expect(notice(page)).toContainText(`Saved: DNF bib ${c}`);
  await expect(bib(page)).toHaveValue('');
  await expect(rowOfBib(page, a).locator('td.cell-status')).toHaveText('');

  // Enter records the next runner and lets go of the selected row.
  await typeAndEnter(page, d);
  await expect(page.locator('[data-testid=crossings] tr.row-selected')).toHaveCount(0);

  // A stray Q under a posted bib: nothing is sent until Enter; Esc cancels.
  await bib(page).pressSequentially(String(a));
  await bib(page).press('q');
  const confirm = page.getByTestId('confirm');
  await expect(confirm).toContainText(`Bib ${a}'s result is on RunSignup`);
  await expect(confirm).toHaveClass(/tone-warn/);
  await expect(notice(page)).not.toContainText(`DQ bib ${a}`);
  await page.screenshot({ path: 'test-results/screens/timing-confirm-1366x768.png' });
  await bib(page).press('Escape');
  await expect(confirm).toBeHidden();
  await expect(notice(page)).toContainText(`Not sent: DQ bib ${a}`);
  await expect(rowOfBib(page, a).locator('td.cell-status')).toHaveText('');
  // The bib stays in the field (Enter would now record the runner); Q again, then Enter.
  await expect(bib(page)).toHaveValue(String(a));
  await bib(page).press('q');
  await expect(confirm).toBeVisible();
  await bib(page).press('Enter');
  await expect(notice(page)).toContainText(`Saved: DQ bib ${a}`);
  await expect(rowOfBib(page, a).locator('td.cell-status')).toContainText('DQ');
  // Undo names what it took back.
  await bib(page).press('Control+z');
  await expect(notice(page)).toContainText(`Undone: DQ bib ${a}`);
  await expect(rowOfBib(page, a).locator('td.cell-status')).toHaveText('');

  // Fix a bib: ↑ selects the newest crossing, B opens the dialog with the old bib selected,
  // the digits replace it, Enter saves.
  await bib(page).press('ArrowUp');
  await expect(rowOfBib(page, d)).toHaveClass(/row-selected/);
  await bib(page).press('b');
  const dialog = page.getByRole('dialog');
  await expect(dialog.locator('input')).toBeFocused();
  await page.keyboard.type(String(e));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(rowOfBib(page, e)).toHaveCount(1);
  await expect(rowOfBib(page, d)).toHaveCount(0);
  await expect(bib(page)).toBeFocused();

  // The bib search on Timing: bib, then / selects its crossing.
  await bib(page).pressSequentially(String(a));
  await bib(page).press('/');
  await expect(rowOfBib(page, a)).toHaveClass(/row-selected/);
  await expect(bib(page)).toHaveValue('');

  // A gun pressed here says so.
  await expect(page.getByTestId(`gun-${fiveK.eventId}`)).toContainText('pressed here');
});

test('a 5K-only station warns of a 10K bib as another event, and a voided row stays struck', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  env = await startStation(SEED);
  await setUp(page, env.station.url, { only: fiveK.eventId });
  await gunByKey(page);
  await expect(page.getByTestId(`clock-${tenK.eventId}`)).toHaveCount(0);
  const [t] = bibsOf(tenK.eventId) as [number];
  const [a] = bibsOf(fiveK.eventId) as [number];
  await bib(page).pressSequentially(String(t));
  const lookup = page.getByTestId('lookup');
  await expect(lookup).toContainText(nameOf(t));
  await expect(lookup).toContainText(tenK.name);
  await expect(lookup).toContainText('an event this station does not time');
  await expect(lookup).toHaveClass(/tone-warn/);
  await expect(lookup).not.toContainText('Unknown bib');
  await page.screenshot({ path: 'test-results/screens/timing-other-event-1366x768.png' });
  await bib(page).press('Enter');
  await expect(rowOfBib(page, t).locator('td.cell-status')).toHaveText('bib of another event');
  // Void it: the row stays, struck through, and says so.
  await bib(page).press('ArrowUp');
  await bib(page).press('v');
  await expect(notice(page)).toContainText(`Saved: void crossing`);
  await expect(rowOfBib(page, t)).toHaveClass(/row-voided/);
  await expect(rowOfBib(page, t).locator('td.cell-status')).toContainText('voided');
  await typeAndEnter(page, a);
  await expect(rowOfBib(page, a).locator('td.cell-place')).toHaveText('1');
});

test('a crossing voided on one screen is struck on another at once, and back on undo', async ({
  page,
  browser,
}) => {
  await startTiming(page);
  const [a, b, c] = bibsOf(fiveK.eventId) as [number, number, number];
  for (const x of [a, b, c]) await typeAndEnter(page, x);
  const other = await browser.newPage({ viewport: { width: 1024, height: 600 } });
  await other.goto(env!.station.url);
  await other.keyboard.press('F2');
  await expect(rowOfBib(other, c).locator('td.cell-place')).toHaveText('3');
  const snapshots = () => env!.station.service.query({ type: 'snapshot', limit: 1 });
  const before = (await snapshots()).journalLength;

  // Voided on the timer's screen (b, place 2): struck on the other, c moves up to place 2.
  await bib(page).pressSequentially(String(b));
  await bib(page).press('v');
  await expect(notice(page)).toContainText('Saved: void crossing');
  await expect(rowOfBib(other, b)).toHaveClass(/row-voided/);
  await expect(rowOfBib(other, b).locator('td.cell-status')).toContainText('voided');
  await expect(rowOfBib(other, c).locator('td.cell-place')).toHaveText('2');
  for (const size of SIZES) {
    await other.setViewportSize(size);
    await other.screenshot({
      path: `test-results/screens/timing-voided-elsewhere-${size.width}x${size.height}.png`,
    });
  }
  // Undone there: back in force here.
  await bib(page).press('Control+z');
  await expect(notice(page)).toContainText('Undone: void crossing');
  await expect(rowOfBib(other, b)).not.toHaveClass(/row-voided/);
  await expect(rowOfBib(other, c).locator('td.cell-place')).toHaveText('3');
  expect((await snapshots()).journalLength).toBe(before + 2);
  await other.close();
});

test('every screen at 1024×600 and 1366×768: clock, bib field, name and the rows in view', async ({
  page,
}) => {
  test.setTimeout(120_000);
  env = await startStation(SEED);
  await page.setViewportSize({ width: 1366, height: 768 });
  await setUp(page, env.station.url);
  await gunByKey(page);
  const fives = bibsOf(fiveK.eventId);
  for (const b of fives.slice(0, 14)) await typeAndEnter(page, b);
  // Two runners waiting for a bib in the chute list.
  await page.keyboard.press('F5');
  await page.getByTestId('chute-input').pressSequentially(String(fives[20]));
  await page.getByTestId('chute-input').press('Enter');
  await expect(page.getByTestId('chute-waiting')).toContainText(String(fives[20]));
  // Review scrolled to its end, then back to Timing: the clock and bib field are there.
  await page.keyboard.press('F3');
  await page.locator('main').evaluate((m) => m.scrollTo({ top: m.scrollHeight }));

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.keyboard.press('F2');
    await bib(page).pressSequentially(String(fives[15]));
    await expect(page.getByTestId('lookup')).toContainText(nameOf(fives[15]!));
    for (const id of ['race-clock', 'bib-input', 'lookup']) {
      await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
    }
    await expect(page.getByTestId('status-online')).toBeInViewport();
    expect(await wholeRowsInView(page)).toBeGreaterThanOrEqual(size.rows);
    await page.screenshot({ path: `test-results/screens/timing-${tag}.png` });
    // A row selected far back is scrolled into view, the field still in view.
    for (let i = 0; i < 13; i++) await bib(page).press('ArrowDown');
    const selected = page.locator('[data-testid=crossings] tr.row-selected');
    await expect(selected).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('bib-input')).toBeInViewport({ ratio: 1 });
    expect(await wholeRowsInView(page)).toBeGreaterThanOrEqual(size.rows);
    await page.screenshot({ path: `test-results/screens/timing-selected-${tag}.png` });
    await bib(page).press('Escape');
    await bib(page).press('Escape');
    // The status bar is one line; Details shows all of it.
    const bar = page.locator('footer.status-bar');
    const oneLine = await bar.evaluate((f) => f.getBoundingClientRect().height);
    expect(oneLine).toBeLessThan(60);

    for (const [key, name] of [
      ['F1', 'setup'],
      ['F3', 'review'],
      ['F4', 'results'],
      ['F5', 'chute'],
      ['F6', 'announcer'],
    ] as const) {
      await page.keyboard.press(key);
      await page.screenshot({ path: `test-results/screens/${name}-${tag}.png` });
      if (name === 'chute') {
        await expect(page.getByTestId('chute-input')).toBeInViewport({ ratio: 1 });
        await expect(page.getByTestId('chute-waiting').locator('li').first()).toBeInViewport({
          ratio: 1,
        });
        await expect(page.getByTestId('chute-recent').locator('li').first()).toBeInViewport({
          ratio: 1,
        });
      }
    }
    await page.keyboard.press('F2');
  }

  // Results: every event in one table with gender and age, a bib search, one CSV for all.
  await page.keyboard.press('F4');
  const results = page.getByTestId('results');
  await expect(results.locator('thead')).toContainText('Gender');
  await expect(results.locator('thead')).toContainText('Age');
  await expect(results.locator('thead')).toContainText('Event');
  // Age groups computed by Chute from age and gender, and said to be Chute's.
  await expect(page.getByTestId('age-group-heading')).toHaveText('Age group (Chute)');
  await expect(page.getByTestId('age-group-heading')).toHaveAttribute('title', /Computed by Chute/);
  const first = race.participants.find((p) => p.bib === fives[0])!;
  const band = Math.floor(first.age / 10) * 10;
  await expect(results.locator(`tr[data-bib="${fives[0]}"] td.cell-age-group`)).toHaveText(
    `${first.gender} ${band}-${band + 9}`,
  );
  await expect(results.locator('tr.results-group')).toHaveCount(2);
  await page.getByLabel('find bib').fill(String(fives[9]));
  await page.getByLabel('find bib').press('Enter');
  await expect(results.locator(`tr[data-bib="${fives[9]}"]`)).toHaveClass(/row-selected/);
  await expect(results.locator(`tr[data-bib="${fives[9]}"]`)).toBeInViewport();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  const csv = Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
  expect(csv.split('\r\n')[0]).toBe(
    'Event,Place,Bib,Name,Gender,Age,Age group (computed by Chute),AG place,Time,Status,Sync',
  );
  expect(csv).toContain(
    `${fiveK.name},1,${fives[0]},${nameOf(fives[0]!)},${first.gender},${first.age},` +
      `${first.gender} ${band}-${band + 9},1,`,
  );
  await page.getByRole('button', { name: fiveK.name, exact: true }).click();
  await expect(results.locator('tr.results-group')).toHaveCount(0);
  await expect(page.locator('.print-title')).toContainText(fiveK.name);
});

test('time-first: waiting crossings show their times, the next one is marked and kept on screen', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 600 });
  env = await startStation(SEED);
  await setUp(page, env.station.url);
  await gunByKey(page);
  const fives = bibsOf(fiveK.eventId);
  await bib(page).press('Space');
  await bib(page).press('Space');
  // Twelve runners with bibs after them (Shift+Enter: a new crossing while times wait).
  for (const b of fives.slice(0, 12)) await typeAndEnter(page, b, 'Shift+Enter');
  const next = page.locator('[data-testid=crossings] tr.row-next');
  await expect(next).toHaveCount(1);
  await expect(next).toBeInViewport({ ratio: 1 });
  await expect(next.locator('td.cell-time')).toHaveText(/^≈0:0\d:\d\d\.\d$/);
  await expect(next.locator('td.cell-place')).toHaveText('▶ next');
  await page.screenshot({ path: 'test-results/screens/timing-time-first-1024x600.png' });
  const firstSlot = await next.getAttribute('data-seq');
  await typeAndEnter(page, fives[20]!);
  await expect(rowOfBib(page, fives[20]!)).toHaveAttribute('data-seq', firstSlot ?? '');
  await expect(next).toBeInViewport({ ratio: 1 });
  expect(await next.getAttribute('data-seq')).not.toBe(firstSlot);
});

test('a clock per event: the 10K runs from its own gun', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  env = await startStation(SEED);
  await setUp(page, env.station.url);
  await page.keyboard.press('F2');
  // The 5K started ten minutes ago (typed); the 10K is pressed now.
  // Typed on the race's clock (the race's time zone), whatever the laptop's zone.
  const tenMinutesAgo = formatTimeOfDay(Date.now() - 10 * 60_000, 0, race.timeZone);
  await page.getByRole('button', { name: 'Type gun time…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('input[name=gun-time]').fill(tenMinutesAgo);
  await dialog.locator('select').selectOption(String(fiveK.eventId));
  await dialog.locator('input[name=gun-time]').press('Enter');
  await expect(dialog).toBeHidden();
  await expect.poll(() => env!.station.measuredScreens(), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'GUN', exact: true }).click();
  await dialog.locator('select').selectOption(String(tenK.eventId));
  await dialog.locator('input[name=gun-time]').press('Enter');
  await expect(dialog).toBeHidden();
  const clock = (id: number) => page.getByTestId(`clock-${id}`).locator('.clock-big');
  await expect(clock(fiveK.eventId)).toHaveText(/^0:(09:5\d|10:\d\d)\.\d$/);
  await expect(clock(tenK.eventId)).toHaveText(/^0:00:\d\d\.\d$/);
  await expect(page.getByTestId(`clock-${tenK.eventId}`)).toContainText(tenK.name);
  // Readable at arm's length: the digits are large.
  const px = await clock(tenK.eventId).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(px).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: 'test-results/screens/timing-two-clocks-1366x768.png' });
});

test('the announcer display shows each finisher, newest first, read-only', async ({
  page,
  browser,
}) => {
  await startTiming(page);
  const announcer = await browser.newPage({ viewport: { width: 1024, height: 600 } });
  await announcer.goto(`${env!.station.url}&screen=announcer`);
  await expect(announcer.getByTestId('announcer')).toContainText('Waiting for the first finisher');
  const [a, b] = bibsOf(fiveK.eventId) as [number, number];
  const [t] = bibsOf(tenK.eventId) as [number];
  await typeAndEnter(page, a);
  await typeAndEnter(page, t);
  await typeAndEnter(page, b);
  const newest = announcer.getByTestId('announcer-newest');
  await expect(newest).toContainText(nameOf(b));
  await expect(newest).toContainText(`Bib ${b}`);
  await expect(newest).toContainText(fiveK.name);
  await expect(newest).toContainText('Place 2');
  await expect(newest.locator('.announcer-time')).toHaveText(/^0:00:\d\d\.\d$/);
  await expect(announcer.getByTestId('announcer-list')).toContainText(nameOf(t));
  await expect(announcer.getByTestId('announcer-list')).toContainText(tenK.name);
  await announcer.screenshot({ path: 'test-results/screens/announcer-1024x600.png' });
  await announcer.close();
});
