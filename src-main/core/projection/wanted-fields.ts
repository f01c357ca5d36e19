// What this station wants RunSignup to show, tracked as the journal changes it. The values live
// in each bib's state (`BibState.values`); this keeps their count, the map by `fieldKeyString`
// once someone asks for it (a cold start need not build 100,000 key strings and map entries
// before the station is ready: the screen and the sync loop never read it), and the fields
// changed since the last `takeChanges` with the value each had then.
import type { FieldKey } from '../../../src-shared/domain';
import { bibFieldKeys } from './rules';
import { fieldKeyString, type FieldChange, type WantedField } from './types';
import { compareChanges } from './diff';
import type { BibState } from './crossing-index';

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

/** A field changed since the last `takeChanges`: the value it had then, and where it lives. */
interface Before {
  key: FieldKey;
  value: string | null;
  bs: BibState;
  i: number;
}

export class WantedFields {
  private map: Map<string, WantedField> | null = null;
  /** How many fields have a wanted value (the map's size, kept without the map). */
  private count = 0;
  private readonly before = new Map<string, Before>();

  /**
   * Set a bib's field values (`bibFieldKeys` order). `replaying`: nobody wants these as changes
   * (a cold replay), so no key strings and no record of the value before.
   */
  update(bs: BibState, values: readonly (string | null)[], replaying: boolean): void {
    for (let i = 0; i < values.length; i++) {
      const value = values[i] ?? null;
      const old = bs.values[i] ?? null;
      if (value === old) continue;
      bs.values[i] = value;
      if (old === null) this.count++;
      else if (value === null) this.count--;
      if (replaying && this.map === null) continue;
      const key = fieldKeysOf(bs)[i] as FieldKey;
      const k = keyStringOf(bs, i);
      if (!replaying && !this.before.has(k)) this.before.set(k, { key, value: old, bs, i });
      const map = this.map;
      if (map) {
        if (value === null) map.delete(k);
        else map.set(k, { key, value });
      }
    }
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

  /** Forget the changes since the last `takeChanges` (a replay reports none). */
  dropChanges(): void {
    this.before.clear();
  }

  /** The wanted fields by `fieldKeyString` (built from the bibs on first call, then kept). */
  wanted(bibs: Iterable<BibState>): Map<string, WantedField> {
    if (this.map) return this.map;
    const map = new Map<string, WantedField>();
    for (const bs of bibs) {
      for (let i = 0; i < bs.values.length; i++) {
        const value = bs.values[i];
        if (value != null)
          map.set(keyStringOf(bs, i), { key: fieldKeysOf(bs)[i] as FieldKey, value });
      }
    }
    this.map = map;
    return map;
  }

  /** The wanted map as it was at the last `takeChanges` (a replay diffs against it). */
  priorWanted(bibs: Iterable<BibState>): Map<string, WantedField> {
    const prior = new Map(this.wanted(bibs));
    for (const [k, was] of this.before) {
      if (was.value === null) prior.delete(k);
      else prior.set(k, { key: was.key, value: was.value });
    }
    return prior;
  }

  size(): number {
    return this.count;
  }
}

/** The value a bib wants in one field (null: none, or not this bib's result set or event). */
export function wantedValueOf(
  bs: BibState,
  resultSetId: number,
  eventId: number,
  field: string,
): string | null {
  const plan = bs.plan;
  if (!plan || plan.resultSetId !== resultSetId || plan.eventId !== eventId) return null;
  // `bibFieldKeys` order: place (when the plan posts one), then the time field.
  if (field === plan.timeField) return bs.values[plan.placeField === null ? 0 : 1] ?? null;
  if (field === plan.placeField) return bs.values[0] ?? null;
  return null;
}
