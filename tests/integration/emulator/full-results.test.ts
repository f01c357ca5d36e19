// Post Event Results (RUNSIGNUP-API.md §4): request formats, matching, edits, names, blank/X,
// statuses, time formats, malformed times, skip_invalid_registration_ids, set resolution.
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { call, errorOf, ids, postRows, rowByBib } from './support';

const race = createPracticeRace(1);
const fiveKId = race.events[0]!.eventId;
const tenKId = race.events[1]!.eventId;
const fiveKers = race.participants.filter(
  (p) => p.eventId === fiveKId && p.bib !== null && p.chip !== null,
);
const tenKers = race.participants.filter((p) => p.eventId === tenKId && p.bib !== null);
const noBib = race.participants.find((p) => p.eventId === fiveKId && p.bib === null)!;
const usedFiveKBibs = new Set(
  race.participants.filter((p) => p.eventId === fiveKId).map((p) => p.bib),
);
const unknownBib = [...Array(999).keys()]
  .map((n) => n + 1)
  .find((b) => !usedFiveKBibs.has(b) && b > 500)!;
const A = fiveKers[0]!;
const B = fiveKers[1]!;
const C = fiveKers[2]!;

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ seed: 1 });
});
afterEach(async () => {
  await emu.close();
});

const fullResultsPath = () => `/race/${ids(emu).raceId}/results/full-results`;

describe('request formats', () => {
  it('json: rows saved, names from the registration, times compact', async () => {
    const r = await postRows(emu, [
      { bib: A.bib!, clock_time: '0:17:00.12', first_name: 'Ignored' },
    ]);
    expect(errorOf(r)).toBeNull();
    const row = rowByBib(emu, ids(emu).fiveKSet, A.bib!)!;
    expect(row).toMatchObject({
      bib: A.bib,
      first_name: A.firstName,
      last_name: A.lastName,
      clock_time: '17:00.12',
      chip_time: '',
    });
  });

  it('csv: header row then rows, quoted fields and CRLF line ends', async () => {
    const i = ids(emu);
    const csv = `bib,clock_time,split-${i.mile1}\r\n${A.bib},"18:01.5",\r\n${B.bib},18:09.25,"5:55"\r\n`;
    const r = await call(emu, 'POST', fullResultsPath(), {
      query: { event_id: i.fiveK, individual_result_set_id: i.fiveKSet },
      form: { request_format: 'csv', request: csv },
    });
    expect(errorOf(r)).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)).toMatchObject({
      clock_time: '18:01.5',
      [`split-${i.mile1}`]: '',
    });
    expect(rowByBib(emu, i.fiveKSet, B.bib!)).toMatchObject({
      clock_time: '18:09.25',
      [`split-${i.mile1}`]: '5:55',
    });
  });

  it('xml (the default request_format), request_format riding in the query string', async () => {
    const i = ids(emu);
    const xml =
      `<request><result><field><name>bib</name><value>${A.bib}</value></field>` +
      `<field><name>clock_time</name><value>19:00.7</value></field></result>` +
      `<result><field><name>bib_num</name><value>${B.bib}</value></field>` +
      `<field><name>chip_time</name><value>19:30</value></field></result></request>`;
    const viaDefault = await call(emu, 'POST', fullResultsPath(), {
      query: { event_id: i.fiveK, individual_result_set_id: i.fiveKSet },
      form: { request: xml },
    });
    expect(errorOf(viaDefault)).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)?.clock_time).toBe('19:00.7');
    expect(rowByBib(emu, i.fiveKSet, B.bib!)?.chip_time).toBe('19:30');
    const viaQuery = await call(emu, 'POST', fullResultsPath(), {
      query: { event_id: i.fiveK, individual_result_set_id: i.fiveKSet, request_format: 'xml' },
      form: { request: xml.replace('19:00.7', '19:00.8') },
    });
    expect(errorOf(viaQuery)).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)?.clock_time).toBe('19:00.8');
  });

  it('multipart form fields work too (what PHP curl sends)', async () => {
    const i = ids(emu);
    const boundary = 'chuteboundary42';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body =
      part('request_format', 'json') +
      part('request', JSON.stringify({ results: [{ bib: A.bib, clock_time: '21:00' }] })) +
      `--${boundary}--\r\n`;
    const c = emu.practice.credentials;
    const res = await request(
      `${emu.url}/race/${i.raceId}/results/full-results?format=json&api_key=${c.apiKey}&api_secret=${c.apiSecret}&event_id=${i.fiveK}&rsu_api_reg=${c.callerToken}`,
      {
        method: 'POST',
        body,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'x-rsu-api-reg-secret': c.callerSecret,
        },
      },
    );
    expect(await res.body.text()).toBe('{}');
    expect(rowByBib(emu, i.fiveKSet, A.bib!)?.clock_time).toBe('21:00');
  });

  it('refuses a missing request, an unknown request_format and malformed JSON/CSV/XML with error 3', async () => {
    const i = ids(emu);
    const q = { event_id: i.fiveK, individual_result_set_id: i.fiveKSet };
    const cases: Array<Record<string, string>> = [
      { request_format: 'json' },
      { request_format: 'yaml', request: 'results: []' },
      { request_format: 'json', request: '{"results": [' },
      { request_format: 'json', request: '{"rows": []}' },
      { request_format: 'csv', request: 'bib,clock_time\n1,"20:00\n' },
      { request_format: 'csv', request: 'bib,clock_time\n1\n' },
      {
        request_format: 'xml',
        request: '<request><result><field><value>1</value></field></result></request>',
      },
    ];
    for (const form of cases) {
      const r = await call(emu, 'POST', fullResultsPath(), { query: q, form });
      expect(errorOf(r)?.error_code, JSON.stringify(form)).toBe(3);
    }
    expect(emu.results(i.fiveKSet)).toEqual([]);
  });
});

describe('matching', () => {
  it('by registration_id, also for a registrant without a bib', async () => {
    const i = ids(emu);
    expect(
      errorOf(
        await postRows(emu, [{ registration_id: noBib.registrationId, clock_time: '25:00' }]),
      ),
    ).toBeNull();
    const rows = emu.results(i.fiveKSet);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bib: null, first_name: noBib.firstName, clock_time: '25:00' });
  });

  it('by bib, by bib_num and by chip_num land on the same result', async () => {
    const i = ids(emu);
    await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }]);
    await postRows(emu, [{ bib_num: A.bib!, chip_time: '19:50' }]);
    await postRows(emu, [{ chip_num: A.chip!, [`split-${i.mile1}`]: '6:10' }]);
    const rows = emu.results(i.fiveKSet);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      bib: A.bib,
      clock_time: '20:00',
      chip_time: '19:50',
      [`split-${i.mile1}`]: '6:10',
    });
  });

  it('re-posting the same rows is idempotent (no duplicates)', async () => {
    const i = ids(emu);
    const batch = [
      { bib: A.bib!, clock_time: '20:00' },
      { bib: B.bib!, clock_time: '20:05' },
    ];
    await postRows(emu, batch);
    await postRows(emu, batch);
    expect(emu.results(i.fiveKSet)).toHaveLength(2);
  });

  it('result_id edits that result; with another registrant it moves the result to them', async () => {
    const i = ids(emu);
    await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }]);
    const resultId = rowByBib(emu, i.fiveKSet, A.bib!)!.result_id as number;
    await postRows(emu, [{ result_id: resultId, clock_time: '20:10' }]);
    expect(emu.results(i.fiveKSet)).toEqual([
      expect.objectContaining({ result_id: resultId, bib: A.bib, clock_time: '20:10' }),
    ]);
    await postRows(emu, [{ result_id: resultId, bib: C.bib! }]);
    expect(emu.results(i.fiveKSet)).toEqual([
      expect.objectContaining({
        result_id: resultId,
        bib: C.bib,
        first_name: C.firstName,
        clock_time: '20:10',
      }),
    ]);
  });

  it('result_id with a bib no registrant has detaches the result (times kept, names as posted)', async () => {
    const i = ids(emu);
    await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }]);
    const resultId = rowByBib(emu, i.fiveKSet, A.bib!)!.result_id as number;
    await postRows(emu, [
      { result_id: resultId, bib: unknownBib, first_name: 'Day', last_name: 'Of' },
    ]);
    expect(emu.results(i.fiveKSet)).toEqual([
      expect.objectContaining({
        result_id: resultId,
        bib: unknownBib,
        first_name: 'Day',
        last_name: 'Of',
        clock_time: '20:00',
      }),
    ]);
    // Bib A is free again: a post for it creates a new result for that registrant.
    await postRows(emu, [{ bib: A.bib!, clock_time: '21:00' }]);
    expect(emu.results(i.fiveKSet)).toHaveLength(2);
  });

  it('an unknown result_id is refused (error 15)', async () => {
    const r = await postRows(emu, [{ result_id: 4242, clock_time: '20:00' }]);
    expect(errorOf(r)?.error_code).toBe(15);
  });

  it('no registrant matches: first_name required (104), then last_name (106); with both a result is created', async () => {
    const i = ids(emu);
    expect(
      errorOf(await postRows(emu, [{ bib: unknownBib, clock_time: '22:00' }]))?.error_code,
    ).toBe(104);
    expect(
      errorOf(await postRows(emu, [{ bib: unknownBib, clock_time: '22:00', first_name: 'Walk' }]))
        ?.error_code,
    ).toBe(106);
    const ok = await postRows(emu, [
      { bib: unknownBib, clock_time: '22:00', first_name: 'Walk', last_name: "Up-O'Day" },
    ]);
    expect(errorOf(ok)).toBeNull();
    // Later posts for that bib update the same (non-registrant) result without names.
    expect(errorOf(await postRows(emu, [{ bib: unknownBib, chip_time: '21:58' }]))).toBeNull();
    expect(emu.results(i.fiveKSet)).toEqual([
      expect.objectContaining({
        bib: unknownBib,
        first_name: 'Walk',
        last_name: "Up-O'Day",
        clock_time: '22:00',
        chip_time: '21:58',
      }),
    ]);
  });

  it('a bib of the OTHER event does not match a registrant of this event (104)', async () => {
    const r = await postRows(emu, [{ bib: tenKers[0]!.bib!, clock_time: '22:00' }]);
    expect(errorOf(r)?.error_code).toBe(104);
  });

  it('a bib changed on RunSignup: the old bib finds nobody (104), the new one finds the runner', async () => {
    const oldBib = C.bib!;
    emu.changeBib(C.registrationId, unknownBib);
    const refused = await postRows(emu, [{ bib: oldBib, clock_time: '23:00' }]);
    expect(errorOf(refused)?.error_code).toBe(104);
    expect(errorOf(await postRows(emu, [{ bib: unknownBib, clock_time: '23:00' }]))).toBeNull();
    expect(rowByBib(emu, ids(emu).fiveKSet, unknownBib)).toMatchObject({
      first_name: C.firstName,
      clock_time: '23:00',
    });
    expect(() => emu.changeBib(A.registrationId, B.bib!)).toThrow(/taken/);
    expect(() => emu.changeBib(-1, 1)).toThrow(/no registration/);
  });
});

describe('field semantics', () => {
  it('a blank or null field keeps the old value; "X" clears', async () => {
    const i = ids(emu);
    const split = `split-${i.mile1}`;
    await postRows(emu, [
      { bib: A.bib!, clock_time: '20:00', chip_time: '19:55', [split]: '6:00', place: 3 },
    ]);
    await postRows(emu, [
      { bib: A.bib!, clock_time: '', chip_time: null, [split]: '  ', place: '' },
    ]);
    expect(rowByBib(emu, i.fiveKSet, A.bib!)).toMatchObject({
      clock_time: '20:00',
      chip_time: '19:55',
      [split]: '6:00',
      place: 3,
    });
    await postRows(emu, [{ bib: A.bib!, [split]: 'X' }]);
    expect(rowByBib(emu, i.fiveKSet, A.bib!)).toMatchObject({ clock_time: '20:00', [split]: '' });
    await postRows(emu, [{ bib: A.bib!, clock_time: 'X', chip_time: 'x', place: 'X' }]);
    expect(rowByBib(emu, i.fiveKSet, A.bib!)).toMatchObject({
      clock_time: '',
      chip_time: '',
      place: null,
    });
  });

  it('DQ/DNS/DNF/DNQ are accepted in any time field', async () => {
    const i = ids(emu);
    const split = `split-${i.mile1}`;
    const r = await postRows(emu, [
      { bib: A.bib!, clock_time: 'DNF' },
      { bib: B.bib!, chip_time: 'dq', [split]: 'DNS' },
      { bib: C.bib!, [split]: 'DNQ' },
    ]);
    expect(errorOf(r)).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)?.clock_time).toBe('DNF');
    expect(rowByBib(emu, i.fiveKSet, B.bib!)).toMatchObject({ chip_time: 'DQ', [split]: 'DNS' });
    expect(rowByBib(emu, i.fiveKSet, C.bib!)?.[split]).toBe('DNQ');
  });

  it('accepts the documented time formats and answers them compact', async () => {
    const i = ids(emu);
    const r = await postRows(emu, [
      { bib: A.bib!, clock_time: '0:17:00.123' }, // H:MM:SS.fff
      { bib: B.bib!, clock_time: '01:02:03.45' }, // HH:MM:SS.cc
      { bib: C.bib!, clock_time: '17:00.1' }, // MM:SS.s
      { bib: fiveKers[3]!.bib!, clock_time: '100:00:00.5' }, // hhh:mm:ss.s
      { bib: fiveKers[4]!.bib!, clock_time: '8:27.42' }, // what get-results shows
    ]);
    expect(errorOf(r)).toBeNull();
    const times = emu.results(i.fiveKSet).map((x) => [x.bib, x.clock_time] as const);
    expect(new Map(times)).toEqual(
      new Map([
        [A.bib, '17:00.123'],
        [B.bib, '1:02:03.45'],
        [C.bib, '17:00.1'],
        [fiveKers[3]!.bib, '100:00:00.5'],
        [fiveKers[4]!.bib, '8:27.42'],
      ]),
    );
  });

  it('a malformed time is refused with error 3 naming the row and the field; nothing of the batch is saved', async () => {
    const i = ids(emu);
    for (const bad of ['12:3', '1:2:3', '20:61', 'soon', '17:00.1234', '-5:00']) {
      const r = await postRows(emu, [
        { bib: A.bib!, clock_time: '20:00' },
        { bib: B.bib!, chip_time: bad },
      ]);
      expect(errorOf(r)?.error_code, bad).toBe(3);
      expect(errorOf(r)?.error_msg).toMatch(/Row 2/);
      expect(errorOf(r)?.error_msg).toMatch(/chip_time/);
    }
    expect(emu.results(i.fiveKSet)).toEqual([]);
  });

  it('a split id the set does not have is refused (error 3) rather than silently dropped', async () => {
    const r = await postRows(emu, [{ bib: A.bib!, 'split-1': '6:00' }]);
    expect(errorOf(r)?.error_code).toBe(3);
    expect(errorOf(r)?.error_msg).toMatch(/split-1/);
  });
});

describe('skip_invalid_registration_ids', () => {
  it('T skips rows whose registration_id is unknown and saves the rest; F refuses the batch', async () => {
    const i = ids(emu);
    const rows = [
      { registration_id: 1, clock_time: '20:00' },
      { registration_id: A.registrationId, clock_time: '20:01' },
    ];
    const refused = await postRows(emu, rows, { extra: { skip_invalid_registration_ids: 'F' } });
    expect(errorOf(refused)?.error_code).toBe(3);
    expect(emu.results(i.fiveKSet)).toEqual([]);
    const skipped = await postRows(emu, rows, { extra: { skip_invalid_registration_ids: 'T' } });
    expect(errorOf(skipped)).toBeNull();
    expect(emu.results(i.fiveKSet)).toEqual([
      expect.objectContaining({ bib: A.bib, clock_time: '20:01' }),
    ]);
  });
});

describe('result set resolution', () => {
  it('an event with one set uses it when individual_result_set_id is left out', async () => {
    const i = ids(emu);
    expect(
      errorOf(await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }], { resultSetId: null })),
    ).toBeNull();
    expect(emu.results(i.fiveKSet)).toHaveLength(1);
  });

  it('an event with no set gets one created by the post', async () => {
    const bare = createPracticeRace(1);
    bare.events[0]!.resultSets = [];
    const local = await startEmulator({ seed: 1, race: bare });
    try {
      const i = { raceId: local.practice.raceId, fiveK: bare.events[0]!.eventId };
      const r = await call(local, 'POST', `/race/${i.raceId}/results/full-results`, {
        query: { event_id: i.fiveK },
        form: {
          request_format: 'json',
          request: JSON.stringify({ results: [{ bib: A.bib, clock_time: '20:00' }] }),
        },
      });
      expect(errorOf(r)).toBeNull();
      const sets = await call(local, 'GET', `/race/${i.raceId}/results/get-result-sets`, {
        query: { event_id: i.fiveK },
      });
      const list = (
        sets.json as { individual_results_sets: Array<{ individual_result_set_id: number }> }
      ).individual_results_sets;
      expect(list).toHaveLength(1);
      expect(local.results(list[0]!.individual_result_set_id)).toEqual([
        expect.objectContaining({ bib: A.bib, clock_time: '20:00' }),
      ]);
    } finally {
      await local.close();
    }
  });

  it('an event with several sets requires individual_result_set_id (error 3)', async () => {
    const i = ids(emu);
    await call(emu, 'POST', `/race/${i.raceId}/results/new-result-set`, {
      query: { event_id: i.fiveK },
      form: {
        request_format: 'json',
        request: JSON.stringify({ individual_result_set_name: 'Second' }),
      },
    });
    const r = await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }], { resultSetId: null });
    expect(errorOf(r)?.error_code).toBe(3);
    expect(errorOf(r)?.error_msg).toMatch(/individual_result_set_id/);
  });

  it('a set of another event is refused (error 3), an unknown event is 301', async () => {
    const i = ids(emu);
    expect(
      errorOf(
        await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }], { resultSetId: i.tenKSet }),
      )?.error_code,
    ).toBe(3);
    expect(
      errorOf(await postRows(emu, [{ bib: A.bib!, clock_time: '20:00' }], { eventId: 5 }))
        ?.error_code,
    ).toBe(301);
  });
});

describe('get-results', () => {
  it('pages with key `bib`, compact times and "" for an empty time; a short page is the end', async () => {
    const i = ids(emu);
    const rows = fiveKers
      .slice(0, 7)
      .map((p, n) => ({ bib: p.bib!, clock_time: `0:2${n}:00.50`, place: n + 1 }));
    await postRows(emu, rows);
    const page = async (p: number) => {
      const r = await call(emu, 'GET', `/race/${i.raceId}/results/get-results`, {
        query: {
          event_id: i.fiveK,
          individual_result_set_id: i.fiveKSet,
          page: p,
          results_per_page: 3,
        },
      });
      return (
        r.json as { individual_results_sets: Array<{ results: Array<Record<string, unknown>> }> }
      ).individual_results_sets[0]!.results;
    };
    const [p1, p2, p3] = [await page(1), await page(2), await page(3)];
    expect(p1.map((r) => r.place)).toEqual([1, 2, 3]);
    expect(p2.map((r) => r.place)).toEqual([4, 5, 6]);
    expect(p3).toHaveLength(1);
    expect(p1[0]).toMatchObject({ bib: fiveKers[0]!.bib, clock_time: '20:00.50', chip_time: '' });
    expect(p1[0]).not.toHaveProperty('bib_num');
  });
});

describe('division placements', () => {
  const division = race.divisions.find((d) => d.eventId === fiveKId)!;
  const key = `division-${division.divisionId}-placement`;

  it('are refused until division calculation is disabled, then stored; clear-division-placements removes them', async () => {
    const i = ids(emu);
    const early = await postRows(emu, [
      { bib: A.bib!, clock_time: '20:00', [`division-${division.divisionId}-place`]: 1 },
    ]);
    expect(errorOf(early)?.error_code).toBe(3);
    expect(errorOf(early)?.error_msg).toMatch(/disable-division-placement-calc/);
    const q = { event_id: i.fiveK, individual_result_set_id: i.fiveKSet };
    expect(
      errorOf(
        await call(emu, 'POST', `/race/${i.raceId}/results/disable-division-placement-calc`, {
          query: q,
        }),
      ),
    ).toBeNull();
    expect(
      errorOf(
        await postRows(emu, [
          { bib: A.bib!, clock_time: '20:00', [`division-${division.divisionId}-place`]: 1 },
        ]),
      ),
    ).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)?.[key]).toBe(1);
    const unknown = await postRows(emu, [{ bib: A.bib!, 'division-1-placement': 2 }]);
    expect(errorOf(unknown)?.error_code).toBe(3);
    expect(
      errorOf(
        await call(emu, 'POST', `/race/${i.raceId}/results/clear-division-placements`, {
          query: q,
        }),
      ),
    ).toBeNull();
    expect(rowByBib(emu, i.fiveKSet, A.bib!)).toMatchObject({ [key]: null, clock_time: '20:00' });
  });

  it('appear in results_headers of the set', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}/results/get-result-sets`, {
      query: { event_id: i.fiveK },
    });
    const headers = (
      r.json as { individual_results_sets: Array<{ results_headers: Record<string, string> }> }
    ).individual_results_sets[0]!.results_headers;
    expect(headers[key]).toBe(division.name);
  });
});
