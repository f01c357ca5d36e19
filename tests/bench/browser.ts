// Key press -> row on screen in Debian's Chromium, through the real renderer and web host: real
// key events (Playwright's keyboard), timed in the page from the keydown's own timeStamp to the
// frame after the new row entered the list (tests/e2e/support/latency.ts).
import { chromium } from '@playwright/test';
import { installProbe } from '../e2e/support/latency';
import { summarize, type Summary } from './stats';

/** The flags every Chromium of this project runs with (playwright.config.ts). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface KeyToRow {
  latency: Summary;
  /** Rows the screen showed at the end (its window, not the station's journal). */
  rowsShown: number;
}

/** Space (a time-only crossing) pressed `keys + warmup` times, one after the other's row is up. */
export async function measureKeyToRow(
  url: string,
  keys: number,
  warmup: number,
): Promise<KeyToRow> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    const rowsOnScreen = page.locator('[data-testid=crossings] tbody tr[data-seq]');
    await rowsOnScreen.first().waitFor();
    await page.keyboard.press('F2');
    const bib = page.getByTestId('bib-input');
    await bib.focus();
    await installProbe(page);
    const count = () =>
      page.evaluate(() => (window as unknown as { __lat: number[] }).__lat.length);
    for (let i = 0; i < keys + warmup; i++) {
      await bib.press(' ');
      await page.waitForFunction(
        (n) => (window as unknown as { __lat: number[] }).__lat.length >= n,
        i + 1,
        { timeout: 10_000 },
      );
    }
    if ((await count()) !== keys + warmup) throw new Error('a key made more than one row');
    const all = await page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
    return { latency: summarize(all.slice(warmup)), rowsShown: await rowsOnScreen.count() };
  } finally {
    await browser.close();
  }
}
