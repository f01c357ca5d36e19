// Key → row timing in a real page, and percentiles of the figures. Used by the latency spec and
// the bench; reported, never asserted.
import type { Page } from '@playwright/test';

/** Nearest-rank percentile of a sample (p in 0..100). Pure. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * In the page: the time from a keydown (its own timeStamp) to the frame after the new row
 * entered the list. A MutationObserver notices the row; requestAnimationFrame waits for the
 * frame that paints it.
 */
export async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __keyAt: number | null };
    w.__lat = [];
    (window as unknown as { __keys: number[] }).__keys = [];
    (window as unknown as { __enterKeys: number[] }).__enterKeys = [];
    w.__keyAt = null;
    const seen = new Set<string>();
    document
      .querySelectorAll('[data-testid=crossings] tbody tr[data-seq]')
      .forEach((tr) => seen.add(tr.getAttribute('data-seq') ?? ''));
    window.addEventListener(
      'keydown',
      (e) => {
        if (e.key === ' ') {
          w.__keyAt = e.timeStamp;
          (window as unknown as { __keys: number[] }).__keys.push(e.timeStamp);
        } else if (e.key === 'Enter') {
          w.__keyAt = e.timeStamp;
          (window as unknown as { __enterKeys: number[] }).__enterKeys.push(e.timeStamp);
        }
      },
      true,
    );
    new MutationObserver(() => {
      const fresh = Array.from(
        document.querySelectorAll('[data-testid=crossings] tbody tr[data-seq]'),
      ).filter((tr) => !seen.has(tr.getAttribute('data-seq') ?? ''));
      if (fresh.length === 0 || w.__keyAt === null) return;
      fresh.forEach((tr) => seen.add(tr.getAttribute('data-seq') ?? ''));
      const keyAt = w.__keyAt;
      w.__keyAt = null;
      requestAnimationFrame(() => w.__lat.push(performance.now() - keyAt));
    }).observe(document.body, { childList: true, subtree: true });
  });
}
