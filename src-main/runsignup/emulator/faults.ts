// Fault injection: what a flaky network or an overloaded server does to a request. A fault comes
// from the script first (in order), then by probability from a seeded PRNG, so chaos tests
// replay exactly.
import { createRng, type Rng } from './prng';

export type FaultKind =
  | 'latency'
  | 'reset'
  | 'no-answer'
  | 'http-500'
  | 'http-503'
  | 'throttle'
  | 'truncated'
  | 'html'
  /** The request is handled (a full-results post is SAVED), then the socket is destroyed: the answer is lost. */
  | 'reset-after-apply';

export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'reset',
  'no-answer',
  'http-500',
  'http-503',
  'throttle',
  'truncated',
  'html',
  'reset-after-apply',
];

export interface FaultPlan {
  probability?: number;
  kinds?: FaultKind[];
  /**
   * A probability per kind instead (`{ reset: 0.2, 'http-503': 0.1 }`: 20 % of requests reset,
   * 10 % answer 503); together at most 1. Used instead of `probability`/`kinds`.
   */
  rates?: Partial<Record<FaultKind, number>>;
  script?: FaultKind[];
  /**
   * Only requests to these paths (case-insensitive, e.g. `/Rest/v2/auth/refresh-token.json`)
   * meet faults; every other request is answered normally (one endpoint's outage).
   */
  paths?: string[];
  latencyMs?: number;
  noAnswerMs?: number;
  seed?: number;
}

export class FaultPicker {
  private script: FaultKind[];
  private readonly rng: Rng;
  readonly latencyMs: number;
  readonly noAnswerMs: number;
  private readonly probability: number;
  private readonly kinds: readonly FaultKind[];
  private readonly rates: ReadonlyArray<[FaultKind, number]>;
  private readonly paths: ReadonlySet<string> | null;

  constructor(plan: FaultPlan | null) {
    const p = plan ?? {};
    this.rates = Object.entries(p.rates ?? {}) as Array<[FaultKind, number]>;
    let total = 0;
    for (const [kind, rate] of this.rates) {
      if (!ALL_FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind "${kind}"`);
      if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate of ${kind} must be within 0..1`);
      total += rate;
    }
    if (total > 1 + 1e-9) throw new Error(`fault rates add up to ${total}, more than 1`);
    const probability = p.probability ?? 0;
    if (!(probability >= 0 && probability <= 1)) {
      throw new Error(`fault probability must be within 0..1, got ${probability}`);
    }
    for (const k of [...(p.kinds ?? []), ...(p.script ?? [])]) {
      if (!ALL_FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind "${k}"`);
    }
    if (p.kinds && p.kinds.length === 0 && probability > 0) {
      throw new Error('fault kinds must not be empty when probability > 0');
    }
    this.paths = p.paths ? new Set(p.paths.map((x) => x.toLowerCase())) : null;
    this.script = [...(p.script ?? [])];
    this.rng = createRng(p.seed ?? 1);
    this.latencyMs = p.latencyMs ?? 300;
    this.noAnswerMs = p.noAnswerMs ?? 30_000;
    this.probability = probability;
    this.kinds = p.kinds ?? ALL_FAULT_KINDS;
  }

  /** The fault for the next request (to `path`), or null. */
  next(path?: string): FaultKind | null {
    if (this.paths && !this.paths.has((path ?? '').toLowerCase())) return null;
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (this.rates.length > 0) {
      let draw = this.rng();
      for (const [kind, rate] of this.rates) {
        if (draw < rate) return kind;
        draw -= rate;
      }
      return null;
    }
    if (this.probability > 0 && this.rng() < this.probability) {
      return this.kinds[Math.floor(this.rng() * this.kinds.length)] ?? null;
    }
    return null;
  }
}

/** Faults that strike before the server handles the request (nothing is applied). */
export function strikesBeforeHandling(kind: FaultKind): boolean {
  return kind !== 'latency' && kind !== 'truncated' && kind !== 'reset-after-apply';
}

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>' +
  '<p>The proxy server received an invalid response from an upstream server.</p></body></html>';

/** A body cut short mid-way, as a dropped connection or a broken proxy delivers it. */
export function truncateBody(body: string): string {
  if (body.length < 2) return '{"';
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
