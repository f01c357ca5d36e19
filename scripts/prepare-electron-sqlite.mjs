// Prepares better-sqlite3 for Electron's ABI in its own folder (ELECTRON_SQLITE_BINDING), never
// touching the Node build that the web host and the tests load. First the prebuilt binary for
// the electron runtime (prebuild-install, as better-sqlite3's own install does), else a build
// with @electron/rebuild in a scratch copy. Either may be impossible offline: then it says so in
// one sentence, remembers it for this Electron version (so `npm start` does not retry on every
// start), and exits 0 — `npm start` opens the web station instead.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELECTRON_SQLITE_BINDING, electronAbi, readAddonModuleVersion } from './native-abi.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} version */
const unavailableMarker = (version) =>
  path.join(root, path.dirname(ELECTRON_SQLITE_BINDING), `unavailable-${version}.txt`);

/**
 * @param {{ retry?: boolean }} [options]
 * @returns {{ ready: boolean, message: string }}
 */
export function prepareElectronSqlite(options = {}) {
  const { version, modules } = electronAbi(root);
  if (version === null || modules === null) {
    return { ready: false, message: 'Electron is not installed: nothing to prepare.' };
  }
  const target = path.join(root, ELECTRON_SQLITE_BINDING);
  if (readAddonModuleVersion(target) === modules) {
    return { ready: true, message: `SQLite for Electron ${version} is ready.` };
  }
  const marker = unavailableMarker(version);
  if (existsSync(marker) && !options.retry) {
    return {
      ready: false,
      message:
        `SQLite for Electron ${version} could not be prepared earlier; ` +
        '`npm run setup -- --electron` tries again.',
    };
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'chute-electron-sqlite-'));
  try {
    const pkgDir = path.join(scratch, 'node_modules', 'better-sqlite3');
    const source = path.join(root, 'node_modules', 'better-sqlite3');
    for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
      if (existsSync(path.join(source, part))) {
        cpSync(path.join(source, part), path.join(pkgDir, part), { recursive: true });
      }
    }
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({ name: 'chute-electron-sqlite', private: true, dependencies: {} }),
    );
    const built = path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
    const attempts = [
      {
        what: 'the prebuilt binary for the electron runtime',
        command: [
          path.join(root, 'node_modules', 'prebuild-install', 'bin.js'),
          '--runtime=electron',
          `--target=${version}`,
          `--arch=${process.arch}`,
          `--platform=${process.platform}`,
        ],
        cwd: pkgDir,
        timeout: 120_000,
      },
      {
        what: 'a build with @electron/rebuild',
        command: [
          path.join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js'),
          `--version=${version}`,
          `--module-dir=${pkgDir}`,
          '--force',
        ],
        cwd: scratch,
        timeout: 900_000,
      },
    ];
    const failures = [];
    for (const attempt of attempts) {
      if (!existsSync(attempt.command[0])) {
        failures.push(`${attempt.what}: its tool is not installed`);
        continue;
      }
      const run = spawnSync(process.execPath, attempt.command, {
        cwd: attempt.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: attempt.timeout,
        encoding: 'utf8',
      });
      const got = readAddonModuleVersion(built);
      if (run.status === 0 && got === modules) {
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(built, target);
        rmSync(marker, { force: true });
        return {
          ready: true,
          message: `Prepared SQLite for Electron ${version} (${attempt.what}).`,
        };
      }
      const lines = `${run.stderr ?? ''}\n${run.error ? String(run.error) : ''}`
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('at '));
      const offline = lines.some((line) =>
        /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network connectivity/.test(line),
      );
      const last = lines.find((line) => /error/i.test(line)) ?? lines.pop();
      failures.push(
        `${attempt.what}: ${offline ? 'its download host cannot be reached' : (last ?? `exit ${run.status}`)}`,
      );
    }
    mkdirSync(path.dirname(marker), { recursive: true });
    writeFileSync(marker, `${failures.join('\n')}\n`);
    return {
      ready: false,
      message:
        `SQLite could not be prepared for Electron ${version} (${failures.join('; ')}): ` +
        '`npm start` opens the web station instead; `npm run setup -- --electron` tries again.',
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = prepareElectronSqlite({ retry: true });
  console.log(result.message);
}
