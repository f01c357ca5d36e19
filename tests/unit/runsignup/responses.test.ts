// RunSignup's oddities: ints as strings, null/'' bibs, extra fields, the participants array,
// both shapes of result-set-splits, small answers found wherever they are nested.
import { describe, expect, it } from 'vitest';
import { RunSignupError } from '../../../src-main/runsignup/errors';
import {
  parseLogin,
  parseParticipantsPage,
  parseRace,
  parseRaces,
  parseResultSets,
  parseResultSetSplits,
  parseResultsPage,
  parseStartTime,
} from '../../../src-main/runsignup/responses';

function participant(extra: Record<string, unknown>) {
  return { user: { first_name: 'Ann', last_name: 'Lee', gender: 'F', extra: 1 }, ...extra };
}

describe('participants', () => {
  it('coerces ints sent as strings and keeps null bibs', () => {
    const page = parseParticipantsPage(
      [
        {
          event: { event_id: '10', participants: [] },
          participants: [
            participant({ registration_id: '77', bib_num: '12', chip_num: 'ABC1', age: '40' }),
            participant({ registration_id: 78, bib_num: null, chip_num: '', age: null }),
            participant({
              registration_id: 79,
              bib_num: '',
              chip_num: 12345,
              age: 'n/a',
              event_id: 11,
            }),
          ],
        },
      ],
      99,
    );
    expect(page.rawCount).toBe(3);
    expect(
      page.participants.map((p) => [p.registrationId, p.eventId, p.bib, p.chip, p.age]),
    ).toEqual([
      [77, 10, 12, 'ABC1', 40],
      [78, 10, null, null, null],
      [79, 11, null, '12345', null],
    ]);
  });
  it('falls back to the requested event and tolerates a missing user', () => {
    const page = parseParticipantsPage(
      [{ participants: [{ registration_id: 1, bib_num: 5 }] }],
      42,
    );
    expect(page.participants[0]).toMatchObject({
      eventId: 42,
      firstName: '',
      lastName: '',
      gender: null,
    });
  });
  it('reads an empty page and a single block sent as an object', () => {
    expect(parseParticipantsPage([], 1).rawCount).toBe(0);
    expect(parseParticipantsPage({ participants: [participant({ bib_num: 1 })] }, 1).rawCount).toBe(
      1,
    );
  });
  it('rejects a malformed bib with a clear error naming the path', () => {
    expect(() =>
      parseParticipantsPage([{ participants: [participant({ bib_num: 'A12' })] }], 1),
    ).toThrow(/get-participants.*0\.participants\.0\.bib_num/);
  });
});

describe('races', () => {
  it('reads a race with string ids and no events', () => {
    expect(parseRace({ race: { race_id: '5', name: 'X', extra: { a: 1 } } })).toEqual({
      raceId: 5,
      name: 'X',
      nextDate: null,
      lastDate: null,
      timeZone: null,
      events: [],
    });
  });
  it("reads the race's time zone when it is one this computer knows", () => {
    const race = (timezone: unknown) => parseRace({ race: { race_id: 5, name: 'X', timezone } });
    expect(race('America/New_York').timeZone).toBe('America/New_York');
    expect(race('Not/AZone').timeZone).toBeNull();
    expect(race('').timeZone).toBeNull();
  });
  it('reads the races list, and [] as no races', () => {
    const list = parseRaces({
      races: [
        { race: { race_id: 1, name: 'A', events: [{ event_id: 2, name: '5K', distance: 5 }] } },
      ],
    });
    expect(list[0]?.events[0]).toMatchObject({ eventId: 2, distance: '5' });
    expect(parseRaces([])).toEqual([]);
    expect(parseRaces({})).toEqual([]);
  });
  it('a missing race id is a RunSignupError, not a crash', () => {
    try {
      parseRace({ race: { name: 'X' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RunSignupError);
      expect((e as RunSignupError).kind).toBe('unknown');
      expect((e as RunSignupError).message).toMatch(/get-race.*race\.race_id/);
    }
  });
});

describe('result sets and results', () => {
  it('reads sets without headers and results of the wanted set', () => {
    const value = {
      individual_results_sets: [
        {
          individual_result_set_id: '1',
          individual_result_set_name: 'A',
          results: [{ bib: '7', clock_time: '' }],
        },
        {
          individual_result_set_id: 2,
          individual_result_set_name: 'B',
          results_headers: { bib: 'Bib' },
          results: [{ bib: 8, clock_time: '1:02:03.4', nested: { a: 1 }, dq: true }],
        },
      ],
    };
    expect(parseResultSets(value).map((s) => [s.resultSetId, s.name, s.headers])).toEqual([
      [1, 'A', {}],
      [2, 'B', { bib: 'Bib' }],
    ]);
    expect(parseResultsPage(value, 1)).toEqual([{ bib: 7, clock_time: '' }]);
    expect(parseResultsPage(value, 2)).toEqual([
      { bib: 8, clock_time: '1:02:03.4', nested: '{"a":1}', dq: 'T' },
    ]);
    expect(parseResultsPage(value, 3)).toEqual([]);
    expect(parseResultsPage([], 3)).toEqual([]);
  });
});

describe('result-set-splits', () => {
  const splits = [
    { split_id: '11', split_name: 'Mile 1', split_distance: 1, split_distance_units: 'M' },
    { split_id: 12, split_name: '5K', split_distance: '5', split_distance_units: 'K' },
  ];
  const want = [
    { splitId: 11, name: 'Mile 1', distance: '1', distanceUnits: 'M' },
    { splitId: 12, name: '5K', distance: '5', distanceUnits: 'K' },
  ];
  it('reads the flat shape', () => {
    expect(parseResultSetSplits({ result_set_splits: splits }, 5)).toEqual(want);
  });
  it('reads a per-set wrapped shape, picking the right set', () => {
    const wrapped = {
      individual_results_sets: [
        { individual_result_set_id: 4, result_set_splits: [{ split_id: 1, split_name: 'other' }] },
        { individual_result_set_id: 5, result_set_splits: splits },
      ],
    };
    expect(parseResultSetSplits(wrapped, 5)).toEqual(want);
    expect(
      parseResultSetSplits({ result_sets: [{ individual_result_set_id: '5', splits }] }, 5),
    ).toEqual(want);
  });
  it('reads no splits as [], and an answer without any list as an error', () => {
    expect(parseResultSetSplits({ result_set_splits: [] }, 5)).toEqual([]);
    expect(parseResultSetSplits({}, 5)).toEqual([]);
    expect(() => parseResultSetSplits({ something: 'else' }, 5)).toThrow(RunSignupError);
  });
});

describe('small answers', () => {
  it('start time, empty meaning none', () => {
    expect(parseStartTime({ start_time: '2026-05-01 08:00:00' })).toBe('2026-05-01 08:00:00');
    expect(parseStartTime({ start_time: '' })).toBeNull();
    expect(parseStartTime({ start_time: null })).toBeNull();
    expect(parseStartTime({ event: { start_time: ' 2026-05-01 08:00:00 ' } })).toBe(
      '2026-05-01 08:00:00',
    );
  });
  it('login keys', () => {
    expect(parseLogin({ tmp_key: 'k', tmp_secret: 's', user: {} })).toEqual({
      tmpKey: 'k',
      tmpSecret: 's',
    });
    expect(() => parseLogin({ tmp_key: '', tmp_secret: 's' })).toThrow(RunSignupError);
  });
});
