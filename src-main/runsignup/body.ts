// Reading a RunSignup response body: JSON as asked, XML in case `format` was ignored, and the
// error envelope that comes back at HTTP 200 (RUNSIGNUP-API.md §1). Pure: it never throws, it
// says what the body is so the caller can classify it.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type DecodedBody =
  | { type: 'empty' }
  | { type: 'json'; value: unknown }
  | { type: 'xml'; value: unknown }
  /** An HTML page (a gateway, proxy or captive portal answered instead of RunSignup). */
  | { type: 'html' }
  /** JSON or XML that stops before its end: the connection dropped mid-body. */
  | { type: 'truncated' }
  /** Something that is none of the above. */
  | { type: 'garbage' };

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  // Keep every value a string; schemas coerce what they need (an XML bib "007" stays itself).
  parseTagValue: false,
  trimValues: true,
});

export function decodeBody(text: string): DecodedBody {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') return { type: 'empty' };
  const first = body[0];
  if (first === '{' || first === '[' || first === '"' || /^(true|false|null|-?\d)/.test(body)) {
    try {
      return { type: 'json', value: JSON.parse(body) as unknown };
    } catch {
      return first === '{' || first === '[' ? { type: 'truncated' } : { type: 'garbage' };
    }
  }
  if (first === '<') {
    const head = body.slice(0, 512).toLowerCase();
    if (/<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]/.test(head)) return { type: 'html' };
    if (XMLValidator.validate(body) !== true) return { type: 'truncated' };
    try {
      return { type: 'xml', value: xmlParser.parse(body) as unknown };
    } catch {
      return { type: 'garbage' };
    }
  }
  return { type: 'garbage' };
}

export interface ErrorEnvelope {
  /** null when the envelope carried no integer code. */
  code: number | null;
  /** RunSignup's own text, or '' when it sent none. */
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toCode(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return null;
}

/** Every string leaf of a value, in document order (for `<error_details>` of any shape). */
function textsOf(v: unknown, depth = 0): string[] {
  if (depth > 6 || v == null) return [];
  if (typeof v === 'string') return v.trim() === '' ? [] : [v.trim()];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return v.flatMap((x) => textsOf(x, depth + 1));
  if (isRecord(v)) return Object.values(v).flatMap((x) => textsOf(x, depth + 1));
  return [];
}

function envelopeFromErrorNode(node: unknown): ErrorEnvelope {
  if (!isRecord(node)) {
    // `{"error": "text"}`: no code, keep the text.
    return { code: null, message: textsOf(node).join(' ') };
  }
  const code = toCode(node['error_code'] ?? node['code']);
  const parts = [
    ...textsOf(node['error_msg'] ?? node['message']),
    ...textsOf(node['error_details']),
  ];
  return { code, message: [...new Set(parts)].join(' — ') };
}

/**
 * The error envelope of a decoded body, or null when it is not one. JSON: a top-level `error`
 * key. XML: an `<error>` element at the root or one level below it (a wrapping `<response>`).
 */
export function errorEnvelopeOf(decoded: DecodedBody): ErrorEnvelope | null {
  if (decoded.type !== 'json' && decoded.type !== 'xml') return null;
  const root = decoded.value;
  if (!isRecord(root)) return null;
  if ('error' in root && root['error'] != null && root['error'] !== false) {
    const envelope = envelopeFromErrorNode(root['error']);
    // An OAuth2 refusal (RFC 6749 §5.2): `{"error": "invalid_grant", "error_description": …}`.
    const description = textsOf(root['error_description']).join(' ');
    return typeof root['error'] === 'string' && description !== ''
      ? { code: null, message: `${envelope.message}: ${description}` }
      : envelope;
  }
  if (decoded.type === 'xml') {
    for (const child of Object.values(root)) {
      if (isRecord(child) && 'error' in child) return envelopeFromErrorNode(child['error']);
    }
  }
  return null;
}
