// `npm start` chooses Electron only when the SQLite module prepared for it matches Electron's
// ABI, read from the module file itself; otherwise the web station, with the reason.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ELECTRON_SQLITE_BINDING,
  chooseShell,
  moduleVersionOfAddon,
  readAddonModuleVersion,
  shellFacts,
  type ShellFacts,
} from '../../../scripts/native-abi.mjs';
import { NODE_SQLITE_BUILD } from '../db/node-sqlite-build';

const nodeBuild = NODE_SQLITE_BUILD;
const NODE_MODULES = Number(process.versions.modules);

describe('the module version of a native addon', () => {
  it("reads this Node's own better-sqlite3 build as this Node's module version", () => {
    expect(readAddonModuleVersion(nodeBuild)).toBe(NODE_MODULES);
  });

  it('finds the registration symbol anywhere in the bytes, and null when there is none', () => {
    const bytes = Buffer.concat([
      Buffer.alloc(100, 0),
      Buffer.from('\0_node_register_module_v140\0', 'latin1'),
      Buffer.alloc(50, 7),
    ]);
    expect(moduleVersionOfAddon(bytes)).toBe(140);
    expect(moduleVersionOfAddon(Buffer.from('not an addon'))).toBeNull();
    expect(readAddonModuleVersion('/no/such/file.node')).toBeNull();
  });
});

describe('choosing the shell', () => {
  const ready: ShellFacts = {
    forceWeb: false,
    electronBinary: '/opt/electron/electron',
    electronVersion: '39.8.10',
    electronModules: 140,
    bindingPath: '/repo/node_modules/.chute/electron/better_sqlite3.node',
    bindingExists: true,
    bindingModules: 140,
  };

  it('runs Electron when the prepared module matches its module version', () => {
    expect(chooseShell(ready)).toEqual({ shell: 'electron', reason: null });
  });

  it('runs the web station, saying why and how to fix it, when the versions differ', () => {
    const choice = chooseShell({ ...ready, bindingModules: 115 });
    expect(choice.shell).toBe('web');
    expect(choice.reason).toMatch(
      /built for module version 115, but Electron 39\.8\.10 needs 140: starting the web station instead; delete .* and run `npm run setup`/,
    );
  });

  it('runs the web station when the module was never prepared, or Electron has no binary', () => {
    expect(chooseShell({ ...ready, bindingExists: false, bindingModules: null })).toMatchObject({
      shell: 'web',
      reason: /SQLite has not been prepared for Electron 39\.8\.10.*npm run setup/,
    });
    expect(chooseShell({ ...ready, electronBinary: null })).toMatchObject({
      shell: 'web',
      reason: /Electron's binary is not installed/,
    });
    expect(chooseShell({ ...ready, electronModules: null })).toMatchObject({ shell: 'web' });
  });

  it('--web is obeyed without a reason to print', () => {
    expect(chooseShell({ ...ready, forceWeb: true })).toEqual({ shell: 'web', reason: null });
  });
});

describe('the facts of a checkout', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'chute-abi-'));
    mkdirSync(path.join(root, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(
      path.join(root, 'node_modules', 'electron', 'package.json'),
      JSON.stringify({ version: '39.8.10' }),
    );
    mkdirSync(path.dirname(path.join(root, ELECTRON_SQLITE_BINDING)), { recursive: true });
    // The Node build copied where the Electron one belongs: the mistake the check must catch.
    copyFileSync(nodeBuild, path.join(root, ELECTRON_SQLITE_BINDING));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const abi = (n: number) =>
    writeFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), String(n));

  it('a module built for another ABI than Electron’s sends `npm start` to the web station', () => {
    abi(140);
    const facts = shellFacts(root, { forceWeb: false, electronBinary: '/bin/true' });
    expect(facts).toMatchObject({ electronModules: 140, bindingModules: NODE_MODULES });
    expect(chooseShell(facts).shell).toBe(NODE_MODULES === 140 ? 'electron' : 'web');
  });

  it('a module built for Electron’s ABI starts Electron', () => {
    abi(NODE_MODULES);
    const facts = shellFacts(root, { forceWeb: false, electronBinary: '/bin/true' });
    expect(chooseShell(facts)).toEqual({ shell: 'electron', reason: null });
  });
});
