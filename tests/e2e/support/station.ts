// Starts a real web station (launchWebStation: the station service in practice mode with
// its in-process RunSignup emulator) serving this checkout's renderer, for e2e tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import {
  launchWebStation,
  type LaunchedStation,
  type LaunchOptions,
} from '../../../src-main/web/launch';
import { parseTimeValue } from '../../../src-main/runsignup/emulator/time';
import { buildRenderer } from './renderer';

export interface E2eStation {
  station: LaunchedStation;
  close(): Promise<void>;
}

/** `practiceEmulator`: a practice RunSignup the test started (and closes after the station). */
export async function startStation(
  practiceSeed = 1,
  options: Pick<LaunchOptions, 'practiceEmulator' | 'syncAuditEveryMs'> = {},
): Promise<E2eStation> {
  const rendererDir = buildRenderer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chute-e2e-data-'));
  const station = await launchWebStation({
    dataDir,
    rendererDir,
    port: 0,
    practiceSeed,
    syncIdlePollMs: 50,
    ...options,
  });
  return {
    station,
    async close() {
      await station.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(rendererDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sets the station up as a finish line timing every event of the practice race, through the
 * station's own API (the Setup screen's path is a test of its own), and returns the race.
 */
export async function configureFinish(station: LaunchedStation, stationName = 'Finish A') {
  const emulator = station.emulator;
  if (!emulator) throw new Error('the station runs no practice RunSignup');
  const details = await station.service.query({
    type: 'raceDetails',
    raceId: emulator.practice.raceId,
  });
  const result = await station.service.command({
    type: 'configure',
    raceId: details.raceId,
    eventIds: details.events.map((e) => e.eventId),
    role: { kind: 'finish' },
    stationName,
  });
  if (!result.ok) throw new Error(`configure: ${result.error}`);
  return details;
}

/** Sets the station up as a finish line (`configureFinish`) and opens its Timing screen. */
export async function openTiming(page: Page, station: LaunchedStation): Promise<void> {
  await configureFinish(station);
  await page.goto(station.url);
  await expect(page.getByTestId('practice-badge')).toBeVisible();
  await page.keyboard.press('F2');
  await expect(page.getByTestId('bib-input')).toBeFocused();
}

/**
 * Fires the gun of every event from the Timing screen, as a timer does at the start. A pressed
 * gun is on the screen's clock, so the station takes it only once it has measured that clock:
 * wait for the measurement first (its first pings can be answered too slowly while the page is
 * still busy loading, and the next round comes seconds later).
 */
export async function fireGun(page: Page, station: LaunchedStation): Promise<void> {
  await expect
    .poll(() => station.measuredScreens(), {
      message: "the station measured this screen's clock",
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await page.keyboard.press('F2');
  await page.getByRole('button', { name: 'GUN', exact: true }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.getByRole('button', { name: 'Set gun' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByTestId('race-clock')).not.toHaveText('NO GUN');
  await expect(page.getByTestId('bib-input')).toBeFocused();
}

/** A time or status as both sides can be compared: ms for a time, the word for a status. */
export function normalValue(text: string | null | undefined): string {
  const t = (text ?? '').trim();
  if (t === '') return '';
  const v = parseTimeValue(t);
  if (!v) return `?${t}`;
  if (v.kind === 'time') return `${v.ms}ms`;
  if (v.kind === 'status') return v.status;
  return 'X';
}

/** The cells of a table's body rows, as text. */
export async function tableRows(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
    );
}
