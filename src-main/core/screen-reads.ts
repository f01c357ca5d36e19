// What the screens read of a station: the rows of crossings as they show them (with each bib's
// RunSignup state from the outbox), the snapshot, an event's results and the bib typed. Reads
// only: the core's commands change `live`, these look at it as it is at each call.
import type { Participant, StationConfig } from '../../src-shared/domain';
import {
  IDLE_SYNC_STATUS,
  type CrossingView,
  type DeltaCursor,
  type ResultRow,
  type Snapshot,
} from '../../src-shared/station-api';
import { isResultStatus } from '../../src-shared/time';
import { parseBibText } from '../../src-shared/bib';
import type { JournalPayload } from '../../src-shared/domain';
import { outboxRowKey, type OutboxStore } from './store/outbox-store';
import type { SetupStore } from './store/setup-store';
import type { AttentionRow } from './store/outbox-review';
import { CROSSING_FLAG_MESSAGES, type Crossing, type ProjectionState } from './projection';
import type { EventPlan } from './projection/rules';
import { crossingView, flagWarnings, sortResults, syncOfBib, type FieldLookup } from './views';

/** What the core holds in memory between commands; a setup change replaces its parts. */
export interface LiveState {
  config: StationConfig | null;
  /** Registered participants by bib (`indexParticipants`). */
  participants: Map<number, Participant>;
  plans: Map<number, EventPlan>;
  /** Null until the station is set up. */
  projection: ProjectionState | null;
  journalLength: number;
  /** The latest time any crossing has (see `latestCrossingAt`). */
  latestAt: number;
  /**
   * Per event, the last start time read from RunSignup that differs from the gun typed here,
   * which stays in force: the snapshot shows it so the timer can take it instead.
   */
  remoteConflicts: Map<number, number>;
}

export interface ScreenReadDeps {
  outbox: OutboxStore;
  setup: SetupStore;
  readAttention: () => AttentionRow[];
  /** The change stream's position now. */
  cursor: () => DeltaCursor;
}

export function createScreenReads(live: LiveState, deps: ScreenReadDeps) {
  const { outbox, setup, readAttention, cursor } = deps;

  const lookup: FieldLookup = (plan, bib, field) =>
    outbox.fieldState({ resultSetId: plan.resultSetId, bib, field });

  /** The outbox states of these bibs read in one query, looked up from memory (a snapshot). */
  const batchLookup = (bibs: ReadonlyArray<{ resultSetId: number; bib: number }>): FieldLookup => {
    const states = outbox.fieldStates(bibs);
    return (plan, bib, field) =>
      states.get(outboxRowKey({ resultSetId: plan.resultSetId, bib, field })) ?? null;
  };

  const eventName = (eventId: number | null): string | null =>
    eventId === null
      ? null
      : (live.config?.events.find((e) => e.eventId === eventId)?.name ?? null);

  const results = (eventId: number): ResultRow[] => {
    const p = live.projection;
    const plan = live.plans.get(eventId);
    if (!p || !plan) return [];
    // Name, gender and age where RunSignup gave them.
    const runner = (bib: number) => {
      const part = live.participants.get(bib);
      return {
        name: part ? `${part.firstName} ${part.lastName}`.trim() : '',
        gender: part?.gender ?? null,
        age: part?.age ?? null,
      };
    };
    const rows: ResultRow[] = [];
    const seen = new Set<number>();
    const cleared: number[] = [];
    for (const c of p.crossings()) {
      if (c.voided || c.bib === null || c.eventId !== eventId) continue;
      if (c.cleared) cleared.push(c.bib);
      if (c.place === null) continue;
      seen.add(c.bib);
      rows.push({
        place: c.place,
        bib: c.bib,
        ...runner(c.bib),
        time: c.time,
        status: null,
        sync: syncOfBib(plan, c.bib, lookup).sync,
      });
    }
    // A runner cleared with X stays listed as cleared, with whether RunSignup shows it yet.
    for (const bib of cleared) {
      if (seen.has(bib) || p.statusOf(bib) !== null) continue;
      seen.add(bib);
      rows.push({
        place: null,
        bib,
        ...runner(bib),
        time: null,
        status: null,
        sync: syncOfBib(plan, bib, lookup).sync,
        cleared: true,
      });
    }
    // Statuses (DNS has no crossing): they are the wanted value of the event's time field.
    for (const f of p.wanted().values()) {
      if (f.key.eventId !== eventId || f.key.field !== plan.timeField || seen.has(f.key.bib))
        continue;
      if (!isResultStatus(f.value)) continue;
      seen.add(f.key.bib);
      rows.push({
        place: null,
        bib: f.key.bib,
        ...runner(f.key.bib),
        time: null,
        status: f.value,
        sync: syncOfBib(plan, f.key.bib, lookup).sync,
      });
    }
    return sortResults(rows);
  };

  /** The guns in force, each with RunSignup's differing start time when a typed gun is kept. */
  function gunsWithConflicts(guns: Snapshot['guns']): Snapshot['guns'] {
    return guns.map((g) => {
      const remoteAt = live.remoteConflicts.get(g.eventId);
      if (remoteAt === undefined || g.source !== 'local' || g.at === null || g.at === remoteAt) {
        return g;
      }
      const diff = Math.round((remoteAt - g.at) / 100) / 10;
      const conflict =
        `RunSignup's start time is ${Math.abs(diff)} s ${diff > 0 ? 'later' : 'earlier'} ` +
        `than the gun typed on this station, which is the one used.`;
      return { ...g, conflict, remoteAt };
    });
  }

  /** The rows of these crossings as the screens show them. */
  function viewsOf(shown: readonly Crossing[]): CrossingView[] {
    // One outbox query for every bib shown, not two single-row reads per crossing.
    const keys: { resultSetId: number; bib: number }[] = [];
    for (const c of shown) {
      const plan = c.eventId === null || c.bib === null ? undefined : live.plans.get(c.eventId);
      if (plan && c.bib !== null) keys.push({ resultSetId: plan.resultSetId, bib: c.bib });
    }
    const shownLookup = batchLookup(keys);
    return shown.map((c) =>
      crossingView(c, {
        participant: c.bib === null ? undefined : live.participants.get(c.bib),
        eventName: eventName(c.eventId),
        plan: c.eventId === null ? undefined : live.plans.get(c.eventId),
        lookup: shownLookup,
      }),
    );
  }

  /** Every live crossing of these bibs (each once). */
  function crossingsOfBibs(bibs: readonly number[]): Crossing[] {
    const p = live.projection;
    if (!p) return [];
    const out: Crossing[] = [];
    for (const bib of new Set(bibs)) {
      for (const c of p.crossingsOfBib(bib)) if (!c.voided) out.push(c);
    }
    return out;
  }

  /**
   * The rows a just-committed tap changed, or null when its rows do not tell the whole change:
   * a tap timed before another crossing moves later places, and one that takes a waiting bib
   * changes the waiting list. Otherwise only the tap's own row and its bib's other crossings
   * (already-recorded, sync state) can differ.
   */
  function rowsOfTap(
    payload: JournalPayload,
    seq: number,
    before: { latestAt: number; waiting: number },
  ): Crossing[] | null {
    const p = live.projection;
    if (!p || payload.kind !== 'tap' || payload.at < before.latestAt || before.waiting > 0) {
      return null;
    }
    const tap = p.crossing(seq);
    if (!tap) return null;
    return tap.bib === null ? [tap] : crossingsOfBibs([tap.bib]);
  }

  const snapshot = (limit: number | undefined, withVoided: boolean): Snapshot => {
    const p = live.projection;
    const counts = outbox.counts();
    const shown = p
      ? p.crossings(limit === undefined ? {} : { limit }).filter((c) => withVoided || !c.voided)
      : [];
    const crossings = viewsOf(shown);
    return {
      mode: live.config ? live.config.mode : 'setup',
      config: live.config,
      guns: p ? gunsWithConflicts(p.clock.guns()) : [],
      waitingBibs: p ? p.waitingBibs() : [],
      attention: counts.attention > 0 ? readAttention() : [],
      offsetMs: p ? p.clock.offsetMs() : 0,
      crossings,
      // What the outbox holds; the rest of the sync status is the sync loop's (the app's session).
      sync: { ...IDLE_SYNC_STATUS, pending: counts.pending, attention: counts.attention },
      journalLength: live.journalLength,
      delta: cursor(),
    };
  };

  const lookupBib = (text: string) => {
    const parsed = parseBibText(text);
    if (!parsed.ok)
      return { bib: null, participant: null, eventName: null, warnings: [], error: parsed.error };
    const participant = live.participants.get(parsed.bib) ?? null;
    const warnings = live.projection ? flagWarnings(live.projection.previewBib(parsed.bib)) : [];
    if (
      participant &&
      live.projection &&
      live.plans.has(participant.eventId) &&
      live.projection.clock.gunAt(participant.eventId) === null
    ) {
      warnings.push({ code: 'no-gun', message: CROSSING_FLAG_MESSAGES['no-gun'] });
    }
    const plan = participant ? live.plans.get(participant.eventId) : undefined;
    const held = plan ? syncOfBib(plan, parsed.bib, lookup).sync : null;
    return {
      bib: parsed.bib,
      participant,
      eventName: participant
        ? (eventName(participant.eventId) ?? setupEventName(participant.eventId))
        : null,
      warnings,
      error: null,
      // RunSignup has (or may have) this bib's result: a status or X would change it there.
      onRunSignup:
        held === 'sent' ||
        held === 'verified' ||
        held === 'verify' ||
        held === 'sending' ||
        held === 'conflict',
    };
  };

  const setupEventName = (eventId: number): string | null => {
    if (!live.config) return null;
    return setup.race(live.config.raceId)?.events.find((e) => e.eventId === eventId)?.name ?? null;
  };

  return { viewsOf, crossingsOfBibs, rowsOfTap, snapshot, results, lookupBib };
}
