import { describe, expect, it } from 'vitest';
import {
  provisionalRow,
  typedRunner,
  withProvisional,
} from '../../../src-renderer/lib/provisional';
import { crossing } from './fixtures';

const lookup = {
  bib: 7,
  participant: {
    registrationId: 1,
    eventId: 10,
    bib: 7,
    chip: null,
    firstName: 'Ada',
    lastName: 'Lovelace',
    gender: null,
    age: null,
  },
  eventName: '5K',
  warnings: [],
  error: null,
};

describe('typedRunner', () => {
  it('takes the lookup only when it is the answer for the typed bib', () => {
    expect(typedRunner(lookup, '7')).toEqual({
      name: 'Ada Lovelace',
      eventId: 10,
      eventName: '5K',
    });
    expect(typedRunner(lookup, '70')).toBeNull();
    expect(typedRunner(null, '7')).toBeNull();
    expect(typedRunner({ ...lookup, participant: null, eventName: null }, '7')).toEqual({
      name: null,
      eventId: null,
      eventName: null,
    });
  });
});

describe('provisionalRow', () => {
  it('is the saved tap with what the screen knew; place and time wait for the snapshot', () => {
    const row = provisionalRow({ type: 'tap', at: 5_000, bib: '7' }, 12, typedRunner(lookup, '7'));
    expect(row).toEqual({
      tapSeq: 12,
      at: 5_000,
      bib: 7,
      unreadable: false,
      name: 'Ada Lovelace',
      eventId: 10,
      eventName: '5K',
      place: null,
      time: null,
      status: null,
      flags: [],
      sync: 'saved',
      syncReason: null,
    });
  });
  it('has no runner for a time-only or unreadable tap', () => {
    const runner = typedRunner(lookup, '7');
    expect(provisionalRow({ type: 'tap', at: 1 }, 3, runner)).toMatchObject({
      bib: null,
      name: null,
      eventId: null,
    });
    expect(provisionalRow({ type: 'tap', at: 1, unreadable: true }, 3, null)).toMatchObject({
      bib: null,
      unreadable: true,
    });
  });
});

describe('withProvisional', () => {
  const rows = [crossing({ tapSeq: 3, at: 30 }), crossing({ tapSeq: 1, at: 10 })];
  it('puts the row in its place by time, newest first', () => {
    const order = (r: ReturnType<typeof withProvisional>) => r.map((c) => c.tapSeq);
    expect(order(withProvisional(rows, crossing({ tapSeq: 4, at: 40 })))).toEqual([4, 3, 1]);
    expect(order(withProvisional(rows, crossing({ tapSeq: 4, at: 20 })))).toEqual([3, 4, 1]);
    expect(order(withProvisional(rows, crossing({ tapSeq: 4, at: 5 })))).toEqual([3, 1, 4]);
    expect(order(withProvisional([], crossing({ tapSeq: 4, at: 5 })))).toEqual([4]);
  });
  it('never doubles a row the snapshot already has', () => {
    expect(withProvisional(rows, crossing({ tapSeq: 3, at: 30, bib: 9 }))).toEqual(rows);
  });
});
