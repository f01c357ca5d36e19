// Builds the renderer (and optionally the fake station) with esbuild for e2e tests, into a
// temp dir, and serves it to a Playwright page through request interception — no port needed.
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../../..');

export function bundleFakeStation(): string {
  const out = buildSync({
    entryPoints: [path.join(root, 'tests/e2e/support/fake-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no fake station bundle');
  return file.text;
}

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
  return dir;
}

export const FAKE_ORIGIN = 'http://chute.test';

/** Serves the built renderer at http://chute.test/ for this page. */
export async function serveRenderer(page: Page, dir: string): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/': [path.join(root, 'src-renderer/index.html'), 'text/html'],
    '/index.html': [path.join(root, 'src-renderer/index.html'), 'text/html'],
    '/styles.css': [path.join(root, 'src-renderer/styles.css'), 'text/css'],
    '/app.js': [path.join(dir, 'app.js'), 'text/javascript'],
  };
  await page.route(`${FAKE_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const entry = files[url.pathname];
    if (!entry) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ status: 200, contentType: entry[1], body: readFileSync(entry[0]) });
  });
}
