// Several web stations on ONE practice race (W2-B's `practiceEmulator`): one emulator started
// here, each station with its own database, all serving this checkout's renderer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { launchWebStation, type LaunchedStation } from '../../../src-main/web/launch';
import { buildRenderer } from './renderer';

export interface SharedRace {
  emulator: RunningEmulator;
  stations: LaunchedStation[];
  close(): Promise<void>;
}

export async function startSharedRace(seed: number, count: number): Promise<SharedRace> {
  const rendererDir = buildRenderer();
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed });
  const dirs: string[] = [];
  const stations: LaunchedStation[] = [];
  const close = async () => {
    for (const s of stations) await s.close();
    await emulator.close();
    for (const d of [...dirs, rendererDir]) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = mkdtempSync(path.join(tmpdir(), `chute-e2e-station${i}-`));
      dirs.push(dataDir);
      stations.push(
        await launchWebStation({
          dataDir,
          rendererDir,
          port: 0,
          syncIdlePollMs: 50,
          gunPollMs: 250,
          practiceEmulator: emulator,
        }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { emulator, stations, close };
}

/** Sets a station up through its Setup screen: practice race, role, name. */
export async function setUpStation(
  page: Page,
  url: string,
  raceId: number,
  role: 'finish' | 'split',
  name: string,
  /** Time only this event (the others' boxes unticked). */
  onlyEventId?: number,
): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('practice-badge')).toBeVisible();
  await page.keyboard.press('F1');
  await page.getByLabel('Practice race (no internet needed)').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Load my races' }).click();
  await page.locator('select[name=race]').selectOption({ value: String(raceId) });
  await expect(page.locator('select[name=role]')).toBeVisible();
  if (onlyEventId !== undefined) {
    for (const box of await page.locator('fieldset.events input[type=checkbox]').all()) {
      const mine = (await box.getAttribute('name')) === `event-${onlyEventId}`;
      if (mine !== (await box.isChecked())) await box.click();
    }
  }
  if (role === 'split') {
    const option = page.locator('select[name=role] option', { hasText: 'Split:' }).first();
    await page
      .locator('select[name=role]')
      .selectOption((await option.getAttribute('value')) ?? '');
  }
  await page.locator('input[name=stationName]').fill(name);
  await page.getByRole('button', { name: 'Save station setup' }).click();
  await expect(page.getByTestId('current-setup')).toContainText(name);
}

export /** Every runner sent or verified: none saved, sending, in conflict or needing attention. */
const SYNCED_COUNTS = /^\d+ runners?: (\d+ sent · )?\d+ verified ✓$/;

export async function waitSynced(page: Page): Promise<void> {
  await expect(page.getByTestId('status-counts')).toHaveText(SYNCED_COUNTS, {
    timeout: 20_000,
  });
}
