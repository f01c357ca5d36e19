import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../../src-main/app/csp';
import { resolveStaticPath } from '../../../src-main/app/static-files';
import {
  IPC_COMMAND,
  isTrustedSender,
  parseIpcCommand,
  parseIpcQuery,
} from '../../../src-main/electron/ipc';
import { applicationMenu, type MenuItemSpec } from '../../../src-main/electron/menu';
import {
  APP_ENTRY_URL,
  isNavigationAllowed,
  resolveAppRequest,
  windowOpenDecision,
} from '../../../src-main/electron/navigation';
import { wantsSleepBlock } from '../../../src-main/electron/power';
import { secretStoragePolicy } from '../../../src-main/electron/secrets-policy';
import { secureWebPreferences } from '../../../src-main/electron/web-preferences';

describe('web preferences', () => {
  it('sets every checklist switch explicitly', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(secureWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directive = (name: string) =>
    csp
      .split('; ')
      .find((d) => d.startsWith(`${name} `))
      ?.slice(name.length + 1);

  it('allows only our own scripts and styles, nothing inline or evaluated', () => {
    expect(directive('default-src')).toBe("'none'");
    expect(directive('script-src')).toBe("'self'");
    expect(directive('style-src')).toBe("'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(directive('object-src')).toBe("'none'");
    expect(directive('frame-ancestors')).toBe("'none'");
  });

  it('adds the socket origin to connect-src only', () => {
    const withWs = contentSecurityPolicy({ connect: ['ws://127.0.0.1:4000'] });
    expect(withWs).toContain("connect-src 'self' ws://127.0.0.1:4000");
    expect(withWs.match(/ws:\/\//g)).toHaveLength(1);
  });

  it('sends the CSP with the other protective headers', () => {
    const headers = securityHeaders(csp);
    expect(headers['Content-Security-Policy']).toBe(csp);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['X-Frame-Options']).toBe('DENY');
  });
});

describe('navigation policy', () => {
  it('stays on the app origin and never opens windows', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true);
    expect(isNavigationAllowed('chute://app/index.html#/results')).toBe(true);
    for (const url of [
      'https://runsignup.com/',
      'file:///etc/passwd',
      'chute://other/index.html',
      'javascript:alert(1)',
      'not a url',
      'http://127.0.0.1:3000/',
    ]) {
      expect(isNavigationAllowed(url), url).toBe(false);
    }
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('maps app URLs to files under the renderer folder and refuses escapes', () => {
    const root = path.resolve('/srv/renderer');
    expect(resolveAppRequest(root, 'chute://app/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest(root, 'chute://app/app.js')).toBe(path.join(root, 'app.js'));
    expect(resolveAppRequest(root, 'chute://app/sounds/ok.wav')).toBe(
      path.join(root, 'sounds', 'ok.wav'),
    );
    expect(resolveAppRequest(root, 'chute://evil/app.js')).toBeNull();
    expect(resolveAppRequest(root, 'https://app/app.js')).toBeNull();
    for (const bad of [
      '/../secret',
      '/%2e%2e/secret',
      '/a/%2e%2e/%2e%2e/x',
      '/a%5c..%5cx',
      '/%00',
    ]) {
      expect(resolveStaticPath(root, bad), bad).toBeNull();
    }
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull();
  });
});

describe('IPC validation', () => {
  const trusted = { webContentsId: 7, isMainFrame: true, frameUrl: APP_ENTRY_URL };

  it('trusts only the main frame of our window showing our page', () => {
    expect(isTrustedSender(trusted, 7)).toBe(true);
    expect(isTrustedSender(trusted, null)).toBe(false);
    expect(isTrustedSender({ ...trusted, webContentsId: 8 }, 7)).toBe(false);
    expect(isTrustedSender({ ...trusted, isMainFrame: false }, 7)).toBe(false);
    expect(isTrustedSender({ ...trusted, frameUrl: null }, 7)).toBe(false);
    expect(isTrustedSender({ ...trusted, frameUrl: 'https://evil.example/' }, 7)).toBe(false);
  });

  it('parses commands and queries with the contract and explains refusals', () => {
    expect(parseIpcCommand({ type: 'tap', at: 1_700_000_000_000, bib: '12' })).toEqual({
      ok: true,
      value: { type: 'tap', at: 1_700_000_000_000, bib: '12' },
    });
    const bad = parseIpcCommand({ type: 'tap', at: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/did not understand the command \(at:/);
    for (const junk of [
      null,
      'tap',
      42,
      [],
      { type: 'drop-table' },
      { __proto__: { type: 'tap' } },
    ]) {
      expect(parseIpcCommand(junk).ok).toBe(false);
      expect(parseIpcQuery(junk).ok).toBe(false);
    }
    expect(parseIpcQuery({ type: 'snapshot' }).ok).toBe(true);
    expect(IPC_COMMAND).toMatch(/^chute:/);
  });
});

describe('menu', () => {
  const flatten = (items: MenuItemSpec[]): MenuItemSpec[] =>
    items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);

  it('never claims Ctrl+Z (the timing screen undoes journal entries with it)', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const items = flatten(applicationMenu({ platform, devTools: false }));
      expect(items.some((i) => i.accelerator === 'CmdOrCtrl+Z')).toBe(false);
      expect(items.some((i) => i.role === 'toggleDevTools' || i.role === 'reload')).toBe(false);
      expect(items.some((i) => i.role === 'quit')).toBe(true);
    }
  });

  it('offers reload and dev tools only in development', () => {
    const items = flatten(applicationMenu({ platform: 'linux', devTools: true }));
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});

describe('credential storage policy', () => {
  it('persists only with real OS encryption and warns otherwise', () => {
    expect(secretStoragePolicy({ encryptionAvailable: true, backend: 'gnome_libsecret' })).toEqual({
      persist: true,
      warning: null,
    });
    expect(secretStoragePolicy({ encryptionAvailable: true, backend: null }).persist).toBe(true);
    const none = secretStoragePolicy({ encryptionAvailable: false, backend: null });
    expect(none.persist).toBe(false);
    expect(none.warning).toMatch(/session only/);
    const basic = secretStoragePolicy({ encryptionAvailable: true, backend: 'basic_text' });
    expect(basic.persist).toBe(false);
    expect(basic.warning).toMatch(/keyring/);
  });
});

describe('sleep blocking', () => {
  it('holds the laptop awake once a race is set up', () => {
    expect(wantsSleepBlock({ mode: 'setup', config: null })).toBe(false);
    expect(wantsSleepBlock({ mode: 'practice', config: null })).toBe(false);
    const config = {
      stationId: 's',
      stationName: 'Finish',
      mode: 'practice' as const,
      raceId: 1,
      raceName: 'R',
      events: [{ eventId: 1, name: '5K', resultSetId: 2, scheduledStart: null }],
      role: { kind: 'finish' as const },
      precision: 1 as const,
    };
    expect(wantsSleepBlock({ mode: 'practice', config })).toBe(true);
  });
});
