import { describe, expect, it } from 'vitest';
import { resultRow as row } from './fixtures';
import { findBib, resultColumns, resultTime, resultsCsv } from '../../../src-renderer/lib/results';

describe('results of every event', () => {
  const events = [
    {
      eventId: 1,
      name: '5K',
      rows: [
        row({ bib: 1, place: 1, time: '0:20:00.0', gender: 'F', age: 31 }),
        row({ bib: 2, status: 'DNF' }),
      ],
    },
    {
      eventId: 2,
      name: '10K',
      rows: [row({ bib: 50, place: 1, time: '0:40:00.0', cleared: true, sync: 'verify' })],
    },
  ];
  it('shows only the columns with something in them', () => {
    expect(resultColumns(events)).toEqual({
      gender: true,
      age: true,
      division: false,
      ageGroup: true,
    });
    expect(resultColumns([])).toEqual({
      gender: false,
      age: false,
      division: false,
      ageGroup: false,
    });
  });
  it('finds the event holding a bib', () => {
    expect(findBib(events, 50)?.name).toBe('10K');
    expect(findBib(events, 3)).toBeNull();
  });
  it('says a cleared runner is cleared, and whether RunSignup shows it', () => {
    expect(resultTime(events[1]!.rows[0]!)).toBe('cleared (X), RunSignup not yet checked');
    expect(resultTime(events[0]!.rows[1]!)).toBe('DNF');
  });
  it("writes one CSV with an Event column and Chute's age groups, said to be Chute's", () => {
    const lines = resultsCsv(events).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Event,Place,Bib,Name,Gender,Age,Age group (computed by Chute),AG place,Time,Status,Sync',
    );
    expect(lines[1]).toBe('5K,1,1,Runner 1,F,31,F 30-39,1,0:20:00.0,,sent');
    expect(lines[2]).toBe('5K,,2,Runner 2,,,,,,DNF,sent');
    expect(lines[3]).toBe('10K,1,50,Runner 50,,,,,0:40:00.0,X,verify');
  });
  it('adds a Division column when RunSignup gives divisions', () => {
    const withDivision = [
      { eventId: 1, name: '5K', rows: [row({ bib: 1, place: 1, division: 'Masters' })] },
    ];
    const lines = resultsCsv(withDivision).trimEnd().split('\r\n');
    expect(lines[0]).toContain(',Age,Division,Age group (computed by Chute),');
    expect(lines[1]).toBe('5K,1,1,Runner 1,,,Masters,,,,,sent');
  });
});
