// The projection: what a station's journal means (DESIGN.md §3). The public entry point; the
// pieces live beside this file (state.ts for the incremental projection and its mechanisms).
//
// Rules (the same in the batch `project()` and the incremental `ProjectionState`, which are
// property-tested to agree):
// - Entries are read in seq order. `undo` takes its target out of force as if it had never been
//   written (undo of a tap voids it, of an assign restores the bib before it, of a gun restores
//   the previous gun, of an undo puts the target back). Corrections that name a seq that is not
//   an earlier tap have no effect (the core rejects them before writing; the projection is total).
// - A crossing's time is its tap time, or its latest adjust; its bib the tap's, or its latest
//   assign's. Voids and undone taps never count.
// - A bib counts once per station: its first crossing by (time, seq). Later ones are flagged
//   `already-recorded` and never posted. Unknown bibs and bibs of events this station does not
//   time are flagged and never posted (RunSignup would need a name).
// - Places: per event, the counting crossings of bibs without a status, by (time, seq), 1..k.
//   A status (DQ/DNF/DNS/DNQ) removes the bib from the places (those after it move up) and
//   becomes the value of the station's time field, crossing or not (DNS).
// - Time: tap − gun + offset (latest gun of the event, latest offset), formatted with
//   `formatElapsed` (rounded up). No gun, before the gun, or over 999 h: no time is wanted and
//   the crossing is flagged; the place still counts.
// - `clear` of a bib: each of this station's fields for it is wanted as "X" until a crossing
//   or assign made AFTER the clear (or a later status) gives it a value again. Crossings that
//   had the bib before the clear are kept for the record, marked `cleared`, never scored.
// - Fields: finish station `place` + `clock_time`; split station `split-<id>` of the bib's event.
// - Line-up tools act on the journal as it stood when they were written (entries in force before
//   them). `order` (a bib in crossing order) gives its bib to the oldest time-only crossing (no
//   bib, not a placeholder, not voided; by time, then seq), or waits; each new time-only tap takes
//   the oldest waiting bib. `shift` rotates the bibs of the live crossings from..to (crossing
//   order) one crossing later or earlier, each bib keeping its binding (a cleared bib stays
//   cleared); it does nothing unless both ends are live, in order, and the crossing at the end the
//   bibs move onto has no bib (so nothing is lost). Undo takes either back exactly.
// - A field no longer wanted simply leaves the wanted map; `diffWanted` / `apply` report it as
//   `value: null`. The OUTBOX decides whether that becomes "X" (RunSignup acknowledged a real
//   value) or nothing (it never had one). Only an explicit clear makes the projection want "X".
export { project, sortJournal, activeEntries } from './batch';
export { ProjectionState } from './state';
export { diffWanted, applyChanges, compareChanges } from './diff';
export { planEvents, indexParticipants, timeCrossing, type EventPlan } from './rules';
export {
  CROSSING_FLAG_MESSAGES,
  FIELD_CLOCK_TIME,
  FIELD_PLACE,
  fieldKeyString,
  splitField,
  type Crossing,
  type CrossingFlag,
  type FieldChange,
  type JournalItem,
  type Projection,
  type ProjectionContext,
  type WantedField,
  type WantedMap,
} from './types';
