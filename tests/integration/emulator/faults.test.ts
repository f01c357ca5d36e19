// Fault injection: each kind does what a flaky network or server does, full-results faults strike
// before the post is applied except `truncated` and `reset-after-apply` (saved, answer lost), the
// PRNG is seeded, and rate throttling answers error 14.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALL_FAULT_KINDS,
  createPracticeRace,
  startEmulator,
  type FaultKind,
  type FaultPlan,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { FaultPicker } from '../../../src-main/runsignup/emulator/faults';
import { errorOf, ids, postRows } from './support';

const race = createPracticeRace(1);
const A = race.participants.find((p) => p.eventId === race.events[0]!.eventId && p.bib !== null)!;

let emu: RunningEmulator | null = null;
afterEach(async () => {
  await emu?.close();
  emu = null;
});

async function withFaults(faults: FaultPlan, extra: Parameters<typeof startEmulator>[0] = {}) {
  emu = await startEmulator({ seed: 1, faults, ...extra });
  return emu;
}

const row = () => [{ bib: A.bib!, clock_time: '20:00' }];

describe('each fault kind on a full-results post', () => {
  it('latency: the answer comes, correct, and the log names the fault', async () => {
    const e = await withFaults({ script: ['latency'], latencyMs: 20 });
    const r = await postRows(e, row());
    expect(r.text).toBe('{}');
    expect(e.results(ids(e).fiveKSet)).toHaveLength(1);
    expect(e.log.at(-1)).toMatchObject({ fault: 'latency', status: 200, applied: true });
  });

  it('reset: the connection is destroyed before the post is applied', async () => {
    const e = await withFaults({ script: ['reset'] });
    await expect(postRows(e, row())).rejects.toThrow();
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
    // The log still shows what was sent, marked not applied.
    expect(e.log.at(-1)).toMatchObject({
      fault: 'reset',
      status: 0,
      applied: false,
      posted: [{ bib: String(A.bib), clock_time: '20:00' }],
    });
  });

  it('no-answer: the socket is held, then destroyed; nothing applied', async () => {
    const e = await withFaults({ script: ['no-answer'], noAnswerMs: 50 });
    await expect(postRows(e, row())).rejects.toThrow();
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
  });

  it.each([
    ['http-500', 500],
    ['http-503', 503],
  ] as const)('%s: an HTML 5xx page, nothing applied', async (kind, status) => {
    const e = await withFaults({ script: [kind] });
    const r = await postRows(e, row());
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/html/);
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
  });

  it('throttle: HTTP 200 with error 14, nothing applied', async () => {
    const e = await withFaults({ script: ['throttle'] });
    const r = await postRows(e, row());
    expect(r.status).toBe(200);
    expect(errorOf(r)?.error_code).toBe(14);
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
  });

  it('throttle follows the throttle assumption (429 + Retry-After)', async () => {
    const e = await withFaults(
      { script: ['throttle'] },
      { assumptions: { throttle: 'http-429', retryAfterSeconds: 2 } },
    );
    const r = await postRows(e, row());
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
  });

  it('html: an HTML page at HTTP 200 (a captive portal or proxy), nothing applied', async () => {
    const e = await withFaults({ script: ['html'] });
    const r = await postRows(e, row());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.json).toBeUndefined();
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
  });

  it('truncated: the answer is cut short (not parseable), the post WAS applied', async () => {
    const e = await withFaults(
      { script: ['truncated'] },
      { assumptions: { successBody: 'results-echo' } },
    );
    const r = await postRows(e, row());
    expect(r.status).toBe(200);
    expect(r.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(r.text) as unknown).toThrow();
    expect(e.results(ids(e).fiveKSet)).toHaveLength(1);
  });

  it('truncated on a tiny body ({}) is still unparseable', async () => {
    const e = await withFaults({ script: ['truncated'] });
    const r = await postRows(e, row());
    expect(() => JSON.parse(r.text) as unknown).toThrow();
  });

  it('reset-after-apply: rows saved, answer lost; the retry is idempotent', async () => {
    const e = await withFaults({ script: ['reset-after-apply'] });
    await expect(postRows(e, row())).rejects.toThrow();
    expect(e.results(ids(e).fiveKSet)).toEqual([
      expect.objectContaining({ bib: A.bib, clock_time: '20:00' }),
    ]);
    expect(e.log.at(-1)).toMatchObject({ fault: 'reset-after-apply', applied: true, status: 0 });
    const retry = await postRows(e, row());
    expect(errorOf(retry)).toBeNull();
    expect(e.results(ids(e).fiveKSet)).toHaveLength(1);
  });
});

describe('planning faults', () => {
  async function sequence(plan: FaultPlan, n: number): Promise<Array<FaultKind | null>> {
    const e = await startEmulator({ seed: 1, faults: plan });
    try {
      for (let k = 0; k < n; k++) {
        // latency only: every request answers, so the sequence is read from the log.
        await request(`${e.url}/races?format=json`).then((r) => r.body.text());
      }
      return e.log.map((l) => l.fault);
    } finally {
      await e.close();
    }
  }

  it('probability faults come from a seeded PRNG: the same seed gives the same sequence', async () => {
    const plan: FaultPlan = { probability: 0.5, kinds: ['latency'], latencyMs: 1, seed: 7 };
    const a = await sequence(plan, 24);
    const b = await sequence(plan, 24);
    expect(a).toEqual(b);
    expect(a.filter((f) => f === 'latency').length).toBeGreaterThan(0);
    expect(a.filter((f) => f === null).length).toBeGreaterThan(0);
    const c = await sequence({ ...plan, seed: 8 }, 24);
    expect(c).not.toEqual(a);
  });

  it('the script runs first, in order, then probability (0 here: no more faults)', async () => {
    const got = await sequence({ script: ['latency', 'latency'], latencyMs: 1 }, 4);
    expect(got).toEqual(['latency', 'latency', null, null]);
  });

  it('setFaults replaces the plan at run time; null removes it', async () => {
    const e = await withFaults({ script: ['http-500', 'http-500'] });
    e.setFaults({ script: ['http-503'] });
    expect((await postRows(e, row())).status).toBe(503);
    e.setFaults(null);
    expect((await postRows(e, row())).status).toBe(200);
  });

  it('refuses a bad plan with a clear error', async () => {
    await expect(startEmulator({ faults: { probability: 1.5 } })).rejects.toThrow(/probability/);
    await expect(startEmulator({ faults: { script: ['gremlins' as FaultKind] } })).rejects.toThrow(
      /gremlins/,
    );
  });

  it('knows every kind, including reset-after-apply', () => {
    expect(ALL_FAULT_KINDS).toEqual(
      expect.arrayContaining([
        'latency',
        'reset',
        'no-answer',
        'http-500',
        'http-503',
        'throttle',
        'truncated',
        'html',
        'reset-after-apply',
      ]),
    );
  });
});

describe('rate throttling', () => {
  it('answers error 14 beyond maxRequestsPerSecond within one second, and lets requests through after it', async () => {
    let clock = 1_800_000_000_000;
    const e = await withFaults({}, { now: () => clock, throttle: { maxRequestsPerSecond: 3 } });
    const codes: Array<number | null> = [];
    for (let k = 0; k < 5; k++) codes.push(errorOf(await postRows(e, row()))?.error_code ?? null);
    expect(codes).toEqual([null, null, null, 14, 14]);
    clock += 1_000;
    expect(errorOf(await postRows(e, row()))).toBeNull();
    expect(e.log.filter((l) => l.errorCode === 14)).toHaveLength(2);
    expect(
      e.log
        .filter((l) => l.errorCode === 14)
        .every((l) => l.applied === false && l.posted?.length === 1),
    ).toBe(true);
  });
});

describe('command-line fault switches (rates, late apply)', () => {
  it('rates: each kind strikes about as often as asked, replayable from the seed', async () => {
    const plan: FaultPlan = { rates: { reset: 0.2, 'http-503': 0.1 }, seed: 3 };
    const picker = new FaultPicker(plan);
    const seen = Array.from({ length: 2000 }, () => picker.next());
    const share = (k: FaultKind | null) => seen.filter((f) => f === k).length / seen.length;
    expect(share('reset')).toBeGreaterThan(0.15);
    expect(share('reset')).toBeLessThan(0.25);
    expect(share('http-503')).toBeGreaterThan(0.06);
    expect(share('http-503')).toBeLessThan(0.14);
    expect(share(null)).toBeGreaterThan(0.62);
    expect(seen.every((f) => f === null || f === 'reset' || f === 'http-503')).toBe(true);
    const again = new FaultPicker(plan);
    expect(Array.from({ length: 2000 }, () => again.next())).toEqual(seen);
    expect(() => new FaultPicker({ rates: { reset: 0.7, html: 0.6 } })).toThrow(/more than 1/);
  });

  it('late apply: a post whose answer a reset lost is saved later, after the client gave up', async () => {
    const e = await withFaults({ script: ['reset'], latencyMs: 1_000 }, { lateApply: true });
    await expect(postRows(e, row())).rejects.toThrow();
    // Not yet: the client saw a dropped connection and nothing saved.
    expect(e.results(ids(e).fiveKSet)).toEqual([]);
    for (let i = 0; i < 500 && e.results(ids(e).fiveKSet).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(e.results(ids(e).fiveKSet)).toHaveLength(1);
    expect(e.log.at(-1)).toMatchObject({ fault: 'reset', applied: true });
  });

  it('late apply: a newer post that got through is overwritten by the older late one', async () => {
    // The late apply comes long after the newer post got through, however slow this machine is.
    const e = await withFaults(
      { script: ['no-answer'], noAnswerMs: 20, latencyMs: 1_500 },
      {
        lateApply: true,
      },
    );
    await expect(postRows(e, [{ bib: A.bib!, clock_time: '20:00' }])).rejects.toThrow();
    expect((await postRows(e, [{ bib: A.bib!, clock_time: '21:00' }])).text).toBe('{}');
    expect(e.results(ids(e).fiveKSet)[0]?.clock_time).toBe('21:00');
    for (let i = 0; i < 500 && e.results(ids(e).fiveKSet)[0]?.clock_time !== '20:00'; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // Out of order, as a slow RunSignup can apply them: only a read-back tells.
    expect(e.results(ids(e).fiveKSet)[0]?.clock_time).toBe('20:00');
  });
});
