import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NONE,
  without,
  withBySeq,
  withNumber,
  withoutSeq,
} from '../../../src-main/core/projection/seq-lists';

const bySeq = (seqs: readonly number[]) => seqs.map((seq) => ({ seq, value: seq * 10 }));

describe('the small lists a tap or bib keeps (replaced, never changed)', () => {
  it('the shared empty list cannot be changed in place', () => {
    expect(NONE).toEqual([]);
    expect(() => (NONE as unknown as number[]).push(1)).toThrow(TypeError);
  });

  it('adding and removing by seq keeps seq order and never touches the list given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1_000 }), { maxLength: 12 }), (seqs) => {
        let list: readonly { seq: number; value: number }[] = NONE;
        for (const seq of seqs) {
          const before = list;
          const copy = [...before];
          list = withBySeq(list, { seq, value: seq * 10 });
          expect(before).toEqual(copy);
        }
        const sorted = [...seqs].sort((a, b) => a - b);
        expect(list).toEqual(bySeq(sorted));
        for (const seq of seqs) {
          const before = list;
          list = withoutSeq(list, seq);
          expect(list.length).toBe(before.length - 1);
          expect(list.some((m) => m.seq === seq)).toBe(false);
        }
        expect(list).toBe(NONE);
      }),
    );
  });

  it('removing a seq that is not there gives the same list back', () => {
    const list = withBySeq(NONE, { seq: 3, value: 1 });
    expect(withoutSeq(list, 4)).toBe(list);
    expect(without(list, -1)).toBe(list);
  });

  it('numbers stay ascending as they are added', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 12 }), (ns) => {
        let list: readonly number[] = NONE;
        for (const n of ns) list = withNumber(list, n);
        expect(list).toEqual([...ns].sort((a, b) => a - b));
      }),
    );
  });
});
