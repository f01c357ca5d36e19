// Builds this checkout's renderer with esbuild for e2e tests into a temp dir the web host
// serves as it is (page, styles and script).
import { buildSync } from 'esbuild';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

export function buildRenderer(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chute-e2e-'));
  buildSync({
    entryPoints: [path.join(root, 'src-renderer/main.tsx')],
    outfile: path.join(dir, 'app.js'),
    bundle: true,
    format: 'iife',
    jsx: 'automatic',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  for (const f of ['index.html', 'styles.css']) {
    copyFileSync(path.join(root, 'src-renderer', f), path.join(dir, f));
  }
  return dir;
}
