// The status bar's clock: this station's offset to RunSignup's clock. Pure.
import type { ClockStatus } from '../../src-shared/station-api';

export const CLOCK_WARN_MS = 500;

export interface ClockView {
  text: string;
  tone: 'ok' | 'warn';
  warning: string | null;
}

function seconds(ms: number, signed: boolean): string {
  const s = (Math.abs(ms) / 1000).toFixed(2);
  // No sign on what rounds to zero: "−0.00 s" reads like a problem.
  if (!signed || s === '0.00') return `${s} s`;
  return `${ms < 0 ? '−' : '+'}${s} s`;
}

/**
 * `manualMs` is the offset in force (snapshot.offsetMs): the one entries are timed with. The
 * measured offset may differ from it; both are shown so the timer can decide.
 */
export function describeClock(clock: ClockStatus | null | undefined, manualMs: number): ClockView {
  const applied = manualMs !== 0 ? ` · applied ${seconds(manualMs, true)}` : '';
  if (!clock || clock.offsetMs === null) {
    return {
      text: `Clock vs RunSignup: not measured yet${applied}`,
      tone: 'ok',
      warning: clock?.warning ?? null,
    };
  }
  const plusMinus = clock.uncertaintyMs === null ? '' : ` ± ${seconds(clock.uncertaintyMs, false)}`;
  // What is left after the offset in force: entries are timed with the applied offset, so
  // that is what must stay within the threshold.
  const residual = clock.offsetMs - manualMs;
  let warning: string | null;
  if (Math.abs(residual) > CLOCK_WARN_MS) {
    warning =
      `This computer's clock is ${seconds(residual, false)} ${residual > 0 ? 'behind' : 'ahead of'} RunSignup's` +
      `${manualMs !== 0 ? ' even with the applied offset' : ''}: set the offset or fix the clock`;
  } else if (Math.abs(clock.offsetMs) <= CLOCK_WARN_MS) {
    // The station's own sentence (an uncertain or inconsistent estimate) when the offset is small.
    warning = clock.warning;
  } else if (clock.uncertaintyMs !== null && clock.uncertaintyMs > CLOCK_WARN_MS) {
    // Large but compensated: the station's sentence is about the raw offset; keep only doubt.
    warning = `The offset is only known to within ${seconds(clock.uncertaintyMs, false)}: measure again`;
  } else {
    warning = null;
  }
  return {
    text: `Clock vs RunSignup: ${seconds(clock.offsetMs, true)}${plusMinus}${applied}`,
    tone: warning !== null ? 'warn' : 'ok',
    warning,
  };
}

/** Parses a typed offset in seconds ("+0.35", "-1.2", "0") into whole ms. */
export function parseOffsetSeconds(
  text: string,
): { ok: true; ms: number } | { ok: false; error: string } {
  const t = text.trim().replace('−', '-');
  if (!/^[+-]?\d{1,5}(\.\d{1,3})?$/.test(t)) {
    return { ok: false, error: 'Type the offset in seconds, e.g. +0.35 or -1.2' };
  }
  const ms = Math.round(Number(t) * 1000);
  if (Math.abs(ms) > 86_400_000) return { ok: false, error: 'An offset is at most a day' };
  return { ok: true, ms };
}
