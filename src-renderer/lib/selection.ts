// Keyboard selection in the recent-entries list (newest first). Pure.

/**
 * Moves the selection by one row. ↑ (-1) goes towards newer rows, ↓ (+1) towards older ones;
 * from no selection, either key selects the newest row. Stops at both ends.
 */
export function moveSelection(
  rows: readonly number[],
  current: number | null,
  direction: -1 | 1,
): number | null {
  if (rows.length === 0) return null;
  const index = current === null ? -1 : rows.indexOf(current);
  if (index === -1) return rows[0] ?? null;
  const next = Math.min(rows.length - 1, Math.max(0, index + direction));
  return rows[next] ?? null;
}

/** A selection survives a refresh only while its row is still listed. */
export function reconcileSelection(rows: readonly number[], current: number | null): number | null {
  return current !== null && rows.includes(current) ? current : null;
}

/**
 * How many of the newest rows the timing list shows: a screenful, and always far enough down to
 * show the selected row (↓ walks into history) with a few rows of context below it.
 */
export function visibleRowCount(
  rows: readonly number[],
  selected: number | null,
  base = 60,
  context = 10,
): number {
  const index = selected === null ? -1 : rows.indexOf(selected);
  return Math.max(base, index + 1 + context);
}
