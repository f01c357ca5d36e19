// `npm start` (after setup and build): the Electron app where its binary is installed and SQLite
// has been prepared for its ABI (native-abi.mjs), else the web host in the browser of your
// choice, with one sentence saying why. `--web` (or CHUTE_WEB=1) forces the web host.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELECTRON_SQLITE_ENV, chooseShell, shellFacts } from './native-abi.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const forceWeb = args.includes('--web') || process.env.CHUTE_WEB === '1';

/** The Electron binary's path, or null when only its npm package (no binary) is installed. */
function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const facts = shellFacts(root, { forceWeb, electronBinary: forceWeb ? null : electronBinary() });
const choice = chooseShell(facts);
if (choice.shell === 'electron' && facts.electronBinary !== null) {
  run(facts.electronBinary, [root, ...args.filter((a) => a !== '--web')], {
    ...process.env,
    [ELECTRON_SQLITE_ENV]: facts.bindingPath,
  });
} else {
  if (choice.reason) console.log(choice.reason);
  const entry = path.join(root, 'dist/web/main.mjs');
  if (!existsSync(entry)) {
    console.error('dist/web/main.mjs is missing: run `npm run build` first.');
    process.exit(1);
  }
  run(process.execPath, [entry, ...args.filter((a) => a !== '--web')]);
}
