// Line-up tools on the timing list: a block of rows picked with Shift+↑/↓, and the `shift`
// command that moves its bibs one crossing earlier or later. Pure. The list shows rows newest
// first; the core counts the block in crossing order (oldest first).
import type { Command, CrossingView } from '../../src-shared/station-api';

/** The rows between the anchor and the selected row (inclusive), in list order. */
export function blockRows(
  rows: readonly CrossingView[],
  anchor: number | null,
  selected: number | null,
): CrossingView[] {
  if (selected === null) return [];
  const end = rows.findIndex((r) => r.tapSeq === selected);
  if (end === -1) return [];
  const start = anchor === null ? -1 : rows.findIndex((r) => r.tapSeq === anchor);
  if (start === -1) return rows.slice(end, end + 1);
  return rows.slice(Math.min(start, end), Math.max(start, end) + 1);
}

export type ShiftPlan =
  { kind: 'command'; command: Command; label: string } | { kind: 'error'; message: string };

/**
 * The shift of a block. Checked here only for what the screen can tell (a block of at least two
 * rows); whether it would lose a bib is the core's call, and its refusal is shown as it is.
 */
export function planShift(
  rows: readonly CrossingView[],
  anchor: number | null,
  selected: number | null,
  direction: 'earlier' | 'later',
): ShiftPlan {
  const block = blockRows(rows, anchor, selected);
  if (block.length < 2) {
    return {
      kind: 'error',
      message:
        'Select a block first: ↑/↓ to a row, then Shift+↑/↓ to stretch the selection over the crossings to shift',
    };
  }
  // Newest first on screen: the last row of the block is the oldest crossing.
  const oldest = block[block.length - 1]!;
  const newest = block[0]!;
  return {
    kind: 'command',
    command: {
      type: 'shift',
      fromTapSeq: oldest.tapSeq,
      toTapSeq: newest.tapSeq,
      direction,
    },
    label: `bibs of ${block.length} crossings one crossing ${direction}`,
  };
}
