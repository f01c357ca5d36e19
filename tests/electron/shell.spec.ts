// The Electron shell end to end. Runs only where an Electron binary is installed (the build
// machines install with ELECTRON_SKIP_BINARY_DOWNLOAD=1): elsewhere every test is SKIPPED with
// the reason, never reported as passed.
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { electronBinary, NO_ELECTRON_REASON } from './electron-binary';

// Playwright runs from the repository root.
const root = process.cwd();
const mainBundle = path.join(root, 'dist', 'electron', 'main.cjs');

const binary = electronBinary();
test.skip(binary === null, NO_ELECTRON_REASON);
test.skip(
  !existsSync(mainBundle),
  'SKIPPED: dist/electron/main.cjs is missing; run `npm run build`.',
);

let app: ElectronApplication;
let dataDir: string;

test.beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'chute-electron-'));
  app = await electron.launch({
    executablePath: binary!,
    args: [mainBundle, '--no-sandbox'],
    env: { ...process.env, CHUTE_DATA_DIR: dataDir },
  });
});

test.afterEach(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the window is isolated: only window.chute, no Node, strict prefs', async () => {
  const page = await app.firstWindow();
  await expect(page).toHaveURL(/^chute:\/\/app\//);
  const exposed = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const chute = w.chute as Record<string, unknown> | undefined;
    return {
      keys: chute ? Object.keys(chute).sort() : [],
      require: typeof w.require,
      process: typeof w.process,
      ipc: chute ? 'ipcRenderer' in chute : false,
    };
  });
  expect(exposed).toEqual({
    keys: ['command', 'query', 'subscribe'],
    require: 'undefined',
    process: 'undefined',
    ipc: false,
  });
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const win = BrowserWindow.getAllWindows()[0]!;
    // Undocumented but present: the preferences the page actually got.
    const contents = win.webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown> | null;
    };
    const p = contents.getLastWebPreferences();
    return {
      contextIsolation: p?.contextIsolation,
      sandbox: p?.sandbox,
      nodeIntegration: p?.nodeIntegration,
      webSecurity: p?.webSecurity,
    };
  });
  expect(prefs).toEqual({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
  });
});

test('navigation and new windows are denied', async () => {
  const page = await app.firstWindow();
  const before = page.url();
  const opened = await page.evaluate(() => window.open('https://example.com') === null);
  expect(opened).toBe(true);
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await expect.poll(() => page.url()).toBe(before);
  expect(app.windows()).toHaveLength(1);
});

test('practice mode: configure and a tap through the bridge land in the snapshot', async () => {
  const page = await app.firstWindow();
  const outcome = await page.evaluate(async () => {
    type Bridge = { command(c: unknown): Promise<unknown>; query(q: unknown): Promise<unknown> };
    const chute = (window as unknown as { chute: Bridge }).chute;
    const before = (await chute.query({ type: 'snapshot' })) as { mode: string };
    const races = (await chute.query({ type: 'races' })) as Array<{ raceId: number }>;
    const details = (await chute.query({ type: 'raceDetails', raceId: races[0]!.raceId })) as {
      raceId: number;
      events: Array<{ eventId: number }>;
    };
    const configured = await chute.command({
      type: 'configure',
      raceId: details.raceId,
      eventIds: [details.events[0]!.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish',
    });
    const tap = await chute.command({ type: 'tap', at: Date.now() });
    const after = (await chute.query({ type: 'snapshot' })) as { crossings: unknown[] };
    const refused = await chute.command({ type: 'drop-table' }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    return { mode: before.mode, configured, tap, crossings: after.crossings.length, refused };
  });
  expect(outcome.mode).toBe('practice');
  expect(outcome.configured).toMatchObject({ ok: true });
  expect(outcome.tap).toMatchObject({ ok: true });
  expect(outcome.crossings).toBe(1);
  expect(outcome.refused).toMatch(/did not understand/);
});
