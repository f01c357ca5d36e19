import { describe, expect, it } from 'vitest';
import { attentionRows, fieldLabel } from '../../../src-renderer/lib/attention';
import { crossing, snapshot } from './fixtures';

describe('attentionRows', () => {
  it("lists the station's attention rows, status-only ones included, with names and events", () => {
    const snap = {
      ...snapshot([crossing({ tapSeq: 1, bib: 7, name: 'Ada Lovelace', sync: 'attention' })]),
      attention: [
        { bib: 7, eventId: 10, field: 'clock_time', value: '0:20:00.1', reason: 'Bad time' },
        { bib: 9, eventId: 10, field: 'clock_time', value: 'DNS', reason: 'No such bib' },
        { bib: 9, eventId: 99, field: 'split-5', value: '', reason: 'Split unknown' },
      ],
    };
    expect(attentionRows(snap).map(({ key: _key, ...r }) => r)).toEqual([
      {
        bib: 7,
        name: 'Ada Lovelace',
        event: '5K',
        field: 'finish time',
        value: '0:20:00.1',
        reason: 'Bad time',
      },
      { bib: 9, name: '', event: '5K', field: 'finish time', value: 'DNS', reason: 'No such bib' },
      {
        bib: 9,
        name: '',
        event: 'event 99',
        field: 'split 5',
        value: '(blank)',
        reason: 'Split unknown',
      },
    ]);
    expect(new Set(attentionRows(snap).map((r) => r.key)).size).toBe(3);
  });
  it('falls back to the crossings marked for attention when the station sends no list', () => {
    const snap = snapshot([
      crossing({ tapSeq: 1, bib: 7, sync: 'attention', syncReason: null, time: '0:01:00.0' }),
      crossing({ tapSeq: 2, bib: 8, sync: 'sent' }),
    ]);
    expect(attentionRows(snap)).toEqual([
      {
        key: 'tap:1',
        bib: 7,
        name: '',
        event: '',
        field: 'crossing',
        value: '0:01:00.0',
        reason: 'RunSignup rejected this row',
      },
    ]);
    expect(attentionRows(null)).toEqual([]);
  });
  it('names the fields in words', () => {
    expect(fieldLabel('chip_time')).toBe('chip time');
    expect(fieldLabel('place')).toBe('place');
    expect(fieldLabel('other')).toBe('other');
  });
});
