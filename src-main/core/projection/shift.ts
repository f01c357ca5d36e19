// The line-up tool `shift` as a pure rule, shared by the batch and incremental projections.

/**
 * A shift as moves: the block (live crossings, crossing order) rotates its (bib, binding) pairs
 * by one. `later` needs the last crossing without a bib, `earlier` the first; otherwise nothing.
 */
export function rotateBibs<T extends { bib: number | null; bindSeq: number }>(
  block: readonly T[],
  direction: 'earlier' | 'later',
): { tap: T; bib: number | null; bindSeq: number }[] {
  const n = block.length;
  if (n < 2) return [];
  const open = direction === 'later' ? block[n - 1] : block[0];
  if ((open as T).bib !== null) return [];
  const step = direction === 'later' ? n - 1 : 1;
  return block.map((tap, i) => {
    const src = block[(i + step) % n] as T;
    return { tap, bib: src.bib, bindSeq: src.bindSeq };
  });
}
