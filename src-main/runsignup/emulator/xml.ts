// RunSignup answers XML unless `format=json`. This serializer maps the JSON answer shapes onto
// XML the way RunSignup's XML looks: one element per key, arrays as repeated children named by
// the singular of the list's name, null as an empty element.

// Characters XML 1.0 cannot carry at all (even escaped): C0 controls except tab/LF/CR, lone
// surrogates, U+FFFE/U+FFFF. Dropped, so any stored name still yields a well-formed document.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** XML element names cannot start with a digit or hold most punctuation; keys like `split-12` are fine. */
function elementName(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** `events` → `event`, `individual_results_sets` → `individual_results_set`, `results` → `result`. */
export function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('s') && name.length > 1) return name.slice(0, -1);
  return `${name}_item`;
}

function node(name: string, value: unknown, out: string[]): void {
  const tag = elementName(name);
  if (value === null || value === undefined || value === '') {
    out.push(`<${tag}/>`);
  } else if (Array.isArray(value)) {
    out.push(`<${tag}>`);
    for (const item of value) node(singular(name), item, out);
    out.push(`</${tag}>`);
  } else if (typeof value === 'object') {
    out.push(`<${tag}>`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) node(k, v, out);
    out.push(`</${tag}>`);
  } else {
    out.push(`<${tag}>${escapeXml(String(value))}</${tag}>`);
  }
}

/**
 * Serializes an answer. An object with exactly one key becomes that root element (`{race:{…}}` →
 * `<race>…</race>`); anything else is wrapped in `<response>`.
 */
export function toXml(value: unknown): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  const keys =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.length === 1 && keys[0] !== undefined) {
    node(keys[0], (value as Record<string, unknown>)[keys[0]], out);
  } else if (Array.isArray(value)) {
    out.push('<response>');
    for (const item of value) node('item', item, out);
    out.push('</response>');
  } else if (keys.length === 0) {
    out.push('<response/>');
  } else {
    node('response', value, out);
  }
  return out.join('');
}
