// A small, independent model of a finish station for chaos tests: taps, bib (re)assignments,
// voids, statuses, clears and gun changes, and the fields it wants RunSignup to show. It is the
// "local truth" the emulator must end up equal to; every change reaches the real outbox store
// as the difference between two wanted maps, the way the core feeds it.
import type { FieldChange } from '../../src-main/core/outbox-store';

export interface ModelEvent {
  eventId: number;
  resultSetId: number;
  gun: number;
  bibs: ReadonlySet<number>;
}

interface Tap {
  at: number;
  bib: number | null;
  voided: boolean;
}

/** `H:MM:SS.f`, hand times rounded UP to the tenth (DESIGN.md §4). */
export function formatElapsed(ms: number): string {
  const tenths = Math.ceil(ms / 100);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor((tenths % 36_000) / 600);
  const s = Math.floor((tenths % 600) / 10);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${tenths % 10}`;
}

export class RaceModel {
  readonly taps: Tap[] = [];
  private readonly status = new Map<number, string>();
  private readonly cleared = new Set<number>();
  private readonly events: Map<number, ModelEvent>;
  private published = new Map<string, FieldChange>();

  constructor(events: ModelEvent[]) {
    this.events = new Map(events.map((e) => [e.eventId, { ...e }]));
  }

  private eventOf(bib: number): ModelEvent | null {
    for (const e of this.events.values()) if (e.bibs.has(bib)) return e;
    return null;
  }

  tap(at: number, bib: number | null): number {
    this.taps.push({ at, bib, voided: false });
    if (bib !== null) this.cleared.delete(bib);
    return this.taps.length - 1;
  }
  assign(tap: number, bib: number | null): void {
    const t = this.taps[tap];
    if (!t) throw new Error(`no tap ${tap}`);
    t.bib = bib;
    if (bib !== null) this.cleared.delete(bib);
  }
  void(tap: number): void {
    const t = this.taps[tap];
    if (!t) throw new Error(`no tap ${tap}`);
    t.voided = true;
  }
  setStatus(bib: number, status: 'DNF' | 'DQ' | 'DNS' | null): void {
    if (status) this.status.set(bib, status);
    else this.status.delete(bib);
  }
  clear(bib: number): void {
    this.cleared.add(bib);
  }
  gun(eventId: number, at: number): void {
    const e = this.events.get(eventId);
    if (!e) throw new Error(`no event ${eventId}`);
    e.gun = at;
  }

  /** Every field the station wants shown, keyed `rs|bib|field`. */
  wanted(): Map<string, FieldChange> {
    const out = new Map<string, FieldChange>();
    const put = (e: ModelEvent, bib: number, field: string, value: string) =>
      out.set(`${e.resultSetId}|${bib}|${field}`, {
        eventId: e.eventId,
        resultSetId: e.resultSetId,
        bib,
        field,
        value,
      });
    // The first live crossing of a bib counts.
    const first = new Map<number, number>();
    for (const t of this.taps) {
      if (t.voided || t.bib === null || this.cleared.has(t.bib)) continue;
      const seen = first.get(t.bib);
      if (seen === undefined || t.at < seen) first.set(t.bib, t.at);
    }
    for (const e of this.events.values()) {
      const ranked = [...first.entries()]
        .filter(([bib, at]) => e.bibs.has(bib) && !this.status.has(bib) && at >= e.gun)
        .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      ranked.forEach(([bib, at], i) => {
        put(e, bib, 'clock_time', formatElapsed(at - e.gun));
        put(e, bib, 'place', String(i + 1));
      });
    }
    for (const [bib, status] of this.status) {
      const e = this.eventOf(bib);
      if (e && !this.cleared.has(bib)) put(e, bib, 'clock_time', status);
    }
    for (const bib of this.cleared) {
      const e = this.eventOf(bib);
      if (e) put(e, bib, 'clock_time', 'X');
    }
    return out;
  }

  /**
   * Push the difference since the last publish into the outbox (null = no longer wanted), via
   * `apply` (the caller's transaction around `applyChanges`).
   */
  publish(apply: (changes: FieldChange[], at: number) => void, at: number): number {
    const next = this.wanted();
    const changes: FieldChange[] = [];
    for (const [key, c] of next) {
      if (this.published.get(key)?.value !== c.value) changes.push(c);
    }
    for (const [key, c] of this.published) if (!next.has(key)) changes.push({ ...c, value: null });
    apply(changes, at);
    this.published = next;
    return changes.length;
  }
}
