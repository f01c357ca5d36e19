// Property tests: the incremental projection equals the batch one for any journal, however it
// is fed, and what it wants is always postable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry, JournalPayload, StationConfig } from '../../../src-shared/domain';
import { isPostableTimeValue } from '../../../src-shared/time';
import {
  activeEntries,
  applyChanges,
  diffWanted,
  project,
  ProjectionState,
  type FieldChange,
  type WantedField,
} from '../../../src-main/core/projection';
import {
  T0,
  ctx,
  defaultParticipants,
  finishConfig,
  participant,
  plain,
  splitConfig,
} from './helpers';

const HOUR = 3_600_000;
const bib = fc.integer({ min: 1, max: 11 });
const status = fc.constantFrom('DQ', 'DNF', 'DNS', 'DNQ', null) as fc.Arbitrary<
  'DQ' | 'DNF' | 'DNS' | 'DNQ' | null
>;
/** Crossing times a few seconds apart, with deliberate ties. */
const at = fc.integer({ min: 0, max: 40 }).map((k) => T0 + k * 250);
/** Guns mostly before the taps, sometimes after (before-gun), sometimes absurd (> 999 h). */
const gunAt = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -20, max: 0 }).map((k) => T0 + k * 1000) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((k) => T0 + k * 1000) },
  { weight: 1, arbitrary: fc.constant(T0 - 1000 * HOUR) },
);

/** A payload whose references point at seqs 1..maxRef (some valid, some not). */
function payload(maxRef: number): fc.Arbitrary<JournalPayload> {
  const ref = fc.integer({ min: 1, max: Math.max(1, maxRef) });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('tap' as const),
        at,
        // One in three time-only: bibs come later by assign, order or shift.
        bib: fc.option(bib, { nil: null, freq: 2 }),
        unreadable: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('assign' as const),
        tapSeq: ref,
        bib: fc.option(bib, { nil: null }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), tapSeq: ref, at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), tapSeq: ref }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), bib, status }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), bib }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('gun' as const),
        eventId: fc.integer({ min: 1, max: 3 }),
        at: gunAt,
        // A gun typed here, or read from RunSignup (where the offset counts).
        source: fc.constantFrom('local' as const, 'runsignup' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('offset' as const),
        ms: fc.integer({ min: -3000, max: 3000 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('undo' as const), targetSeq: ref }) },
    // Line-up tools: shifts over any two seqs (valid, reversed, voided, blocked ends alike) and
    // bibs in crossing order that bind at once or wait for the next time-only tap.
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('shift' as const),
        fromTapSeq: ref,
        toTapSeq: ref,
        direction: fc.constantFrom('earlier' as const, 'later' as const),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('order' as const), bib }) },
  );
}

/**
 * Most shifts re-aimed at a few neighbouring earlier taps (random seqs rarely name two taps in a
 * useful order); a quarter keep their random, mostly meaningless, ends.
 */
function nearbyShift(p: JournalPayload, tapSeqs: readonly number[]): JournalPayload {
  if (p.kind !== 'shift' || tapSeqs.length === 0 || (p.fromTapSeq + p.toTapSeq) % 4 === 0) return p;
  const from = p.fromTapSeq % tapSeqs.length;
  const to = Math.min(tapSeqs.length - 1, from + (p.toTapSeq % 4));
  return { ...p, fromTapSeq: tapSeqs[from] as number, toTapSeq: tapSeqs[to] as number };
}

/** A journal with increasing (sometimes gapped) seqs. */
const journal: fc.Arbitrary<JournalEntry[]> = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1_000_000 })), {
    maxLength: 80,
    size: 'max',
  })
  .chain((steps) => {
    let seq = 0;
    const seqs = steps.map(([gap]) => (seq += gap === 3 ? 2 : 1));
    return fc.tuple(...seqs.map((s) => payload(s - 1))).map((payloads) => {
      const tapSeqs: number[] = [];
      return payloads.map((p, i): JournalEntry => {
        const seq = seqs[i] as number;
        if (p.kind === 'tap') tapSeqs.push(seq);
        return { seq, stationId: 'st-1', recordedAt: T0, payload: nearbyShift(p, tapSeqs) };
      });
    });
  });

const configs: fc.Arbitrary<StationConfig> = fc.constantFrom(
  finishConfig(1),
  finishConfig(0),
  finishConfig(3),
  splitConfig(),
);

const RUNS = { numRuns: 300 };

function sortedWanted(w: ReadonlyMap<string, WantedField>): [string, WantedField][] {
  return [...w.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('projection properties', () => {
  it('incremental (one entry at a time) equals batch, and its changes rebuild the wanted map', () => {
    fc.assert(
      fc.property(journal, configs, (entries, config) => {
        const c = ctx(config);
        const batch = project(entries, c);
        const state = new ProjectionState(c);
        const folded = new Map<string, WantedField>();
        for (const e of entries) {
          const before = new Map(state.wanted());
          const changes = state.apply(e);
          // Every reported change is real and reported once.
          expect(new Set(changes.map((x) => x.keyString)).size).toBe(changes.length);
          for (const ch of changes)
            expect(before.get(ch.keyString)?.value ?? null).not.toBe(ch.value);
          applyChanges(folded, changes);
        }
        expect(state.crossings()).toEqual(batch.crossings);
        expect(sortedWanted(state.wanted())).toEqual(sortedWanted(batch.wanted));
        expect(plain(folded)).toEqual(plain(batch.wanted));

        // The reading helpers agree with the crossings and with the batch's undo resolution.
        const untagged = batch.crossings
          .filter((x) => x.bib === null && !x.voided && !x.unreadable)
          .sort((a, b) => a.at - b.at || a.tapSeq - b.tapSeq)
          .map((x) => x.tapSeq);
        expect(state.untaggedTaps()).toEqual(untagged);
        expect(state.waitingBibs()).toEqual(batch.waitingBibs);
        for (let b = 1; b <= 11; b++) {
          const counted = batch.crossings.some(
            (x) =>
              x.bib === b &&
              !x.voided &&
              !x.cleared &&
              x.eventId !== null &&
              !x.flags.includes('already-recorded') &&
              !x.flags.includes('other-event'),
          );
          const pre = state.previewBib(b);
          if (pre.includes('unknown-bib') || pre.includes('other-event')) continue;
          expect(pre.includes('already-recorded')).toBe(counted);
        }
        const active = activeEntries(entries);
        const valid = (e: JournalEntry): boolean => {
          const p = e.payload;
          if (p.kind === 'undo') return entries.some((x) => x.seq === p.targetSeq && x.seq < e.seq);
          const isTap = (seq: number): boolean =>
            entries.some((x) => x.seq === seq && x.seq < e.seq && x.payload.kind === 'tap');
          if (p.kind === 'assign' || p.kind === 'adjust' || p.kind === 'void') {
            return isTap(p.tapSeq);
          }
          if (p.kind === 'shift') return isTap(p.fromTapSeq) && isTap(p.toTapSeq);
          return true;
        };
        for (const e of entries) expect(state.isActive(e.seq)).toBe(active.has(e.seq) && valid(e));
        // Ctrl+Z never targets an undo, nor a gun read from RunSignup (not the operator's).
        const operators = (e: JournalEntry): boolean =>
          e.payload.kind !== 'undo' &&
          !(e.payload.kind === 'gun' && e.payload.source === 'runsignup');
        const target = [...entries]
          .reverse()
          .find((e) => operators(e) && active.has(e.seq) && valid(e));
        expect(state.undoTarget()).toBe(target?.seq ?? null);
      }),
      RUNS,
    );
  });

  it('replaying in two pieces at any split point, or all at once, gives the same projection', () => {
    fc.assert(
      fc.property(journal, configs, fc.nat(), (entries, config, cut) => {
        const c = ctx(config);
        const k = entries.length === 0 ? 0 : cut % (entries.length + 1);
        const state = new ProjectionState(c);
        const folded = applyChanges(new Map(), state.applyAll(entries.slice(0, k)));
        applyChanges(folded, state.applyAll(entries.slice(k)));
        const once = ProjectionState.fromJournal(entries, c);
        const batch = project(entries, c);
        expect(plain(folded)).toEqual(plain(batch.wanted));
        expect(plain(state.wanted())).toEqual(plain(once.wanted()));
        expect(state.crossings()).toEqual(once.crossings());
        expect(once.crossings()).toEqual(batch.crossings);
        expect(state.waitingBibs()).toEqual(batch.waitingBibs);
        expect(once.waitingBibs()).toEqual(batch.waitingBibs);
      }),
      RUNS,
    );
  });

  it('never wants a blank, and every wanted value is a valid RunSignup value', () => {
    fc.assert(
      fc.property(journal, configs, (entries, config) => {
        const { wanted } = project(entries, ctx(config));
        for (const { key, value } of wanted.values()) {
          expect(value.trim()).not.toBe('');
          if (key.field === 'place') expect(value).toMatch(/^(X|[1-9][0-9]*)$/);
          else expect(isPostableTimeValue(value)).toBe(true);
          if (config.role.kind === 'split') expect(key.field).toMatch(/^split-7[12]$/);
          else expect(['place', 'clock_time']).toContain(key.field);
          // Only registered bibs of timed events are ever wanted.
          expect([1, 2]).toContain(defaultParticipants().get(key.bib)?.eventId);
          // Never a place without this station's time field for that bib (a real place needs
          // a real time; an "X" place clears with its time).
          if (key.field === 'place') {
            const time = wanted.get(`${key.resultSetId}:${key.eventId}:${key.bib}:clock_time`);
            expect(time, `place ${value} of bib ${key.bib} without a time`).toBeDefined();
          }
        }
        // A crossing with a place has a time.
        for (const x of project(entries, ctx(config)).crossings) {
          if (x.place !== null) expect(x.time).not.toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('places within each event are exactly 1..k, on crossings and in the wanted places', () => {
    fc.assert(
      fc.property(journal, (entries) => {
        const { crossings, wanted } = project(entries, ctx(finishConfig()));
        for (const eventId of [1, 2]) {
          const places = crossings
            .filter((x) => x.eventId === eventId && x.place !== null)
            .map((x) => x.place as number)
            .sort((a, b) => a - b);
          expect(places).toEqual(places.map((_, i) => i + 1));
          const wantedPlaces = [...wanted.values()]
            .filter((f) => f.key.eventId === eventId && f.key.field === 'place' && f.value !== 'X')
            .map((f) => Number(f.value))
            .sort((a, b) => a - b);
          expect(wantedPlaces).toEqual(places);
        }
        // A counted crossing is never flagged as a duplicate, unknown or other-event bib.
        for (const x of crossings) {
          if (x.place !== null) {
            expect(x.flags).not.toContain('already-recorded');
            expect(x.flags).not.toContain('unknown-bib');
            expect(x.voided).toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  it('withParticipants equals a fresh projection over the new participants, and its changes say how', () => {
    fc.assert(
      fc.property(journal, configs, (entries, config) => {
        const c = ctx(config);
        const state = ProjectionState.fromJournal(entries, c);
        const oldWanted = new Map(state.wanted());
        const more = defaultParticipants();
        more.set(10, participant(10, 1)); // a refresh brings bib 10 into the 5K
        more.delete(4); // and bib 4 was withdrawn
        const changes: FieldChange[] = state.withParticipants(more);
        const fresh = project(entries, { config, participants: more });
        expect(plain(state.wanted())).toEqual(plain(fresh.wanted));
        expect(state.crossings()).toEqual(fresh.crossings);
        expect(plain(applyChanges(oldWanted, changes))).toEqual(plain(fresh.wanted));
        expect(changes).toEqual(diffWanted(project(entries, c).wanted, fresh.wanted));
      }),
      { numRuns: 150 },
    );
  });
});

describe('the journal generator', () => {
  it('reaches the line-up cases: shifts and orders that change crossings, waiting bibs, undos behind them', () => {
    const c = ctx(finishConfig());
    // An undo naming its own seq is a no-op that keeps every other seq in place.
    const without = (entries: JournalEntry[], kind: 'shift' | 'order'): JournalEntry[] =>
      entries.map((e) =>
        e.payload.kind === kind ? { ...e, payload: { kind: 'undo', targetSeq: e.seq } } : e,
      );
    let shiftMatters = 0;
    let orderMatters = 0;
    let waiting = 0;
    let undoBehindLineup = 0;

    for (const entries of fc.sample(journal, { numRuns: 300, seed: 42 })) {
      const base = project(entries, c).crossings;

      if (!isDeepEqual(project(without(entries, 'shift'), c).crossings, base)) shiftMatters++;
      if (!isDeepEqual(project(without(entries, 'order'), c).crossings, base)) orderMatters++;
      if (project(entries, c).waitingBibs.length > 0) waiting++;
      const lineup = entries.filter(
        (e) => e.payload.kind === 'shift' || e.payload.kind === 'order',
      );
      if (
        entries.some(
          (u) =>
            u.payload.kind === 'undo' &&
            lineup.some(
              (l) => l.seq < u.seq && l.seq > (u.payload as { targetSeq: number }).targetSeq,
            ),
        )
      ) {
        undoBehindLineup++;
      }
    }
    expect(shiftMatters).toBeGreaterThan(15);
    expect(orderMatters).toBeGreaterThan(50);
    expect(waiting).toBeGreaterThan(50);
    expect(undoBehindLineup).toBeGreaterThan(50);
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
