// The incremental projection: the same meaning as `project()` (batch.ts), kept up to date one
// journal entry at a time so a key press costs O(log n), not a rebuild. This file applies
// entries and answers reads; the mechanisms it drives live beside it: entry-log.ts (which
// entries are in force), crossing-index.ts (taps and bibs), ranking.ts (places), race-clock.ts
// (guns, offset, times), line-up.ts (time-only taps, `order`, `shift`) and wanted-fields.ts
// (what RunSignup should show, and what changed).
//
// Costs (n = crossings of the event concerned):
// - a tap (or an assign of a bib-less tap) appended at the end of the race: O(log n) (binary
//   search + push), one or two field changes;
// - a correction that moves a crossing within an event (adjust, void, status, assign, undo):
//   O(n) for the places after it, which all change anyway;
// - a gun: O(n) of that event; an offset: O(all crossings);
// - `withParticipants`: a full replay, O(N log N) over the whole journal.
// - a `shift`: O(taps) to find its block (a rare, manual tool); an `order`: O(log u) with u the
//   time-only taps waiting for a bib.
//
// Line-up entries (`shift`, `order`) act on the journal as it stood when they were written
// (the batch replays in seq order, so does this projection). An undo that changes an entry OLDER
// than a line-up entry in force would change what that entry did: such an undo (rare: Ctrl+Z
// always takes the newest entry first) rebuilds the projection by a replay instead of patching it.
import type { JournalEntry, Participant, ResultStatus } from '../../../src-shared/domain';
import {
  bibFieldValues,
  compareCrossings,
  describeCrossing,
  planEvents,
  type EventPlan,
} from './rules';
import type {
  Crossing,
  CrossingFlag,
  FieldChange,
  JournalItem,
  ProjectionContext,
  WantedMap,
} from './types';
import { diffWanted } from './diff';
import { sortJournal } from './batch';
import { rotateBibs } from './shift';
import { assertAfter, EntryLog, type EntryRec } from './entry-log';
import {
  clearSeqOf,
  CrossingIndex,
  deriveTap,
  newTap,
  primaryTapOf,
  statusInForce,
  type BibState,
  type TapState,
} from './crossing-index';
import { Ranking } from './ranking';
import { RaceClock } from './race-clock';
import { LineUp } from './line-up';
import { WantedFields, wantedValueOf } from './wanted-fields';
import { without, withBySeq, withNumber, withoutSeq } from './seq-lists';

/**
 * The live projection of one station's journal. Feed it every committed entry, in seq order;
 * each `apply` returns the wanted-field changes the outbox must record in the same transaction.
 *
 * A replay (new participants or config, or an undo reaching under a line-up entry) builds a
 * fresh projection and takes over all of its state, so no field here is `readonly`.
 */
export class ProjectionState {
  private ctx: ProjectionContext;
  private plans: Map<number, EventPlan>;
  private log = new EntryLog();
  private index: CrossingIndex;
  private ranking: Ranking;
  private raceClock: RaceClock;
  private lineUp = new LineUp();
  private wantedFields = new WantedFields();
  /**
   * During a cold replay nobody wants the changes, and a mid-race correction would re-value
   * every later bib once per correction: rankings and wanted fields are computed once, at the end.
   */
  private replaying = false;
  // Per-apply work lists: bibs whose scored crossing may have changed, and bibs to re-value.
  private refresh = new Set<number>();
  private dirty = new Set<number>();

  constructor(ctx: ProjectionContext) {
    this.ctx = ctx;
    this.plans = planEvents(ctx.config);
    this.index = new CrossingIndex(ctx.participants, this.plans);
    this.ranking = new Ranking(this.plans, this.dirty);
    this.raceClock = new RaceClock(
      ctx.config.events.map((e) => e.eventId),
      ctx.config.precision,
    );
  }

  /** Cold start: replay a journal (any order; a duplicate seq throws). */
  static fromJournal<E extends JournalItem>(
    entries: readonly E[],
    ctx: ProjectionContext,
  ): ProjectionState {
    const state = new ProjectionState(ctx);
    // sortJournal returns a fresh array (the caller's is never kept or reordered).
    state.replay(sortJournal(entries));
    return state;
  }

  /**
   * The guns and the station clock offset in force. Replaced by a replay: read it through the
   * projection each time rather than keeping it.
   */
  get clock(): RaceClock {
    return this.raceClock;
  }

  // ---- applying entries ----

  /** Apply one entry (seq must be greater than every earlier one, else it throws). */
  apply<E extends JournalItem>(entry: E): FieldChange[] {
    return this.applyAll([entry]);
  }

  /** Apply entries in order; returns the NET change (a field changed twice is reported once). */
  applyAll<E extends JournalItem>(entries: readonly E[]): FieldChange[] {
    // Check the order first so a bad batch changes nothing (no half-applied state).
    let last = this.log.lastSeq;
    for (const e of entries) {
      assertAfter(e.seq, last);
      last = e.seq;
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as JournalItem;
      if (this.needsReplay(e)) {
        // Diff against what the caller last saw, replaying everything including this batch.
        const prior = this.wantedFields.priorWanted(this.index.bibs.values());
        this.rebuild(this.ctx, [...this.log.items(), ...entries.slice(i)]);
        return diffWanted(prior, this.wanted());
      }
      this.applyOne(e);
    }
    return this.wantedFields.takeChanges();
  }

  /**
   * Re-project over a new participants list (a refresh brought bibs that were unknown) or a new
   * config. A full replay of the journal, then a diff of the wanted fields: O(N log N).
   */
  withParticipants(
    participants: ReadonlyMap<number, Participant>,
    config = this.ctx.config,
  ): FieldChange[] {
    const before = this.wanted();
    this.rebuild({ config, participants }, this.log.items());
    return diffWanted(before, this.wanted());
  }

  /** Take over the state of a fresh projection that replayed `journal`: a cold start in place. */
  private rebuild(ctx: ProjectionContext, journal: readonly JournalItem[]): void {
    const fresh = new ProjectionState(ctx);
    fresh.replay(journal);
    Object.assign(this, fresh);
  }

  /** Apply one new entry (its seq after every earlier one); changes wait for `takeChanges`. */
  private applyOne(entry: JournalItem): void {
    this.activate(this.log.add(entry, this.index.taps));
    this.settle();
  }

  /**
   * Replay a whole journal (seq order) into this fresh projection. The log decides first which
   * entries are in force, so each acts once, on the journal as it stood before it, exactly as
   * `project()` reads it. Rankings and wanted fields once at the end.
   */
  private replay(entries: readonly JournalItem[]): void {
    const recs = this.log.load(entries);
    this.replaying = true;
    this.ranking.reportMoves = false;
    // Indexed loops and forEach, not for..of: a cold start runs this before the JIT has
    // optimised it, and unoptimised for..of makes an iterator result per step (100,000s).
    try {
      for (let i = 0; i < recs.length; i++) {
        const rec = recs[i] as EntryRec;
        const kind = rec.payload.kind;
        if (kind === 'undo' || !rec.valid) continue;
        // An undone tap still exists (later corrections still name it) but never counts.
        if (rec.undoneBy === 0) this.activate(rec);
        else if (kind === 'tap') this.createTap(rec, true);
        // Clearing an empty Set still allocates a new table: only when there is something.
        if (this.refresh.size > 0) this.refresh.clear();
      }
      this.index.bibs.forEach((bs) => {
        const scored = this.scoredOf(bs);
        bs.ranked = scored;
        if (scored && bs.plan) this.ranking.append(scored, bs.plan.eventId);
      });
      this.ranking.sortAll();
      this.index.bibs.forEach((bs) => this.rewant(bs));
    } finally {
      this.replaying = false;
      this.ranking.reportMoves = true;
      this.refresh.clear();
      this.dirty.clear();
      this.wantedFields.dropChanges();
    }
  }

  /**
   * Whether applying this entry must replay (see the file comment): an undo whose effect reaches
   * an entry older than a line-up entry in force, brings back a line-up entry or a tap while
   * line-up entries are in force, or takes back a tap that took a waiting bib.
   */
  private needsReplay(entry: JournalItem): boolean {
    const flip = this.log.flippedBy(entry);
    if (!flip) return false;
    const { seq, payload } = flip.rec;
    if (this.lineUp.newestSeq() > seq) return true;
    if (!flip.deactivating && (payload.kind === 'shift' || payload.kind === 'order')) return true;
    if (payload.kind === 'tap') {
      return flip.deactivating ? this.index.tap(seq).consumed !== 0 : this.lineUp.inForce();
    }
    return false;
  }

  /** Put an entry in force (when applied, or when the undo that targeted it is undone). */
  private activate(rec: EntryRec): void {
    if (!rec.valid) return;
    const { seq, payload: p } = rec;
    switch (p.kind) {
      case 'tap': {
        const existing = this.index.taps.get(seq);
        if (existing) this.modifyTap(existing, (t) => (t.undone = false));
        else this.createTap(rec, false);
        return;
      }
      case 'assign':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => {
          t.assigns = withBySeq(t.assigns, { seq, value: p.bib, bindSeq: seq });
        });
      case 'adjust':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => {
          t.adjusts = withBySeq(t.adjusts, { seq, value: p.at });
        });
      case 'void':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => t.voids++);
      case 'status': {
        const bs = this.index.bib(p.bib);
        bs.statuses = withBySeq(bs.statuses, { seq, value: p.status });
        this.refresh.add(p.bib);
        return;
      }
      case 'clear': {
        const bs = this.index.bib(p.bib);
        bs.clears = withNumber(bs.clears, seq);
        this.refresh.add(p.bib);
        return;
      }
      case 'gun':
        this.raceClock.addGun(p.eventId, seq, p.at, p.source ?? 'local', p.pressed === true);
        this.retimeEvent(p.eventId);
        return;
      case 'offset':
        this.raceClock.addOffset(seq, p.ms);
        for (const id of this.plans.keys()) this.retimeEvent(id);
        return;
      case 'undo': {
        const target = this.log.get(p.targetSeq) as EntryRec;
        target.undoneBy++;
        if (target.undoneBy === 1) this.deactivate(target);
        return;
      }
      case 'shift': {
        const moves = this.shiftMoves(p.fromTapSeq, p.toTapSeq, p.direction);
        this.lineUp.addShift(
          seq,
          moves.map((m) => m.tap),
        );
        for (const m of moves) {
          this.modifyTap(m.tap, (t) => {
            t.assigns = withBySeq(t.assigns, { seq, value: m.bib, bindSeq: m.bindSeq });
          });
        }
        return;
      }
      case 'order': {
        const tap = this.lineUp.addOrder(seq, p.bib);
        if (tap) {
          this.modifyTap(tap, (t) => {
            t.assigns = withBySeq(t.assigns, { seq, value: p.bib, bindSeq: seq });
          });
        }
        return;
      }
    }
  }

  /** Take an entry out of force (its undo is in force): the exact reverse of `activate`. */
  private deactivate(rec: EntryRec): void {
    if (!rec.valid) return;
    const { seq, payload: p } = rec;
    switch (p.kind) {
      case 'tap':
        return this.modifyTap(this.index.tap(seq), (t) => (t.undone = true));
      case 'assign':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => {
          t.assigns = withoutSeq(t.assigns, seq);
        });
      case 'adjust':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => {
          t.adjusts = withoutSeq(t.adjusts, seq);
        });
      case 'void':
        return this.modifyTap(this.index.tap(p.tapSeq), (t) => t.voids--);
      case 'status': {
        const bs = this.index.bib(p.bib);
        bs.statuses = withoutSeq(bs.statuses, seq);
        this.refresh.add(p.bib);
        return;
      }
      case 'clear': {
        const bs = this.index.bib(p.bib);
        bs.clears = without(bs.clears, bs.clears.indexOf(seq));
        this.refresh.add(p.bib);
        return;
      }
      case 'gun':
        this.raceClock.removeGun(p.eventId, seq);
        this.retimeEvent(p.eventId);
        return;
      case 'offset':
        this.raceClock.removeOffset(seq);
        for (const id of this.plans.keys()) this.retimeEvent(id);
        return;
      case 'undo': {
        const target = this.log.get(p.targetSeq) as EntryRec;
        target.undoneBy--;
        if (target.undoneBy === 0) this.activate(target);
        return;
      }
      case 'shift':
        for (const t of this.lineUp.removeShift(seq)) {
          this.modifyTap(t, (x) => {
            x.assigns = withoutSeq(x.assigns, seq);
          });
        }
        return;
      case 'order': {
        const took = this.lineUp.removeOrder(seq);
        if (took) {
          this.modifyTap(took.tap, (t) => {
            t.assigns = withoutSeq(t.assigns, took.modSeq);
          });
        }
        return;
      }
    }
  }

  /** A new tap; a time-only one takes the oldest bib waiting in crossing order, if any. */
  private createTap(entry: JournalItem, undone: boolean): void {
    const p = entry.payload as Extract<JournalEntry['payload'], { kind: 'tap' }>;
    const tap = newTap(entry.seq, p, undone);
    if (!undone && p.bib === null && !p.unreadable) this.lineUp.giveWaitingBib(tap);
    this.index.add(tap);
    this.attach(tap);
  }

  /**
   * What a shift does to the journal as it stands: the live crossings from..to in crossing order
   * rotate their bibs (each with its binding) one crossing later or earlier. Nothing when either
   * end is voided, the ends are the wrong way round, or the crossing the bibs move onto at the
   * far end has a bib (the shift must lose nothing; the core refuses such a shift).
   */
  private shiftMoves(
    fromSeq: number,
    toSeq: number,
    direction: 'earlier' | 'later',
  ): { tap: TapState; bib: number | null; bindSeq: number }[] {
    const from = this.index.tap(fromSeq);
    const to = this.index.tap(toSeq);
    if (from.voided || to.voided || compareCrossings(from.at, from.seq, to.at, to.seq) > 0) {
      return [];
    }
    return rotateBibs(this.index.block(from, to), direction);
  }

  /** Change a tap: unhook it from its bib, ranking and line-up, mutate, re-derive, hook it back. */
  private modifyTap(tap: TapState, mutate: (t: TapState) => void): void {
    this.detach(tap);
    mutate(tap);
    deriveTap(tap);
    this.attach(tap);
  }

  private detach(tap: TapState): void {
    if (!tap.voided && tap.bib === null && !tap.unreadable) this.lineUp.removeUntagged(tap);
    if (tap.rankIndex >= 0) {
      this.ranking.remove(tap);
      (this.index.bibs.get(tap.bib as number) as BibState).ranked = null;
    }
    if (tap.voided || tap.bib === null) return;
    const bs = this.index.bib(tap.bib);
    bs.taps = without(bs.taps, bs.taps.indexOf(tap));
    this.refresh.add(tap.bib);
  }

  private attach(tap: TapState): void {
    if (tap.voided) return;
    if (tap.bib === null) {
      if (!tap.unreadable) this.lineUp.addUntagged(tap);
      return;
    }
    const bs = this.index.bib(tap.bib);
    bs.taps = bs.taps.concat([tap]);
    this.refresh.add(tap.bib);
  }

  /**
   * Every crossing of the event has a new time (new gun or offset). Only a timeable crossing is
   * ranked, so every bib of the event with a crossing is re-ranked, not only the ranked ones: a
   * gun typed after the fact brings the waiting crossings in (O(bibs), like the re-timing).
   */
  private retimeEvent(eventId: number): void {
    if (!this.plans.has(eventId) || this.replaying) return;
    for (const bs of this.index.bibs.values()) {
      if (bs.plan?.eventId === eventId && (bs.taps.length > 0 || bs.ranked)) {
        this.refresh.add(bs.bib);
      }
    }
  }

  /** Bring rankings in line with the bibs touched by this entry, then their wanted fields. */
  private settle(): void {
    for (const bib of this.refresh) {
      const bs = this.index.bib(bib);
      const scored = this.scoredOf(bs);
      if (bs.ranked !== scored) {
        if (bs.ranked) this.ranking.remove(bs.ranked);
        if (scored && bs.plan) this.ranking.insert(scored, bs.plan.eventId);
        bs.ranked = scored;
      }
      this.dirty.add(bib);
    }
    this.refresh.clear();
    if (!this.replaying) {
      for (const bib of this.dirty) this.rewant(this.index.bib(bib));
    }
    this.dirty.clear();
  }

  /** Recompute one bib's wanted fields. */
  private rewant(bs: BibState): void {
    const plan = bs.plan;
    if (!plan) return;
    const t = bs.ranked;
    const values = bibFieldValues(
      plan,
      statusInForce(bs),
      t ? t.rankIndex + 1 : null,
      t ? this.raceClock.timeOf(t, plan.eventId) : null,
      bs.clears.length > 0,
    );
    this.wantedFields.update(bs, values, this.replaying);
  }

  /**
   * The crossing that holds the bib's place: its first crossing, when the bib has no status and
   * that crossing has a postable time (no gun, before the gun or over the limit: no place).
   */
  private scoredOf(bs: BibState): TapState | null {
    if (!bs.plan || statusInForce(bs) !== null) return null;
    const t = primaryTapOf(bs);
    return t && this.raceClock.timeOf(t, bs.plan.eventId) !== null ? t : null;
  }

  // ---- reading ----

  private crossingOf(tap: TapState): Crossing {
    const participant = tap.bib === null ? undefined : this.ctx.participants.get(tap.bib);
    const plan = participant ? this.plans.get(participant.eventId) : undefined;
    const bs = tap.bib === null ? undefined : this.index.bibs.get(tap.bib);
    return describeCrossing({
      tapSeq: tap.seq,
      at: tap.at,
      bib: tap.bib,
      unreadable: tap.unreadable,
      voided: tap.voided,
      eventId: participant?.eventId ?? null,
      timed: plan !== undefined,
      cleared: bs !== undefined && tap.bindSeq < clearSeqOf(bs),
      primary: bs !== undefined && !tap.voided && primaryTapOf(bs) === tap,
      place: tap.rankIndex >= 0 ? tap.rankIndex + 1 : null,
      gunAt: plan ? this.raceClock.gunAt(plan.eventId) : null,
      offsetMs: plan ? this.raceClock.frameOffset(plan.eventId) : 0,
      precision: this.ctx.config.precision,
      status: bs ? statusInForce(bs) : null,
    });
  }

  /** The crossing of a tap, or null when `tapSeq` is not a tap. */
  crossing(tapSeq: number): Crossing | null {
    const t = this.index.taps.get(tapSeq);
    return t ? this.crossingOf(t) : null;
  }

  /** Crossings in tap (seq) order; `limit` keeps only the newest. */
  crossings(opts: { limit?: number } = {}): Crossing[] {
    const taps = this.index.tapList;
    const from = opts.limit === undefined ? 0 : Math.max(0, taps.length - opts.limit);
    return taps.slice(from).map((t) => this.crossingOf(t));
  }

  /** The live crossings from..to (inclusive) in crossing order: a shift's block (empty when either is not a live tap). */
  block(fromTapSeq: number, toTapSeq: number): Crossing[] {
    const from = this.index.taps.get(fromTapSeq);
    const to = this.index.taps.get(toTapSeq);
    if (!from || !to || from.voided || to.voided) return [];
    return this.index.block(from, to).map((t) => this.crossingOf(t));
  }

  /** Every crossing now carrying this bib (not voided), in tap order. */
  crossingsOfBib(bib: number): Crossing[] {
    const bs = this.index.bibs.get(bib);
    if (!bs) return [];
    return [...bs.taps].sort((a, b) => a.seq - b.seq).map((t) => this.crossingOf(t));
  }

  /** The crossings holding the event's places from `place` on, or null when more than `max`. */
  placedFrom(eventId: number, place: number, max: number): Crossing[] | null {
    const taps = this.ranking.tapsFrom(eventId, place - 1, max);
    return taps === null ? null : taps.map((t) => this.crossingOf(t));
  }

  /** The warnings a new tap with this bib would get now (for as-you-type feedback). */
  previewBib(bib: number): CrossingFlag[] {
    const p = this.ctx.participants.get(bib);
    if (!p) return ['unknown-bib'];
    if (!this.plans.has(p.eventId)) return ['other-event'];
    const bs = this.index.bibs.get(bib);
    return bs && primaryTapOf(bs) ? ['already-recorded'] : [];
  }

  /** The bib's status in force (after any clear), or null. */
  statusOf(bib: number): ResultStatus | null {
    const bs = this.index.bibs.get(bib);
    return bs ? statusInForce(bs) : null;
  }

  /** Time-only taps still waiting for a bib, oldest crossing first (time-first capture). */
  untaggedTaps(): number[] {
    return this.lineUp.untaggedTaps();
  }

  /** Bibs of `order` entries in force still waiting for a time-only crossing, oldest first. */
  waitingBibs(): number[] {
    return this.lineUp.waitingBibs();
  }

  /** What this station wants RunSignup to show, by `fieldKeyString`. Do not mutate. */
  wanted(): WantedMap {
    return this.wantedFields.wanted(this.index.bibs.values());
  }

  /** How many fields are wanted (`wanted().size`, without building the map). */
  wantedSize(): number {
    return this.wantedFields.size();
  }

  /** The value wanted in one field (as `wanted().get(fieldKeyString(key))`), without strings. */
  wantedValue(bib: number, resultSetId: number, eventId: number, field: string): string | null {
    const bs = this.index.bibs.get(bib);
    return bs ? wantedValueOf(bs, resultSetId, eventId, field) : null;
  }

  /** The newest entry in force that Ctrl+Z should undo, or null (see `EntryLog.undoTarget`). */
  undoTarget(): number | null {
    return this.log.undoTarget();
  }

  /** Whether the entry is in force (exists, refers to something real, not undone). */
  isActive(seq: number): boolean {
    return this.log.isActive(seq);
  }

  /** The highest seq applied (0 when empty). */
  lastSeq(): number {
    return this.log.lastSeq;
  }
}
