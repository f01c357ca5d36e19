import { describe, expect, it } from 'vitest';
import { finishers } from '../../../src-renderer/lib/announcer';
import { withVoidedRows } from '../../../src-renderer/lib/rows';
import { FLAG_WORDS, rowTime, statusWords } from '../../../src-renderer/lib/words';
import { crossing } from './fixtures';

describe('statusWords', () => {
  it('says statuses and flags in words, never codes', () => {
    const c = crossing({ tapSeq: 1, bib: 5, status: 'DNF', flags: ['other-event', 'no-gun'] });
    expect(statusWords(c)).toBe('DNF (did not finish), bib of another event');
    for (const words of Object.values(FLAG_WORDS)) expect(words).not.toMatch(/-/);
    expect(statusWords(crossing({ tapSeq: 2, bib: 5, voided: true }))).toBe('voided');
  });
  it('says whether RunSignup has a clear yet', () => {
    expect(statusWords(crossing({ tapSeq: 1, bib: 5, cleared: true, sync: 'verify' }))).toBe(
      'cleared (X), RunSignup not yet checked',
    );
    expect(statusWords(crossing({ tapSeq: 1, bib: 5, cleared: true, sync: 'unposted' }))).toBe(
      'cleared (X) on RunSignup',
    );
  });
});

describe('rowTime', () => {
  const guns = [
    { eventId: 1, at: 1_700_000_010_000 },
    { eventId: 2, at: null },
  ];
  it("shows the station's time, else a waiting crossing's time from the earliest gun", () => {
    expect(rowTime(crossing({ tapSeq: 1, bib: 5, time: '0:01:00.0' }), guns, 0, null)).toBe(
      '0:01:00.0',
    );
    const waiting = crossing({ tapSeq: 1, at: 1_700_000_070_000 });
    expect(rowTime(waiting, guns, 0, null)).toBe('≈0:01:00.0');
    expect(rowTime(waiting, guns, 500, null)).toBe('≈0:01:00.5');
    expect(rowTime(waiting, [], 0, null)).toMatch(/^\d\d:\d\d:\d\d\.\d$/);
    expect(rowTime(crossing({ tapSeq: 1, bib: 5, flags: ['no-gun'] }), [], 0, null)).toBe('no gun');
  });
  it("shows a crossing before any gun at its time of day on the race's clock, not the laptop's", () => {
    // 2023-11-14 22:14:30 UTC: 17:14:30 in New York (EST), 03:44:30 next day in Kolkata.
    const waiting = crossing({ tapSeq: 1, at: 1_700_000_070_000 });
    expect(rowTime(waiting, [], 0, 'America/New_York')).toBe('17:14:30.0');
    expect(rowTime(waiting, [], 0, 'Asia/Kolkata')).toBe('03:44:30.0');
  });
});

describe('finishers', () => {
  it('lists crossings with a bib, newest first as given, without voided or cleared ones', () => {
    const rows = [
      crossing({
        tapSeq: 5,
        bib: 9,
        name: 'Ann Lee',
        eventName: '10K',
        place: 2,
        time: '0:40:00.0',
      }),
      crossing({ tapSeq: 4 }),
      crossing({ tapSeq: 3, bib: 8, voided: true }),
      crossing({ tapSeq: 2, bib: 7, cleared: true }),
      crossing({ tapSeq: 1, bib: 6, status: 'DQ' }),
    ];
    expect(finishers(rows, 10)).toEqual([
      { key: 5, bib: 9, name: 'Ann Lee', event: '10K', place: 2, time: '0:40:00.0' },
      { key: 1, bib: 6, name: 'Unknown runner', event: '', place: null, time: 'DQ' },
    ]);
    expect(finishers(rows, 1)).toHaveLength(1);
  });
});

describe('withVoidedRows', () => {
  it('puts voided crossings among the rows shown, newest first, none older than the list', () => {
    const rows = [crossing({ tapSeq: 5, bib: 1 }), crossing({ tapSeq: 3, bib: 2 })];
    const voided = [
      crossing({ tapSeq: 4, bib: 9, voided: true }),
      crossing({ tapSeq: 1, bib: 8, voided: true }),
    ];
    expect(withVoidedRows(rows, voided).map((r) => r.tapSeq)).toEqual([5, 4, 3]);
    expect(withVoidedRows(rows, [])).toBe(rows);
    expect(withVoidedRows([], voided).map((r) => r.tapSeq)).toEqual([4, 1]);
  });
});
