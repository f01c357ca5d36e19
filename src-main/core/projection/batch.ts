// The batch projection: the journal's meaning computed from scratch, in the plainest way.
// It is the reference the incremental `ProjectionState` is property-tested against, so it
// favours obviousness over speed (still O(n log n)).
import type { JournalEntry, ResultStatus } from '../../../src-shared/domain';
import {
  bibFieldKeys,
  bibFieldValues,
  compareCrossings,
  describeCrossing,
  gunFrameOffset,
  planEvents,
  timeCrossing,
} from './rules';
import { fieldKeyString, type Projection, type ProjectionContext } from './types';
import { rotateBibs } from './shift';

interface BatchTap {
  seq: number;
  at: number;
  bib: number | null;
  /** The seq of the entry that gave the tap its current bib (the tap or its latest assign). */
  bindSeq: number;
  unreadable: boolean;
  voided: boolean;
}

/** Journal entries in seq order; a seq twice is a corrupt journal, never silently merged. */
export function sortJournal<E extends { seq: number }>(entries: readonly E[]): E[] {
  // A stored journal is read in seq order: then a plain copy, no sort.
  let inOrder = true;
  for (let i = 1; i < entries.length && inOrder; i++) {
    inOrder = (entries[i] as E).seq > (entries[i - 1] as E).seq;
  }
  if (inOrder) return entries.slice();
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as E).seq === (sorted[i - 1] as E).seq) {
      throw new Error(`Journal has two entries with seq ${(sorted[i] as E).seq}`);
    }
  }
  return sorted;
}

/**
 * Which entries are in force. An `undo` takes its target out of force; undoing an undo puts the
 * target back. Walking from the newest entry down, every undo that could target an entry has
 * already been decided when the entry is reached (an undo only targets earlier seqs).
 */
export function activeEntries(sorted: readonly JournalEntry[]): Set<number> {
  const seqs = new Set(sorted.map((e) => e.seq));
  const undone = new Set<number>();
  const active = new Set<number>();
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i] as JournalEntry;
    if (undone.has(e.seq)) continue;
    active.add(e.seq);
    const p = e.payload;
    if (p.kind === 'undo' && p.targetSeq < e.seq && seqs.has(p.targetSeq)) undone.add(p.targetSeq);
  }
  return active;
}

/** Project a whole journal: every crossing in tap order, and the fields this station wants. */
export function project(entries: readonly JournalEntry[], ctx: ProjectionContext): Projection {
  const sorted = sortJournal(entries);
  const active = activeEntries(sorted);
  const plans = planEvents(ctx.config);
  const precision = ctx.config.precision;

  const taps = new Map<number, BatchTap>();
  const statusEntry = new Map<number, { seq: number; status: ResultStatus | null }>();
  const clearSeq = new Map<number, number>();
  const guns = new Map<number, { at: number; source: 'local' | 'runsignup' }>();
  let offsetMs = 0;
  /** Bibs in crossing order still waiting for a time-only tap, oldest first. */
  const waiting: number[] = [];
  const isTimeOnly = (t: BatchTap): boolean => !t.voided && t.bib === null && !t.unreadable;

  for (const e of sorted) {
    const p = e.payload;
    if (p.kind === 'tap') {
      // An undone tap still exists (its later corrections still apply), but does not count.
      const tap: BatchTap = {
        seq: e.seq,
        at: p.at,
        bib: p.bib,
        bindSeq: e.seq,
        unreadable: p.unreadable,
        voided: !active.has(e.seq),
      };
      // A new time-only crossing takes the oldest bib waiting in crossing order.
      if (isTimeOnly(tap) && waiting.length > 0) tap.bib = waiting.shift() as number;
      taps.set(e.seq, tap);
      continue;
    }
    if (!active.has(e.seq)) continue;
    switch (p.kind) {
      case 'assign':
      case 'adjust':
      case 'void': {
        const tap = p.tapSeq < e.seq ? taps.get(p.tapSeq) : undefined;
        if (!tap) break;
        if (p.kind === 'assign') {
          tap.bib = p.bib;
          tap.bindSeq = e.seq;
        } else if (p.kind === 'adjust') tap.at = p.at;
        else tap.voided = true;
        break;
      }
      case 'status':
        statusEntry.set(p.bib, { seq: e.seq, status: p.status });
        break;
      case 'clear':
        clearSeq.set(p.bib, e.seq);
        break;
      case 'gun':
        guns.set(p.eventId, { at: p.at, source: p.source ?? 'local' });
        break;
      case 'offset':
        offsetMs = p.ms;
        break;
      case 'undo':
        break;
      case 'order': {
        // The oldest time-only crossing (by time, then seq) takes the bib; else it waits.
        let oldest: BatchTap | null = null;
        for (const t of taps.values()) {
          if (!isTimeOnly(t)) continue;
          if (!oldest || compareCrossings(t.at, t.seq, oldest.at, oldest.seq) < 0) oldest = t;
        }
        if (oldest) {
          oldest.bib = p.bib;
          oldest.bindSeq = e.seq;
        } else waiting.push(p.bib);
        break;
      }
      case 'shift': {
        const from = p.fromTapSeq < e.seq ? taps.get(p.fromTapSeq) : undefined;
        const to = p.toTapSeq < e.seq ? taps.get(p.toTapSeq) : undefined;
        if (!from || !to || from.voided || to.voided) break;
        const block = [...taps.values()]
          .filter(
            (t) =>
              !t.voided &&
              compareCrossings(t.at, t.seq, from.at, from.seq) >= 0 &&
              compareCrossings(t.at, t.seq, to.at, to.seq) <= 0,
          )
          .sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
        for (const m of rotateBibs(block, p.direction)) {
          m.tap.bib = m.bib;
          m.tap.bindSeq = m.bindSeq;
        }
        break;
      }
    }
  }

  const cleared = (t: BatchTap): boolean => t.bindSeq < (clearSeq.get(t.bib as number) ?? 0);
  const statusOf = (bib: number): ResultStatus | null => {
    const s = statusEntry.get(bib);
    return s && s.seq > (clearSeq.get(bib) ?? 0) ? s.status : null;
  };
  const planOf = (bib: number) => {
    const p = ctx.participants.get(bib);
    return p ? plans.get(p.eventId) : undefined;
  };

  // Each bib's first crossing (by time, then seq) among those that may count.
  const primary = new Map<number, BatchTap>();
  for (const t of taps.values()) {
    if (t.voided || t.bib === null || cleared(t) || !planOf(t.bib)) continue;
    const cur = primary.get(t.bib);
    if (!cur || compareCrossings(t.at, t.seq, cur.at, cur.seq) < 0) primary.set(t.bib, t);
  }

  // How a crossing of an event is timed (the offset counts only for a gun in RunSignup's clock).
  const timeOf = (t: BatchTap, eventId: number) => {
    const gun = guns.get(eventId);
    const offset = gunFrameOffset(gun?.source ?? null, offsetMs);
    return timeCrossing(t.at, gun?.at ?? null, offset, precision).time;
  };

  // Places: the primaries of bibs without a status and with a postable time, per event, in
  // crossing order (a crossing before the gun, or with no gun yet, takes no place).
  const byEvent = new Map<number, BatchTap[]>();
  for (const [bib, t] of primary) {
    if (statusOf(bib) !== null) continue;
    const eventId = (planOf(bib) as { eventId: number }).eventId;
    if (timeOf(t, eventId) === null) continue;
    const list = byEvent.get(eventId) ?? [];
    list.push(t);
    byEvent.set(eventId, list);
  }
  const place = new Map<number, number>();
  for (const list of byEvent.values()) {
    list.sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
    list.forEach((t, i) => place.set(t.seq, i + 1));
  }

  const crossings = [...taps.values()].map((t) => {
    const participant = t.bib === null ? undefined : ctx.participants.get(t.bib);
    const plan = participant ? plans.get(participant.eventId) : undefined;
    return describeCrossing({
      tapSeq: t.seq,
      at: t.at,
      bib: t.bib,
      unreadable: t.unreadable,
      voided: t.voided,
      eventId: participant?.eventId ?? null,
      timed: plan !== undefined,
      cleared: t.bib !== null && cleared(t),
      primary: t.bib !== null && primary.get(t.bib) === t,
      place: place.get(t.seq) ?? null,
      gunAt: plan ? (guns.get(plan.eventId)?.at ?? null) : null,
      offsetMs: plan ? gunFrameOffset(guns.get(plan.eventId)?.source ?? null, offsetMs) : 0,
      precision,
      status: t.bib === null ? null : statusOf(t.bib),
    });
  });

  const wanted: Projection['wanted'] = new Map();
  const bibs = new Set<number>([...primary.keys(), ...statusEntry.keys(), ...clearSeq.keys()]);
  for (const bib of bibs) {
    const plan = planOf(bib);
    if (!plan) continue;
    const t = primary.get(bib);
    const tPlace = t ? (place.get(t.seq) ?? null) : null;
    const time = t && tPlace !== null ? timeOf(t, plan.eventId) : null;
    const values = bibFieldValues(plan, statusOf(bib), tPlace, time, clearSeq.has(bib));
    bibFieldKeys(bib, plan).forEach((key, i) => {
      const value = values[i];
      if (value != null) wanted.set(fieldKeyString(key), { key, value });
    });
  }
  return { crossings, wanted, waitingBibs: waiting };
}
