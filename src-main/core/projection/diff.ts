// Comparing and applying wanted-field maps: how the outbox learns what changed.
import type { FieldChange, WantedField, WantedMap } from './types';

/** Deterministic change order: result set, event, bib, field. */
export function compareChanges(a: FieldChange, b: FieldChange): number {
  return (
    a.key.resultSetId - b.key.resultSetId ||
    a.key.eventId - b.key.eventId ||
    a.key.bib - b.key.bib ||
    (a.key.field < b.key.field ? -1 : a.key.field > b.key.field ? 1 : 0)
  );
}

/**
 * The changes that turn `prev` into `next`: a new or different value is reported with its
 * value, a field `next` no longer has is reported with `value: null` ("no longer wanted"; the
 * outbox decides whether RunSignup must be sent "X", see `FieldChange`). Never a blank.
 */
export function diffWanted(prev: WantedMap, next: WantedMap): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [k, f] of next) {
    if (prev.get(k)?.value !== f.value) changes.push({ keyString: k, key: f.key, value: f.value });
  }
  for (const [k, f] of prev) {
    if (!next.has(k)) changes.push({ keyString: k, key: f.key, value: null });
  }
  return changes.sort(compareChanges);
}

/** Apply changes to a wanted map (in place): what the outbox does with them, as a model. */
export function applyChanges(
  wanted: Map<string, WantedField>,
  changes: readonly FieldChange[],
): Map<string, WantedField> {
  for (const c of changes) {
    if (c.value === null) wanted.delete(c.keyString);
    else wanted.set(c.keyString, { key: c.key, value: c.value });
  }
  return wanted;
}
