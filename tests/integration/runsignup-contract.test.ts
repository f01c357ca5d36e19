// The client against the emulator: every call, every auth mode, every [assumed] variant of
// EMULATOR_ASSUMPTION_VARIANTS, and every injected fault, each classified right. The emulator
// is the only server here; RunSignup itself is never contacted.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ASSUMPTIONS,
  EMULATOR_ASSUMPTION_VARIANTS,
} from '../../src-main/runsignup/assumptions';
import type { RunSignupAuth } from '../../src-main/runsignup/auth';
import { RunSignupClient, type RunSignupClientOptions } from '../../src-main/runsignup/client';
import {
  CALLER_REGISTRATION_REFUSED,
  CallerRegistrationError,
  RunSignupError,
} from '../../src-main/runsignup/errors';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../src-main/runsignup/emulator';
import type { Participant } from '../../src-shared/domain';

const opened: RunSignupClient[] = [];
function clientFor(
  emu: RunningEmulator,
  auth?: RunSignupAuth,
  extra: Partial<RunSignupClientOptions> = {},
) {
  const c = emu.practice.credentials;
  const client = new RunSignupClient({
    baseUrl: emu.url,
    auth: auth ?? { mode: 'api-key', apiKey: c.apiKey, apiSecret: c.apiSecret },
    caller: emu.practice.caller,
    raceId: emu.practice.raceId,
    ...extra,
  });
  opened.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

async function caught(p: Promise<unknown>): Promise<RunSignupError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RunSignupError);
  return e as RunSignupError;
}

function firstEvent(emu: RunningEmulator) {
  const event = emu.practice.events[0]!;
  const set = event.resultSets[0]!;
  return { eventId: event.eventId, resultSetId: set.resultSetId, splits: set.splits };
}

async function bibsOf(
  client: RunSignupClient,
  emu: RunningEmulator,
  eventId: number,
  n: number,
): Promise<number[]> {
  const people = await client.getParticipants(emu.practice.raceId, eventId);
  return people.flatMap((p) => (p.bib === null ? [] : [p.bib])).slice(0, n);
}

/** The practice race's credentials in each of the four ways RunSignup authenticates. */
function authModes(emu: RunningEmulator): Record<string, RunSignupAuth> {
  const c = emu.practice.credentials;
  return {
    'api-key': { mode: 'api-key', apiKey: c.apiKey, apiSecret: c.apiSecret },
    'v2-key': { mode: 'v2-key', apiKey: c.v2Key, apiSecret: c.v2Secret },
    login: { mode: 'login', email: c.email, password: c.password },
    bearer: { mode: 'bearer', token: c.bearerToken },
  };
}

function rowOf(emu: RunningEmulator, resultSetId: number, bib: number) {
  return emu.results(resultSetId).find((r) => Number(r['bib']) === bib);
}

describe('every call (api-key auth, default assumptions)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 3 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('getRace returns every event, past ones included', async () => {
    const race = await clientFor(emu).getRace(emu.practice.raceId);
    expect(race.raceId).toBe(emu.practice.raceId);
    expect(race.name).toBe(emu.practice.name);
    expect(race.events.map((e) => [e.eventId, e.name])).toEqual(
      emu.practice.events.map((e) => [e.eventId, e.name]),
    );
    expect(race.events.every((e) => e.startTime !== null)).toBe(true);
    const q = emu.log.at(-1)!.query;
    expect([q['format'], q['future_events_only'], q['most_recent_events_only']]).toEqual([
      'json',
      'F',
      'F',
    ]);
  });

  it('listRaces lists the practice race with its events', async () => {
    const races = await clientFor(emu).listRaces();
    expect(races.map((r) => r.raceId)).toEqual([emu.practice.raceId]);
    expect(races[0]!.events.length).toBe(emu.practice.events.length);
  });

  it('getParticipants returns every participant of every event as domain Participants', async () => {
    const client = clientFor(emu);
    const all: Participant[] = [];
    for (const e of emu.practice.events) {
      const list = await client.getParticipants(emu.practice.raceId, e.eventId);
      expect(list.every((p) => p.eventId === e.eventId)).toBe(true);
      all.push(...list);
    }
    expect(all).toHaveLength(emu.practice.participantCount);
    expect(all.some((p) => p.bib === null)).toBe(true); // a few registrants have no bib yet
    expect(
      all.every((p) => p.firstName !== '' && p.lastName !== '' && p.registrationId !== null),
    ).toBe(true);
    expect(new Set(all.map((p) => p.registrationId)).size).toBe(all.length);
  });

  it('getParticipants with modifiedAfter sends seconds and filters on-or-after', async () => {
    const client = clientFor(emu);
    const { eventId } = firstEvent(emu);
    const none = await client.getParticipants(emu.practice.raceId, eventId, {
      modifiedAfter: Date.parse('2100-01-01'),
    });
    expect(none).toEqual([]);
    expect(emu.log.at(-1)!.query['modified_after_timestamp']).toBe(
      String(Date.parse('2100-01-01') / 1000),
    );
    const all = await client.getParticipants(emu.practice.raceId, eventId, { modifiedAfter: 0 });
    expect(all.length).toBeGreaterThan(0);
  });

  it('getResultSets and getResultSetSplits match the practice race', async () => {
    const client = clientFor(emu);
    for (const e of emu.practice.events) {
      const sets = await client.getResultSets(emu.practice.raceId, e.eventId);
      expect(sets.map((s) => [s.resultSetId, s.name])).toEqual(
        e.resultSets.map((s) => [s.resultSetId, s.name]),
      );
      expect(Object.keys(sets[0]!.headers)).toEqual(expect.arrayContaining(['bib', 'clock_time']));
      for (const s of e.resultSets) {
        const splits = await client.getResultSetSplits(
          emu.practice.raceId,
          e.eventId,
          s.resultSetId,
        );
        expect(splits.map((x) => [x.splitId, x.name])).toEqual(
          s.splits.map((x) => [x.splitId, x.name]),
        );
      }
    }
  });

  it('postFullResults and getResults round-trip; the read is flagged complete', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId, splits } = firstEvent(emu);
    const bibs = await bibsOf(client, emu, eventId, 3);
    const rows = bibs.map((bib, i) => ({ bib, place: i + 1, clock_time: `0:2${i}:00.5` }));
    const ack = await client.postFullResults(emu.practice.raceId, eventId, resultSetId, rows);
    expect(ack.serverDate).not.toBeNull();
    const read = await client.getResults(emu.practice.raceId, eventId, resultSetId);
    expect([...read]).toEqual(emu.results(resultSetId));
    expect(read.map((r) => r['bib'])).toEqual(expect.arrayContaining(bibs));
    expect(read.find((r) => r['bib'] === bibs[0])?.['clock_time']).toBe('20:00.5');
    expect(read.find((r) => r['bib'] === bibs[2])?.['clock_time']).toBe('22:00.5');
    // A split station posts only its split: the finish time stays.
    if (splits[0]) {
      const field = `split-${splits[0].splitId}`;
      await client.postFullResults(emu.practice.raceId, eventId, resultSetId, [
        { bib: bibs[0]!, [field]: '0:08:00.1' },
      ]);
      const row = rowOf(emu, resultSetId, bibs[0]!);
      expect(row).toBeDefined();
      expect(row?.[field]).toBe('8:00.1');
      expect(row?.['clock_time']).toBe('20:00.5');
    }
    expect(read.complete).toBe(true);
  });

  it('skipInvalidRegistrationIds: an unknown registration_id is skipped with T, rejected with F', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId } = firstEvent(emu);
    const people = await client.getParticipants(emu.practice.raceId, eventId);
    const known = people.find((p) => p.bib !== null && p.registrationId !== null)!;
    const rows = [
      { registration_id: known.registrationId!, clock_time: '0:31:00.0' },
      { registration_id: 99_999_999, clock_time: '0:31:05.0' },
    ];
    const rejected = await caught(
      client.postFullResults(emu.practice.raceId, eventId, resultSetId, rows, {
        skipInvalidRegistrationIds: false,
      }),
    );
    expect([rejected.kind, rejected.code]).toEqual(['rejected', 3]);
    expect(emu.log.at(-1)!.query['skip_invalid_registration_ids']).toBe('F');
    await client.postFullResults(emu.practice.raceId, eventId, resultSetId, rows, {
      skipInvalidRegistrationIds: true,
    });
    expect(emu.log.at(-1)!.query['skip_invalid_registration_ids']).toBe('T');
    expect(rowOf(emu, resultSetId, known.bib!)).toBeDefined();
    expect(rowOf(emu, resultSetId, known.bib!)?.['clock_time']).toBe('31:00.0');
  });

  it('a split cleared with "X" is empty again; a blank never clears', async () => {
    const client = clientFor(emu);
    const event = emu.practice.events.find((e) => e.resultSets[0]!.splits.length > 0)!;
    const set = event.resultSets[0]!;
    const field = `split-${set.splits[0]!.splitId}`;
    const [bib] = await bibsOf(client, emu, event.eventId, 1);
    await client.postFullResults(emu.practice.raceId, event.eventId, set.resultSetId, [
      { bib: bib!, [field]: '0:07:00.0' },
    ]);
    await client.postFullResults(emu.practice.raceId, event.eventId, set.resultSetId, [
      { bib: bib!, [field]: '' },
    ]);
    expect(rowOf(emu, set.resultSetId, bib!)).toBeDefined();
    expect(rowOf(emu, set.resultSetId, bib!)?.[field]).toBe('7:00.0');
    await client.postFullResults(emu.practice.raceId, event.eventId, set.resultSetId, [
      { bib: bib!, [field]: 'X' },
    ]);
    expect(rowOf(emu, set.resultSetId, bib!)).toBeDefined();
    expect(rowOf(emu, set.resultSetId, bib!)?.[field]).toBe('');
  });

  it('DQ / DNF / DNS / DNQ are accepted in a time field', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId } = firstEvent(emu);
    const bibs = await bibsOf(client, emu, eventId, 8);
    const statuses = ['DQ', 'DNF', 'DNS', 'DNQ'];
    const rows = statuses.map((status, i) => ({ bib: bibs[4 + i]!, clock_time: status }));
    expect(await client.postResults({ eventId, resultSetId }, rows)).toMatchObject({ ok: true });
    expect(statuses.map((_, i) => rowOf(emu, resultSetId, bibs[4 + i]!)?.['clock_time'])).toEqual(
      statuses,
    );
  });

  it('a client shared by many concurrent callers answers each of them', async () => {
    const client = clientFor(emu);
    const { eventId } = firstEvent(emu);
    const before = emu.log.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.getStartTime(emu.practice.raceId, eventId)),
    );
    expect(new Set(answers).size).toBe(1);
    expect(emu.log.length - before).toBe(8);
  });

  it('postStartTime and getStartTime share the gun time', async () => {
    const client = clientFor(emu);
    const { eventId } = firstEvent(emu);
    await client.postStartTime(emu.practice.raceId, eventId, '2026-05-01 08:00:03');
    expect(await client.getStartTime(emu.practice.raceId, eventId)).toBe('2026-05-01 08:00:03');
    const bad = await caught(client.postStartTime(emu.practice.raceId, eventId, 'tomorrow'));
    expect(bad.kind).toBe('rejected');
  });

  it('an unknown race or event is not-found (201 / 301)', async () => {
    const client = clientFor(emu);
    const race = await caught(client.getRace(emu.practice.raceId + 999));
    expect([race.kind, race.code, race.message]).toEqual(['not-found', 201, 'Race not found.']);
    const event = await caught(client.getResultSets(emu.practice.raceId, 1));
    expect([event.kind, event.code, event.message]).toEqual(['not-found', 301, 'Event not found.']);
  });

  it('postResults (ResultsPoster) reports ok with the Date header and the time taken', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId } = firstEvent(emu);
    const [bib] = await bibsOf(client, emu, eventId, 1);
    const out = await client.postResults({ eventId, resultSetId }, [
      { bib: bib!, clock_time: '0:30:00.0' },
    ]);
    expect(out).toEqual({
      ok: true,
      serverDate: expect.any(Number),
      elapsedMs: expect.any(Number),
    });
    if (out.ok) expect(Math.abs(out.serverDate! - Date.now())).toBeLessThan(60_000);
    expect(rowOf(emu, resultSetId, bib!)?.['clock_time']).toBe('30:00.0');
  });
});

describe('participants paging against the emulator (more than 2500 in one event)', () => {
  let emu: RunningEmulator;
  let extra = 0;
  beforeAll(async () => {
    const race = createPracticeRace(5);
    const model = race.participants.find((p) => p.eventId === race.events[0]!.eventId)!;
    extra = 2600;
    const more = Array.from({ length: extra }, (_, i) => ({
      ...model,
      registrationId: 5_000_000 + i,
      userId: 6_000_000 + i,
      bib: 50_000 + i,
      chip: null,
    }));
    emu = await startEmulator({ race: { ...race, participants: [...race.participants, ...more] } });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('fetches every page at 2500 per page and stops at the short page', async () => {
    const eventId = emu.practice.events[0]!.eventId;
    const before = emu.log.length;
    const list = await clientFor(emu).getParticipants(emu.practice.raceId, eventId);
    const inEvent =
      createPracticeRace(5).participants.filter((p) => p.eventId === eventId).length + extra;
    expect(list).toHaveLength(inEvent);
    const pages = emu.log.slice(before).map((e) => [e.query['page'], e.query['results_per_page']]);
    expect(pages).toEqual([
      ['1', '2500'],
      ['2', '2500'],
    ]);
    expect(new Set(list.map((p) => p.registrationId)).size).toBe(inEvent);
  });
});

describe('every auth mode', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 4 });
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const name of ['api-key', 'v2-key', 'login', 'bearer']) {
    it(`${name}: reads the race and posts results`, async () => {
      const client = clientFor(emu, authModes(emu)[name]);
      const race = await client.getRace(emu.practice.raceId);
      expect(race.raceId).toBe(emu.practice.raceId);
      const { eventId, resultSetId } = firstEvent(emu);
      const [bib] = await bibsOf(client, emu, eventId, 1);
      expect(
        await client.postResults({ eventId, resultSetId }, [
          { bib: bib!, clock_time: '0:40:00.0' },
        ]),
      ).toMatchObject({ ok: true });
    });
  }

  it('login: after expireTemporaryKeys() the client logs in again once and the call succeeds', async () => {
    const client = clientFor(emu, authModes(emu)['login']);
    const { eventId, resultSetId } = firstEvent(emu);
    await client.getStartTime(emu.practice.raceId, eventId);
    const loginsBefore = emu.log.filter((e) => e.path.toLowerCase() === '/rest/login').length;
    emu.expireTemporaryKeys();
    const [bib] = await bibsOf(client, emu, eventId, 1);
    expect(bib).toBeDefined();
    expect(
      await client.postResults({ eventId, resultSetId }, [{ bib: bib!, clock_time: '0:41:00.0' }]),
    ).toMatchObject({ ok: true });
    const loginsAfter = emu.log.filter((e) => e.path.toLowerCase() === '/rest/login').length;
    expect(loginsAfter - loginsBefore).toBe(1);
    // the expired key was answered with error 6 once, then the same call succeeded
    expect(emu.log.filter((e) => e.errorCode === 6).length).toBeGreaterThanOrEqual(1);
  });

  it('a bad secret in each mode is an auth error 6, and no secret leaks into the error or the log', async () => {
    const c = emu.practice.credentials;
    const lines: string[] = [];
    const bad: RunSignupAuth[] = [
      { mode: 'api-key', apiKey: c.apiKey, apiSecret: 'WRONG-SECRET-1' },
      { mode: 'v2-key', apiKey: c.v2Key, apiSecret: 'WRONG-SECRET-2' },
      { mode: 'bearer', token: 'WRONG-TOKEN-3' },
    ];
    for (const auth of bad) {
      const client = clientFor(emu, auth, { onLog: (l) => lines.push(l) });
      const e = await caught(client.getRace(emu.practice.raceId));
      expect([e.kind, e.code]).toEqual(['auth', 6]);
      const out = await client.postResults(firstEvent(emu), [{ bib: 1, clock_time: '0:20:00' }]);
      expect(out).toMatchObject({ ok: false, kind: 'auth', code: 6 });
      for (const text of [e.message, String(e.stack), JSON.stringify(out)]) {
        expect(text).not.toMatch(/WRONG-|practice-api-key|practice-v2-key/);
      }
    }
    const login = clientFor(
      emu,
      { mode: 'login', email: c.email, password: 'WRONG-PASSWORD-4' },
      { onLog: (l) => lines.push(l) },
    );
    const e = await caught(login.getRace(emu.practice.raceId));
    expect(e.kind).toBe('auth');
    expect(e.message).not.toContain('WRONG-PASSWORD');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).not.toMatch(/WRONG-|practice-api-key|practice-v2-key/);
  });

  it('a valid key without access to the race is an auth error 7', async () => {
    const c = emu.practice.credentials;
    const client = clientFor(emu, {
      mode: 'api-key',
      apiKey: c.noAccessApiKey,
      apiSecret: c.noAccessApiSecret,
    });
    const e = await caught(client.getRace(emu.practice.raceId));
    expect([e.kind, e.code, e.message]).toEqual(['auth', 7, 'Permission Denied']);
    expect(
      await client.postResults(firstEvent(emu), [{ bib: 1, clock_time: '0:20:00' }]),
    ).toMatchObject({ ok: false, kind: 'auth', code: 7 });
    expect(await client.listRaces()).toEqual([]);
  });
});

describe.each(EMULATOR_ASSUMPTION_VARIANTS.map((v) => [JSON.stringify(v), v] as const))(
  'assumption variant %s',
  (_name, variant) => {
    let emu: RunningEmulator;
    let client: RunSignupClient;
    let bibs: number[];
    let target: { eventId: number; resultSetId: number };
    beforeAll(async () => {
      emu = await startEmulator({ seed: 6, assumptions: variant });
      target = firstEvent(emu);
      const reader = new RunSignupClient({
        baseUrl: emu.url,
        auth: {
          mode: 'api-key',
          apiKey: emu.practice.credentials.apiKey,
          apiSecret: emu.practice.credentials.apiSecret,
        },
        caller: emu.practice.caller,
      });
      bibs = await bibsOf(reader, emu, target.eventId, 6);
      await reader.close();
    });
    afterAll(async () => {
      await emu.close();
    });

    it('posts good rows: ok, and RunSignup shows them', async () => {
      client = clientFor(emu);
      const out = await client.postResults(target, [
        { bib: bibs[0]!, place: 1, clock_time: '0:18:01.2' },
        { bib: bibs[1]!, place: 2, clock_time: '0:18:05.7' },
      ]);
      expect(out).toMatchObject({ ok: true });
      expect(rowOf(emu, target.resultSetId, bibs[0]!)).toBeDefined();
      expect(rowOf(emu, target.resultSetId, bibs[0]!)?.['clock_time']).toBe('18:01.2');
      expect(rowOf(emu, target.resultSetId, bibs[1]!)?.['clock_time']).toBe('18:05.7');
      expect(rowOf(emu, target.resultSetId, bibs[1]!)?.['place']).toBe(2);
    });

    it('a bad row makes the post "rejected" with RunSignup\'s reason, never ok', async () => {
      client = clientFor(emu);
      const out = await client.postResults(target, [
        { bib: bibs[2]!, clock_time: '0:19:00.0' },
        { bib: 987_654, clock_time: '0:19:30.0' }, // no such registrant, no names
      ]);
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.kind).toBe('rejected');
      expect(out.code).not.toBeNull();
      expect(out.message.length).toBeGreaterThan(0);
      const goodSaved = rowOf(emu, target.resultSetId, bibs[2]!)?.['clock_time'];
      if (variant.badRow === 'per-row-report') expect(goodSaved).toBe('19:00.0');
      else expect(goodSaved ?? '').toBe('');
      expect(rowOf(emu, target.resultSetId, 987_654)).toBeUndefined();
    });

    it('a throttled answer is retryable with a wait', async () => {
      client = clientFor(emu);
      emu.setFaults({ script: ['throttle'] });
      const out = await client.postResults(target, [{ bib: bibs[3]!, clock_time: '0:20:00.0' }]);
      emu.setFaults(null);
      const seconds = variant.retryAfterSeconds;
      expect(out).toMatchObject({
        ok: false,
        kind: 'retryable',
        code: 14,
        retryAfterMs:
          typeof seconds === 'number'
            ? seconds * 1000
            : CLIENT_ASSUMPTIONS.throttleRetryAfterDefaultMs,
      });
      // the same rows again, once the throttle lifts: accepted
      expect(
        await client.postResults(target, [{ bib: bibs[3]!, clock_time: '0:20:00.0' }]),
      ).toMatchObject({ ok: true });
    });

    it('a clear with "X": cleared, rejected, or ignored behind an ok that only a read-back shows', async () => {
      client = clientFor(emu);
      const bib = bibs[4]!;
      expect(await client.postResults(target, [{ bib, clock_time: '0:21:00.0' }])).toMatchObject({
        ok: true,
      });
      expect(rowOf(emu, target.resultSetId, bib)?.['clock_time']).toBe('21:00.0');
      const out = await client.postResults(target, [{ bib, clock_time: 'X' }]);
      expect(rowOf(emu, target.resultSetId, bib)).toBeDefined();
      const after = rowOf(emu, target.resultSetId, bib)?.['clock_time'];
      // What the read-back (get-results) a sync loop must do sees, in every variant.
      const readBack = (
        await client.getResults(emu.practice.raceId, target.eventId, target.resultSetId)
      ).find((r) => r['bib'] === bib);
      expect(readBack?.['clock_time']).toBe(after);
      if (variant.clearFinishWithX === 'rejected') {
        expect(out).toMatchObject({ ok: false, kind: 'rejected', code: 3 });
        expect(after).toBe('21:00.0');
      } else if (variant.clearFinishWithX === 'ignored') {
        // The dangerous variant: the post looks fine; only the read-back shows the time stayed.
        expect(out).toMatchObject({ ok: true });
        expect(after).toBe('21:00.0');
      } else {
        expect(out).toMatchObject({ ok: true });
        expect(after).toBe('');
      }
    });

    it('place "X": cleared, rejected, or ignored behind an ok that only a read-back shows', async () => {
      client = clientFor(emu);
      const bib = bibs[5]!;
      expect(await client.postResults(target, [{ bib, place: 7 }])).toMatchObject({ ok: true });
      const out = await client.postResults(target, [{ bib, place: 'X' }]);
      const shown = (
        await client.getResults(emu.practice.raceId, target.eventId, target.resultSetId)
      ).find((r) => r['bib'] === bib)?.['place'];
      if (variant.clearPlaceWithX === 'rejected') {
        expect(out).toMatchObject({ ok: false, kind: 'rejected', code: 3 });
        expect(shown).toBe(7);
      } else if (variant.clearPlaceWithX === 'ignored') {
        expect(out).toMatchObject({ ok: true });
        expect(shown).toBe(7);
      } else {
        expect(out).toMatchObject({ ok: true });
        expect(shown ?? null).toBeNull();
      }
    });

    it('reads the splits whatever the GET shape', async () => {
      client = clientFor(emu);
      for (const e of emu.practice.events) {
        for (const s of e.resultSets) {
          const splits = await client.getResultSetSplits(
            emu.practice.raceId,
            e.eventId,
            s.resultSetId,
          );
          expect(splits.map((x) => x.splitId)).toEqual(s.splits.map((x) => x.splitId));
        }
      }
    });
  },
);

describe('injected faults, each classified', () => {
  let emu: RunningEmulator;
  let target: { eventId: number; resultSetId: number };
  let bib: number;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 8, faults: { noAnswerMs: 5_000 } });
    target = firstEvent(emu);
    [bib] = (await bibsOf(clientFor(emu), emu, target.eventId, 1)) as [number];
  });
  afterAll(async () => {
    await emu.close();
  });

  const cases = [
    ['reset', 'retryable', /dropped the connection/],
    ['http-500', 'retryable', /HTTP 500/],
    ['http-503', 'retryable', /HTTP 503/],
    ['truncated', 'retryable', /cut off/],
    ['html', 'retryable', /web page/],
    ['throttle', 'retryable', /throttl/i],
    ['reset-after-apply', 'retryable', /dropped the connection/],
  ] as const;

  for (const [fault, kind, message] of cases) {
    it(`${fault} → ${kind}, and the same post then succeeds`, async () => {
      const client = clientFor(emu);
      const row = { bib, clock_time: '0:22:22.2' };
      emu.setFaults({ script: [fault], noAnswerMs: 5_000 });
      const out = await client.postResults(target, [row]);
      expect(out).toMatchObject({ ok: false, kind, message: expect.stringMatching(message) });
      emu.setFaults(null);
      // idempotent re-post (reset-after-apply had already saved it)
      expect(await client.postResults(target, [row])).toMatchObject({ ok: true });
      expect(rowOf(emu, target.resultSetId, bib)).toBeDefined();
      expect(rowOf(emu, target.resultSetId, bib)?.['clock_time']).toBe('22:22.2');
    });
  }

  it('a truncated answer to a read is retryable, never a crash', async () => {
    const client = clientFor(emu);
    emu.setFaults({ script: ['truncated'] });
    const e = await caught(client.getRace(emu.practice.raceId));
    emu.setFaults(null);
    expect(e.kind).toBe('retryable');
  });

  it('no-answer with a short headers timeout → retryable timeout', async () => {
    const client = clientFor(emu, undefined, { timeouts: { headersMs: 300 } });
    emu.setFaults({ script: ['no-answer'], noAnswerMs: 5_000 });
    const out = await client.postResults(target, [{ bib, clock_time: '0:23:00.0' }]);
    emu.setFaults(null);
    expect(out).toMatchObject({
      ok: false,
      kind: 'retryable',
      message: expect.stringMatching(/in time/),
    });
  });

  it('latency only delays: the post succeeds', async () => {
    const client = clientFor(emu);
    emu.setFaults({ script: ['latency'], latencyMs: 50 });
    expect(await client.postResults(target, [{ bib, clock_time: '0:24:00.0' }])).toMatchObject({
      ok: true,
    });
    emu.setFaults(null);
    expect(rowOf(emu, target.resultSetId, bib)?.['clock_time']).toBe('24:00.0');
  });

  it('onResponse sees a Date header on every answer, error answers included', async () => {
    const dates: Array<number | null> = [];
    const client = clientFor(emu, undefined, { onResponse: (t) => dates.push(t.serverDate) });
    await client.getRace(emu.practice.raceId);
    await caught(client.getRace(emu.practice.raceId + 1));
    expect(dates).toHaveLength(2);
    expect(dates.every((d) => typeof d === 'number')).toBe(true);
  });
});

describe('rate throttling (maxRequestsPerSecond)', () => {
  let emu: RunningEmulator;
  afterAll(async () => {
    await emu.close();
  });
  it("requests beyond the limit come back retryable 14 with the variant's Retry-After", async () => {
    emu = await startEmulator({
      seed: 9,
      throttle: { maxRequestsPerSecond: 1 },
      assumptions: { throttle: 'http-429', retryAfterSeconds: 1 },
    });
    const client = clientFor(emu, undefined, { maxConcurrentRequests: 2 });
    const outs = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.getStartTime(emu.practice.raceId, emu.practice.events[0]!.eventId).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    const errors = outs.filter((o): o is RunSignupError => o instanceof RunSignupError);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors)
      expect([e.kind, e.code, e.httpStatus, e.retryAfterMs]).toEqual(['retryable', 14, 429, 1000]);
  });
});

describe('API caller registration, required (RunSignup from 2027-01-01)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 8 });
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const name of ['api-key', 'v2-key', 'login', 'bearer']) {
    it(`${name}: every request carries the token and the secret, the login call included`, async () => {
      const lines: string[] = [];
      const client = clientFor(emu, authModes(emu)[name], { onLog: (l) => lines.push(l) });
      const before = emu.log.length;
      const { eventId, resultSetId } = firstEvent(emu);
      expect((await client.getRace(emu.practice.raceId)).raceId).toBe(emu.practice.raceId);
      const [bib] = await bibsOf(client, emu, eventId, 1);
      expect(
        await client.postResults({ eventId, resultSetId }, [{ bib: bib!, clock_time: '0:30:00' }]),
      ).toMatchObject({ ok: true });
      expect(
        [...(await client.getResults(emu.practice.raceId, eventId, resultSetId))].length,
      ).toBeGreaterThan(0);
      const seen = emu.log.slice(before);
      if (name === 'login')
        expect(seen.some((e) => e.path.toLowerCase() === '/rest/login')).toBe(true);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      // The emulator checked both values on every request (it logs only the verdict).
      expect(seen.map((e) => e.caller)).toEqual(seen.map(() => 'valid'));
      expect(seen.every((e) => e.query['rsu_api_reg'] === '[redacted]')).toBe(true);
      for (const l of lines) {
        expect(l).not.toContain(emu.practice.caller.token);
        expect(l).not.toContain(emu.practice.caller.secret);
      }
    });

    for (const [what, caller] of [
      ['missing', null],
      ['wrong', { token: 'unregistered-app', secret: 'unregistered-secret' }],
    ] as const) {
      it(`${name}: a ${what} registration is error 17 at HTTP 400 with its own sentence, posting pauses as auth`, async () => {
        const client = clientFor(emu, authModes(emu)[name], { caller });
        const e = await caught(client.getRace(emu.practice.raceId));
        expect(e).toBeInstanceOf(CallerRegistrationError);
        expect([e.kind, e.code, e.httpStatus]).toEqual(['auth', 17, 400]);
        expect(e.message).toBe(CALLER_REGISTRATION_REFUSED);
        expect(e.message).toMatch(/API caller registration.*Setup.*API Keys page/);
        const out = await client.postResults(firstEvent(emu), [{ bib: 1, clock_time: '0:20:00' }]);
        expect(out).toMatchObject({ ok: false, kind: 'auth', code: 17 });
        expect(JSON.stringify(out)).not.toContain('unregistered-secret');
      });
    }
  }

  it('a token without its secret is refused before any request', () => {
    expect(() =>
      clientFor(emu, undefined, { caller: { token: emu.practice.caller.token, secret: '' } }),
    ).toThrow(/give both or neither/);
  });
});

describe('complete reads against a RunSignup that caps result pages at 100', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    // A 5K of 400 runners: more than 250 of them with a bib.
    emu = await startEmulator({ seed: 9, race: createPracticeRace(9, { fiveK: 400 }) });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('reads a 250-row result set whole: pages of 100 until an empty page', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId } = firstEvent(emu);
    const bibs = await bibsOf(client, emu, eventId, 250);
    expect(bibs).toHaveLength(250);
    for (let i = 0; i < bibs.length; i += 100) {
      const rows = bibs.slice(i, i + 100).map((bib, k) => ({
        bib,
        place: i + k + 1,
        clock_time: `0:${String(20 + Math.floor((i + k) / 60)).padStart(2, '0')}:${String((i + k) % 60).padStart(2, '0')}`,
      }));
      expect(await client.postResults({ eventId, resultSetId }, rows)).toMatchObject({ ok: true });
    }
    const before = emu.log.length;
    const read = await client.getResults(emu.practice.raceId, eventId, resultSetId);
    expect(read.complete).toBe(true);
    expect(read).toHaveLength(250);
    expect(new Set(read.map((r) => r['bib']))).toEqual(new Set(bibs));
    const pages = emu.log
      .slice(before)
      .map((e) => [e.query['page'], e.query['results_per_page'], e.rows]);
    expect(pages).toEqual([
      ['1', '100', 100],
      ['2', '100', 100],
      ['3', '100', 50],
      ['4', '100', 0],
    ]);
  });

  it('the emulator caps a bigger ask at 100 rows (run after the 250 rows are posted)', async () => {
    const { eventId, resultSetId } = firstEvent(emu);
    const c = emu.practice.credentials;
    const url =
      `${emu.url}/race/${emu.practice.raceId}/results/get-results?format=json&event_id=${eventId}` +
      `&individual_result_set_id=${resultSetId}&results_per_page=1000&api_key=${c.apiKey}` +
      `&api_secret=${c.apiSecret}&rsu_api_reg=${c.callerToken}`;
    const res = await fetch(url, { headers: { 'X-RSU-API-REG-SECRET': c.callerSecret } });
    const body = (await res.json()) as { individual_results_sets: Array<{ results: unknown[] }> };
    expect(body.individual_results_sets[0]!.results).toHaveLength(100);
  });

  it('full-results carries event_id and individual_result_set_id in the query and as POST fields, at most 100 rows', async () => {
    const client = clientFor(emu);
    const { eventId, resultSetId } = firstEvent(emu);
    const [bib] = await bibsOf(client, emu, eventId, 1);
    await client.postFullResults(emu.practice.raceId, eventId, resultSetId, [
      { bib: bib!, clock_time: '0:19:00' },
    ]);
    const posted = emu.log.at(-1)!;
    expect(posted.query['event_id']).toBe(String(eventId));
    expect(posted.query['individual_result_set_id']).toBe(String(resultSetId));
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ bib: i + 1, clock_time: '0:19:00' }));
    const e = await caught(
      client.postFullResults(emu.practice.raceId, eventId, resultSetId, tooMany),
    );
    expect(e.message).toMatch(/At most 100 rows/);
  });
});
