// The shared gun's two halves with fake I/O: the finish station's serial publisher and the split
// station's poller (sync/gun-share.ts). Timers fire at once, so nothing here waits on a clock.
import { describe, expect, it } from 'vitest';
import {
  GunPoller,
  GunPublisher,
  refusedFormat,
  type GunInForce,
} from '../../../src-main/sync/gun-share';
import type { Timers } from '../../../src-main/sync/sync-loop';
import { waitFor } from '../../support/poll';

const GUN = Date.UTC(2026, 4, 16, 12, 0, 0, 250);

/** setTimeout that runs on the next macrotask whatever the delay (backoffs and idle polls alike). */
const quick: Timers = {
  setTimeout: (fn) => setTimeout(fn, 0),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

class NetworkDown extends Error {
  readonly kind = 'retryable';
  readonly code = null;
}

describe('GunPublisher (finish station)', () => {
  it('posts a gun set while offline once the network is back, then is idle', async () => {
    const guns: GunInForce[] = [{ eventId: 1, at: GUN, source: 'local' }];
    let online = false;
    const posted: string[] = [];
    let attempts = 0;
    const publisher = new GunPublisher({
      guns: () => guns,
      post: async (eventId, text) => {
        attempts += 1;
        if (!online) throw new NetworkDown('connect ECONNREFUSED');
        posted.push(`${eventId} ${text}`);
      },
      timeZone: 'UTC',
      timers: quick,
      random: () => 0,
    });
    publisher.start();
    await waitFor(() => attempts, { what: 'three refused posts', until: (n) => n >= 3 });
    expect(posted).toEqual([]);
    expect(publisher.status().pending).toBe(1);
    expect(publisher.status().lastError).toMatch(/ECONNREFUSED/);
    online = true;
    publisher.retryNow();
    await publisher.idle();
    // Whole seconds, as RunSignup's own timing app posts them: the fraction stays here.
    expect(posted).toEqual(['1 2026-05-16 12:00:00']);
    expect(publisher.status()).toEqual({ pending: 0, lastError: null });
    await publisher.stop();
  });

  it("posts a local gun in RunSignup's clock (+ this station's offset), again when the offset changes", async () => {
    const guns: GunInForce[] = [{ eventId: 1, at: GUN, source: 'local' }];
    let offset = 3_000; // RunSignup's clock is 3 s ahead of this laptop's
    const posted: string[] = [];
    const publisher = new GunPublisher({
      guns: () => guns,
      offsetMs: () => offset,
      post: async (eventId, text) => {
        posted.push(`${eventId} ${text}`);
      },
      timeZone: 'UTC',
      timers: quick,
      random: () => 0,
    });
    publisher.start();
    await publisher.idle();
    expect(posted).toEqual(['1 2026-05-16 12:00:03']);
    offset = -1_500;
    publisher.wake();
    await waitFor(() => posted, { what: 'the gun posted again', until: (p) => p.length >= 2 });
    await publisher.idle();
    expect(posted).toEqual(['1 2026-05-16 12:00:03', '1 2026-05-16 11:59:58']);
    await publisher.stop();
  });

  it('never lets an older gun land after a newer one (the gun changes mid-post)', async () => {
    const guns: GunInForce[] = [{ eventId: 1, at: GUN, source: 'local' }];
    const landed: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const publisher = new GunPublisher({
      guns: () => guns,
      post: async (_eventId, text) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // The timer corrects the gun while the first post is on the wire.
        if (landed.length === 0) guns[0] = { eventId: 1, at: GUN + 2_000, source: 'local' };
        await new Promise((r) => setTimeout(r, 2));
        inFlight -= 1;
        landed.push(text);
      },
      timeZone: 'UTC',
      timers: quick,
    });
    publisher.start();
    await publisher.idle();
    expect(maxInFlight).toBe(1);
    expect(landed).toEqual(['2026-05-16 12:00:00', '2026-05-16 12:00:02']);
    await publisher.stop();
  });

  it('skips guns read from RunSignup and cleared guns; re-posts a gun changed back', async () => {
    let guns: GunInForce[] = [
      { eventId: 1, at: GUN, source: 'local' },
      { eventId: 2, at: GUN, source: 'runsignup' },
      { eventId: 3, at: null },
    ];
    const posted: string[] = [];
    const publisher = new GunPublisher({
      guns: () => guns,
      post: async (eventId, text) => {
        posted.push(`${eventId} ${text}`);
      },
      timeZone: 'UTC',
      fractions: false,
      timers: quick,
    });
    publisher.start();
    await publisher.idle();
    guns = [{ eventId: 1, at: GUN + 60_000, source: 'local' }];
    publisher.wake();
    await publisher.idle();
    guns = [{ eventId: 1, at: GUN }];
    publisher.wake();
    await publisher.idle();
    expect(posted).toEqual([
      '1 2026-05-16 12:00:00',
      '1 2026-05-16 12:01:00',
      '1 2026-05-16 12:00:00',
    ]);
    await publisher.stop();
  });

  it('[assumed] falls back to whole seconds when RunSignup refuses the fraction', async () => {
    const posted: string[] = [];
    const publisher = new GunPublisher({
      guns: () => [{ eventId: 7, at: GUN }],
      post: async (_eventId, text) => {
        if (text.includes('.')) throw Object.assign(new Error('Invalid date'), { code: 9 });
        posted.push(text);
      },
      timeZone: 'America/New_York',
      timers: quick,
    });
    publisher.start();
    await publisher.idle();
    expect(posted).toEqual(['2026-05-16 08:00:00']);
    expect(refusedFormat({ kind: 'retryable', code: null })).toBe(false);
    await publisher.stop();
  });
});

describe('GunPoller (split station)', () => {
  function poller(options: {
    texts: Map<number, string | null>;
    guns: GunInForce[];
    fail?: () => boolean;
  }) {
    const recorded: Array<[number, number]> = [];
    const statuses: Array<string | null> = [];
    const p = new GunPoller({
      events: () => [1, 2],
      guns: () => options.guns,
      read: async (eventId) => {
        if (options.fail?.()) throw new Error('socket hang up');
        return options.texts.get(eventId) ?? null;
      },
      record: (eventId, at) => {
        if (at > Date.UTC(2030, 0, 1)) return { ok: false, error: 'not fired yet' };
        recorded.push([eventId, at]);
        options.guns = options.guns
          .filter((g) => g.eventId !== eventId)
          .concat({ eventId, at, source: 'runsignup' });
        return { ok: true };
      },
      timeZone: 'UTC',
      everyMs: 60_000,
      onStatus: (s) => statuses.push(s.lastError),
    });
    return { p, recorded, statuses };
  }

  it('records RunSignup gun, and each later change, once', async () => {
    const texts = new Map<number, string | null>([[1, '2026-05-16 12:00:00.250']]);
    const { p, recorded } = poller({ texts, guns: [] });
    await p.pollNow();
    await p.pollNow();
    texts.set(1, '2026-05-16 12:00:03');
    await p.pollNow();
    expect(recorded).toEqual([
      [1, GUN],
      [1, Date.UTC(2026, 4, 16, 12, 0, 3)],
    ]);
    await p.stop();
  });

  it("keeps a gun set here until RunSignup's value changes", async () => {
    const texts = new Map<number, string | null>([[1, '2026-05-16 08:00:00']]);
    const { p, recorded } = poller({ texts, guns: [{ eventId: 1, at: GUN, source: 'local' }] });
    await p.pollNow();
    expect(recorded).toEqual([]);
    texts.set(1, '2026-05-16 12:00:00.250');
    await p.pollNow();
    expect(recorded).toEqual([[1, GUN]]);
    await p.stop();
  });

  it('says why when offline, or when the text is not a time, and retries a refused gun', async () => {
    let down = true;
    const texts = new Map<number, string | null>([
      [1, 'tomorrow morning'],
      [2, '2031-01-01 08:00:00'],
    ]);
    const { p, recorded, statuses } = poller({ texts, guns: [], fail: () => down });
    await p.pollNow();
    expect(statuses.at(-1)).toMatch(/socket hang up/);
    down = false;
    await p.pollNow();
    expect(statuses.at(-1)).toMatch(/not fired yet/);
    texts.set(2, '2026-05-16 12:00:00.250');
    await p.pollNow();
    expect(statuses.at(-1)).toMatch(/"tomorrow morning".*not a time/);
    expect(recorded).toEqual([[2, GUN]]);
    await p.stop();
  });
});
