// Keeping credentials out of every log line and error text. Two layers: query parameters that
// carry credentials are masked by name, and any known secret value is masked wherever it appears
// (a server echoing a key back, an exception quoting a URL).

/** Query parameters whose values are credentials or identify a session. */
export const CREDENTIAL_PARAMS: readonly string[] = [
  'api_key',
  'api_secret',
  'tmp_key',
  'tmp_secret',
  'rsu_api_key',
  'rsu_api_reg',
  'sp_api_key',
  'password',
  'access_token',
  'refresh_token',
  'token',
];

export const REDACTED = '***';

/** A URL (absolute or a path with a query) with every credential parameter's value masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const base = url.slice(0, q);
  const hashAt = url.indexOf('#', q);
  const query = hashAt < 0 ? url.slice(q + 1) : url.slice(q + 1, hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    let name: string;
    try {
      name = decodeURIComponent(part.slice(0, eq).replace(/\+/g, ' ')).toLowerCase();
    } catch {
      name = part.slice(0, eq).toLowerCase();
    }
    return CREDENTIAL_PARAMS.includes(name) ? `${part.slice(0, eq)}=${REDACTED}` : part;
  });
  return `${base}?${parts.join('&')}${hash}`;
}

/**
 * `text` with every occurrence of each secret (as is, URL-encoded and form-encoded) replaced.
 * Very short values are ignored: masking "a" everywhere would destroy the message, and a
 * one-character secret is not one anyone can use.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const variants = new Set<string>();
  for (const s of secrets) {
    if (s.length < 3) continue;
    variants.add(s);
    variants.add(encodeURIComponent(s));
    variants.add(encodeURIComponent(s).replace(/%20/g, '+'));
    variants.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret containing another is masked whole.
  for (const v of [...variants].sort((a, b) => b.length - a.length)) {
    out = out.split(v).join(REDACTED);
  }
  return out;
}

/** Both layers at once: for any text that may quote a URL or a secret. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactSecrets(
    text.replace(/\S*\?\S*/g, (m) => redactUrl(m)),
    secrets,
  );
}
