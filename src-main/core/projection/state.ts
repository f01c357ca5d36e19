// The incremental projection: the same meaning as `project()` (batch.ts), kept up to
// date one journal entry at a time so a key press costs O(log n), not a rebuild.
//
// Costs (n = crossings of the event concerned):
// - a tap (or an assign of a bib-less tap) appended at the end of the race: O(log n) (binary
//   search + push), one or two field changes;
// - a correction that moves a crossing within an event (adjust, void, status, assign, undo):
//   O(n) for the places after it, which all change anyway;
// - a gun: O(n) of that event; an offset: O(all crossings);
// - `withParticipants`: a full replay, O(N log N) over the whole journal (measured in report).
// - a `shift`: O(taps) to find its block (a rare, manual tool); an `order`: O(log u) with u the
//   time-only taps waiting for a bib.
//
// Line-up entries (`shift`, `order`) act on the journal as it stood when they were written
// (the batch replays in seq order, so does this engine). An undo that changes an entry OLDER than
// a line-up entry in force would change what that entry did: such an undo (rare: Ctrl+Z always
// takes the newest entry first) rebuilds the engine by a replay instead of patching it.
import type { FieldKey, JournalEntry, Participant, ResultStatus } from '../../../src-shared/domain';
import {
  bibFieldKeys,
  bibFieldValues,
  compareCrossings,
  describeCrossing,
  planEvents,
  gunFrameOffset,
  timeCrossing,
  type EventPlan,
} from './rules';
import {
  fieldKeyString,
  type Crossing,
  type CrossingFlag,
  type FieldChange,
  type ProjectionContext,
  type WantedField,
  type WantedMap,
} from './types';
import { compareChanges, diffWanted } from './diff';
import { sortJournal } from './batch';
import { rotateBibs } from './shift';

/** An entry in force or not, and how many undos in force target it. */
interface EntryRec {
  entry: JournalEntry;
  undoneBy: number;
  /** Whether the entry can have any effect (e.g. an assign to a tap that exists). */
  valid: boolean;
}

/** A value set by an entry: kept per target in seq order, the last in force wins. */
interface Mod<T> {
  seq: number;
  value: T;
}

/**
 * A bib given to a tap (assign, order, shift). `bindSeq` is when the bib was bound to a crossing:
 * the entry's seq, except for a shift, which moves each bib WITH its binding (so a bib cleared
 * before the shift stays cleared).
 */
interface AssignMod extends Mod<number | null> {
  bindSeq: number;
}

/** An `order` entry in force: its bib, and the tap it gave it to (null while it waits). */
interface OrderRec {
  seq: number;
  bib: number;
  tap: TapState | null;
  /** The seq of the assign mod it put on `tap` (the order's, or the consuming tap's). */
  modSeq: number;
}

export type GunSource = 'local' | 'runsignup';

/** A gun entry in force: its time and where it came from. */
interface GunMod extends Mod<number> {
  source: GunSource;
}

/** The gun of one configured event, for the screen. */
export interface GunView {
  eventId: number;
  at: number | null;
  /** Where the gun in force came from; absent while there is none. */
  source?: GunSource;
}

interface TapState {
  seq: number;
  rawAt: number;
  rawBib: number | null;
  unreadable: boolean;
  undone: boolean;
  assigns: AssignMod[];
  /** The seq of the waiting `order` this tap took its bib from when it was made (0: none). */
  consumed: number;
  adjusts: Mod<number>[];
  voids: number;
  // Derived from the above by `derive`.
  at: number;
  bib: number | null;
  bindSeq: number;
  voided: boolean;
  /** Index in its event's ranking, or -1. */
  rankIndex: number;
  /** The event whose ranking holds it (valid while rankIndex >= 0). */
  rankEvent: number;
  /** Formatted time cache: valid while at, gun and offset are those it was made for. */
  timeAt: number;
  timeGun: number | null;
  timeOffset: number;
  time: string | null | undefined;
}

interface BibState {
  bib: number;
  /** Non-voided taps currently carrying this bib (any order; a bib has few). */
  taps: TapState[];
  statuses: Mod<ResultStatus | null>[];
  clears: number[];
  /** The tap that holds this bib's place, if any. */
  ranked: TapState | null;
  /** The bib's event plan (null: unknown bib or event not timed here); fixed per engine. */
  plan: EventPlan | null;
  /**
   * The bib's field keys (`bibFieldKeys` order) and key strings, made on first need like the key
   * strings; and the value wanted in each (null: none), always there.
   */
  fieldKeys: FieldKey[] | null;
  /** Made on first need (a change to report, or the wanted map built): most bibs never need them. */
  keyStrings: string[] | null;
  values: (string | null)[];
}

interface EventState {
  plan: EventPlan;
  /** Scored crossings in crossing order; a tap's place is its index + 1. */
  ranking: TapState[];
}

/** Insert keeping seq order; journal order makes this an append almost always. */
function insertBySeq<T extends { seq: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as T).seq > item.seq) i--;
  list.splice(i, 0, item);
}

function removeBySeq<T extends { seq: number }>(list: T[], seq: number): void {
  const i = list.findIndex((m) => m.seq === seq);
  if (i >= 0) list.splice(i, 1);
}

function insertNumber(list: number[], n: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > n) i--;
  list.splice(i, 0, n);
}

function fieldKeysOf(bs: BibState): FieldKey[] {
  let keys = bs.fieldKeys;
  if (!keys) {
    keys = bs.plan ? bibFieldKeys(bs.bib, bs.plan) : [];
    bs.fieldKeys = keys;
  }
  return keys;
}

function keyStringOf(bs: BibState, i: number): string {
  let ks = bs.keyStrings;
  if (!ks) {
    ks = fieldKeysOf(bs).map(fieldKeyString);
    bs.keyStrings = ks;
  }
  return ks[i] as string;
}

function removeNumber(list: number[], n: number): void {
  const i = list.lastIndexOf(n);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Items by seq, appended in increasing seq (journal order): two parallel arrays and a binary
 * search instead of a Map, so a 100,000-row replay makes no hash-table entries.
 */
class SeqIndex<T> {
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];

  set(seq: number, item: T): void {
    const last = this.seqs[this.seqs.length - 1];
    if (last !== undefined && seq <= last) throw new Error(`SeqIndex: seq ${seq} after ${last}`);
    this.seqs.push(seq);
    this.items.push(item);
  }

  get(seq: number): T | undefined {
    const a = this.seqs;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid] as number;
      if (v === seq) return this.items[mid];
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }
}

/**
 * Static validity of an entry during a replay (the same rule as `Engine.isValid`): what it names
 * must be an earlier tap, or for an undo an earlier entry.
 */
function validIn(
  entry: JournalEntry,
  tapSeqs: SeqIndex<unknown>,
  entries: SeqIndex<unknown>,
): boolean {
  const p = entry.payload;
  switch (p.kind) {
    case 'assign':
    case 'adjust':
    case 'void':
      return tapSeqs.has(p.tapSeq);
    case 'shift':
      return tapSeqs.has(p.fromTapSeq) && tapSeqs.has(p.toTapSeq);
    case 'undo':
      return entries.has(p.targetSeq);
    default:
      return true;
  }
}

/** The engine: all mutable state of one projection over one participants list. */
class Engine {
  readonly plans: Map<number, EventPlan>;
  private readonly precision: number;
  private readonly entries = new SeqIndex<EntryRec>();
  private readonly entryList: EntryRec[] = [];
  private readonly taps = new SeqIndex<TapState>();
  /** Taps in seq order (the screen's order). */
  private readonly tapList: TapState[] = [];
  private readonly bibs = new Map<number, BibState>();
  private readonly events = new Map<number, EventState>();
  private readonly gunLists = new Map<number, GunMod[]>();
  private readonly offsets: Mod<number>[] = [];
  /**
   * Time-only taps (no bib, not unreadable, not voided) in crossing order: time-first capture
   * and `order` entries fill the oldest first.
   */
  private readonly untagged: TapState[] = [];
  /** Orders in force, by seq; those still waiting for a time-only tap, oldest first. */
  private readonly orders = new Map<number, OrderRec>();
  private readonly waiting: OrderRec[] = [];
  /** Taps each shift in force put a bib on, by the shift's seq (to take them off again). */
  private readonly shifted = new Map<number, TapState[]>();
  /** Seqs of the line-up entries (shift, order) in force, ascending. */
  private readonly lineup: number[] = [];
  /**
   * The wanted fields as a map, built on first request and kept up to date from then on. The
   * values themselves live in each BibState: a cold start need not build 100,000 key strings
   * and map entries before the station is ready (the screen and the sync loop never read it).
   */
  private wantedCache: Map<string, WantedField> | null = null;
  /** How many fields have a wanted value (the map's size, kept without the map). */
  private wantedCount = 0;
  lastSeq = 0;
  /**
   * During a cold replay nobody wants the changes, and a mid-race correction would re-value
   * every later bib once per correction: the wanted fields are computed once, at the end.
   */
  private replaying = false;

  // Per-apply work lists.
  private readonly refresh = new Set<number>();
  private readonly dirty = new Set<number>();
  private readonly before = new Map<
    string,
    { key: FieldKey; value: string | null; bs: BibState; i: number }
  >();

  constructor(readonly ctx: ProjectionContext) {
    this.plans = planEvents(ctx.config);
    this.precision = ctx.config.precision;
    for (const plan of this.plans.values()) {
      this.events.set(plan.eventId, { plan, ranking: [] });
    }
  }

  // ---- applying entries ----

  /** Apply one new entry (its seq after every earlier one); changes wait for `takeChanges`. */
  applyOne(entry: JournalEntry): void {
    if (!Number.isInteger(entry.seq) || entry.seq <= this.lastSeq) {
      throw new Error(
        `Journal entry seq ${entry.seq} is not after ${this.lastSeq}: entries must be applied in order`,
      );
    }
    this.lastSeq = entry.seq;
    const rec: EntryRec = { entry, undoneBy: 0, valid: this.isValid(entry) };
    this.entries.set(entry.seq, rec);
    this.entryList.push(rec);
    this.activate(rec);
    this.settle();
  }

  /**
   * Replay a whole journal (seq order). Which entries are in force is decided first, from the
   * newest entry down (an undo only targets earlier seqs), so the replay never has to take an
   * entry back out: each entry in force acts once, on the journal as it stood before it, exactly
   * as `project()` reads it. Rankings per entry; wanted fields once at the end.
   */
  replay(entries: readonly JournalEntry[]): void {
    if (this.lastSeq !== 0) throw new Error('A replay needs a fresh projection engine');
    const recs: EntryRec[] = new Array<EntryRec>(entries.length);
    const bySeq = this.entries;
    const tapSeqs = new SeqIndex<true>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as JournalEntry;
      if (!Number.isInteger(entry.seq) || entry.seq <= this.lastSeq) {
        throw new Error(
          `Journal entry seq ${entry.seq} is not after ${this.lastSeq}: entries must be applied in order`,
        );
      }
      this.lastSeq = entry.seq;
      const p = entry.payload;
      const rec: EntryRec = { entry, undoneBy: 0, valid: validIn(entry, tapSeqs, bySeq) };
      if (p.kind === 'tap') tapSeqs.set(entry.seq, true);
      recs[i] = rec;
      bySeq.set(entry.seq, rec);
    }
    for (let i = recs.length - 1; i >= 0; i--) {
      const rec = recs[i] as EntryRec;
      const p = rec.entry.payload;
      if (p.kind === 'undo' && rec.valid && rec.undoneBy === 0) {
        (bySeq.get(p.targetSeq) as EntryRec).undoneBy++;
      }
    }
    // Rankings are built once at the end (`rankAll`), not per entry: a mid-race correction
    // would otherwise re-index every later crossing of its event once per correction.
    this.replaying = true;
    try {
      for (const rec of recs) {
        this.entryList.push(rec);
        const kind = rec.entry.payload.kind;
        if (kind === 'undo' || !rec.valid) continue;
        // An undone tap still exists (later corrections still name it) but never counts.
        if (rec.undoneBy === 0) this.activate(rec);
        else if (kind === 'tap') this.createTap(rec.entry, true);
        this.refresh.clear();
      }
      this.rankAll();
      // Still replaying: nobody wants these as changes, so no key strings, no `before` entries.
      for (const bs of this.bibs.values()) this.rewant(bs);
    } finally {
      this.replaying = false;
      this.refresh.clear();
      this.dirty.clear();
      this.before.clear();
    }
  }

  /** After a replay: each bib's scored crossing, and each event's ranking sorted once. */
  private rankAll(): void {
    for (const bs of this.bibs.values()) {
      const want = this.scoredOf(bs);
      bs.ranked = want;
      if (want && bs.plan) (this.events.get(bs.plan.eventId) as EventState).ranking.push(want);
    }
    for (const ev of this.events.values()) {
      const r = ev.ranking;
      r.sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
      for (let i = 0; i < r.length; i++) {
        const t = r[i] as TapState;
        t.rankIndex = i;
        t.rankEvent = ev.plan.eventId;
      }
    }
  }

  private isValid(entry: JournalEntry): boolean {
    const p = entry.payload;
    switch (p.kind) {
      case 'assign':
      case 'adjust':
      case 'void':
        return p.tapSeq < entry.seq && this.taps.has(p.tapSeq);
      case 'shift':
        return (
          p.fromTapSeq < entry.seq &&
          p.toTapSeq < entry.seq &&
          this.taps.has(p.fromTapSeq) &&
          this.taps.has(p.toTapSeq)
        );
      case 'undo':
        return p.targetSeq < entry.seq && this.entries.has(p.targetSeq);
      default:
        return true;
    }
  }

  /**
   * Whether applying this entry must rebuild the engine (see the file comment): an undo whose
   * effect reaches an entry older than a line-up entry in force, brings back a line-up entry or
   * a tap while line-up entries are in force, or takes back a tap that took a waiting bib.
   */
  needsRebuild(entry: JournalEntry): boolean {
    const p = entry.payload;
    if (p.kind !== 'undo' || p.targetSeq >= entry.seq) return false;
    let cur = this.entries.get(p.targetSeq);
    let deactivating = true;
    while (cur) {
      // A target changes state only on its first undo in force, or when its last one goes.
      if (cur.undoneBy !== (deactivating ? 0 : 1) || !cur.valid) return false;
      const q = cur.entry.payload;
      if (q.kind !== 'undo') break;
      cur = this.entries.get(q.targetSeq);
      deactivating = !deactivating;
    }
    if (!cur) return false;
    const seq = cur.entry.seq;
    const kind = cur.entry.payload.kind;
    const newestLineup = this.lineup[this.lineup.length - 1] ?? 0;
    if (newestLineup > seq) return true;
    if (!deactivating && (kind === 'shift' || kind === 'order')) return true;
    if (kind === 'tap') {
      if (!deactivating) return this.lineup.length > 0;
      return this.tap(seq).consumed !== 0;
    }
    return false;
  }

  /** The wanted map as it was at the last `takeChanges` (a rebuild diffs against it). */
  priorWanted(): Map<string, WantedField> {
    const prior = new Map(this.wanted);
    for (const [k, was] of this.before) {
      if (was.value === null) prior.delete(k);
      else prior.set(k, { key: was.key, value: was.value });
    }
    return prior;
  }

  /** Put an entry in force (when applied, or when the undo that targeted it is undone). */
  private activate(rec: EntryRec): void {
    if (!rec.valid) return;
    const { seq, payload: p } = rec.entry;
    switch (p.kind) {
      case 'tap': {
        const existing = this.taps.get(seq);
        if (existing) this.modifyTap(existing, (t) => (t.undone = false));
        else this.createTap(rec.entry, false);
        return;
      }
      case 'assign':
        return this.modifyTap(this.tap(p.tapSeq), (t) =>
          insertBySeq(t.assigns, { seq, value: p.bib, bindSeq: seq }),
        );
      case 'adjust':
        return this.modifyTap(this.tap(p.tapSeq), (t) =>
          insertBySeq(t.adjusts, { seq, value: p.at }),
        );
      case 'void':
        return this.modifyTap(this.tap(p.tapSeq), (t) => t.voids++);
      case 'status':
        insertBySeq(this.bib(p.bib).statuses, { seq, value: p.status });
        this.refresh.add(p.bib);
        return;
      case 'clear':
        insertNumber(this.bib(p.bib).clears, seq);
        this.refresh.add(p.bib);
        return;
      case 'gun':
        insertBySeq(this.gunList(p.eventId), {
          seq,
          value: p.at,
          source: p.source ?? 'local',
        });
        this.retimeEvent(p.eventId);
        return;
      case 'offset':
        insertBySeq(this.offsets, { seq, value: p.ms });
        for (const id of this.events.keys()) this.retimeEvent(id);
        return;
      case 'undo': {
        const target = this.entries.get(p.targetSeq) as EntryRec;
        target.undoneBy++;
        if (target.undoneBy === 1) this.deactivate(target);
        return;
      }
      case 'shift': {
        insertNumber(this.lineup, seq);
        const moves = this.shiftMoves(p.fromTapSeq, p.toTapSeq, p.direction);
        this.shifted.set(
          seq,
          moves.map((m) => m.tap),
        );
        for (const m of moves) {
          this.modifyTap(m.tap, (t) =>
            insertBySeq(t.assigns, { seq, value: m.bib, bindSeq: m.bindSeq }),
          );
        }
        return;
      }
      case 'order': {
        insertNumber(this.lineup, seq);
        const order: OrderRec = { seq, bib: p.bib, tap: null, modSeq: seq };
        this.orders.set(seq, order);
        const oldest = this.untagged[0];
        if (oldest) {
          order.tap = oldest;
          this.modifyTap(oldest, (t) =>
            insertBySeq(t.assigns, { seq, value: p.bib, bindSeq: seq }),
          );
        } else this.waiting.push(order);
        return;
      }
    }
  }

  /** A new tap; a time-only one takes the oldest bib waiting in crossing order, if any. */
  private createTap(entry: JournalEntry, undone: boolean): void {
    const p = entry.payload as Extract<JournalEntry['payload'], { kind: 'tap' }>;
    const seq = entry.seq;
    const tap: TapState = {
      seq,
      rawAt: p.at,
      rawBib: p.bib,
      unreadable: p.unreadable,
      undone,
      assigns: [],
      consumed: 0,
      adjusts: [],
      voids: 0,
      at: p.at,
      bib: p.bib,
      bindSeq: seq,
      voided: undone,
      rankIndex: -1,
      rankEvent: 0,
      timeAt: 0,
      timeGun: null,
      timeOffset: 0,
      time: undefined,
    };
    if (!undone && p.bib === null && !p.unreadable) {
      const order = this.waiting.shift();
      if (order) {
        order.tap = tap;
        order.modSeq = seq;
        tap.consumed = order.seq;
        tap.assigns.push({ seq, value: order.bib, bindSeq: seq });
        tap.bib = order.bib;
      }
    }
    this.taps.set(seq, tap);
    this.tapList.push(tap);
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
    const from = this.tap(fromSeq);
    const to = this.tap(toSeq);
    if (from.voided || to.voided || compareCrossings(from.at, from.seq, to.at, to.seq) > 0) {
      return [];
    }
    return rotateBibs(this.blockTaps(from, to), direction);
  }

  /** Take an entry out of force (its undo is in force): the exact reverse of `activate`. */
  private deactivate(rec: EntryRec): void {
    if (!rec.valid) return;
    const { seq, payload: p } = rec.entry;
    switch (p.kind) {
      case 'tap':
        return this.modifyTap(this.tap(seq), (t) => (t.undone = true));
      case 'assign':
        return this.modifyTap(this.tap(p.tapSeq), (t) => removeBySeq(t.assigns, seq));
      case 'adjust':
        return this.modifyTap(this.tap(p.tapSeq), (t) => removeBySeq(t.adjusts, seq));
      case 'void':
        return this.modifyTap(this.tap(p.tapSeq), (t) => t.voids--);
      case 'status':
        removeBySeq(this.bib(p.bib).statuses, seq);
        this.refresh.add(p.bib);
        return;
      case 'clear': {
        const clears = this.bib(p.bib).clears;
        clears.splice(clears.indexOf(seq), 1);
        this.refresh.add(p.bib);
        return;
      }
      case 'gun':
        removeBySeq(this.gunList(p.eventId), seq);
        this.retimeEvent(p.eventId);
        return;
      case 'offset':
        removeBySeq(this.offsets, seq);
        for (const id of this.events.keys()) this.retimeEvent(id);
        return;
      case 'undo': {
        const target = this.entries.get(p.targetSeq) as EntryRec;
        target.undoneBy--;
        if (target.undoneBy === 0) this.activate(target);
        return;
      }
      case 'shift': {
        removeNumber(this.lineup, seq);
        for (const t of this.shifted.get(seq) ?? []) {
          this.modifyTap(t, (x) => removeBySeq(x.assigns, seq));
        }
        this.shifted.delete(seq);
        return;
      }
      case 'order': {
        // Only reached when no line-up entry in force is newer (else the engine rebuilds), so
        // taking this bib back moves no other waiting bib.
        removeNumber(this.lineup, seq);
        const order = this.orders.get(seq) as OrderRec;
        this.orders.delete(seq);
        const tap = order.tap;
        if (tap) {
          if (tap.consumed === seq) tap.consumed = 0;
          this.modifyTap(tap, (t) => removeBySeq(t.assigns, order.modSeq));
        } else this.waiting.splice(this.waiting.indexOf(order), 1);
        return;
      }
    }
  }

  private tap(seq: number): TapState {
    return this.taps.get(seq) as TapState;
  }

  private bib(bib: number): BibState {
    let s = this.bibs.get(bib);
    if (!s) {
      const p = this.ctx.participants.get(bib);
      const plan = (p && this.plans.get(p.eventId)) ?? null;
      const fields = plan ? (plan.placeField === null ? 1 : 2) : 0;
      s = {
        bib,
        taps: [],
        statuses: [],
        clears: [],
        ranked: null,
        plan,
        fieldKeys: null,
        keyStrings: null,
        values: fields === 2 ? [null, null] : fields === 1 ? [null] : [],
      };
      this.bibs.set(bib, s);
    }
    return s;
  }

  private gunList(eventId: number): GunMod[] {
    let list = this.gunLists.get(eventId);
    if (!list) {
      list = [];
      this.gunLists.set(eventId, list);
    }
    return list;
  }

  /** Change a tap: unhook it from its bib and ranking, mutate, re-derive, hook it back. */
  private modifyTap(tap: TapState, mutate: (t: TapState) => void): void {
    this.detach(tap);
    mutate(tap);
    const lastAssign = tap.assigns[tap.assigns.length - 1];
    tap.at = tap.adjusts[tap.adjusts.length - 1]?.value ?? tap.rawAt;
    tap.bib = lastAssign ? lastAssign.value : tap.rawBib;
    tap.bindSeq = lastAssign ? lastAssign.bindSeq : tap.seq;
    tap.voided = tap.undone || tap.voids > 0;
    this.attach(tap);
  }

  private detach(tap: TapState): void {
    if (!tap.voided && tap.bib === null && !tap.unreadable) this.removeUntagged(tap);
    if (tap.rankIndex >= 0) {
      this.unrank(tap);
      (this.bibs.get(tap.bib as number) as BibState).ranked = null;
    }
    if (tap.voided || tap.bib === null) return;
    const bs = this.bib(tap.bib);
    const i = bs.taps.indexOf(tap);
    if (i >= 0) bs.taps.splice(i, 1);
    this.refresh.add(tap.bib);
  }

  private attach(tap: TapState): void {
    if (tap.voided) return;
    if (tap.bib === null) {
      if (!tap.unreadable) this.addUntagged(tap);
      return;
    }
    this.bib(tap.bib).taps.push(tap);
    this.refresh.add(tap.bib);
  }

  /** Binary search in the time-only taps (crossing order) for where `tap` is or would go. */
  private untaggedIndex(tap: TapState): number {
    const u = this.untagged;
    let lo = 0;
    let hi = u.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = u[mid] as TapState;
      if (compareCrossings(m.at, m.seq, tap.at, tap.seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private addUntagged(tap: TapState): void {
    const u = this.untagged;
    const last = u[u.length - 1];
    // Time-first capture appends at the end almost always.
    if (!last || compareCrossings(last.at, last.seq, tap.at, tap.seq) < 0) u.push(tap);
    else u.splice(this.untaggedIndex(tap), 0, tap);
  }

  /** Called before the tap's time changes, so its position is found by its current time. */
  private removeUntagged(tap: TapState): void {
    const i = this.untaggedIndex(tap);
    if (this.untagged[i] === tap) this.untagged.splice(i, 1);
  }

  /**
   * Every crossing of the event has a new time (new gun or offset). Only a timeable crossing is
   * ranked, so every bib of the event with a crossing is re-ranked, not only the ranked ones: a
   * gun typed after the fact brings the waiting crossings in (O(bibs), like the re-timing).
   */
  private retimeEvent(eventId: number): void {
    if (!this.events.has(eventId)) return;
    if (this.replaying) return;
    for (const bs of this.bibs.values()) {
      if (bs.plan?.eventId === eventId && (bs.taps.length > 0 || bs.ranked)) {
        this.refresh.add(bs.bib);
      }
    }
  }

  // ---- the ranking ----

  private rank(tap: TapState, ev: EventState): void {
    const r = ev.ranking;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = r[mid] as TapState;
      if (compareCrossings(m.at, m.seq, tap.at, tap.seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    tap.rankIndex = lo;
    tap.rankEvent = ev.plan.eventId;
    if (lo === r.length) r.push(tap);
    else {
      r.splice(lo, 0, tap);
      this.reindex(ev, lo + 1);
    }
  }

  private unrank(tap: TapState): void {
    const ev = this.events.get(tap.rankEvent) as EventState;
    const i = tap.rankIndex;
    ev.ranking.splice(i, 1);
    tap.rankIndex = -1;
    this.reindex(ev, i);
  }

  /** Places from `from` on moved by one: their place fields change. */
  private reindex(ev: EventState, from: number): void {
    const r = ev.ranking;
    const places = ev.plan.placeField !== null && !this.replaying;
    for (let i = from; i < r.length; i++) {
      const t = r[i] as TapState;
      t.rankIndex = i;
      if (places) this.dirty.add(t.bib as number);
    }
  }

  // ---- per-bib facts ----

  private clearSeq(bs: BibState): number {
    return bs.clears[bs.clears.length - 1] ?? 0;
  }

  private statusOf(bs: BibState): ResultStatus | null {
    const s = bs.statuses[bs.statuses.length - 1];
    return s && s.seq > this.clearSeq(bs) ? s.value : null;
  }

  /** The bib's first crossing among those that may count (not cleared), if its event is timed. */
  private primaryOf(bs: BibState): TapState | null {
    if (!bs.plan) return null;
    const clearSeq = this.clearSeq(bs);
    let best: TapState | null = null;
    for (const t of bs.taps) {
      if (t.bindSeq < clearSeq) continue;
      if (!best || compareCrossings(t.at, t.seq, best.at, best.seq) < 0) best = t;
    }
    return best;
  }

  /**
   * The crossing that holds the bib's place: its first crossing, when the bib has no status and
   * that crossing has a postable time (no gun, before the gun or over the limit: no place).
   */
  private scoredOf(bs: BibState): TapState | null {
    if (!bs.plan || this.statusOf(bs) !== null) return null;
    const t = this.primaryOf(bs);
    return t && this.timeOf(t, bs.plan.eventId) !== null ? t : null;
  }

  /** The offset of the gun's frame: 0 for a local gun (same clock as the taps). */
  private frameOffset(eventId: number): number {
    const list = this.gunLists.get(eventId);
    return gunFrameOffset(list?.[list.length - 1]?.source ?? null, this.offsetMs());
  }

  gunAt(eventId: number): number | null {
    const list = this.gunLists.get(eventId);
    return list?.[list.length - 1]?.value ?? null;
  }

  offsetMs(): number {
    return this.offsets[this.offsets.length - 1]?.value ?? 0;
  }

  /** Bring rankings in line with the bibs touched by this entry, then their wanted fields. */
  private settle(): void {
    for (const bib of this.refresh) {
      const bs = this.bib(bib);
      const want = this.scoredOf(bs);
      if (bs.ranked !== want) {
        if (bs.ranked) this.unrank(bs.ranked);
        if (want && bs.plan) this.rank(want, this.events.get(bs.plan.eventId) as EventState);
        bs.ranked = want;
      }
      this.dirty.add(bib);
    }
    this.refresh.clear();
    if (!this.replaying) {
      for (const bib of this.dirty) this.rewant(this.bib(bib));
    }
    this.dirty.clear();
  }

  /** Recompute one bib's wanted fields and record what changed. */
  private rewant(bs: BibState): void {
    const plan = bs.plan;
    if (!plan) return;
    const t = bs.ranked;
    const values = bibFieldValues(
      plan,
      this.statusOf(bs),
      t ? t.rankIndex + 1 : null,
      t ? this.timeOf(t, plan.eventId) : null,
      bs.clears.length > 0,
    );
    for (let i = 0; i < values.length; i++) {
      const value = values[i] ?? null;
      const old = bs.values[i] ?? null;
      if (value === old) continue;
      bs.values[i] = value;
      if (old === null) this.wantedCount++;
      else if (value === null) this.wantedCount--;
      if (this.replaying && this.wantedCache === null) continue;
      const key = fieldKeysOf(bs)[i] as FieldKey;
      const k = keyStringOf(bs, i);
      if (!this.replaying && !this.before.has(k)) this.before.set(k, { key, value: old, bs, i });
      const cache = this.wantedCache;
      if (cache) {
        if (value === null) cache.delete(k);
        else cache.set(k, { key, value });
      }
    }
  }

  /** The wanted fields by `fieldKeyString` (built on first call, then maintained). */
  get wanted(): Map<string, WantedField> {
    if (this.wantedCache) return this.wantedCache;
    const map = new Map<string, WantedField>();
    for (const bs of this.bibs.values()) {
      for (let i = 0; i < bs.values.length; i++) {
        const value = bs.values[i];
        if (value != null)
          map.set(keyStringOf(bs, i), { key: fieldKeysOf(bs)[i] as FieldKey, value });
      }
    }
    this.wantedCache = map;
    return map;
  }

  wantedSize(): number {
    return this.wantedCount;
  }

  /** A scored crossing's formatted time, cached: a shifted place must not re-format it. */
  private timeOf(t: TapState, eventId: number): string | null {
    const gunAt = this.gunAt(eventId);
    const offsetMs = this.frameOffset(eventId);
    if (
      t.time !== undefined &&
      t.timeAt === t.at &&
      t.timeGun === gunAt &&
      t.timeOffset === offsetMs
    ) {
      return t.time;
    }
    t.time = timeCrossing(t.at, gunAt, offsetMs, this.precision).time;
    t.timeAt = t.at;
    t.timeGun = gunAt;
    t.timeOffset = offsetMs;
    return t.time;
  }

  /** The net changes since the last call, in key order. */
  takeChanges(): FieldChange[] {
    const changes: FieldChange[] = [];
    for (const [keyString, was] of this.before) {
      const now = was.bs.values[was.i] ?? null;
      if (now !== was.value) changes.push({ keyString, key: was.key, value: now });
    }
    this.before.clear();
    return changes.sort(compareChanges);
  }

  // ---- reading ----

  crossingOf(tap: TapState): Crossing {
    const participant = tap.bib === null ? undefined : this.ctx.participants.get(tap.bib);
    const plan = participant ? this.plans.get(participant.eventId) : undefined;
    const bs = tap.bib === null ? undefined : this.bibs.get(tap.bib);
    const cleared = bs !== undefined && tap.bindSeq < this.clearSeq(bs);
    return describeCrossing({
      tapSeq: tap.seq,
      at: tap.at,
      bib: tap.bib,
      unreadable: tap.unreadable,
      voided: tap.voided,
      eventId: participant?.eventId ?? null,
      timed: plan !== undefined,
      cleared,
      primary: bs !== undefined && !tap.voided && this.primaryOf(bs) === tap,
      place: tap.rankIndex >= 0 ? tap.rankIndex + 1 : null,
      gunAt: plan ? this.gunAt(plan.eventId) : null,
      offsetMs: plan ? this.frameOffset(plan.eventId) : 0,
      precision: this.precision,
      status: bs ? this.statusOf(bs) : null,
    });
  }

  crossing(tapSeq: number): Crossing | null {
    const t = this.taps.get(tapSeq);
    return t ? this.crossingOf(t) : null;
  }

  crossings(limit?: number): Crossing[] {
    const from = limit === undefined ? 0 : Math.max(0, this.tapList.length - limit);
    return this.tapList.slice(from).map((t) => this.crossingOf(t));
  }

  /** The live crossings from..to in crossing order (empty when either is not a live tap). */
  block(fromSeq: number, toSeq: number): Crossing[] {
    const from = this.taps.get(fromSeq);
    const to = this.taps.get(toSeq);
    if (!from || !to || from.voided || to.voided) return [];
    return this.blockTaps(from, to).map((t) => this.crossingOf(t));
  }

  /** Live taps between two taps (inclusive) in crossing order: one pass over the taps. */
  private blockTaps(from: TapState, to: TapState): TapState[] {
    const out: TapState[] = [];
    for (const t of this.tapList) {
      if (t.voided) continue;
      if (compareCrossings(t.at, t.seq, from.at, from.seq) < 0) continue;
      if (compareCrossings(t.at, t.seq, to.at, to.seq) > 0) continue;
      out.push(t);
    }
    return out.sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
  }

  crossingsOfBib(bib: number): Crossing[] {
    const bs = this.bibs.get(bib);
    if (!bs) return [];
    return [...bs.taps].sort((a, b) => a.seq - b.seq).map((t) => this.crossingOf(t));
  }

  tapCount(): number {
    return this.tapList.length;
  }

  statusOfBib(bib: number): ResultStatus | null {
    const bs = this.bibs.get(bib);
    return bs ? this.statusOf(bs) : null;
  }

  previewBib(bib: number): CrossingFlag[] {
    const p = this.ctx.participants.get(bib);
    if (!p) return ['unknown-bib'];
    if (!this.plans.has(p.eventId)) return ['other-event'];
    const bs = this.bibs.get(bib);
    return bs && this.primaryOf(bs) ? ['already-recorded'] : [];
  }

  untaggedTaps(): number[] {
    return this.untagged.map((t) => t.seq);
  }

  waitingBibs(): number[] {
    return this.waiting.map((o) => o.bib);
  }

  wantedValue(bib: number, resultSetId: number, eventId: number, field: string): string | null {
    const bs = this.bibs.get(bib);
    const plan = bs?.plan;
    if (!bs || !plan || plan.resultSetId !== resultSetId || plan.eventId !== eventId) return null;
    // `bibFieldKeys` order: place (when the plan posts one), then the time field.
    if (field === plan.timeField) return bs.values[plan.placeField === null ? 0 : 1] ?? null;
    if (field === plan.placeField) return bs.values[0] ?? null;
    return null;
  }

  undoTarget(): number | null {
    for (let i = this.entryList.length - 1; i >= 0; i--) {
      const rec = this.entryList[i] as EntryRec;
      const p = rec.entry.payload;
      // Ctrl+Z undoes the operator's last action: never an undo, and never a gun the poller
      // read from RunSignup in the background (it may land between a typo and its Ctrl+Z).
      if (p.kind === 'undo' || (p.kind === 'gun' && p.source === 'runsignup')) continue;
      if (rec.undoneBy === 0 && rec.valid) return rec.entry.seq;
    }
    return null;
  }

  /** The newest gun read from RunSignup still in force for an event, or null. */
  lastRemoteGun(eventId: number): number | null {
    const list = this.gunLists.get(eventId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const g = list[i] as GunMod;
      if (g.source === 'runsignup') return g.value;
    }
    return null;
  }

  /** The gun in force of an event (time and source), or null. */
  gunOf(eventId: number): { at: number; source: GunSource } | null {
    const list = this.gunLists.get(eventId);
    const g = list?.[list.length - 1];
    return g ? { at: g.value, source: g.source } : null;
  }

  /** Every configured event (timed here or not: a split station shows them all). */
  guns(): GunView[] {
    return this.ctx.config.events.map(({ eventId }) => {
      const g = this.gunOf(eventId);
      return g ? { eventId, at: g.at, source: g.source } : { eventId, at: null };
    });
  }

  isActive(seq: number): boolean {
    const rec = this.entries.get(seq);
    return rec !== undefined && rec.valid && rec.undoneBy === 0;
  }
}

/**
 * The live projection of one station's journal. Feed it every committed entry, in seq order;
 * each `apply` returns the wanted-field changes the outbox must record in the same transaction.
 */
export class ProjectionState {
  private engine: Engine;
  /** Kept for `withParticipants`, which must replay. */
  private journal: JournalEntry[] = [];

  constructor(ctx: ProjectionContext) {
    this.engine = new Engine(ctx);
  }

  /** Cold start: replay a journal (any order; a duplicate seq throws). */
  static fromJournal(entries: readonly JournalEntry[], ctx: ProjectionContext): ProjectionState {
    const state = new ProjectionState(ctx);
    // sortJournal returns a fresh array (the caller's is never kept or reordered).
    const sorted = sortJournal(entries);
    state.engine.replay(sorted);
    state.journal = sorted;
    return state;
  }

  get context(): ProjectionContext {
    return this.engine.ctx;
  }

  /** Apply one entry (seq must be greater than every earlier one, else it throws). */
  apply(entry: JournalEntry): FieldChange[] {
    return this.applyAll([entry]);
  }

  /** Apply entries in order; returns the NET change (a field changed twice is reported once). */
  applyAll(entries: readonly JournalEntry[]): FieldChange[] {
    // Check the order first so a bad batch changes nothing (no half-applied state).
    let last = this.engine.lastSeq;
    for (const e of entries) {
      if (!Number.isInteger(e.seq) || e.seq <= last) {
        throw new Error(
          `Journal entry seq ${e.seq} is not after ${last}: entries must be applied in order`,
        );
      }
      last = e.seq;
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as JournalEntry;
      if (this.engine.needsRebuild(e)) {
        // Diff against what the caller last saw, replaying everything including this batch.
        const prior = this.engine.priorWanted();
        for (let k = i; k < entries.length; k++) this.journal.push(entries[k] as JournalEntry);
        const next = new Engine(this.engine.ctx);
        next.replay(this.journal);
        this.engine = next;
        return diffWanted(prior, next.wanted);
      }
      this.engine.applyOne(e);
      this.journal.push(e);
    }
    return this.engine.takeChanges();
  }

  /**
   * Re-project over a new participants list (a refresh brought bibs that were unknown) or a new
   * config. A full replay of the journal, then a diff of the wanted fields: O(N log N).
   */
  withParticipants(
    participants: ReadonlyMap<number, Participant>,
    config = this.engine.ctx.config,
  ): FieldChange[] {
    const next = new Engine({ config, participants });
    next.replay(this.journal);
    const changes = diffWanted(this.engine.wanted, next.wanted);
    this.engine = next;
    return changes;
  }

  /** The crossing of a tap, or null when `tapSeq` is not a tap. */
  crossing(tapSeq: number): Crossing | null {
    return this.engine.crossing(tapSeq);
  }

  /** Crossings in tap (seq) order; `limit` keeps only the newest. */
  crossings(opts: { limit?: number } = {}): Crossing[] {
    return this.engine.crossings(opts.limit);
  }

  /** The live crossings from..to (inclusive) in crossing order: a shift's block. */
  block(fromTapSeq: number, toTapSeq: number): Crossing[] {
    return this.engine.block(fromTapSeq, toTapSeq);
  }

  /** Every crossing now carrying this bib (not voided), in tap order. */
  crossingsOfBib(bib: number): Crossing[] {
    return this.engine.crossingsOfBib(bib);
  }

  /** Number of taps (crossings, including voided) in the journal. */
  tapCount(): number {
    return this.engine.tapCount();
  }

  /** What this station wants RunSignup to show, by `fieldKeyString`. Do not mutate. */
  wanted(): WantedMap {
    return this.engine.wanted;
  }

  /** The warnings a new tap with this bib would get now (for as-you-type feedback). */
  previewBib(bib: number): CrossingFlag[] {
    return this.engine.previewBib(bib);
  }

  /** The bib's status in force (after any clear), or null. */
  statusOf(bib: number): ResultStatus | null {
    return this.engine.statusOfBib(bib);
  }

  /** Time-only taps still waiting for a bib, oldest crossing first (time-first capture). */
  untaggedTaps(): number[] {
    return this.engine.untaggedTaps();
  }

  /** Bibs of `order` entries in force still waiting for a time-only crossing, oldest first. */
  waitingBibs(): number[] {
    return this.engine.waitingBibs();
  }

  /** How many fields are wanted (`wanted().size`, without building the map). */
  wantedSize(): number {
    return this.engine.wantedSize();
  }

  /** The value wanted in one field (as `wanted().get(fieldKeyString(key))`), without strings. */
  wantedValue(bib: number, resultSetId: number, eventId: number, field: string): string | null {
    return this.engine.wantedValue(bib, resultSetId, eventId, field);
  }

  /**
   * The newest entry in force that Ctrl+Z should undo, or null: never an undo itself, nor a gun
   * read from RunSignup (not made by the operator).
   */
  undoTarget(): number | null {
    return this.engine.undoTarget();
  }

  /** Whether the entry is in force (exists, refers to something real, not undone). */
  isActive(seq: number): boolean {
    return this.engine.isActive(seq);
  }

  /** The gun in force for an event, or null. */
  gunAt(eventId: number): number | null {
    return this.engine.gunAt(eventId);
  }

  /** The newest gun read from RunSignup still in force for an event, or null. */
  lastRemoteGun(eventId: number): number | null {
    return this.engine.lastRemoteGun(eventId);
  }

  /** The gun in force of an event with its source, or null. */
  gunOf(eventId: number): { at: number; source: GunSource } | null {
    return this.engine.gunOf(eventId);
  }

  /** The gun of every configured event, in config order (timed here or not). */
  guns(): GunView[] {
    return this.engine.guns();
  }

  /** The station clock offset in force (0 by default). */
  offsetMs(): number {
    return this.engine.offsetMs();
  }

  /** The highest seq applied (0 when empty). */
  lastSeq(): number {
    return this.engine.lastSeq;
  }
}
