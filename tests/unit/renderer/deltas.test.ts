import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrossingView } from '../../../src-shared/station-api';
import { changedStep, mergeRows, orderCrossings, rowsStep } from '../../../src-renderer/lib/deltas';
import { crossing } from './fixtures';

/** The station's window: the newest `limit` crossings by seq, shown newest first by time. */
function windowOf(all: readonly CrossingView[], limit: number): CrossingView[] {
  return orderCrossings([...all].sort((a, b) => b.tapSeq - a.tapSeq).slice(0, limit));
}

const seqs = (rows: readonly CrossingView[]) => rows.map((r) => r.tapSeq);

describe('rows merged into the screen', () => {
  it('replaces a changed row, keeps unchanged rows as the same objects', () => {
    const a = crossing({ tapSeq: 1, sync: 'saved' });
    const b = crossing({ tapSeq: 2, sync: 'saved' });
    const merged = mergeRows([b, a], [{ ...a, sync: 'sent' }, { ...b }], 10);
    expect(merged.map((r) => r.sync)).toEqual(['saved', 'sent']);
    expect(merged[0]).toBe(b);
  });

  it('takes a new crossing in and lets the oldest by seq go when the window is full', () => {
    const shown = [3, 2, 1].map((tapSeq) => crossing({ tapSeq }));
    const merged = mergeRows(shown, [crossing({ tapSeq: 4 })], 3);
    expect(seqs(merged)).toEqual([4, 3, 2]);
  });

  it('leaves out a crossing older than a full window (a sync change of an old row)', () => {
    const shown = [5, 4].map((tapSeq) => crossing({ tapSeq }));
    expect(seqs(mergeRows(shown, [crossing({ tapSeq: 1, sync: 'sent' })], 2))).toEqual([5, 4]);
    // Not full: every crossing there is is shown, so it comes in.
    expect(seqs(mergeRows(shown, [crossing({ tapSeq: 1 })], 3))).toEqual([5, 4, 1]);
  });

  it('orders by time as the screen does, whatever the seq order', () => {
    const shown = [crossing({ tapSeq: 1, at: 500 })];
    const merged = mergeRows(shown, [crossing({ tapSeq: 2, at: 100 })], 5);
    expect(seqs(merged)).toEqual([1, 2]);
  });

  it('equals the snapshot the station would send after the same change (property)', () => {
    const row = fc.record({
      at: fc.integer({ min: 0, max: 50 }),
      sync: fc.constantFrom('saved' as const, 'sent' as const, 'attention' as const),
      place: fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.nat(), row), { maxLength: 8 }),
        fc.array(row, { maxLength: 5 }),
        (before, limit, edits, added) => {
          const all = before.map((r, i) => crossing({ tapSeq: i + 1, ...r }));
          const shown = windowOf(all, limit);
          // The change: some crossings edited (anywhere), some new ones after the last.
          const after = [...all];
          const changed: CrossingView[] = [];
          for (const [i, r] of edits) {
            if (after.length === 0) break;
            const k = i % after.length;
            after[k] = { ...(after[k] as CrossingView), ...r };
            changed.push(after[k] as CrossingView);
          }
          for (const r of added) {
            const fresh = crossing({ tapSeq: after.length + 1, ...r });
            after.push(fresh);
            changed.push(fresh);
          }
          // The station sends each changed crossing once, as it stands after the change.
          const latest = [...new Map(changed.map((c) => [c.tapSeq, c])).values()].map(
            (c) => after[c.tapSeq - 1] as CrossingView,
          );
          expect(mergeRows(shown, latest, limit)).toEqual(windowOf(after, limit));
        },
      ),
    );
  });
});

describe('when a change needs a snapshot', () => {
  const at = (seq: number, stream = 'a') => ({ stream, seq });

  it('applies the next position, skips one already held, reloads on a gap', () => {
    expect(rowsStep(at(4), at(5))).toBe('apply');
    expect(rowsStep(at(4), at(4))).toBe('skip');
    expect(rowsStep(at(4), at(2))).toBe('skip');
    expect(rowsStep(at(4), at(6))).toBe('reload');
  });

  it('reloads on another stream (the station file was swapped) or without a position', () => {
    expect(rowsStep(at(4), at(5, 'b'))).toBe('reload');
    expect(rowsStep(null, at(1))).toBe('reload');
  });

  it('reloads on a change event unless the screen already holds its position', () => {
    expect(changedStep(at(5), at(5))).toBe('skip');
    expect(changedStep(at(5), at(6))).toBe('reload');
    expect(changedStep(at(5), at(5, 'b'))).toBe('reload');
    expect(changedStep(at(5), undefined)).toBe('reload');
    expect(changedStep(null, at(1))).toBe('reload');
  });
});
