// `npm run build`: bundle the renderer, the Electron main and preload, and the web host with
// esbuild into dist/. Native and Electron modules stay external (better-sqlite3 is rebuilt for
// Electron by electron-builder at package time).
import { build, type BuildOptions } from 'esbuild';
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const production = process.env.NODE_ENV !== 'development';

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

const common: BuildOptions = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

/** Optional native speed-ups of `ws`: it falls back to JavaScript when they are missing. */
const wsOptional = ['bufferutil', 'utf-8-validate'];

async function buildRenderer(): Promise<void> {
  const out = path.join(dist, 'renderer');
  await mkdir(out, { recursive: true });
  await build({
    ...common,
    entryPoints: [path.join(root, 'src-renderer/main.tsx')],
    outfile: path.join(out, 'app.js'),
    platform: 'browser',
    // A classic script works whether index.html loads it with type="module" or not.
    format: 'iife',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: production,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  });
  for (const file of ['index.html', 'styles.css']) {
    await cp(path.join(root, 'src-renderer', file), path.join(out, file));
  }
  // The app icon doubles as the page's icon (browsers ask for /favicon.ico on their own).
  const icon = path.join(root, 'assets/icon.png');
  if (await exists(icon)) {
    await cp(icon, path.join(out, 'icon.png'));
    await cp(icon, path.join(out, 'favicon.ico'));
  }
  // Sounds the page loads by URL (optional: the app works without them).
  if (await exists(path.join(root, 'assets/sounds'))) {
    await cp(path.join(root, 'assets/sounds'), path.join(out, 'sounds'), { recursive: true });
  }
}

async function buildElectron(): Promise<void> {
  const out = path.join(dist, 'electron');
  const node: BuildOptions = {
    ...common,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    external: ['electron', 'better-sqlite3', ...wsOptional],
  };
  await build({
    ...node,
    entryPoints: [path.join(root, 'src-main/electron/main.ts')],
    outfile: path.join(out, 'main.cjs'),
  });
  // The preload runs sandboxed: it may require only 'electron', so everything else is bundled.
  await build({
    ...node,
    entryPoints: [path.join(root, 'src-main/electron/preload.ts')],
    outfile: path.join(out, 'preload.cjs'),
    external: ['electron'],
  });
}

async function buildWebHost(): Promise<void> {
  await build({
    ...common,
    entryPoints: [path.join(root, 'src-main/web/main.ts')],
    outfile: path.join(dist, 'web', 'main.mjs'),
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    // Runs from the repo, next to node_modules: keep every package external.
    packages: 'external',
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (part: string) => only.length === 0 || only.includes(part);
  if (only.length === 0) await rm(dist, { recursive: true, force: true });
  const jobs: Array<Promise<void>> = [];
  if (want('renderer')) jobs.push(buildRenderer());
  if (want('electron')) jobs.push(buildElectron());
  if (want('web')) jobs.push(buildWebHost());
  await Promise.all(jobs);
  console.log(`Built ${only.length ? only.join(', ') : 'renderer, electron, web'} into dist/.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
