import { describe, expect, it } from 'vitest';
import {
  decideEnter,
  eventEpochMs,
  oldestUntagged,
  untaggedCount,
} from '../../../src-renderer/lib/entry';
import { crossing } from './fixtures';

const AT = 1_700_000_100_000;

describe('oldestUntagged', () => {
  it('picks the earliest time-only crossing, ignoring unreadable ones and those being filled', () => {
    const rows = [
      crossing({ tapSeq: 4, at: 400 }),
      crossing({ tapSeq: 3, at: 300, bib: 12 }),
      crossing({ tapSeq: 2, at: 200, unreadable: true }),
      crossing({ tapSeq: 5, at: 250 }),
    ];
    expect(oldestUntagged(rows)?.tapSeq).toBe(5);
    expect(oldestUntagged(rows, new Set([5]))?.tapSeq).toBe(4);
    expect(oldestUntagged(rows, new Set([4, 5]))).toBeNull();
    expect(untaggedCount(rows)).toBe(2);
  });
  it('breaks equal times by seq', () => {
    const rows = [crossing({ tapSeq: 8, at: 100 }), crossing({ tapSeq: 6, at: 100 })];
    expect(oldestUntagged(rows)?.tapSeq).toBe(6);
  });
});

describe('decideEnter', () => {
  it('records a bib-first crossing when no time waits', () => {
    const d = decideEnter({
      bibText: '123',
      at: AT,
      forceNew: false,
      crossings: [],
      filling: new Set(),
    });
    expect(d).toEqual({
      kind: 'command',
      command: { type: 'tap', at: AT, bib: '123' },
      describe: 'bib 123',
      fillsTap: null,
    });
  });
  it('fills the oldest untagged time, in order, unless Shift forces a new crossing', () => {
    const rows = [crossing({ tapSeq: 2, at: 200 }), crossing({ tapSeq: 1, at: 100 })];
    const first = decideEnter({
      bibText: '7',
      at: AT,
      forceNew: false,
      crossings: rows,
      filling: new Set(),
    });
    expect(first).toMatchObject({ command: { type: 'order', bib: '7' }, fillsTap: 1 });
    const second = decideEnter({
      bibText: '8',
      at: AT,
      forceNew: false,
      crossings: rows,
      filling: new Set([1]),
    });
    expect(second).toMatchObject({ command: { type: 'order', bib: '8' }, fillsTap: 2 });
    const forced = decideEnter({
      bibText: '9',
      at: AT,
      forceNew: true,
      crossings: rows,
      filling: new Set(),
    });
    expect(forced).toMatchObject({ command: { type: 'tap', at: AT, bib: '9' } });
  });
  it('turns an empty Enter into a time-only crossing, and refuses non-digits', () => {
    expect(
      decideEnter({ bibText: '  ', at: AT, forceNew: false, crossings: [], filling: new Set() }),
    ).toMatchObject({
      command: { type: 'tap', at: AT },
    });
    expect(
      decideEnter({ bibText: '12a', at: AT, forceNew: false, crossings: [], filling: new Set() })
        .kind,
    ).toBe('error');
  });
});

describe('eventEpochMs', () => {
  it('adds the page origin to the event timestamp and rounds to a whole ms', () => {
    expect(eventEpochMs(1_700_000_000_000.4, 1234.3)).toBe(1_700_000_001_235);
  });
});
