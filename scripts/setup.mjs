// `npm run setup`: install dependencies when node_modules is missing or older than the lockfile.
// Electron's binary download is skipped during `npm ci` (it fails on machines without access
// to its host and would fail the whole install); it is then fetched in a separate, optional
// step, and SQLite is prepared for Electron's ABI beside the Node build
// (prepare-electron-sqlite.mjs), so a laptop that can reach them gets the desktop app and one
// that cannot gets the web station. Set CHUTE_NO_ELECTRON=1 or pass --no-electron (as `npm test`
// does) to skip both; `--electron` retries them after an earlier failure.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareElectronSqlite } from './prepare-electron-sqlite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function needsInstall() {
  if (!existsSync(installed)) return 'node_modules is missing';
  if (existsSync(lockfile) && statSync(lockfile).mtimeMs > statSync(installed).mtimeMs) {
    return 'package-lock.json changed since the last install';
  }
  for (const name of ['better-sqlite3', 'esbuild', 'tsx', 'react', 'ws', 'zod']) {
    if (!existsSync(path.join(root, 'node_modules', name, 'package.json'))) {
      return `${name} is missing`;
    }
  }
  return null;
}

const wantsElectron =
  process.env.CHUTE_NO_ELECTRON !== '1' &&
  !process.argv.includes('--no-electron') &&
  !process.env.CI;
const retryElectron = process.argv.includes('--electron');

/** SQLite for Electron's ABI, once Electron's package is there (never fails setup). */
function prepareSqliteForElectron() {
  if (!wantsElectron) return;
  const result = prepareElectronSqlite({ retry: retryElectron });
  console.log(result.message);
}

const reason = needsInstall();
if (reason === null) {
  console.log('Dependencies are installed.');
  prepareSqliteForElectron();
  process.exit(0);
}
console.log(`Installing dependencies (${reason})…`);
const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  shell: process.platform === 'win32',
});
if (install.status !== 0) {
  console.error('npm ci failed: see the messages above.');
  process.exit(install.status ?? 1);
}

const electronInstaller = path.join(root, 'node_modules', 'electron', 'install.js');
if (wantsElectron && existsSync(electronInstaller)) {
  console.log('Fetching the Electron binary (optional; the web station works without it)…');
  const fetched = spawnSync(process.execPath, [electronInstaller], {
    cwd: path.dirname(electronInstaller),
    stdio: 'inherit',
    timeout: 180_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (fetched.status !== 0) {
    console.log('Electron could not be fetched: `npm start` will open the web station instead.');
  }
}
prepareSqliteForElectron();
