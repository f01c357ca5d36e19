import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (these machines cannot fetch one).
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  // Prints why the Electron shell tests are skipped here, and where they run.
  globalSetup: './tests/electron/global-setup.ts',
  outputDir: 'test-results/e2e',
  // e2e: the renderer in Debian's Chromium over the web host. electron: the Electron shell,
  // SKIPPED (with the reason) where no Electron binary is installed.
  projects: [
    { name: 'e2e', testDir: 'tests/e2e' },
    { name: 'electron', testDir: 'tests/electron' },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
