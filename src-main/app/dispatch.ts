// One request in, one answer out: the part of both shells that turns an untrusted message into
// a StationApi call. Every failure (not JSON, not a request, the station threw) becomes an
// `{ok:false, error}` answer with a sentence a person can read; nothing here throws.
import type { StationApi } from '../../src-shared/station-api';
import { WireRequest, type WireMessage } from '../../src-shared/wire';
import { describeIssues } from '../../src-shared/zod-issues';

/** The largest message a shell accepts; a journal page or a tap is a few hundred bytes. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** The id of a request that failed validation, when it carried a usable one. */
function salvageId(value: unknown): number | null {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  }
  return null;
}

export function errorText(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'The station could not complete the request.';
}

/** Parse a raw text frame: JSON first, then the request schema. */
export function parseWireText(
  text: string,
): { ok: true; request: WireRequest } | { ok: false; message: WireMessage } {
  if (text.length > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      message: { id: null, ok: false, error: 'The message is too large to be a station request.' },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: { id: null, ok: false, error: 'The message is not valid JSON.' } };
  }
  return parseWireValue(value);
}

export function parseWireValue(
  value: unknown,
): { ok: true; request: WireRequest } | { ok: false; message: WireMessage } {
  const parsed = WireRequest.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      message: {
        id: salvageId(value),
        ok: false,
        error: `The station did not understand the request (${describeIssues(parsed.error)}).`,
      },
    };
  }
  return { ok: true, request: parsed.data };
}

/** Run a validated request against the station; exceptions become error answers. */
export async function runRequest(api: StationApi, request: WireRequest): Promise<WireMessage> {
  try {
    if (request.kind === 'command') {
      // A command the station refused is still an answer: the CommandResult travels as the
      // result; `ok:false` at the wire level means the request itself failed.
      const result = await api.command(request.body);
      return { id: request.id, ok: true, result };
    }
    const result = await api.query(request.body);
    return { id: request.id, ok: true, result };
  } catch (error) {
    return { id: request.id, ok: false, error: errorText(error) };
  }
}

/** Parse and run one text frame. */
export async function dispatchText(api: StationApi, text: string): Promise<WireMessage> {
  const parsed = parseWireText(text);
  if (!parsed.ok) return parsed.message;
  return runRequest(api, parsed.request);
}
