// Starts a real web station (H6's launchWebStation: the station service in practice mode with
// its in-process RunSignup emulator) serving this checkout's renderer, for e2e tests.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { launchWebStation, type LaunchedStation } from '../../../src-main/web/launch';
import { parseTimeValue } from '../../../src-main/runsignup/emulator/time';
import { buildRenderer } from './renderer';

const root = path.resolve(import.meta.dirname, '../../..');

export interface E2eStation {
  station: LaunchedStation;
  close(): Promise<void>;
}

export async function startStation(practiceSeed = 1): Promise<E2eStation> {
  const rendererDir = buildRenderer();
  for (const f of ['index.html', 'styles.css']) {
    copyFileSync(path.join(root, 'src-renderer', f), path.join(rendererDir, f));
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chute-e2e-data-'));
  const station = await launchWebStation({
    dataDir,
    rendererDir,
    port: 0,
    practiceSeed,
    syncIdlePollMs: 50,
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
