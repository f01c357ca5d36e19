// Reading and setting up the race: GET race/races, participants (array shape, paging, sort,
// modified_after_timestamp), divisions, result sets, result-set-splits, new-result-set,
// clear-results and the shared start time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { call, errorOf, ids, postRows } from './support';

const race = createPracticeRace(1);
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: 1 });
});
afterAll(async () => {
  await emu.close();
});

type ParticipantsReply = Array<{
  event: { event_id: number; participants: unknown[] };
  participants: Array<{
    registration_id: number;
    bib_num: number | null;
    chip_num: string | null;
    age: number;
    last_modified: number;
    user: { first_name: string; last_name: string; gender: string };
  }>;
}>;

describe('GET race / races', () => {
  it('future_events_only=T hides events that already started; F shows them', async () => {
    const i = ids(emu);
    const past = await call(emu, 'GET', `/race/${i.raceId}`, {
      query: { future_events_only: 'F', most_recent_events_only: 'F' },
    });
    const events = (past.json as { race: { events: unknown[] } }).race.events;
    expect(events).toHaveLength(2);
    const future = await call(emu, 'GET', `/race/${i.raceId}`, {
      query: { future_events_only: 'T' },
    });
    // The practice race (2026, May to October) is in the past relative to the machine clock.
    const raceIsPast = Date.parse(`${race.date}T12:00:00Z`) < Date.now();
    expect((future.json as { race: { events: unknown[] } }).race.events).toHaveLength(
      raceIsPast ? 0 : 2,
    );
  });

  it('most_recent_events_only=T keeps the events of the latest race day (both practice events)', async () => {
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}`, {
      query: { most_recent_events_only: 'T' },
    });
    expect((r.json as { race: { events: unknown[] } }).race.events).toHaveLength(2);
  });

  it('GET races lists the race for a key with access and nothing for a key without', async () => {
    const r = await call(emu, 'GET', '/races', { query: { events: 'T' } });
    const races = (r.json as { races: Array<{ race: { race_id: number; events: unknown[] } }> })
      .races;
    expect(races.map((x) => x.race.race_id)).toEqual([ids(emu).raceId]);
    expect(races[0]!.race.events).toHaveLength(2);
    const none = await call(emu, 'GET', '/races', { auth: 'no-access' });
    expect((none.json as { races: unknown[] }).races).toEqual([]);
  });
});

describe('participants', () => {
  const path = () => `/race/${ids(emu).raceId}/participants`;

  it('is a JSON array, one element per event, with the per-event list always empty', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', path(), { query: { event_id: i.fiveK, results_per_page: 5 } });
    const body = r.json as ParticipantsReply;
    expect(Array.isArray(body)).toBe(true);
    expect(body).toHaveLength(1);
    expect(body[0]!.event).toEqual({ event_id: i.fiveK, participants: [] });
    expect(body[0]!.participants).toHaveLength(5);
    const p = body[0]!.participants[0]!;
    expect(typeof p.registration_id).toBe('number');
    expect(typeof p.user.first_name).toBe('string');
    const all = await call(emu, 'GET', path(), { query: { results_per_page: 1 } });
    expect((all.json as ParticipantsReply).map((e) => e.event.event_id)).toEqual([i.fiveK, i.tenK]);
  });

  it('pages by registration_id with a short last page and no total; the pages hold every registrant once', async () => {
    const i = ids(emu);
    const expected = race.participants
      .filter((p) => p.eventId === i.fiveK)
      .map((p) => p.registrationId);
    const seen: number[] = [];
    for (let page = 1; page < 100; page++) {
      const r = await call(emu, 'GET', path(), {
        query: { event_id: i.fiveK, page, results_per_page: 60, sort: 'registration_id ASC' },
      });
      const list = (r.json as ParticipantsReply)[0]!.participants;
      seen.push(...list.map((p) => p.registration_id));
      if (list.length < 60) break;
    }
    expect(seen).toEqual([...expected].sort((a, b) => a - b));
  });

  it('includes participants without a bib (bib_num null)', async () => {
    const r = await call(emu, 'GET', path(), { query: { results_per_page: 2500 } });
    const list = (r.json as ParticipantsReply).flatMap((e) => e.participants);
    expect(list).toHaveLength(race.participants.length);
    expect(list.some((p) => p.bib_num === null)).toBe(true);
  });

  it('sorts DESC on request', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', path(), {
      query: { event_id: i.tenK, results_per_page: 10, sort: 'registration_id DESC' },
    });
    const regs = (r.json as ParticipantsReply)[0]!.participants.map((p) => p.registration_id);
    expect(regs).toEqual([...regs].sort((a, b) => b - a));
    expect(regs[0]).toBe(
      Math.max(
        ...race.participants.filter((p) => p.eventId === i.tenK).map((p) => p.registrationId),
      ),
    );
  });

  it('refuses more than 2500 per page and an unknown sort with error 3', async () => {
    const i = ids(emu);
    expect(
      errorOf(
        await call(emu, 'GET', path(), { query: { event_id: i.fiveK, results_per_page: 2501 } }),
      )?.error_code,
    ).toBe(3);
    expect(
      errorOf(
        await call(emu, 'GET', path(), { query: { event_id: i.fiveK, sort: 'shoe_size ASC' } }),
      )?.error_code,
    ).toBe(3);
  });

  it('modified_after_timestamp matches on-or-after', async () => {
    const i = ids(emu);
    const stamps = race.participants
      .filter((p) => p.eventId === i.fiveK)
      .map((p) => p.lastModified)
      .sort((a, b) => a - b);
    const pivot = stamps[Math.floor(stamps.length * 0.8)]!;
    const r = await call(emu, 'GET', path(), {
      query: { event_id: i.fiveK, results_per_page: 2500, modified_after_timestamp: pivot },
    });
    const list = (r.json as ParticipantsReply)[0]!.participants;
    expect(list.length).toBe(stamps.filter((s) => s >= pivot).length);
    expect(list.some((p) => p.last_modified === pivot)).toBe(true);
    expect(list.every((p) => p.last_modified >= pivot)).toBe(true);
  });
});

describe('divisions', () => {
  it('lists divisions with auto_selection_criteria, filtered by event', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}/divisions/divisions`, {
      query: { event_id: i.tenK },
    });
    const list = (
      r.json as {
        divisions: Array<{
          event_id: number;
          race_division_id: number;
          auto_selection_criteria: { min_age: number; max_age: number; gender: string };
        }>;
      }
    ).divisions;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((d) => d.event_id === i.tenK)).toBe(true);
    expect(list[0]!.auto_selection_criteria).toEqual({ min_age: 1, max_age: 19, gender: 'F' });
  });
});

describe('result sets and splits', () => {
  it('get-result-sets lists the set with results_headers naming the postable fields, splits included', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}/results/get-result-sets`, {
      query: { event_id: i.tenK },
    });
    const sets = (
      r.json as {
        individual_results_sets: Array<{
          individual_result_set_id: number;
          results_headers: Record<string, string>;
        }>;
      }
    ).individual_results_sets;
    expect(sets.map((s) => s.individual_result_set_id)).toEqual([i.tenKSet]);
    for (const key of [
      'place',
      'bib',
      'clock_time',
      'chip_time',
      ...i.tenKSplits.map((s) => `split-${s}`),
    ]) {
      expect(sets[0]!.results_headers).toHaveProperty(key);
    }
  });

  it('GET result-set-splits (flat by default)', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}/results/result-set-splits`, {
      query: { event_id: i.tenK, individual_result_set_id: i.tenKSet },
    });
    const splits = (
      r.json as { result_set_splits: Array<{ split_id: number; split_name: string }> }
    ).result_set_splits;
    expect(splits.map((s) => s.split_id)).toEqual(i.tenKSplits);
    expect(splits.map((s) => s.split_name)).toEqual(['5K', '8K']);
  });

  it('POST result-set-splits replaces every split, gives new ids in order, keeps a posted existing id', async () => {
    const local = await startEmulator({ seed: 1 });
    try {
      const i = ids(local);
      await postRows(
        local,
        [
          {
            bib: 1001,
            [`split-${i.tenKSplits[0]}`]: '20:00',
            [`split-${i.tenKSplits[1]}`]: '33:00',
          },
        ],
        {
          eventId: i.tenK,
          resultSetId: i.tenKSet,
        },
      );
      const request = JSON.stringify({
        result_set_splits: [
          { split_id: null, split_name: 'Mile 2', split_distance: 2, split_distance_units: 'M' },
          {
            split_id: i.tenKSplits[0],
            split_name: '5K',
            split_distance: 5,
            split_distance_units: 'K',
          },
          { split_id: null, split_name: 'Mile 4', split_distance: 4, split_distance_units: 'M' },
        ],
      });
      const r = await call(local, 'POST', `/race/${i.raceId}/results/result-set-splits`, {
        query: { event_id: i.tenK, individual_result_set_id: i.tenKSet },
        form: { request_format: 'json', request },
      });
      const splits = (
        r.json as { result_set_splits: Array<{ split_id: number; split_name: string }> }
      ).result_set_splits;
      expect(splits.map((s) => s.split_name)).toEqual(['Mile 2', '5K', 'Mile 4']);
      expect(splits[1]!.split_id).toBe(i.tenKSplits[0]);
      expect(splits[0]!.split_id).toBeLessThan(splits[2]!.split_id);
      expect(new Set(splits.map((s) => s.split_id)).size).toBe(3);
      expect(splits.map((s) => s.split_id)).not.toContain(i.tenKSplits[1]);
      const row = local.results(i.tenKSet).find((x) => x.bib === 1001)!;
      expect(row[`split-${i.tenKSplits[0]}`]).toBe('20:00');
      expect(row).not.toHaveProperty(`split-${i.tenKSplits[1]}`);
      // A post to the removed split is now refused.
      const stale = await postRows(local, [{ bib: 1001, [`split-${i.tenKSplits[1]}`]: '34:00' }], {
        eventId: i.tenK,
        resultSetId: i.tenKSet,
      });
      expect(errorOf(stale)?.error_code).toBe(3);
    } finally {
      await local.close();
    }
  });

  it('new-result-set creates a set and answers its id', async () => {
    const local = await startEmulator({ seed: 1 });
    try {
      const i = ids(local);
      const r = await call(local, 'POST', `/race/${i.raceId}/results/new-result-set`, {
        query: { event_id: i.fiveK },
        form: {
          request_format: 'json',
          request: JSON.stringify({ individual_result_set_name: 'Masters', public_results: 'T' }),
        },
      });
      const id = (r.json as { individual_result_set_id: number }).individual_result_set_id;
      expect(typeof id).toBe('number');
      const sets = await call(local, 'GET', `/race/${i.raceId}/results/get-result-sets`, {
        query: { event_id: i.fiveK },
      });
      const list = (
        sets.json as {
          individual_results_sets: Array<{
            individual_result_set_id: number;
            individual_result_set_name: string;
          }>;
        }
      ).individual_results_sets;
      expect(list.map((s) => s.individual_result_set_name)).toEqual([
        '5K Overall Results',
        'Masters',
      ]);
      expect(list[1]!.individual_result_set_id).toBe(id);
      const noName = await call(local, 'POST', `/race/${i.raceId}/results/new-result-set`, {
        query: { event_id: i.fiveK },
        form: { request_format: 'json', request: '{}' },
      });
      expect(errorOf(noName)?.error_code).toBe(3);
    } finally {
      await local.close();
    }
  });

  it('clear-results empties the set and leaves other sets alone', async () => {
    const local = await startEmulator({ seed: 1 });
    try {
      const i = ids(local);
      await postRows(local, [
        { bib: 1, clock_time: '20:00' },
        { bib: 2, clock_time: '21:00' },
      ]);
      await postRows(local, [{ bib: 1001, clock_time: '40:00' }], {
        eventId: i.tenK,
        resultSetId: i.tenKSet,
      });
      const r = await call(local, 'POST', `/race/${i.raceId}/results/clear-results`, {
        query: { event_id: i.fiveK, individual_result_set_id: i.fiveKSet },
      });
      expect(errorOf(r)).toBeNull();
      expect(local.results(i.fiveKSet)).toEqual([]);
      expect(local.results(i.tenKSet)).toHaveLength(1);
      // A cleared set takes new posts again.
      await postRows(local, [{ bib: 1, clock_time: '20:01' }]);
      expect(local.results(i.fiveKSet).map((x) => x.clock_time)).toEqual(['20:01']);
    } finally {
      await local.close();
    }
  });
});

describe('start-time', () => {
  it('answers the scheduled start, takes a posted gun time (with tenths) and shares it', async () => {
    const i = ids(emu);
    const path = `/race/${i.raceId}/results/start-time`;
    const before = await call(emu, 'GET', path, { query: { event_id: i.fiveK } });
    expect((before.json as { start_time: string }).start_time).toBe(`${race.date} 08:00:00`);
    const set = await call(emu, 'POST', path, {
      query: { event_id: i.fiveK },
      form: {
        request_format: 'json',
        request: JSON.stringify({ start_time: `${race.date} 08:01:02.3` }),
      },
    });
    expect(errorOf(set)).toBeNull();
    const after = await call(emu, 'GET', path, { query: { event_id: i.fiveK } });
    expect((after.json as { start_time: string }).start_time).toBe(`${race.date} 08:01:02.3`);
    const other = await call(emu, 'GET', path, { query: { event_id: i.tenK } });
    expect((other.json as { start_time: string }).start_time).toBe(`${race.date} 08:15:00`);
  });

  it('refuses a malformed start time (error 9) and a missing event_id (error 3)', async () => {
    const i = ids(emu);
    const path = `/race/${i.raceId}/results/start-time`;
    const bad = await call(emu, 'POST', path, {
      query: { event_id: i.fiveK },
      form: { start_time: '2026-02-30 08:00:00' },
    });
    expect(errorOf(bad)?.error_code).toBe(9);
    expect(errorOf(await call(emu, 'GET', path))?.error_code).toBe(3);
  });
});
