// The audit's judgement of one field (pure), and the outbox applying it at the judged version.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuditedField,
  auditVerdict,
  shownValue,
  showsValue,
} from '../../../src-main/sync/audit';
import { outcomeUnknown } from '../../../src-main/sync/sync-loop';
import { finish, tempOutbox, TARGET, type TempOutbox } from './helpers';

const SETTLE = 1_000;

function field(patch: Partial<AuditedField> = {}): AuditedField {
  return {
    ...TARGET,
    bib: 7,
    field: 'clock_time',
    wantedValue: '0:20:00.0',
    wantedVersion: 2,
    ackedVersion: 2,
    ownValues: ['0:20:05.0', '0:20:00.0'],
    uncertainAt: null,
    conflictVersion: null,
    yieldedVersion: null,
    attentionVersion: null,
    ...patch,
  };
}

describe('auditVerdict', () => {
  it("verifies the wanted value, in RunSignup's compact spelling", () => {
    expect(auditVerdict(field(), '20:00.0', 0, SETTLE)).toEqual({ kind: 'verified' });
    expect(auditVerdict(field({ field: 'place', wantedValue: '3' }), '3', 0, SETTLE)).toEqual({
      kind: 'verified',
    });
    expect(auditVerdict(field({ wantedValue: 'X' }), '', 0, SETTLE)).toEqual({ kind: 'verified' });
  });

  it('waits while a post of unknown outcome may still land, then decides', () => {
    const f = field({ uncertainAt: 5_000 });
    expect(auditVerdict(f, '20:00.0', 5_500, SETTLE)).toEqual({ kind: 'wait' });
    expect(auditVerdict(f, '20:05.0', 5_500, SETTLE)).toEqual({ kind: 'wait' });
    expect(auditVerdict(f, '20:00.0', 6_000, SETTLE)).toEqual({ kind: 'verified' });
    expect(auditVerdict(f, '20:05.0', 6_000, SETTLE)).toEqual({ kind: 'repost', shown: '20:05.0' });
  });

  it('posts again an older value of its own or a missing one', () => {
    expect(auditVerdict(field(), '20:05.0', 0, SETTLE)).toEqual({
      kind: 'repost',
      shown: '20:05.0',
    });
    expect(auditVerdict(field(), '', 0, SETTLE)).toEqual({ kind: 'repost', shown: '' });
    expect(auditVerdict(field({ wantedValue: 'X' }), '20:05.0', 0, SETTLE)).toEqual({
      kind: 'repost',
      shown: '20:05.0',
    });
  });

  it('calls a value this station never sent a conflict, and keeps it until the timer decides', () => {
    expect(auditVerdict(field(), '19:59.0', 0, SETTLE)).toEqual({
      kind: 'conflict',
      shown: '19:59.0',
    });
    // Even while a post of its own is uncertain: no late post of this station shows that value.
    expect(auditVerdict(field({ uncertainAt: 10 }), 'DNF', 20, SETTLE)).toEqual({
      kind: 'conflict',
      shown: 'DNF',
    });
    const open = field({ conflictVersion: 2 });
    expect(auditVerdict(open, '19:59.0', 0, SETTLE)).toEqual({ kind: 'skip' });
    expect(auditVerdict(open, '20:00.0', 0, SETTLE)).toEqual({ kind: 'verified' });
    // A bib this station has nothing for, shown with a time on RunSignup.
    const none = field({ wantedValue: null, wantedVersion: 0, ackedVersion: 0, ownValues: [] });
    expect(auditVerdict(none, '25:00.0', 0, SETTLE)).toEqual({
      kind: 'conflict',
      shown: '25:00.0',
    });
    expect(auditVerdict(none, '', 0, SETTLE)).toEqual({ kind: 'skip' });
  });

  it("leaves alone what is still to be posted, kept as RunSignup's, or unreadable", () => {
    expect(auditVerdict(field({ ackedVersion: 1 }), '20:05.0', 0, SETTLE).kind).toBe('skip');
    expect(auditVerdict(field({ yieldedVersion: 2 }), '19:59.0', 0, SETTLE).kind).toBe('skip');
    expect(auditVerdict(field(), null, 0, SETTLE).kind).toBe('skip');
  });

  it('never calls the wanted value itself a conflict or a repair (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_599_999 }),
        fc.integer({ min: 0, max: 3 }),
        (ms, digits) => {
          const f = Math.floor((ms % 1000) / 10 ** (3 - digits));
          const s = Math.floor(ms / 1000);
          const text =
            `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:` +
            `${String(s % 60).padStart(2, '0')}${digits > 0 ? `.${String(f).padStart(digits, '0')}` : ''}`;
          expect(showsValue('clock_time', text, text)).toBe(true);
          expect(auditVerdict(field({ wantedValue: text }), text, 0, SETTLE).kind).toBe('verified');
        },
      ),
    );
  });

  it('reads a field as unknown when the row lacks it or a partial read lacks the row', () => {
    expect(shownValue(undefined, 'clock_time', true)).toBe('');
    expect(shownValue(undefined, 'clock_time', false)).toBeNull();
    expect(shownValue({ bib: 7 }, 'clock_time', true)).toBeNull();
    expect(shownValue({ bib: 7, place: null }, 'place', true)).toBe('');
    expect(shownValue({ bib: 7, place: 4 }, 'place', true)).toBe('4');
  });

  it('an outcome is unknown only when RunSignup gave no answer of its own', () => {
    const fail = (kind: 'retryable' | 'unknown' | 'rejected', code: number | null) =>
      outcomeUnknown({ ok: false, kind, code, message: 'm', retryAfterMs: null });
    expect(fail('retryable', null)).toBe(true); // timeout, reset, 5xx page
    expect(fail('unknown', null)).toBe(true); // garbled answer
    expect(fail('retryable', 14)).toBe(false); // throttled: RunSignup said no
    expect(fail('rejected', 3)).toBe(false);
    expect(outcomeUnknown({ ok: true, serverDate: null, elapsedMs: 1 })).toBe(false);
  });
});

let store: TempOutbox | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

describe('the outbox side of the audit', () => {
  it('remembers its own values, marks uncertainty, and applies verdicts at the judged version', () => {
    store = tempOutbox();
    const { outbox, apply } = store;
    apply([finish(7, '0:20:05.0')], 1);
    outbox.acknowledge(outbox.takePending(10), 2);
    apply([finish(7, '0:20:00.0')], 3);
    const taken = outbox.takePending(10);
    outbox.markUncertain(taken, 4);
    let [f] = outbox.auditFields(TARGET);
    expect(f).toMatchObject({ ownValues: ['0:20:05.0', '0:20:00.0'], uncertainAt: 4 });
    expect(outbox.runnerCounts()).toMatchObject({ sending: 1 });
    outbox.acknowledge(taken, 5);
    expect(outbox.runnerCounts()).toMatchObject({ sending: 1 }); // acknowledged, still uncertain
    expect(outbox.uncertainSince(TARGET)).toBe(4);

    const run = {
      ...TARGET,
      startedAt: 10,
      finishedAt: 11,
      rowsRead: 1,
      compared: 1,
      verified: 0,
      repaired: 1,
      conflicts: 0,
      waiting: 0,
      error: null,
    };
    [f] = outbox.auditFields(TARGET);
    outbox.applyAudit([{ field: f!, verdict: { kind: 'repost', shown: '20:05.0' } }], run);
    expect(outbox.counts().pending).toBe(1);
    expect(outbox.takePending(10).map((r) => r.value)).toEqual(['0:20:00.0']);
    outbox.acknowledge(
      outbox
        .auditFields(TARGET)
        .map((x) => ({ ...x, value: x.wantedValue!, version: x.wantedVersion })),
      12,
    );
    [f] = outbox.auditFields(TARGET);
    // A verdict judged at an older version changes nothing.
    apply([finish(7, '0:19:58.0')], 13);
    outbox.applyAudit([{ field: f!, verdict: { kind: 'verified' } }], run);
    expect(
      outbox.fieldState({ ...TARGET, bib: 7, field: 'clock_time' })?.verifiedVersion,
    ).toBeNull();
    expect(outbox.lastAudit()).toMatchObject({ startedAt: 10, repaired: 1, error: null });
  });

  it("a conflict is listed with both values; keeping RunSignup's stops posting, keeping the station's posts again", () => {
    store = tempOutbox();
    const { outbox, apply } = store;
    apply([finish(7, '0:20:00.0'), finish(8, '0:21:00.0')], 1);
    outbox.acknowledge(outbox.takePending(10), 2);
    const run = {
      ...TARGET,
      startedAt: 3,
      finishedAt: 4,
      rowsRead: 3,
      compared: 3,
      verified: 0,
      repaired: 0,
      conflicts: 3,
      waiting: 0,
      error: null,
    };
    const fields = outbox.auditFields(TARGET);
    const foreign = {
      ...fields[0]!,
      bib: 9,
      wantedValue: null,
      wantedVersion: 0,
      ackedVersion: 0,
      ownValues: [],
    };
    outbox.applyAudit(
      [
        { field: fields[0]!, verdict: { kind: 'conflict', shown: '19:59.0' } },
        { field: fields[1]!, verdict: { kind: 'conflict', shown: '21:30.0' } },
        { field: foreign, verdict: { kind: 'conflict', shown: '25:00.0' } },
      ],
      run,
    );
    expect(outbox.conflicts().map((c) => [c.bib, c.stationValue, c.runsignupValue])).toEqual([
      [7, '0:20:00.0', '19:59.0'],
      [8, '0:21:00.0', '21:30.0'],
      [9, null, '25:00.0'],
    ]);
    expect(outbox.runnerCounts()).toMatchObject({ conflict: 3 });
    expect(
      outbox.resolveConflict({ ...TARGET, bib: 7, field: 'clock_time' }, 'runsignup'),
    ).toMatchObject({ bib: 7 });
    expect(
      outbox.resolveConflict({ ...TARGET, bib: 8, field: 'clock_time' }, 'station'),
    ).toMatchObject({ bib: 8 });
    expect(
      outbox.resolveConflict({ ...TARGET, bib: 9, field: 'clock_time' }, 'station'),
    ).toMatchObject({ bib: 9 });
    expect(
      outbox.resolveConflict({ ...TARGET, bib: 9, field: 'clock_time' }, 'station'),
    ).toBeNull();
    expect(outbox.conflicts()).toEqual([]);
    // Bib 8 is posted again with the station's value, bib 9 gets "X"; bib 7 is not posted.
    expect(outbox.takePending(10).map((r) => [r.bib, r.value])).toEqual([
      [8, '0:21:00.0'],
      [9, 'X'],
    ]);
    // RunSignup's old value of 8 is now one the audit may overwrite, not a conflict again.
    const [, eight] = outbox.auditFields(TARGET);
    expect(
      auditVerdict({ ...eight!, ackedVersion: eight!.wantedVersion }, '21:30.0', 0, 0).kind,
    ).toBe('repost');
  });
});
