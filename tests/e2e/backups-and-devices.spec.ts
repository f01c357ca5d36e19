// Setup's main-screen tools as a timer uses them: the backup list, a restore behind a confirming
// step (the file it replaces kept), the mirror folder, and pairing a second device with a link
// and a QR code, then revoking it; a paired device's Setup says these are the main screen's.
// Screenshots at 1366x768 and 1024x600 go to test-results/screens/.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { launchWebStation, type LaunchedStation } from '../../src-main/web/launch';
import { createPracticeRace } from '../../src-main/runsignup/emulator';
import { buildRenderer } from './support/renderer';
import { configureFinish } from './support/station';

const SEED = 3;
const race = createPracticeRace(SEED);
const bibs = race.participants
  .filter((p) => p.eventId === race.events[0]!.eventId && p.bib !== null)
  .map((p) => String(p.bib));
/** A documentation address (TEST-NET-1): shown in links, never connected to. */
const LAN = '192.0.2.10';

const cleanups: Array<() => Promise<void> | void> = [];
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tap(station: LaunchedStation, from: number, count: number, at: number) {
  for (let i = 0; i < count; i++) {
    const result = await station.service.command({
      type: 'tap',
      at: at + i * 1000,
      bib: bibs[from + i]!,
    });
    expect(result.ok).toBe(true);
  }
}

/**
 * A station whose data folder already holds a backup (gun + 3 finishes, taken when the first
 * run closed), now running again with 3 more finishes; listening beyond loopback so pairing
 * gives links (to a documentation address).
 */
async function stationWithBackup(): Promise<LaunchedStation> {
  const rendererDir = buildRenderer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chute-e2e-backups-'));
  cleanups.push(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(rendererDir, { recursive: true, force: true });
  });
  const options = { dataDir, rendererDir, port: 0, practiceSeed: SEED, syncIdlePollMs: 50 };
  const first = await launchWebStation(options);
  const details = await configureFinish(first);
  const now = Date.now();
  await first.service.command({
    type: 'gun',
    eventId: details.events[0]!.eventId,
    at: now - 1_800_000,
  });
  await tap(first, 0, 3, now - 120_000);
  await first.close();
  const station = await launchWebStation({
    ...options,
    host: '0.0.0.0',
    networkInterfaces: () => ({
      eth0: [
        {
          address: LAN,
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: `${LAN}/24`,
        },
      ],
    }),
  });
  cleanups.push(() => station.close());
  await tap(station, 3, 3, now - 60_000);
  return station;
}

async function openSetup(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'F1 Setup' }).click();
  await expect(page.getByRole('heading', { name: '1. Connection' })).toBeVisible();
}

async function screenshots(page: Page, name: string) {
  mkdirSync('test-results/screens', { recursive: true });
  for (const [width, height] of [
    [1366, 768],
    [1024, 600],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `test-results/screens/${name}-${width}x${height}.png` });
    // Nothing wider than the screen: no sideways scrolling at either size.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${name} at ${width}x${height} scrolls sideways`).toBeLessThanOrEqual(0);
  }
}

test('setup lists the backups and restores one after confirming, keeping the file it replaces', async ({
  page,
}) => {
  const station = await stationWithBackup();
  await openSetup(page, station.url);
  const backups = page.getByTestId('backups');
  await expect(backups).toContainText('the station file holds 7 entries');
  const row = backups.getByTestId('backup-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(race.name);
  await expect(row).toContainText('4'); // gun + three finishes
  await expect(row).toContainText('newest');
  await expect(row).toContainText('most entries');
  await expect(row).toContainText('this laptop');
  await backups.scrollIntoViewIfNeeded();

  await row.getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expect(dialog.getByTestId('restore-confirm-text')).toContainText(
    /4 entries.*\(7 entries\) is kept in the replaced folder/s,
  );
  await expect(dialog.getByTestId('restore-fewer')).toContainText('3 fewer entries');
  // Esc (or Cancel) changes nothing.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await row.getByRole('button', { name: 'Restore…' }).click();
  await screenshots(page, 'setup-restore-confirm');
  await dialog.getByRole('button', { name: 'Restore this backup' }).click();
  await expect(dialog).toBeHidden();
  await expect(backups.getByTestId('restore-outcome')).toContainText(
    /Restored .*4 entries.*\(7 entries\) is kept as .*replaced/,
  );
  await expect(backups).toContainText('the station file holds 4 entries');
  // The closing backup of the replaced file is listed too, and it holds the most entries.
  await expect(backups.getByTestId('backup-row').filter({ hasText: 'most entries' })).toContainText(
    '7',
  );
  const snapshot = await station.service.query({ type: 'snapshot' });
  expect(snapshot.crossings).toHaveLength(3);

  // The mirror folder: a missing one is refused with a sentence, an existing one is set.
  const mirror = page.locator('input[name=mirrorDir]');
  await mirror.fill('/no/such/stick');
  await page.getByRole('button', { name: 'Set mirror folder' }).click();
  await expect(page.getByRole('alert')).toContainText('There is no folder /no/such/stick');
  const stick = mkdtempSync(path.join(tmpdir(), 'chute-e2e-stick-'));
  cleanups.push(() => rmSync(stick, { recursive: true, force: true }));
  await mirror.fill(stick);
  await page.getByRole('button', { name: 'Set mirror folder' }).click();
  await expect(page.getByTestId('mirror-state')).toContainText(
    `Every backup is also copied to ${stick}`,
  );
  expect(readdirSync(stick)).toEqual([]); // filled by the next backup
  await page.getByTestId('backups').scrollIntoViewIfNeeded();
  await screenshots(page, 'setup-backups');
});

test('the main screen pairs a display with a link and a QR code and revokes it; the device may not', async ({
  page,
  context,
}) => {
  const station = await stationWithBackup();
  await openSetup(page, station.url);
  const devices = page.getByTestId('devices');
  // The Chute screen link printed at start is a paired device already.
  await expect(devices.getByTestId('device-row')).toHaveCount(1);
  await devices.locator('input[name=deviceName]').fill('Announcer');
  await devices.getByRole('button', { name: 'Pair a read-only display' }).click();
  const pairing = devices.getByTestId('pairing');
  await expect(
    pairing.getByRole('img', { name: /QR code of the link for Announcer/ }),
  ).toBeVisible();
  const link = (await pairing.getByTestId('pair-link').first().textContent()) ?? '';
  expect(link).toMatch(
    new RegExp(`^http://${LAN.replace(/\./g, '\\.')}:\\d+/\\?token=.+&screen=announcer$`),
  );
  await expect(devices.getByTestId('device-row')).toHaveCount(2);
  await pairing.scrollIntoViewIfNeeded();
  await screenshots(page, 'setup-pairing');

  // The display, opened with its own token, shows only the announcer's display: Setup's tools
  // (the main screen's) cannot even be reached, by tab or key.
  const token = new URL(link).searchParams.get('token')!;
  const display = await context.newPage();
  await display.goto(`${station.origin}/?token=${encodeURIComponent(token)}&screen=announcer`);
  await expect(display.getByTestId('announcer')).toBeVisible();
  await expect(display.getByRole('navigation', { name: 'screens' })).toHaveCount(0);
  await display.keyboard.press('F1');
  await expect(display.getByTestId('announcer')).toBeVisible();
  await expect(display.getByTestId('backups')).toHaveCount(0);
  await expect(display.getByTestId('devices')).toHaveCount(0);

  // Revoked: gone from the list, and its open screen loses the station at once.
  await devices
    .getByTestId('device-row')
    .filter({ hasText: 'Announcer' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(devices.getByTestId('device-row')).toHaveCount(1);
  await expect(pairing).toBeHidden();
  await expect(display.getByTestId('status-online')).toHaveText(
    /Station link lost|Connecting to station/,
  );
});
