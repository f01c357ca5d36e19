// A screen's clock against the host's: a tablet in the chute stamps taps
// (and a gun pressed there) with its own clock. The host pings in rounds, on connect and again
// every SCREEN_CLOCK_REMEASURE_MS (sooner while unmeasured), so a clock stepped or a device that
// slept mid-race is caught; the answer with the shortest round trip of a round gives the offset
// (screen − host) with an uncertainty of half that round trip. Pure, so tested alone.
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

/** Pings sent per measuring round (the best of them is kept). */
export const SCREEN_CLOCK_PINGS = 3;
/** A measured screen is measured again this often (a device clock stepped or slept). */
export const SCREEN_CLOCK_REMEASURE_MS = 30_000;
/** An unmeasured screen (slow answers, or none yet) is pinged again this often. */
export const SCREEN_CLOCK_RETRY_MS = 3_000;
/** An offset less certain than this is not trusted to correct taps. */
export const MAX_SCREEN_UNCERTAINTY_MS = 250;
/**
 * An unmeasured screen's tap further than this from the host's clock is refused. Its time minus
 * the host's also holds the transit and the host's queueing, so only a gap far
 * beyond any plausible delay is taken as a wrong clock.
 */
export const MAX_UNMEASURED_SKEW_MS = 5_000;

/** The offset is good enough to correct a screen's times. */
export function trusted(offset: ScreenOffset | null): offset is ScreenOffset {
  return offset !== null && offset.uncertaintyMs <= MAX_SCREEN_UNCERTAINTY_MS;
}

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
 * A time stamped on a screen's clock: a tap, or a gun pressed there (`pressed: true`; a typed
 * time of day is the timer's reading of a clock and is left alone, as is a crossing inserted at
 * a typed time, `typed: true`). Put in the
 * host's clock by the screen's measured offset, or, when the offset is unknown, refused if it is
 * too far from the host's clock to be a key press that just happened. Every other request
 * passes unchanged.
 */
export function tapInHostClock(
  request: WireRequest,
  offset: ScreenOffset | null,
  hostNow: number,
): { ok: true; request: WireRequest } | { ok: false; error: string } {
  if (request.kind !== 'command') return { ok: true, request };
  const body = request.body;
  const onScreenClock =
    (body.type === 'tap' && body.typed !== true) || (body.type === 'gun' && body.pressed === true);
  if (!onScreenClock || typeof body.at !== 'number') return { ok: true, request };
  if (trusted(offset)) {
    // Within the measurement's own noise the clocks agree: no correction.
    if (Math.abs(offset.offsetMs) <= offset.uncertaintyMs) return { ok: true, request };
    const at = Math.round(body.at - offset.offsetMs);
    return { ok: true, request: { ...request, body: { ...body, at } } };
  }
  if (body.type === 'gun') {
    // A gun is confirmed some time after its press, so its distance from the host's clock says
    // nothing about this screen's clock: wait for a measurement (the host keeps pinging).
    return {
      ok: false,
      error:
        "Gun not saved yet: this screen's clock has not been measured by the station (its " +
        'answers are too slow or missing), so the pressed time could be off. Wait a few seconds ' +
        'and confirm again, or type the gun time from a clock you trust.',
    };
  }
  const skew = body.at - hostNow;
  if (Math.abs(skew) > MAX_UNMEASURED_SKEW_MS) {
    return {
      ok: false,
      error:
        `Not saved: this tap's time is ${seconds(skew)} ${skew > 0 ? 'ahead of' : 'behind'} ` +
        "the station's clock, and this screen's clock could not be measured yet (its answers to " +
        "the station are too slow or missing). Reload this page (or set the device's clock), " +
        'then tap again.',
    };
  }
  return { ok: true, request };
}
