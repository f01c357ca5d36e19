// The race's clock as the journal sets it: the gun of each event and the station clock offset
// in force, and a scored crossing's formatted time from them.
import { gunFrameOffset, timeCrossing } from './rules';
import type { TapState } from './crossing-index';
import { insertBySeq, removeBySeq, type Mod } from './seq-lists';

export type GunSource = 'local' | 'runsignup';

/** A gun entry in force: its time and where it came from. */
interface GunMod extends Mod<number> {
  source: GunSource;
  /** Pressed on a screen at the start rather than typed. */
  pressed: boolean;
}

/** The gun of one configured event, for the screen. */
export interface GunView {
  eventId: number;
  at: number | null;
  /** Where the gun in force came from; absent while there is none. */
  source?: GunSource;
  /** Set (true) for a gun pressed on a screen rather than typed. */
  pressed?: boolean;
}

export class RaceClock {
  private readonly gunLists = new Map<number, GunMod[]>();
  private readonly offsets: Mod<number>[] = [];
  /** Changes with every gun or offset put in or taken out of force: the times cached go stale. */
  private generation = 1;

  /** `eventIds`: every configured event (timed here or not: a split station shows them all). */
  constructor(
    private readonly eventIds: readonly number[],
    private readonly precision: number,
  ) {}

  addGun(eventId: number, seq: number, at: number, source: GunSource, pressed = false): void {
    let list = this.gunLists.get(eventId);
    if (!list) {
      list = [];
      this.gunLists.set(eventId, list);
    }
    insertBySeq(list, { seq, value: at, source, pressed });
    this.generation++;
  }

  removeGun(eventId: number, seq: number): void {
    const list = this.gunLists.get(eventId);
    if (list) removeBySeq(list, seq);
    this.generation++;
  }

  addOffset(seq: number, ms: number): void {
    insertBySeq(this.offsets, { seq, value: ms });
    this.generation++;
  }

  removeOffset(seq: number): void {
    removeBySeq(this.offsets, seq);
    this.generation++;
  }

  /** The gun in force for an event, or null. */
  gunAt(eventId: number): number | null {
    const list = this.gunLists.get(eventId);
    return list?.[list.length - 1]?.value ?? null;
  }

  /** The gun in force of an event with its source, or null. */
  gunOf(eventId: number): { at: number; source: GunSource; pressed: boolean } | null {
    const list = this.gunLists.get(eventId);
    const g = list?.[list.length - 1];
    return g ? { at: g.value, source: g.source, pressed: g.pressed } : null;
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

  /** The gun of every configured event, in config order. */
  guns(): GunView[] {
    return this.eventIds.map((eventId) => {
      const g = this.gunOf(eventId);
      if (!g) return { eventId, at: null };
      return { eventId, at: g.at, source: g.source, ...(g.pressed ? { pressed: true } : {}) };
    });
  }

  /** The station clock offset in force (0 by default). */
  offsetMs(): number {
    return this.offsets[this.offsets.length - 1]?.value ?? 0;
  }

  /** The offset of the gun's frame: 0 for a local gun (same clock as the taps). */
  frameOffset(eventId: number): number {
    const list = this.gunLists.get(eventId);
    return gunFrameOffset(list?.[list.length - 1]?.source ?? null, this.offsetMs());
  }

  /** A scored crossing's formatted time, cached on the tap: a shifted place must not re-format it. */
  timeOf(t: TapState, eventId: number): string | null {
    if (t.time !== undefined && t.timeGeneration === this.generation) return t.time;
    t.time = timeCrossing(
      t.at,
      this.gunAt(eventId),
      this.frameOffset(eventId),
      this.precision,
    ).time;
    t.timeGeneration = this.generation;
    return t.time;
  }
}
