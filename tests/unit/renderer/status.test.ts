import { describe, expect, it } from 'vitest';
import { eventClocks, eventElapsed, tapForElapsed } from '../../../src-renderer/lib/clock';
import { csvFileName } from '../../../src-renderer/lib/csv';
import { describeStatus } from '../../../src-renderer/lib/sync-status';
import { idleSync, snapshot } from './fixtures';

describe('describeStatus', () => {
  const now = 1_700_000_060_000;
  it('reports a healthy queue', () => {
    const v = describeStatus(
      { ...idleSync, pending: 3, inFlight: 1, lastSuccessAt: now - 5000 },
      'open',
      now,
    );
    expect(v).toEqual({
      tone: 'ok',
      online: 'Online',
      counts: '3 pending · 1 in flight',
      lastSuccess: 'Last sent 5 s ago',
      problem: null,
    });
  });
  it('says why sync is stalled, and counts rows needing attention', () => {
    const v = describeStatus(
      {
        ...idleSync,
        online: false,
        pending: 2,
        attention: 1,
        stalled: 'RunSignup refused the API key',
      },
      'open',
      now,
    );
    expect(v.tone).toBe('error');
    expect(v.online).toBe('Offline');
    expect(v.counts).toContain('1 need attention');
    expect(v.problem).toBe('RunSignup refused the API key');
    const retrying = describeStatus(
      { ...idleSync, online: false, pending: 2, lastError: 'timeout', nextRetryAt: now + 4000 },
      'open',
      now,
    );
    expect(retrying.tone).toBe('warn');
    expect(retrying.problem).toBe('Retrying: timeout (next try in 4 s)');
  });
  it('puts a lost station link first', () => {
    const v = describeStatus(idleSync, 'closed', now);
    expect(v.tone).toBe('error');
    expect(v.online).toBe('Station link lost');
    expect(v.problem).toMatch(/reconnecting/);
  });
});

describe('race clock', () => {
  it("runs each event's clock from its own gun, with the offset, and inverts for corrections", () => {
    const snap = snapshot([]);
    snap.config!.events.push({ eventId: 11, name: '10K', resultSetId: 101, scheduledStart: null });
    snap.guns = [
      { eventId: 10, at: 5000 },
      { eventId: 11, at: 2000 },
    ];
    snap.offsetMs = 30;
    const clocks = eventClocks(snap);
    expect(clocks.map((c) => c.gunAt)).toEqual([5000, 2000]);
    expect(clocks.map((c) => eventElapsed(c, 10_000, 30))).toEqual([5030, 8030]);
    expect(eventElapsed({ eventId: 1, name: 'x', gunAt: null }, 10_000, 0)).toBeNull();
    // clock time = tap − gun + offset
    const tap = tapForElapsed(5000, 61_000, 30);
    expect(tap - 5000 + 30).toBe(61_000);
  });
});

describe('csvFileName', () => {
  it('makes a safe file name', () => {
    expect(csvFileName('Spring Run / 2026!', '5K Überlauf')).toBe(
      'chute-spring-run-2026-5k-uberlauf.csv',
    );
    expect(csvFileName('***', '')).toBe('chute-x-x.csv');
  });
});
