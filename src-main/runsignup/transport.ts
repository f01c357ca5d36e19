// The HTTP edge of the client: one undici Agent per client with explicit connect, headers, body
// and overall timeouts. It turns every network failure into a retryable RunSignupError whose
// text names what happened (never the URL, which carries credentials) and hands back the raw
// status, headers and body text plus the timing the clock-offset estimator needs.
import { Agent, request } from 'undici';
import { RunSignupError } from './errors';

export interface Timeouts {
  /** TCP + TLS connection. */
  connectMs: number;
  /** From the request sent to the response headers received. */
  headersMs: number;
  /** Longest silence while the body streams in. */
  bodyMs: number;
  /** The whole exchange, whatever happens. */
  overallMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 15_000,
  overallMs: 30_000,
};

/** A participants page of 2500 is well under a megabyte; anything near this is not RunSignup. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** Local clock when the request was handed to the socket layer, and when the body ended. */
  sentAt: number;
  receivedAt: number;
  /** The server's `Date` header in ms since epoch (1 s resolution), or null when absent/invalid. */
  serverDate: number | null;
}

export function parseHttpDate(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function flattenHeaders(
  h: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  UND_ERR_HEADERS_TIMEOUT: 'did not start answering in time',
  UND_ERR_BODY_TIMEOUT: 'stopped sending its answer',
};

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'dropped the connection',
  UND_ERR_SOCKET: 'dropped the connection',
  EPIPE: 'dropped the connection',
  ENOTFOUND: 'could not be found (no DNS answer: offline?)',
  EAI_AGAIN: 'could not be found (DNS is not answering: offline?)',
  ENETUNREACH: 'is unreachable (no network)',
  EHOSTUNREACH: 'is unreachable (no route)',
  ETIMEDOUT: 'did not answer in time',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'sent an answer that was cut off',
  UND_ERR_CLOSED: 'closed the connection',
  UND_ERR_DESTROYED: 'closed the connection',
  HPE_INVALID_CONSTANT: 'sent something that is not HTTP',
};

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  // undici wraps the socket's error as `cause`; look a few levels down for a code.
  for (let i = 0; i < 4 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A network-level failure as a RunSignupError. The message is built from the error CODE only:
 * undici and Node messages may quote the URL, and the URL carries the credentials.
 */
export function networkError(
  e: unknown,
  overallTimedOut: boolean,
  timeouts: Timeouts,
): RunSignupError {
  if (overallTimedOut) {
    return new RunSignupError({
      kind: 'retryable',
      message: `RunSignup did not finish answering within ${timeouts.overallMs / 1000} s.`,
    });
  }
  const code = errorCode(e);
  if (code && code in TIMEOUT_CODES) {
    return new RunSignupError({
      kind: 'retryable',
      message: `RunSignup ${TIMEOUT_CODES[code]} (${code}).`,
    });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new RunSignupError({
      kind: 'unknown',
      message: 'RunSignup sent an answer too large to be real.',
    });
  }
  const what = code ? (NETWORK_CODES[code] ?? 'could not be reached') : 'could not be reached';
  return new RunSignupError({
    kind: 'retryable',
    message: `RunSignup ${what}${code ? ` (${code})` : ''}.`,
  });
}

export class HttpTransport {
  private readonly agent: Agent;

  constructor(
    readonly timeouts: Timeouts,
    private readonly now: () => number = Date.now,
  ) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
      // Idle keep-alive sockets are dropped soon: a station's next request may be minutes away.
      keepAliveTimeout: 4_000,
    });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    let overallTimedOut = false;
    const timer = setTimeout(() => {
      overallTimedOut = true;
      controller.abort();
    }, this.timeouts.overallMs);
    const sentAt = this.now();
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal: controller.signal,
      });
      const text = await res.body.text();
      const receivedAt = this.now();
      const headers = flattenHeaders(res.headers);
      return {
        status: res.statusCode,
        headers,
        text,
        sentAt,
        receivedAt,
        serverDate: parseHttpDate(headers['date']),
      };
    } catch (e) {
      throw networkError(e, overallTimedOut, this.timeouts);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
