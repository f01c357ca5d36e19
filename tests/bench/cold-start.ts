// Cold start measured in a fresh child process, so the figure is honest: nothing cached in this
// process, the JIT cold. The child is bundled by esbuild and run by plain node, as the station
// ships (`npm run build`: dist/web/main.mjs, dist/electron/main.cjs), not through the tsx loader
// (whose own compiler and caches would be counted in its memory). It prints one JSON line.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ColdStart {
  /** Open the file (pragmas, integrity check, migrations) and rebuild the projection. */
  openMs: number;
  /** Open + the first snapshot (1,000 rows) answered: the station is ready for the timer. */
  readyMs: number;
  /** CPU time (user + system) the child spent getting ready: the wall figure without waiting. */
  readyCpuMs: number;
  journalLength: number;
  crossingsShown: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** The child's whole life up to the answer, including Node's and tsx's own start-up. */
  processUptimeMs: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The start-up steps timed one by one, in their own fresh process. */
export type ColdStartPhases = Record<string, number>;

const root = path.resolve(here, '..', '..');
let bundled: Promise<string> | null = null;

/** The child as the web host is built: one ESM file, packages left to node_modules. */
function bundledChild(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(root, 'dist', 'bench', 'cold-start-child.mjs');
    await build({
      entryPoints: [path.join(here, 'cold-start-child.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: ['node20'],
      packages: 'external',
      logLevel: 'warning',
      absWorkingDir: root,
    });
    return outfile;
  })();
  return bundled;
}

export function measureColdStart(dbPath: string): Promise<ColdStart> {
  return runChild<ColdStart>([dbPath]);
}

export function measureColdStartPhases(dbPath: string): Promise<ColdStartPhases> {
  return runChild<ColdStartPhases>([dbPath, '--phases']);
}

async function runChild<T>(args: string[]): Promise<T> {
  const script = await bundledChild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: root,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`cold-start child exited ${code}: ${err.trim().slice(0, 500)}`));
        return;
      }
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`cold-start child printed no figures: ${out.slice(0, 200)}`));
      }
    });
  });
}
