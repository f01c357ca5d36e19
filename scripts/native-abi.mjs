// Which shell `npm start` can run, decided before starting it. better-sqlite3 is a native module
// built for one ABI (NODE_MODULE_VERSION): `npm ci` builds it for this Node (115 on Node 20);
// Electron 39 needs 140. The desktop app therefore loads its own copy, prepared by setup beside
// the Node one (ELECTRON_SQLITE_BINDING), through better-sqlite3's `nativeBinding` option; the
// web host and the tests keep the Node build. Pure functions except the file reads at the end.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where setup puts the Electron build of better-sqlite3, relative to the checkout. */
export const ELECTRON_SQLITE_BINDING = path.join(
  'node_modules',
  '.chute',
  'electron',
  'better_sqlite3.node',
);

/** The environment variable that tells the Electron main which binding to load. */
export const ELECTRON_SQLITE_ENV = 'CHUTE_ELECTRON_SQLITE';

/**
 * The module version a native addon was built for, read from the addon itself: a module built
 * against Node's headers exports `node_register_module_v<N>` (ELF, Mach-O and PE alike).
 * Null when the bytes hold no such symbol (not an addon, or a Node-API one, which has no ABI).
 * @param {Uint8Array} bytes
 * @returns {number | null}
 */
export function moduleVersionOfAddon(bytes) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const match = /node_register_module_v(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * @param {string} file
 * @returns {number | null}
 */
export function readAddonModuleVersion(file) {
  try {
    return moduleVersionOfAddon(readFileSync(file));
  } catch {
    return null;
  }
}

/**
 * Electron's module version, from the `abi_version` file its npm package ships.
 * @param {string} root
 * @returns {{ version: string | null, modules: number | null }}
 */
export function electronAbi(root) {
  const dir = path.join(root, 'node_modules', 'electron');
  /** @type {string | null} */
  let version = null;
  /** @type {number | null} */
  let modules = null;
  try {
    version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version ?? null;
  } catch {
    // not installed
  }
  try {
    const n = Number(readFileSync(path.join(dir, 'abi_version'), 'utf8').trim());
    modules = Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    // older packages lack the file: the check below then refuses Electron with the reason
  }
  return { version, modules };
}

/**
 * @typedef {object} ShellFacts
 * @property {boolean} forceWeb         `--web` or CHUTE_WEB=1
 * @property {string | null} electronBinary  the Electron executable, null when not downloaded
 * @property {string | null} electronVersion
 * @property {number | null} electronModules  Electron's NODE_MODULE_VERSION
 * @property {string} bindingPath       where the Electron build of better-sqlite3 should be
 * @property {boolean} bindingExists
 * @property {number | null} bindingModules  the module version read from that file
 */

/**
 * Electron when its binary is there and the SQLite module prepared for it matches its ABI;
 * else the web station, with one sentence saying why and how to get the desktop app.
 * @param {ShellFacts} facts
 * @returns {{ shell: 'electron' | 'web', reason: string | null }}
 */
export function chooseShell(facts) {
  if (facts.forceWeb) return { shell: 'web', reason: null };
  if (facts.electronBinary === null) {
    return {
      shell: 'web',
      reason:
        "Electron's binary is not installed on this machine (it could not be downloaded): " +
        'starting the web station instead; run `npm run setup` where the internet is reachable ' +
        'to get the desktop app.',
    };
  }
  const electron = `Electron ${facts.electronVersion ?? ''}`.trim();
  if (!facts.bindingExists) {
    return {
      shell: 'web',
      reason:
        `SQLite has not been prepared for ${electron} (${facts.bindingPath} is missing): ` +
        'starting the web station instead; run `npm run setup` where the internet is reachable ' +
        "(it fetches SQLite's build for Electron, or builds it).",
    };
  }
  if (facts.electronModules === null || facts.bindingModules !== facts.electronModules) {
    return {
      shell: 'web',
      reason:
        `The SQLite module prepared for the desktop app is built for module version ` +
        `${facts.bindingModules ?? 'unknown'}, but ${electron} needs ` +
        `${facts.electronModules ?? 'an unknown version'}: starting the web station instead; ` +
        `delete ${facts.bindingPath} and run \`npm run setup\` to prepare it again.`,
    };
  }
  return { shell: 'electron', reason: null };
}

/**
 * The facts of this checkout.
 * @param {string} root
 * @param {{ forceWeb: boolean, electronBinary: string | null }} given
 * @returns {ShellFacts}
 */
export function shellFacts(root, given) {
  const bindingPath = path.join(root, ELECTRON_SQLITE_BINDING);
  const { version, modules } = electronAbi(root);
  const bindingExists = existsSync(bindingPath);
  return {
    forceWeb: given.forceWeb,
    electronBinary: given.electronBinary,
    electronVersion: version,
    electronModules: modules,
    bindingPath,
    bindingExists,
    bindingModules: bindingExists ? readAddonModuleVersion(bindingPath) : null,
  };
}
