// The Electron main process with a recording stand-in for the `electron` module (no binary on
// the build machines): the single-instance lock comes before the database, the window gets the
// secure preferences, IPC checks its sender and its body, foreign navigation is refused, and
// the app protocol serves only the renderer with the CSP.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../support/poll';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';
import { openStationCore } from '../../../src-main/core/station-core';
import { readStationFileInfo } from '../../../src-main/db';
import { setUpFinishOf5K } from '../../integration/core/helpers';

type Handler = (...args: unknown[]) => unknown;

interface FakeElectron {
  module: Record<string, unknown>;
  appHandlers: Map<string, Handler>;
  ipc: Map<string, Handler>;
  windows: Array<{ options: Record<string, unknown>; url: string | null }>;
  protocolHandler: ((request: { url: string }) => Promise<Response>) | null;
  schemes: unknown[];
  lockCalls: Array<{ databaseExisted: boolean }>;
  quit: ReturnType<typeof vi.fn>;
  ready: Promise<void>;
  sent: unknown[];
}

/** `answer`: the button the timer presses in a message box (0: the first). */
function fakeElectron(dataDir: string, lock: boolean, answer = 0): FakeElectron {
  const fake: FakeElectron = {
    module: {},
    appHandlers: new Map(),
    ipc: new Map(),
    windows: [],
    protocolHandler: null,
    schemes: [],
    lockCalls: [],
    quit: vi.fn(),
    ready: Promise.resolve(),
    sent: [],
  };
  const mainFrame = { url: 'chute://app/index.html' };
  class BrowserWindow {
    webContents = {
      id: 1,
      mainFrame,
      send: (_channel: string, event: unknown) => fake.sent.push(event),
      isDestroyed: () => false,
    };
    private record: { options: Record<string, unknown>; url: string | null };
    constructor(options: Record<string, unknown>) {
      this.record = { options, url: null };
      fake.windows.push(this.record);
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() {
      return false;
    }
    async loadURL(url: string) {
      this.record.url = url;
    }
  }
  fake.module = {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: () => {
        fake.lockCalls.push({ databaseExisted: existsSync(path.join(dataDir, 'station.sqlite')) });
        return lock;
      },
      on: (name: string, handler: Handler) => fake.appHandlers.set(name, handler),
      whenReady: () => fake.ready,
      getPath: () => dataDir,
      getAppPath: () => dataDir,
      quit: fake.quit,
      exit: vi.fn(),
      relaunch: vi.fn(),
    },
    BrowserWindow,
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: 0 })),
      showMessageBoxSync: vi.fn(() => answer),
      showErrorBox: vi.fn(),
    },
    ipcMain: { handle: (channel: string, handler: Handler) => fake.ipc.set(channel, handler) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 1), stop: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => fake.schemes.push(...s),
      handle: (_scheme: string, handler: FakeElectron['protocolHandler']) => {
        fake.protocolHandler = handler;
      },
    },
    session: {
      defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    },
    shell: { openPath: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
    },
  };
  return fake;
}

const dirs: string[] = [];
afterEach(() => {
  delete process.env.CHUTE_DATA_DIR;
  vi.doUnmock('electron');
  vi.resetModules();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function loadMain(
  lock: boolean,
  prepare: (dataDir: string) => void | Promise<void> = () => {},
  answer = 0,
): Promise<{ fake: FakeElectron; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chute-main-'));
  dirs.push(dataDir);
  await prepare(dataDir);
  process.env.CHUTE_DATA_DIR = dataDir;
  const fake = fakeElectron(dataDir, lock, answer);
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  await import('../../../src-main/electron/main');
  return { fake, dataDir };
}

const trustedEvent = (url = 'chute://app/index.html') => {
  const frame = { url };
  return { sender: { id: 1, mainFrame: frame }, senderFrame: frame };
};

describe('Electron main glue', () => {
  it('takes the single-instance lock before the database exists, then runs the station', async () => {
    const { fake, dataDir } = await loadMain(true);
    await waitFor(() => fake.windows.length, { what: 'the window opened', until: (n) => n === 1 });
    expect(fake.lockCalls).toEqual([{ databaseExisted: false }]);
    expect(existsSync(path.join(dataDir, 'station.sqlite'))).toBe(true);
    expect(fake.schemes).toMatchObject([{ scheme: 'chute', privileges: { standard: true } }]);

    const [win] = fake.windows;
    expect(win!.url).toBe('chute://app/index.html');
    expect(win!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
    });

    // IPC: our main frame is served; anyone else is refused; junk is explained.
    const query = fake.ipc.get('chute:query')!;
    const command = fake.ipc.get('chute:command')!;
    const snapshot = (await query(trustedEvent(), { type: 'snapshot' })) as {
      ok: boolean;
      result: { mode: string };
    };
    expect(snapshot).toMatchObject({ ok: true, result: { mode: 'practice' } });
    const otherWindow = { ...trustedEvent(), sender: { id: 2, mainFrame: {} } };
    expect(await query(otherWindow, { type: 'snapshot' })).toEqual({
      ok: false,
      error: 'This window may not talk to the station.',
    });
    const subFrame = trustedEvent();
    subFrame.senderFrame = { url: 'chute://app/index.html' };
    expect(await command(subFrame, { type: 'undo' })).toMatchObject({ ok: false });
    expect(await command(trustedEvent('https://evil.example/'), { type: 'undo' })).toMatchObject({
      ok: false,
    });
    expect(await command(trustedEvent(), { type: 'tap', at: 'soon' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/did not understand the command/),
    });
    // No encryption on this "OS": credentials stay in memory and the timer is told so.
    const dialog = fake.module.dialog as { showMessageBox: ReturnType<typeof vi.fn> };
    expect(dialog.showMessageBox).toHaveBeenCalledOnce();

    // Navigation, new windows and webviews are refused for every web contents.
    const contentsHandlers = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    fake.appHandlers.get('web-contents-created')!(
      {},
      {
        on: (name: string, handler: Handler) => contentsHandlers.set(name, handler),
        setWindowOpenHandler: (handler: Handler) => {
          openHandler = handler;
        },
      },
    );
    const prevent = vi.fn();
    contentsHandlers.get('will-navigate')!({ preventDefault: prevent }, 'https://evil.example/');
    contentsHandlers.get('will-redirect')!({ preventDefault: prevent }, 'file:///etc/passwd');
    contentsHandlers.get('will-attach-webview')!({ preventDefault: prevent });
    expect(prevent).toHaveBeenCalledTimes(3);
    contentsHandlers.get('will-navigate')!({ preventDefault: prevent }, 'chute://app/index.html');
    expect(prevent).toHaveBeenCalledTimes(3);
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    // The app protocol refuses anything outside the renderer folder.
    const outside = await fake.protocolHandler!({ url: 'chute://app/%2e%2e/%2e%2e/package.json' });
    expect(outside.status).toBe(404);
    const foreign = await fake.protocolHandler!({ url: 'chute://elsewhere/index.html' });
    expect(foreign.status).toBe(404);

    // Quitting closes the station before the process goes.
    const quitEvent = { preventDefault: vi.fn() };
    fake.appHandlers.get('will-quit')!(quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    await waitFor(() => fake.quit.mock.calls.length, { what: 'app.quit()', until: (n) => n > 0 });
  });

  /** An empty station file beside a backup that holds a race: the start is refused. */
  const emptiedOverABackup = (dir: string) => {
    const setUp = setUpFinishOf5K(
      openStationCore({
        dbPath: path.join(dir, 'station.sqlite'),
        readBackClearsIn: READ_BACK_CLEARS_IN,
      }),
    );
    return setUp.close().then(() => writeFileSync(path.join(dir, 'station.sqlite'), ''));
  };
  type Dialogs = {
    showErrorBox: ReturnType<typeof vi.fn>;
    showMessageBoxSync: ReturnType<typeof vi.fn>;
  };
  type App = { exit: ReturnType<typeof vi.fn>; relaunch: ReturnType<typeof vi.fn> };

  it('shows a start failure in a native dialog and offers the fullest backup; restoring starts again', async () => {
    const { fake, dataDir } = await loadMain(true, emptiedOverABackup, 0);
    const dialog = fake.module.dialog as Dialogs;
    const app = fake.module.app as App;
    await waitFor(() => app.exit.mock.calls.length, { what: 'app.exit()', until: (n) => n > 0 });
    expect(dialog.showMessageBoxSync).toHaveBeenCalledWith(
      expect.objectContaining({
        title: 'Chute could not start',
        message: expect.stringMatching(/station\.sqlite is empty.*desktop app offers the fullest/),
        detail: expect.stringMatching(/The fullest backup: .*entries\. Restoring it keeps/),
        buttons: ['Restore this backup and start', 'Quit'],
      }),
    );
    expect(fake.windows).toHaveLength(0);
    // The set-up race is back (the empty file had none).
    expect(readStationFileInfo(path.join(dataDir, 'station.sqlite')).race).not.toBeNull();
    expect(readdirSync(path.join(dataDir, 'replaced'))).toHaveLength(1); // the empty file, kept
    expect(app.relaunch).toHaveBeenCalledOnce();
    expect(app.exit).toHaveBeenCalledWith(0);
  });

  it('quitting from that dialog changes nothing', async () => {
    const { fake, dataDir } = await loadMain(true, emptiedOverABackup, 1);
    const app = fake.module.app as App;
    await waitFor(() => app.exit.mock.calls.length, { what: 'app.exit()', until: (n) => n > 0 });
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(app.relaunch).not.toHaveBeenCalled();
    expect(readFileSync(path.join(dataDir, 'station.sqlite'))).toHaveLength(0);
    expect(existsSync(path.join(dataDir, 'backups'))).toBe(true);
  });

  it('a start failure with no backup to offer is shown in an error box as well as the log', async () => {
    const { fake } = await loadMain(true, (dir) =>
      writeFileSync(path.join(dir, 'station.sqlite'), Buffer.alloc(8192, 0x41)),
    );
    const dialog = fake.module.dialog as Dialogs;
    await waitFor(() => dialog.showErrorBox.mock.calls.length, {
      what: 'the error dialog',
      until: (n) => n > 0,
    });
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'Chute could not start',
      expect.stringMatching(/station\.sqlite is damaged.*npm run restore/),
    );
    expect(dialog.showMessageBoxSync).not.toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
  });

  it('quits without touching the database when another Chute holds the lock', async () => {
    const { fake, dataDir } = await loadMain(false);
    expect(fake.quit).toHaveBeenCalledOnce();
    await Promise.resolve();
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipc.size).toBe(0);
    expect(existsSync(path.join(dataDir, 'station.sqlite'))).toBe(false);
  });
});
