import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupsToDelete, backupsToKeep, type RetainedBackup } from '../../../src-main/db';

const HOUR = 3_600_000;

const backupList = fc
  .array(
    fc.record({
      takenAt: fc.integer({ min: 0, max: 12 * HOUR }),
      entries: fc.option(fc.integer({ min: 0, max: 500 }), { freq: 8 }),
      raceKey: fc.option(fc.constantFrom('live-1', 'live-2', 'practice-9'), { freq: 4 }),
    }),
    { maxLength: 40 },
  )
  .map((list): RetainedBackup[] => list.map((b, i) => ({ ...b, path: `b${i}` })));

const newestOf = (all: RetainedBackup[]) =>
  [...all].sort((a, b) => a.takenAt - b.takenAt || (a.path < b.path ? -1 : 1)).at(-1)!;

describe('backup retention', () => {
  it('never deletes a backup holding more entries than the newest, nor an unreadable one', () => {
    fc.assert(
      fc.property(backupList, fc.integer({ min: 1, max: 8 }), (all, keep) => {
        const deleted = new Set(backupsToDelete(all, { keep }));
        if (all.length === 0) return;
        const newest = newestOf(all);
        expect(deleted.has(newest.path)).toBe(false);
        for (const b of all) {
          if (b.entries === null) expect(deleted.has(b.path)).toBe(false);
          if (newest.entries !== null && b.entries !== null && b.entries > newest.entries) {
            expect(deleted.has(b.path)).toBe(false);
          }
        }
      }),
    );
  });

  it('keeps the last backup of every race and one of every hour, and the newest `keep`', () => {
    fc.assert(
      fc.property(backupList, fc.integer({ min: 1, max: 8 }), (all, keep) => {
        const kept = backupsToKeep(all, { keep });
        const newestFirst = [...all].sort(
          (a, b) => b.takenAt - a.takenAt || (a.path < b.path ? 1 : -1),
        );
        // The LAST one of each race and of each hour, not merely some one.
        const lastOf = (group: (b: RetainedBackup) => unknown) => {
          const seen = new Map<unknown, string>();
          for (const b of newestFirst) if (!seen.has(group(b))) seen.set(group(b), b.path);
          return [...seen.values()];
        };
        for (const path of lastOf((b) => b.raceKey)) expect(kept.has(path)).toBe(true);
        for (const path of lastOf((b) => Math.floor(b.takenAt / HOUR))) {
          expect(kept.has(path)).toBe(true);
        }
        for (const b of newestFirst.slice(0, keep)) expect(kept.has(b.path)).toBe(true);
        // Keep and delete split the list.
        expect(kept.size + backupsToDelete(all, { keep }).length).toBe(all.length);
      }),
    );
  });

  it('backups of an empty station do not push out the ones that held the race', () => {
    // Five restarts of an empty file, each taking a backup, after four good ones (the report).
    const race = [202, 202, 252, 252].map((entries, i) => ({
      path: `good${i}`,
      takenAt: i * 60_000,
      entries,
      raceKey: 'live-1',
    }));
    const empty = [0, 1, 2, 3, 4].map((i) => ({
      path: `empty${i}`,
      takenAt: 10 * 60_000 + i * 60_000,
      entries: 0,
      raceKey: null,
    }));
    const deleted = backupsToDelete([...race, ...empty], { keep: 5 });
    expect(deleted).toEqual([]);
    // With ten more empty ones, only empty copies go.
    const more = [
      ...race,
      ...empty,
      ...[5, 6, 7, 8, 9].map((i) => ({
        ...empty[0]!,
        path: `empty${i}`,
        takenAt: 20 * 60_000 + i,
      })),
    ];
    const gone = backupsToDelete(more, { keep: 5 });
    expect(gone.every((p) => p.startsWith('empty'))).toBe(true);
    expect(gone.length).toBeGreaterThan(0);
  });
});
