// Paired second devices open on their own screen only: a read-only display on the announcer's
// display, a Chute-screen device on the Chute screen, with no tabs and no keys that would send
// what their token may not (the host refuses those anyway). Screenshots of both at 1024×600 and
// 1366×768 go to test-results/screens.
import { expect, test, type Page } from '@playwright/test';
import { openSocket, request } from '../integration/web/support';
import { practiceRunners } from './support/practice-runners';
import { startStation, type E2eStation } from './support/station';
import { setUpStation } from './support/stations';

const SEED = 1;
const { race, fiveK, bibsOf, nameOf } = practiceRunners(SEED);

const SIZES = [
  { width: 1024, height: 600 },
  { width: 1366, height: 768 },
] as const;

let env: E2eStation | null = null;
test.afterEach(async () => {
  await env?.close();
  env = null;
});

/** Pairs a device from the main screen's socket (as Setup's pairing does) and returns its token. */
async function pair(station: E2eStation['station'], role: 'chute' | 'display'): Promise<string> {
  const main = await openSocket(station);
  try {
    const answer = await request(main, { kind: 'host', body: { type: 'pairDevice', role } });
    expect(answer).toMatchObject({ ok: true });
    return (answer as { result: { token: string } }).result.token;
  } finally {
    main.ws.close();
  }
}

/** A finish station set up on the main page, and a device of `role` paired with it. */
async function stationWithDevice(page: Page, role: 'chute' | 'display'): Promise<string> {
  await page.setViewportSize({ width: 1366, height: 768 });
  env = await startStation(SEED);
  await setUpStation(page, env.station.url, race.raceId, 'finish', 'Finish A');
  return pair(env.station, role);
}

const journalLength = async () =>
  (await env!.station.service.query({ type: 'snapshot', limit: 1 })).journalLength;

/** Keys a timer uses on the main screen: on a device they must change nothing. */
async function pressTimerKeys(page: Page) {
  for (const key of ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'Alt+2', 'g', 'Space', '*']) {
    await page.keyboard.press(key);
  }
  await page.keyboard.type('12');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('q');
}

test('a read-only device opens on the announcer display only: no tabs, no keys that send', async ({
  page,
  browser,
}) => {
  const token = await stationWithDevice(page, 'display');
  // The device's link names its screen; the same token without it still opens there.
  for (const link of [`/?token=${token}&screen=announcer`, `/?token=${token}`]) {
    const display = await browser.newPage({ viewport: SIZES[0] });
    await display.goto(`${env!.station.origin}${link}`);
    await expect(display.getByTestId('announcer')).toBeVisible();
    await expect(display.getByTestId('device-title')).toHaveText(
      'Paired device: announcer display (read-only)',
    );
    await expect(display.getByRole('navigation', { name: 'screens' })).toHaveCount(0);
    await expect(display.getByRole('button', { name: 'Re-measure' })).toHaveCount(0);
    await expect(display.getByRole('button', { name: 'Set offset…' })).toHaveCount(0);
    const before = await journalLength();
    await pressTimerKeys(display);
    await expect(display.getByTestId('announcer')).toBeVisible();
    await expect(display.getByTestId('bib-input')).toHaveCount(0);
    expect(await journalLength()).toBe(before);
    await display.close();
  }

  // A finisher recorded on the main screen shows on the display.
  const display = await browser.newPage({ viewport: SIZES[0] });
  await display.goto(`${env!.station.origin}/?token=${token}&screen=announcer`);
  await expect(display.getByTestId('announcer')).toContainText('Waiting for the first finisher');
  await page.keyboard.press('F2');
  const [a] = bibsOf(fiveK.eventId) as [number];
  await page.getByTestId('bib-input').pressSequentially(String(a));
  await page.getByTestId('bib-input').press('Enter');
  await expect(display.getByTestId('announcer-newest')).toContainText(nameOf(a));
  for (const size of SIZES) {
    await display.setViewportSize(size);
    await display.screenshot({
      path: `test-results/screens/device-announcer-${size.width}x${size.height}.png`,
    });
  }
  await display.close();
  // The main screen keeps every tab.
  await expect(page.getByRole('navigation', { name: 'screens' })).toBeVisible();
});

test('a Chute-screen device shows the Chute screen only and sends the bib order', async ({
  page,
  browser,
}) => {
  const token = await stationWithDevice(page, 'chute');
  const chute = await browser.newPage({ viewport: SIZES[0] });
  await chute.goto(`${env!.station.origin}/?token=${token}&screen=chute`);
  const input = chute.getByTestId('chute-input');
  await expect(input).toBeFocused();
  await expect(chute.getByTestId('device-title')).toHaveText('Paired device: Chute screen');
  await expect(chute.getByRole('navigation', { name: 'screens' })).toHaveCount(0);
  await expect(chute.locator('.chute-hint')).not.toContainText('F5');
  for (const key of ['F1', 'F2', 'F3', 'F4', 'F6', 'Alt+2']) await chute.keyboard.press(key);
  await expect(input).toBeVisible();
  await expect(chute.getByTestId('bib-input')).toHaveCount(0);

  const [a] = bibsOf(fiveK.eventId) as [number];
  await input.pressSequentially(String(a));
  await expect(chute.getByTestId('chute-lookup')).toContainText(nameOf(a));
  await input.press('Enter');
  await expect(chute.getByTestId('notice')).toContainText(`Saved: bib ${a} in order`);
  await expect(chute.getByTestId('chute-waiting')).toContainText(String(a));
  for (const size of SIZES) {
    await chute.setViewportSize(size);
    await chute.screenshot({
      path: `test-results/screens/device-chute-${size.width}x${size.height}.png`,
    });
  }
  await chute.close();
});
