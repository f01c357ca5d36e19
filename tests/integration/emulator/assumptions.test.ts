// Every [assumed] behaviour is a switch (assumptions.ts): each variant is pinned down here so the
// client and sync loop can be tested against all of them.
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_ASSUMPTION_VARIANTS } from '../../../src-main/runsignup/assumptions';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { call, errorOf, ids, postRows, rowByBib } from './support';

const race = createPracticeRace(1);
const [A, B, C] = race.participants.filter(
  (p) => p.eventId === race.events[0]!.eventId && p.bib !== null,
);

let emu: RunningEmulator | null = null;
afterEach(async () => {
  await emu?.close();
  emu = null;
});

async function start(assumptions: Parameters<typeof startEmulator>[0] = {}) {
  emu = await startEmulator({ seed: 1, ...assumptions });
  return emu;
}

describe('badRow', () => {
  const batch = () => [
    { bib: A!.bib!, clock_time: '20:00' },
    { bib: B!.bib!, clock_time: 'not a time' },
    { bib: C!.bib!, clock_time: '20:10' },
  ];

  it('whole-batch-error: the first bad row fails the request and nothing is saved', async () => {
    const e = await start({ assumptions: { badRow: 'whole-batch-error' } });
    const r = await postRows(e, batch());
    expect(errorOf(r)).toMatchObject({ error_code: 3 });
    expect(errorOf(r)?.error_msg).toMatch(/Row 2/);
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
    expect(e.log.at(-1)).toMatchObject({ applied: false, rows: 3 });
  });

  it('per-row-report: good rows are saved, the answer is an error listing each bad row', async () => {
    const e = await start({ assumptions: { badRow: 'per-row-report' } });
    const r = await postRows(e, batch());
    const err = errorOf(r) as unknown as {
      error_code: number;
      num_results_saved: number;
      row_errors: Array<{ row: number; error_code: number; error_msg: string }>;
    };
    expect(err.error_code).toBe(3);
    expect(err.num_results_saved).toBe(2);
    expect(err.row_errors).toEqual([
      { row: 2, error_code: 3, error_msg: expect.stringMatching(/clock_time/) },
    ]);
    expect(
      e
        .results(ids(e).fiveKSet)
        .map((x) => x.bib)
        .sort(),
    ).toEqual([A!.bib, C!.bib].sort());
    expect(e.log.at(-1)).toMatchObject({ applied: true });
  });
});

describe('successBody', () => {
  const good = () => [{ bib: A!.bib!, clock_time: '20:00' }];

  it('empty-object: {} (and <response/> in xml)', async () => {
    const e = await start({ assumptions: { successBody: 'empty-object' } });
    expect((await postRows(e, good())).text).toBe('{}');
    expect((await postRows(e, good(), { format: 'xml' })).text).toMatch(/<response\/>$/);
  });

  it('counts: created / updated / skipped', async () => {
    const e = await start({ assumptions: { successBody: 'counts' } });
    expect((await postRows(e, good())).json).toEqual({
      num_results_created: 1,
      num_results_updated: 0,
      num_results_skipped: 0,
    });
    expect((await postRows(e, good())).json).toEqual({
      num_results_created: 0,
      num_results_updated: 1,
      num_results_skipped: 0,
    });
  });

  it('empty-string: a zero-length body', async () => {
    const e = await start({ assumptions: { successBody: 'empty-string' } });
    const r = await postRows(e, good());
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(rowByBib(e, ids(e).fiveKSet, A!.bib!)?.clock_time).toBe('20:00');
  });

  it('results-echo: the saved rows as get-results shows them', async () => {
    const e = await start({ assumptions: { successBody: 'results-echo' } });
    const r = await postRows(e, good());
    expect(r.json).toEqual({
      results: [
        expect.objectContaining({
          bib: A!.bib,
          clock_time: '20:00',
          result_id: expect.any(Number),
        }),
      ],
    });
  });
});

describe('throttle signal and Retry-After', () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;

  it('http-200-code-14 without Retry-After (the default)', async () => {
    const e = await start({ now, throttle: { maxRequestsPerSecond: 1 } });
    const path = `/race/${ids(e).raceId}`;
    expect(errorOf(await call(e, 'GET', path))).toBeNull();
    const r = await call(e, 'GET', path);
    expect(r.status).toBe(200);
    expect(errorOf(r)?.error_code).toBe(14);
    expect(r.headers['retry-after']).toBeUndefined();
  });

  it('http-429 with Retry-After in seconds', async () => {
    const e = await start({
      now,
      throttle: { maxRequestsPerSecond: 1 },
      assumptions: { throttle: 'http-429', retryAfterSeconds: 1 },
    });
    const path = `/race/${ids(e).raceId}`;
    await call(e, 'GET', path);
    const r = await call(e, 'GET', path);
    expect(r.status).toBe(429);
    expect(errorOf(r)?.error_code).toBe(14);
    expect(r.headers['retry-after']).toBe('1');
    clock += 1001;
    expect((await call(e, 'GET', path)).status).toBe(200);
  });
});

describe('clearFinishWithX', () => {
  it('clears: "X" empties clock_time and chip_time', async () => {
    const e = await start({ assumptions: { clearFinishWithX: 'clears' } });
    await postRows(e, [{ bib: A!.bib!, clock_time: '20:00', chip_time: '19:58' }]);
    expect(
      errorOf(await postRows(e, [{ bib: A!.bib!, clock_time: 'X', chip_time: 'X' }])),
    ).toBeNull();
    expect(rowByBib(e, ids(e).fiveKSet, A!.bib!)).toMatchObject({ clock_time: '', chip_time: '' });
  });

  it('rejected: "X" in clock_time is a malformed time (error 3), while "X" still clears a split', async () => {
    const e = await start({ assumptions: { clearFinishWithX: 'rejected' } });
    const split = `split-${ids(e).mile1}`;
    await postRows(e, [{ bib: A!.bib!, clock_time: '20:00', [split]: '6:00' }]);
    const r = await postRows(e, [{ bib: A!.bib!, clock_time: 'X' }]);
    expect(errorOf(r)?.error_code).toBe(3);
    expect(errorOf(r)?.error_msg).toMatch(/clock_time/);
    expect(errorOf(await postRows(e, [{ bib: A!.bib!, [split]: 'X' }]))).toBeNull();
    expect(rowByBib(e, ids(e).fiveKSet, A!.bib!)).toMatchObject({
      clock_time: '20:00',
      [split]: '',
    });
  });
});

describe('clearFinishWithX: ignored', () => {
  it('"X" in clock_time/chip_time is answered as a success while both times stay', async () => {
    const e = await start({ assumptions: { clearFinishWithX: 'ignored' } });
    const split = `split-${ids(e).mile1}`;
    await postRows(e, [{ bib: A!.bib!, clock_time: '20:00', chip_time: '19:58', [split]: '6:00' }]);
    const r = await postRows(e, [{ bib: A!.bib!, clock_time: 'X', chip_time: 'X' }]);
    expect(r.status).toBe(200);
    expect(errorOf(r)).toBeNull();
    const row = rowByBib(e, ids(e).fiveKSet, A!.bib!);
    expect(row).toBeDefined();
    expect(row).toMatchObject({ clock_time: '20:00', chip_time: '19:58' });
    // A split still clears: only the undocumented finish-time X is in question.
    expect(errorOf(await postRows(e, [{ bib: A!.bib!, [split]: 'X' }]))).toBeNull();
    expect(rowByBib(e, ids(e).fiveKSet, A!.bib!)).toMatchObject({
      clock_time: '20:00',
      [split]: '',
    });
  });
  it('is one of the variants every contract test runs against', () => {
    expect(EMULATOR_ASSUMPTION_VARIANTS).toContainEqual({ clearFinishWithX: 'ignored' });
  });
});

describe('resultSetSplitsShape', () => {
  it('wrapped: GET result-set-splits nests the list per result set', async () => {
    const e = await start({ assumptions: { resultSetSplitsShape: 'wrapped' } });
    const i = ids(e);
    const r = await call(e, 'GET', `/race/${i.raceId}/results/result-set-splits`, {
      query: { event_id: i.tenK, individual_result_set_id: i.tenKSet },
    });
    expect(r.json).toEqual({
      individual_results_sets: [
        {
          individual_result_set_id: i.tenKSet,
          result_set_splits: i.tenKSplits.map((id) => expect.objectContaining({ split_id: id })),
        },
      ],
    });
  });
});

describe('switching at run time and every listed variant', () => {
  it('setAssumptions changes the behaviour of the next request', async () => {
    const e = await start();
    expect((await postRows(e, [{ bib: A!.bib!, clock_time: '20:00' }])).text).toBe('{}');
    e.setAssumptions({ successBody: 'empty-string' });
    expect((await postRows(e, [{ bib: A!.bib!, clock_time: '20:01' }])).text).toBe('');
  });

  it.each(EMULATOR_ASSUMPTION_VARIANTS.map((v) => [JSON.stringify(v), v] as const))(
    'variant %s: a good post has no error key and the row reads back (json and xml)',
    async (_name, variant) => {
      const e = await start({ assumptions: variant });
      const r = await postRows(e, [{ bib: A!.bib!, clock_time: '20:00.5' }]);
      expect(r.status).toBe(200);
      expect(errorOf(r)).toBeNull();
      const x = await postRows(e, [{ bib: B!.bib!, clock_time: '20:03' }], { format: 'xml' });
      expect(x.status).toBe(200);
      if (x.text) expect(new XMLParser().parse(x.text)).not.toHaveProperty('error');
      expect(e.results(ids(e).fiveKSet).map((row) => row.clock_time)).toEqual(['20:00.5', '20:03']);
    },
  );
});
