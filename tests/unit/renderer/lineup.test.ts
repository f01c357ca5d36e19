import { describe, expect, it } from 'vitest';
import { blockRows, planShift } from '../../../src-renderer/lib/lineup';
import { lastBibs } from '../../../src-renderer/lib/chute';
import { crossing } from './fixtures';

// Newest first, as the timing list shows them: #5 is the newest crossing.
const rows = [5, 4, 3, 2, 1].map((s) => crossing({ tapSeq: s, bib: s === 3 ? null : 100 + s }));

describe('blockRows', () => {
  it('is the rows between anchor and selection, either way round, in list order', () => {
    expect(blockRows(rows, 4, 2).map((r) => r.tapSeq)).toEqual([4, 3, 2]);
    expect(blockRows(rows, 2, 4).map((r) => r.tapSeq)).toEqual([4, 3, 2]);
  });
  it('is the selected row alone without an anchor, and empty without a selection', () => {
    expect(blockRows(rows, null, 3).map((r) => r.tapSeq)).toEqual([3]);
    expect(blockRows(rows, 9, 3).map((r) => r.tapSeq)).toEqual([3]);
    expect(blockRows(rows, 4, null)).toEqual([]);
    expect(blockRows(rows, null, 9)).toEqual([]);
  });
});

describe('planShift', () => {
  it('sends the block in crossing order: from the oldest to the newest crossing', () => {
    expect(planShift(rows, 5, 3, 'later')).toEqual({
      kind: 'command',
      command: { type: 'shift', fromTapSeq: 3, toTapSeq: 5, direction: 'later' },
      label: 'bibs of 3 crossings one crossing later',
    });
    expect(planShift(rows, 1, 3, 'earlier')).toMatchObject({
      command: { type: 'shift', fromTapSeq: 1, toTapSeq: 3, direction: 'earlier' },
    });
  });
  it('asks for a block of two or more rows (whether a bib would be lost is the core’s call)', () => {
    const one = planShift(rows, null, 3, 'later');
    expect(one.kind).toBe('error');
    expect(one.kind === 'error' && one.message).toMatch(/Shift\+↑\/↓/);
    expect(planShift(rows, null, null, 'earlier').kind).toBe('error');
  });
});

describe('lastBibs', () => {
  it('lists the newest crossings with a bib, skipping time-only ones, at most n', () => {
    expect(lastBibs(rows, 3).map((r) => r.bib)).toEqual([105, 104, 102]);
    expect(lastBibs(rows, 10)).toHaveLength(4);
    expect(lastBibs([], 3)).toEqual([]);
  });
});
