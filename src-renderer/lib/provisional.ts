// A crossing's row drawn from the station's own answer to the `tap`, before the next snapshot
// brings the full row (DESIGN §6: key → row). The core HAS saved it (the answer carries its
// seq), so the row may say "saved"; what only the projection knows (place, the formatted time,
// flags) is left out until the snapshot replaces the row, a few ms later. Pure.
import type { BibLookup, Command, CrossingView } from '../../src-shared/station-api';

type Tap = Extract<Command, { type: 'tap' }>;

/** What the screen knew about the typed bib when the key was pressed. */
export interface TypedRunner {
  name: string | null;
  eventId: number | null;
  eventName: string | null;
}

export function typedRunner(lookup: BibLookup | null, bibText: string): TypedRunner | null {
  if (!lookup || lookup.bib === null || String(lookup.bib) !== bibText.trim()) return null;
  const p = lookup.participant;
  return {
    name: p ? `${p.firstName} ${p.lastName}` : null,
    eventId: p?.eventId ?? null,
    eventName: lookup.eventName,
  };
}

export function provisionalRow(tap: Tap, seq: number, runner: TypedRunner | null): CrossingView {
  const bib = tap.bib !== undefined && /^\d{1,6}$/.test(tap.bib) ? Number(tap.bib) : null;
  return {
    tapSeq: seq,
    at: tap.at,
    bib,
    unreadable: tap.unreadable ?? false,
    name: bib !== null ? (runner?.name ?? null) : null,
    eventId: bib !== null ? (runner?.eventId ?? null) : null,
    eventName: bib !== null ? (runner?.eventName ?? null) : null,
    place: null,
    time: null,
    status: null,
    flags: [],
    sync: 'saved',
    syncReason: null,
  };
}

/** The rows with a provisional one added in time order (newest first), unless already there. */
export function withProvisional(rows: readonly CrossingView[], row: CrossingView): CrossingView[] {
  if (rows.some((r) => r.tapSeq === row.tapSeq)) return [...rows];
  const at = rows.findIndex((r) => r.at < row.at || (r.at === row.at && r.tapSeq < row.tapSeq));
  if (at === -1) return [...rows, row];
  return [...rows.slice(0, at), row, ...rows.slice(at)];
}
