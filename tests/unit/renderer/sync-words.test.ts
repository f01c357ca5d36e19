// The status bar's and the Results screen's words for the audit: runners by state, "Offline"
// only after a real failure, how long RunSignup has been slow, when it was last checked; the
// Review screen's conflict rows.
import { describe, expect, it } from 'vitest';
import { conflictRows } from '../../../src-renderer/lib/attention';
import { describeStatus, lastChecked } from '../../../src-renderer/lib/sync-status';
import { idleSync, snapshot } from './fixtures';

const now = 1_700_000_060_000;

describe('status words for sent and verified', () => {
  it('counts runners, not fields, each in its least settled state', () => {
    const v = describeStatus(
      {
        ...idleSync,
        online: true,
        pending: 7,
        runners: { saved: 1, sending: 2, sent: 3, verified: 40, conflict: 1 },
        conflicts: 1,
      },
      'open',
      now,
    );
    expect(v.counts).toBe('47 runners: 1 saved · 2 sending · 3 sent · 40 verified ✓ · 1 conflict');
    expect(v.tone).toBe('warn');
  });

  it('says "Offline" only after a request really failed', () => {
    const before = { ...idleSync, online: false };
    expect(describeStatus(before, 'open', now).online).toBe('Not in touch with RunSignup yet');
    const failed = describeStatus(
      { ...before, lastError: 'connect ECONNREFUSED', pending: 1 },
      'open',
      now,
    );
    expect(failed.online).toBe('Offline');
  });

  it('says RunSignup is slow, and for how long, while requests hang', () => {
    const hanging = describeStatus(
      { ...idleSync, online: true, inFlight: 5, waitingSince: now - 12_000 },
      'open',
      now,
    );
    expect(hanging.problem).toMatch(/^RunSignup is slow: no answer for 12 s\./);
    const quick = describeStatus(
      { ...idleSync, online: true, inFlight: 5, waitingSince: now - 1_000 },
      'open',
      now,
    );
    expect(quick.problem).toBeNull();
    const timedOut = describeStatus(
      {
        ...idleSync,
        online: false,
        pending: 3,
        slowSince: now - 95_000,
        lastError: 'RunSignup did not finish answering within 30 s.',
        nextRetryAt: now + 500,
      },
      'open',
      now,
    );
    expect(timedOut.online).toBe('RunSignup slow');
    expect(timedOut.problem).toMatch(/no answer for 1 min 35 s/);
    expect(timedOut.problem).not.toMatch(/under a second/);
  });

  it('tells when RunSignup was last checked', () => {
    expect(lastChecked(idleSync, now)).toMatch(/not checked yet/);
    expect(
      lastChecked({ ...idleSync, lastAuditAt: now - 65_000, lastAudit: '40 compared' }, now),
    ).toBe('RunSignup last checked 1 min ago: 40 compared.');
  });
});

describe('conflict rows', () => {
  it('lists both values with the runner and event, in words', () => {
    const snap = snapshot([]);
    snap.conflicts = [
      {
        bib: 12,
        eventId: 10,
        resultSetId: 100,
        field: 'clock_time',
        stationValue: '0:20:00.0',
        runsignupValue: '19:59.0',
      },
      {
        bib: 13,
        eventId: 10,
        resultSetId: 100,
        field: 'place',
        stationValue: null,
        runsignupValue: '4',
      },
    ];
    const rows = conflictRows(snap);
    expect(rows.map((r) => [r.bib, r.field, r.station, r.runsignup])).toEqual([
      [12, 'finish time', '0:20:00.0', '19:59.0'],
      [13, 'place', '(nothing)', '4'],
    ]);
    expect(rows[0]!.fieldKey).toBe('clock_time');
    expect(conflictRows(null)).toEqual([]);
  });
});
