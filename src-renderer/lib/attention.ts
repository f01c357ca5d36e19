// The Review screen's "needs attention" list: every field RunSignup refused, crossing or not
// (a DNS without a crossing is a status-only row). Pure.
import type { CrossingView, Snapshot } from '../../src-shared/station-api';

export interface AttentionRow {
  key: string;
  bib: number | null;
  name: string;
  event: string;
  field: string;
  value: string;
  reason: string;
}

/** RunSignup's field keys in words. */
export function fieldLabel(field: string): string {
  if (field === 'clock_time') return 'finish time';
  if (field === 'chip_time') return 'chip time';
  if (field === 'place') return 'place';
  if (field.startsWith('split-')) return `split ${field.slice('split-'.length)}`;
  return field;
}

/**
 * The station's list when it sends one; else (an older station) the crossings marked for
 * attention, which miss status-only rows.
 */
export function attentionRows(snapshot: Snapshot | null): AttentionRow[] {
  if (!snapshot) return [];
  const events = new Map((snapshot.config?.events ?? []).map((e) => [e.eventId, e.name]));
  const names = new Map<number, string>();
  for (const c of snapshot.crossings) if (c.bib !== null && c.name) names.set(c.bib, c.name);
  if (snapshot.attention) {
    return snapshot.attention.map((a, i) => ({
      key: `${a.eventId}:${a.bib}:${a.field}:${i}`,
      bib: a.bib,
      name: names.get(a.bib) ?? '',
      event: events.get(a.eventId) ?? `event ${a.eventId}`,
      field: fieldLabel(a.field),
      value: a.value === '' ? '(blank)' : a.value,
      reason: a.reason,
    }));
  }
  return snapshot.crossings
    .filter((c: CrossingView) => c.sync === 'attention')
    .map((c) => ({
      key: `tap:${c.tapSeq}`,
      bib: c.bib,
      name: c.name ?? '',
      event: c.eventName ?? '',
      field: 'crossing',
      value: c.time ?? c.status ?? '',
      reason: c.syncReason ?? 'RunSignup rejected this row',
    }));
}

export interface ConflictView {
  key: string;
  resultSetId: number;
  bib: number;
  name: string;
  event: string;
  fieldKey: string;
  field: string;
  station: string;
  runsignup: string;
}

/** The Review screen's conflicts: RunSignup shows a value this station never sent. Pure. */
export function conflictRows(snapshot: Snapshot | null): ConflictView[] {
  if (!snapshot?.conflicts) return [];
  const events = new Map((snapshot.config?.events ?? []).map((e) => [e.eventId, e.name]));
  const names = new Map<number, string>();
  for (const c of snapshot.crossings) if (c.bib !== null && c.name) names.set(c.bib, c.name);
  return snapshot.conflicts.map((c) => ({
    key: `${c.resultSetId}:${c.bib}:${c.field}`,
    resultSetId: c.resultSetId,
    bib: c.bib,
    name: names.get(c.bib) ?? '',
    event: events.get(c.eventId) ?? `event ${c.eventId}`,
    fieldKey: c.field,
    field: fieldLabel(c.field),
    station: c.stationValue === null || c.stationValue === 'X' ? '(nothing)' : c.stationValue,
    runsignup: c.runsignupValue === '' ? '(empty)' : c.runsignupValue,
  }));
}
