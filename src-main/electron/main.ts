// Electron main: thin glue between Electron and the station service. Every decision lives in a
// pure module next to this one (web-preferences, navigation, ipc, menu, secrets-policy, power).
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  powerSaveBlocker,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { composeStationService } from '../app/compose';
import { contentSecurityPolicy, securityHeaders } from '../app/csp';
import { errorText } from '../app/dispatch';
import type { StationService } from '../app/service';
import {
  adoptOtherShellData,
  currentContext,
  otherShellDataDirs,
  refuseUnreachableDataDir,
  restoreBackup,
  stationDataDir,
  useSqliteBinding,
} from '../db';
import { contentTypeFor } from '../app/static-files';
import {
  IPC_COMMAND,
  IPC_EVENT,
  IPC_QUERY,
  isTrustedSender,
  parseIpcCommand,
  parseIpcQuery,
  type IpcAnswer,
} from './ipc';
import { applicationMenu, type MenuItemSpec } from './menu';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  isNavigationAllowed,
  resolveAppRequest,
  windowOpenDecision,
} from './navigation';
import { wantsSleepBlock } from './power';
import { safeStorageSecretStore } from './secret-store';
import { secureWebPreferences } from './web-preferences';
import { electronSqliteBinding } from './sqlite-binding';
import { restoreOffer } from './start-failure';

const devTools = process.env.CHUTE_DEVTOOLS === '1' || !app.isPackaged;
const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');
const csp = contentSecurityPolicy();

// Must run before `ready`: the renderer's own scheme, treated like https (secure, standard).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);

let win: BrowserWindow | null = null;
let service: StationService | null = null;
let sleepBlocker: number | null = null;

function log(line: string): void {
  console.log(`[chute] ${line}`);
}

function denyEverythingForeign(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => windowOpenDecision());
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(rendererDir, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...securityHeaders(csp), 'Content-Type': contentTypeFor(file) },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(
    {
      webContentsId: event.sender.id,
      isMainFrame: frame !== null && frame === event.sender.mainFrame,
      frameUrl: frame?.url ?? null,
    },
    win?.webContents.id ?? null,
  );
}

const UNTRUSTED: IpcAnswer = { ok: false, error: 'This window may not talk to the station.' };

function handleIpc(): void {
  ipcMain.handle(IPC_COMMAND, async (event, body: unknown): Promise<IpcAnswer> => {
    if (!trusted(event) || service === null) return UNTRUSTED;
    const parsed = parseIpcCommand(body);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, result: await service.command(parsed.value) };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  });
  ipcMain.handle(IPC_QUERY, async (event, body: unknown): Promise<IpcAnswer> => {
    if (!trusted(event) || service === null) return UNTRUSTED;
    const parsed = parseIpcQuery(body);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, result: await service.query(parsed.value) };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  });
}

async function updateSleepBlock(): Promise<void> {
  if (service === null) return;
  const snapshot = await service.query({ type: 'snapshot', limit: 1 });
  const want = wantsSleepBlock(snapshot);
  if (want && sleepBlocker === null) {
    sleepBlocker = powerSaveBlocker.start('prevent-display-sleep');
  } else if (!want && sleepBlocker !== null) {
    powerSaveBlocker.stop(sleepBlocker);
    sleepBlocker = null;
  }
}

function toElectronMenu(items: MenuItemSpec[], dataDir: string): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const out: MenuItemConstructorOptions = {};
    if (item.label) out.label = item.label;
    if (item.role) out.role = item.role;
    if (item.accelerator) out.accelerator = item.accelerator;
    if (item.type) out.type = item.type;
    if (item.submenu) out.submenu = toElectronMenu(item.submenu, dataDir);
    if (item.action === 'open-data-folder') out.click = () => void shell.openPath(dataDir);
    return out;
  });
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    title: 'Chute',
    show: false,
    webPreferences: secureWebPreferences(preloadPath, { devTools }),
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => {
    win = null;
  });
  void win.loadURL(APP_ENTRY_URL);
}

async function start(): Promise<void> {
  denyEverythingForeign();
  serveRenderer();
  handleIpc();
  // SQLite built for Electron's ABI (the Node build beside it is for the web host and tests).
  useSqliteBinding(
    electronSqliteBinding({
      env: process.env,
      packaged: app.isPackaged,
      appPath: app.getAppPath(),
      exists: existsSync,
    }),
  );
  // The same data folder as the web station; a station left in userData is moved there once.
  const context = currentContext();
  const dataDir = stationDataDir(context);
  // A folder named in CHUTE_DATA_DIR whose disk is not there is refused, not created.
  if (context.env.CHUTE_DATA_DIR) refuseUnreachableDataDir(dataDir);
  if (!context.env.CHUTE_DATA_DIR) {
    const others = [app.getPath('userData'), ...otherShellDataDirs(context)];
    for (const line of adoptOtherShellData(dataDir, [...new Set(others)])) log(line);
  }
  const { store, warning } = await safeStorageSecretStore(dataDir);
  if (warning) log(warning);
  // The single-instance lock was taken before this point: only one process opens the database.
  const station = await composeStationService({
    dataDir,
    secrets: store,
    log,
    // The race's zone for the shared gun, when not the laptop's (also settable at setup).
    ...(process.env.CHUTE_TIME_ZONE ? { timeZone: process.env.CHUTE_TIME_ZONE } : {}),
  });
  service = station;
  station.subscribe((event) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, event);
    if (event.type === 'changed') void updateSleepBlock().catch(() => {});
  });
  void updateSleepBlock().catch(() => {});
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      toElectronMenu(applicationMenu({ platform: process.platform, devTools }), dataDir),
    ),
  );
  createWindow();
  if (warning && win) {
    // Said once, in words, so the timer knows why credentials are asked for after a restart.
    void dialog.showMessageBox(win, { type: 'warning', title: 'Credentials', message: warning });
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another Chute already holds this station's database: show it instead of opening a second.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || service === null) return;
    event.preventDefault();
    void service.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const text = errorText(error);
      console.error(`Chute could not start: ${text}`);
      // Started from an icon there is no console: the timer must see the reason.
      const offer = restoreOffer(error, stationDataDir(currentContext()));
      if (offer === null) {
        dialog.showErrorBox('Chute could not start', text);
        app.exit(1);
        return;
      }
      const choice = dialog.showMessageBoxSync({
        type: 'error',
        title: 'Chute could not start',
        message: text,
        detail: offer.detail,
        buttons: offer.buttons,
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (choice !== 0) return app.exit(1);
      try {
        const kept = restoreBackup(offer.backup.path, offer.dbPath);
        log(
          `Restored ${offer.backup.file}${kept ? `; the file it replaced is kept as ${kept}` : ''}.`,
        );
        app.relaunch();
        app.exit(0);
      } catch (restoreError) {
        dialog.showErrorBox('Nothing was restored', errorText(restoreError));
        app.exit(1);
      }
    });
}
