// Where the Electron shell tests can run, and the one sentence said where they cannot (the spec
// skips with it, and the global setup prints it so it shows in the test output, not only in the
// JSON report).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function electronBinary(): string | null {
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

export const NO_ELECTRON_REASON =
  'SKIPPED: no Electron binary on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); ' +
  'the Electron shell was NOT tested here. They run where Electron is installed (a developer ' +
  'laptop or CI after a plain `npm ci`): `npm run build && npx playwright test --project=electron`.';
