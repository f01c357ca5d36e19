import { describe, expect, it } from 'vitest';
import { Command, QueryResult } from '../../src-shared/station-api';

describe('StationApi contract', () => {
  it('accepts a bib-first tap and rejects a tap with no time', () => {
    expect(Command.safeParse({ type: 'tap', at: 1_700_000_000_000, bib: '123' }).success).toBe(
      true,
    );
    expect(Command.safeParse({ type: 'tap', bib: '123' }).success).toBe(false);
  });
  it('rejects an unknown command type', () => {
    expect(Command.safeParse({ type: 'drop-table' }).success).toBe(false);
  });
  it('has a result schema for every query type', () => {
    expect(Object.keys(QueryResult).sort()).toEqual(
      [
        'backups',
        'exportCsv',
        'journal',
        'lookupBib',
        'raceDetails',
        'races',
        'results',
        'snapshot',
      ].sort(),
    );
  });
});
