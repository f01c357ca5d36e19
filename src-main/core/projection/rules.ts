// The small rules both projections (batch and incremental) share: which fields a station owns,
// how a bib's wanted values follow from its scored crossing and status, and how a crossing is
// timed. Everything here is pure and per-bib or per-crossing; the two projections differ only
// in how they find each bib's scored crossing and place.
import {
  CLEAR_VALUE,
  type Participant,
  type FieldKey,
  type ResultStatus,
  type StationConfig,
} from '../../../src-shared/domain';
import { formatElapsed, MAX_ELAPSED_MS } from '../../../src-shared/time';
import {
  FIELD_CLOCK_TIME,
  FIELD_PLACE,
  splitField,
  type Crossing,
  type CrossingFlag,
} from './types';

/** What this station posts for one event it times. */
export interface EventPlan {
  eventId: number;
  resultSetId: number;
  /** `clock_time` at a finish station, `split-<id>` at a split station. */
  timeField: string;
  /** `place` at a finish station; a split station posts no place. */
  placeField: string | null;
}

/**
 * The events this station times and the fields it owns in each. A split station times only the
 * configured events that have a split id in its role.
 */
export function planEvents(config: StationConfig): Map<number, EventPlan> {
  const plans = new Map<number, EventPlan>();
  for (const ev of config.events) {
    if (config.role.kind === 'finish') {
      plans.set(ev.eventId, {
        eventId: ev.eventId,
        resultSetId: ev.resultSetId,
        timeField: FIELD_CLOCK_TIME,
        placeField: FIELD_PLACE,
      });
    } else {
      const split = config.role.splits.find((s) => s.eventId === ev.eventId);
      if (split) {
        plans.set(ev.eventId, {
          eventId: ev.eventId,
          resultSetId: ev.resultSetId,
          timeField: splitField(split.splitId),
          placeField: null,
        });
      }
    }
  }
  return plans;
}

/**
 * Participants by bib. Bibs are meant to be unique in a race; when RunSignup has a bib twice,
 * the registration in an event this station times wins, then the first seen, so the choice is
 * deterministic.
 */
export function indexParticipants(
  participants: readonly Participant[],
  config: StationConfig,
): Map<number, Participant> {
  const timed = planEvents(config);
  const byBib = new Map<number, Participant>();
  // Indexed: a cold start indexes tens of thousands before the JIT would optimise for..of.
  for (let i = 0; i < participants.length; i++) {
    const p = participants[i] as Participant;
    if (p.bib === null) continue;
    const seen = byBib.get(p.bib);
    if (!seen || (!timed.has(seen.eventId) && timed.has(p.eventId))) byBib.set(p.bib, p);
  }
  return byBib;
}

/** Crossing order: effective time, ties by tap seq (the earlier key press). */
export function compareCrossings(aAt: number, aSeq: number, bAt: number, bSeq: number): number {
  return aAt !== bAt ? aAt - bAt : aSeq - bSeq;
}

export interface Timing {
  elapsedMs: number | null;
  time: string | null;
  flag: CrossingFlag | null;
}

/**
 * The offset to add to a tap (this laptop's clock) before subtracting the gun. A gun fired or
 * typed on this station is on the same clock as its taps, so the offset cancels (0). A gun read
 * from RunSignup is in RunSignup's clock, and the offset ("add to local time to get RunSignup's
 * time", clock-offset.ts) brings the tap into that frame.
 */
export function gunFrameOffset(source: 'local' | 'runsignup' | null, offsetMs: number): number {
  return source === 'runsignup' ? offsetMs : 0;
}

/**
 * Elapsed time of a crossing: tap − gun + `offsetMs`, where `offsetMs` is the gun frame's offset
 * (`gunFrameOffset`: 0 for a local gun). Derived, never stored, so a new gun or offset re-times
 * everything (DESIGN.md §4). No gun, before the gun, or absurdly long: no time, and the flag
 * says why.
 */
export function timeCrossing(
  at: number,
  gunAt: number | null,
  offsetMs: number,
  precision: number,
): Timing {
  if (gunAt === null) return { elapsedMs: null, time: null, flag: 'no-gun' };
  const elapsedMs = at - gunAt + offsetMs;
  if (elapsedMs < 0) return { elapsedMs, time: null, flag: 'before-gun' };
  // Rounding up may carry a time just under the limit past it: check the rounded value.
  const limit = MAX_ELAPSED_MS - 999;
  if (elapsedMs > limit) return { elapsedMs, time: null, flag: 'time-too-long' };
  return { elapsedMs, time: formatElapsed(elapsedMs, precision), flag: null };
}

/** The fields a bib of this plan may be wanted in, in a fixed order (place, then time). */
export function bibFieldKeys(bib: number, plan: EventPlan): FieldKey[] {
  const { resultSetId, eventId } = plan;
  const time = { resultSetId, eventId, bib, field: plan.timeField };
  return plan.placeField === null
    ? [time]
    : [{ resultSetId, eventId, bib, field: plan.placeField }, time];
}

/**
 * The wanted value of each of `bibFieldKeys(bib, plan)`, null where nothing is wanted:
 * - a status fills the time field (`DQ`…), and the bib has no place;
 * - otherwise the scored crossing gives the place and (if timeable) the time;
 * - a clear in force turns every owned field still without a value into "X".
 *
 * @param place the scored crossing's place, or null when the bib has none
 * @param time the scored crossing's formatted time, or null when not timeable
 */
export function bibFieldValues(
  plan: EventPlan,
  status: ResultStatus | null,
  place: number | null,
  time: string | null,
  cleared: boolean,
): (string | null)[] {
  // Written without closures or spreads: this runs for every bib on every place shift.
  // A place is never wanted without its time (a place with an empty time on RunSignup is worse
  // than nothing): only a timeable crossing is ranked, and this holds the rule here too.
  const clear = cleared ? CLEAR_VALUE : null;
  const scored = status === null && place !== null && time !== null;
  const timeValue = status ?? (scored ? time : null) ?? clear;
  if (plan.placeField === null) return [timeValue];
  const placeValue = scored ? String(place) : clear;
  return [placeValue, timeValue];
}

/** Everything that decides how one crossing looks. */
export interface CrossingFacts {
  tapSeq: number;
  at: number;
  bib: number | null;
  unreadable: boolean;
  voided: boolean;
  /** The participant's event (null: unknown bib). */
  eventId: number | null;
  /** The event is timed by this station. */
  timed: boolean;
  /** The bib was cleared after this crossing got it. */
  cleared: boolean;
  /** This is the bib's first (counting) crossing. */
  primary: boolean;
  place: number | null;
  gunAt: number | null;
  /** The gun frame's offset (`gunFrameOffset`): 0 when the gun is local. */
  offsetMs: number;
  precision: number;
  status: ResultStatus | null;
}

/**
 * A crossing for the screen. Flags, in order: `unreadable` (placeholder still without a bib),
 * `unknown-bib`, `other-event`, `already-recorded` (a later crossing of a bib already recorded
 * here), then the timing flag (`no-gun`, `before-gun`, `time-too-long`). A voided crossing
 * keeps its bib for the audit trail but has no place, time or flag; a cleared one is never timed.
 */
export function describeCrossing(f: CrossingFacts): Crossing {
  const base = {
    tapSeq: f.tapSeq,
    at: f.at,
    bib: f.bib,
    unreadable: f.unreadable && f.bib === null,
    voided: f.voided,
    cleared: false,
    eventId: f.eventId,
    place: null,
    elapsedMs: null,
    time: null,
    status: null,
    flags: [] as CrossingFlag[],
  };
  if (f.voided) return base;
  if (f.bib === null) {
    if (f.unreadable) base.flags.push('unreadable');
    return base;
  }
  if (f.cleared) return { ...base, cleared: true };
  if (f.eventId === null) base.flags.push('unknown-bib');
  else if (!f.timed) base.flags.push('other-event');
  else if (!f.primary) base.flags.push('already-recorded');
  let timing: Timing = { elapsedMs: null, time: null, flag: null };
  if (f.timed) {
    timing = timeCrossing(f.at, f.gunAt, f.offsetMs, f.precision);
    if (timing.flag) base.flags.push(timing.flag);
  }
  return {
    ...base,
    place: f.place,
    elapsedMs: timing.elapsedMs,
    time: timing.time,
    status: f.status,
  };
}
