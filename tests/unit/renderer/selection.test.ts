import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  moveSelection,
  reconcileSelection,
  visibleRowCount,
} from '../../../src-renderer/lib/selection';

describe('moveSelection', () => {
  const rows = [9, 7, 5, 2];
  it('selects the newest row from nothing, then walks and stops at the ends', () => {
    expect(moveSelection(rows, null, 1)).toBe(9);
    expect(moveSelection(rows, null, -1)).toBe(9);
    expect(moveSelection(rows, 9, 1)).toBe(7);
    expect(moveSelection(rows, 7, -1)).toBe(9);
    expect(moveSelection(rows, 9, -1)).toBe(9);
    expect(moveSelection(rows, 2, 1)).toBe(2);
    expect(moveSelection([], 3, 1)).toBeNull();
    expect(moveSelection(rows, 42, 1)).toBe(9);
  });
  it('always lands on a listed row', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1 }),
        fc.option(fc.integer({ min: 1, max: 1000 })),
        fc.constantFrom(-1 as const, 1 as const),
        (list, current, dir) => {
          expect(list).toContain(moveSelection(list, current, dir));
        },
      ),
    );
  });
});

describe('reconcileSelection', () => {
  it('drops a selection whose row is gone', () => {
    expect(reconcileSelection([1, 2], 2)).toBe(2);
    expect(reconcileSelection([1, 2], 3)).toBeNull();
    expect(reconcileSelection([1, 2], null)).toBeNull();
  });
});

describe('visibleRowCount', () => {
  it('shows a screenful, and grows to keep the selected row and some context in view', () => {
    const rows = Array.from({ length: 500 }, (_, i) => 500 - i);
    expect(visibleRowCount(rows, null)).toBe(60);
    expect(visibleRowCount(rows, 499)).toBe(60);
    expect(visibleRowCount(rows, rows[200]!)).toBe(211);
    expect(visibleRowCount(rows, 9999)).toBe(60);
  });
});
