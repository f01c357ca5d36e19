// A screen's clock against the host's (review finding 10): a tablet in the chute stamps taps
// with its own clock. The host pings on connect; the answer with the shortest round trip gives
// the offset (screen − host) with an uncertainty of half that round trip. Pure, so tested alone.
import type { WireRequest } from '../../src-shared/wire';

export interface ScreenClockSample {
  /** Host time the ping was sent. */
  sentAt: number;
  /** Host time the answer arrived. */
  receivedAt: number;
  /** The screen's clock when it answered. */
  clientAt: number;
}

export interface ScreenOffset {
  /** Screen clock minus host clock, ms. */
  offsetMs: number;
  uncertaintyMs: number;
}

/** Pings sent per connection (the best of them is kept). */
export const SCREEN_CLOCK_PINGS = 3;
/** An offset less certain than this is not trusted to correct taps. */
export const MAX_SCREEN_UNCERTAINTY_MS = 250;
/** An unmeasured screen's tap further than this from the host's clock is refused. */
export const MAX_UNMEASURED_SKEW_MS = 500;

export function estimateScreenOffset(samples: readonly ScreenClockSample[]): ScreenOffset | null {
  let best: ScreenOffset | null = null;
  for (const s of samples) {
    const rtt = s.receivedAt - s.sentAt;
    if (!(rtt >= 0) || !Number.isFinite(s.clientAt)) continue;
    const estimate = { offsetMs: s.clientAt - (s.sentAt + rtt / 2), uncertaintyMs: rtt / 2 };
    if (best === null || estimate.uncertaintyMs < best.uncertaintyMs) best = estimate;
  }
  return best;
}

function seconds(ms: number): string {
  return `${(Math.abs(ms) / 1000).toFixed(1)} s`;
}

/**
 * A tap from a screen, in the host's clock: corrected by the screen's measured offset, or, when
 * the offset is unknown, refused if its time is too far from the host's clock to be a key press
 * that just happened. Every other request passes unchanged.
 */
export function tapInHostClock(
  request: WireRequest,
  offset: ScreenOffset | null,
  hostNow: number,
): { ok: true; request: WireRequest } | { ok: false; error: string } {
  if (request.kind !== 'command' || request.body.type !== 'tap') return { ok: true, request };
  const body = request.body;
  if (typeof body.at !== 'number') return { ok: true, request };
  if (offset !== null && offset.uncertaintyMs <= MAX_SCREEN_UNCERTAINTY_MS) {
    // Within the measurement's own noise the clocks agree: no correction.
    if (Math.abs(offset.offsetMs) <= offset.uncertaintyMs) return { ok: true, request };
    const at = Math.round(body.at - offset.offsetMs);
    return { ok: true, request: { ...request, body: { ...body, at } } };
  }
  const skew = body.at - hostNow;
  if (Math.abs(skew) > MAX_UNMEASURED_SKEW_MS) {
    return {
      ok: false,
      error:
        `Not saved: this screen's clock is ${seconds(skew)} ${skew > 0 ? 'ahead of' : 'behind'} ` +
        "the station's and could not be measured. Reload this page (or set the device's clock), " +
        'then tap again.',
    };
  }
  return { ok: true, request };
}
