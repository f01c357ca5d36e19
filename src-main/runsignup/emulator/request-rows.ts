// Post Event Results payloads in the three request formats RunSignup takes (json, csv, xml),
// reduced to one shape: a row is field name → text, or null for a JSON null. Pure.
import { XMLParser } from 'fast-xml-parser';
import { invalidParam, type ApiError } from './errors';

export type PostedRow = Record<string, string | null>;
export type RequestFormat = 'json' | 'csv' | 'xml';

export function parseRequestFormat(raw: string | undefined): RequestFormat | ApiError {
  const f = (raw ?? 'xml').trim().toLowerCase();
  if (f === 'json' || f === 'csv' || f === 'xml') return f;
  return invalidParam(`request_format must be json, csv or xml, not "${raw}"`);
}

function cellText(value: unknown, where: string): string | null | ApiError {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  return invalidParam(`${where} must be a string, a number or null`);
}

export function parseJsonRows(request: string): PostedRow[] | ApiError {
  let body: unknown;
  try {
    body = JSON.parse(request);
  } catch {
    return invalidParam('request is not valid JSON');
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return invalidParam('request must be {"results":[...]}');
  const rows: PostedRow[] = [];
  for (const [i, item] of results.entries()) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      return invalidParam(`result row ${i + 1} is not an object`);
    }
    const row: PostedRow = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      const text = cellText(v, `row ${i + 1}, field ${k}`);
      if (typeof text === 'object' && text !== null) return text;
      row[k] = text;
    }
    rows.push(row);
  }
  return rows;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Blank lines are skipped. */
export function parseCsv(text: string): string[][] | ApiError {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let lineQuoted = false; // a line holding only "" is a row with one empty cell, not a blank line
  const endRecord = () => {
    const blank = !lineQuoted && record.length === 0 && field.trim() === '';
    if (!blank) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = '';
    fieldStarted = false;
    lineQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      lineQuoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) return invalidParam('CSV request has an unterminated quoted field');
  endRecord();
  return records;
}

export function parseCsvRows(request: string): PostedRow[] | ApiError {
  const records = parseCsv(request.replace(/^\uFEFF/, ''));
  if (!Array.isArray(records)) return records;
  const [header, ...data] = records;
  if (!header || header.length === 0) return invalidParam('CSV request has no header row');
  const names = header.map((h) => h.trim());
  const rows: PostedRow[] = [];
  for (const [i, cells] of data.entries()) {
    if (cells.length !== names.length) {
      return invalidParam(
        `CSV row ${i + 1} has ${cells.length} fields but the header has ${names.length}`,
      );
    }
    const row: PostedRow = {};
    names.forEach((name, j) => {
      row[name] = cells[j] ?? '';
    });
    rows.push(row);
  }
  return rows;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'result' || name === 'field',
});

/** `<request><result><field><name>bib</name><value>123</value></field>…</result></request>` */
export function parseXmlRows(request: string): PostedRow[] | ApiError {
  let doc: unknown;
  try {
    doc = xmlParser.parse(request, true);
  } catch (e) {
    return invalidParam(`request is not valid XML (${(e as Error).message.split('\n')[0]})`);
  }
  const root = (doc as { request?: unknown } | null)?.request;
  if (root === undefined) return invalidParam('XML request must have a <request> root');
  const results = (root as { result?: unknown } | '' | null) || {};
  const list = (results as { result?: unknown[] }).result ?? [];
  const rows: PostedRow[] = [];
  for (const [i, result] of list.entries()) {
    const fields = ((result as { field?: unknown[] } | '') || {}).field ?? [];
    const row: PostedRow = {};
    for (const f of fields) {
      const name = (f as { name?: unknown }).name;
      if (typeof name !== 'string' || name === '') {
        return invalidParam(`XML result ${i + 1} has a <field> without a <name>`);
      }
      const value = (f as { value?: unknown }).value;
      row[name] = typeof value === 'string' ? value : value === undefined ? null : String(value);
    }
    rows.push(row);
  }
  return rows;
}

export function parseRows(request: string, format: RequestFormat): PostedRow[] | ApiError {
  if (format === 'json') return parseJsonRows(request);
  if (format === 'csv') return parseCsvRows(request);
  return parseXmlRows(request);
}
