// POST bodies: RunSignup's write calls take form fields (`request`, `request_format`, ...), sent
// url-encoded or as multipart (RunSignup's PHP examples post arrays, which curl sends as multipart).
// A raw JSON body is taken as the `request` itself. Pure.
import { invalidParam, type ApiError } from './errors';

export function parseFormBody(
  contentType: string | undefined,
  body: string,
): Record<string, string> | ApiError {
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return {};
  if (type.startsWith('multipart/form-data')) {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const boundary = m?.[1] ?? m?.[2];
    if (!boundary) return invalidParam('multipart body without a boundary.');
    return parseMultipart(body, boundary.trim());
  }
  if (type.startsWith('application/json')) return { request: body, request_format: 'json' };
  // url-encoded, or no content type at all (curl's default for -d is url-encoded too).
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export function parseMultipart(body: string, boundary: string): Record<string, string> | ApiError {
  const out: Record<string, string> = {};
  const parts = body.split(`--${boundary}`);
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break; // closing delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return invalidParam('malformed multipart part.');
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return invalidParam('multipart part without a name.');
    out[name] = part.slice(headerEnd + 4).replace(/\r\n$/, '');
  }
  return out;
}

/** The first value of each query parameter. */
export function queryObject(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) if (!(k in out)) out[k] = v;
  return out;
}
