// Post Event Results (RUNSIGNUP-API.md §4): the request payload, and reading the answer. The
// success body is undocumented, so success is "HTTP 2xx and no error key"; what else is read
// from it (a per-row failure report, if RunSignup ever sends one) is
// CLIENT_ASSUMPTIONS.successBodyRowFailures.
import type { ResultPostRow } from '../../src-shared/sync-contract';
import { CLIENT_ASSUMPTIONS } from './assumptions';
import { classifyErrorCode, RunSignupError } from './errors';

/** Checks the rows before anything is sent: a clear error instead of a confusing server answer. */
export function validatePostRows(rows: readonly ResultPostRow[]): void {
  if (!Array.isArray(rows)) throw new TypeError('Results to post must be a list of rows.');
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new TypeError(`Result row ${i + 1} is not an object.`);
    }
    const keys = Object.keys(row);
    if (keys.length === 0) throw new TypeError(`Result row ${i + 1} has no fields.`);
    for (const k of keys) {
      const v = row[k];
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string') {
        throw new TypeError(`Result row ${i + 1}: field "${k}" must be text or a finite number.`);
      }
    }
  });
}

/** The form fields of a full-results POST. */
export function fullResultsForm(rows: readonly ResultPostRow[]): Record<string, string> {
  return { request: JSON.stringify({ results: rows }), request_format: 'json' };
}

export interface RowFailure {
  /** 1-based row number in the posted batch, when the report says. */
  row: number | null;
  bib: string | null;
  code: number | null;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FAILURE_LIST_KEY = /(^|_)(errors?|failed|failures?|invalid|rejected|rejects)(_|$)/i;

function toRowFailure(entry: unknown): RowFailure | null {
  if (typeof entry === 'string') return { row: null, bib: null, code: null, message: entry };
  if (!isRecord(entry)) return null;
  const nested = isRecord(entry['error']) ? entry['error'] : entry;
  const codeRaw = nested['error_code'] ?? nested['code'];
  const code =
    typeof codeRaw === 'number'
      ? codeRaw
      : typeof codeRaw === 'string' && /^\d+$/.test(codeRaw)
        ? Number(codeRaw)
        : null;
  const msgRaw = nested['error_msg'] ?? nested['message'] ?? nested['msg'] ?? entry['error'];
  const rowRaw = entry['row'] ?? entry['index'] ?? entry['row_num'];
  const row =
    typeof rowRaw === 'number' && Number.isInteger(rowRaw)
      ? rowRaw
      : typeof rowRaw === 'string' && /^\d+$/.test(rowRaw)
        ? Number(rowRaw)
        : null;
  const bibRaw =
    entry['bib'] ??
    entry['bib_num'] ??
    (isRecord(entry['result']) ? entry['result']['bib'] : undefined);
  return {
    row,
    bib: bibRaw == null ? null : String(bibRaw),
    code,
    message:
      typeof msgRaw === 'string' ? msgRaw : code != null ? `RunSignup error ${code}` : 'rejected',
  };
}

/** What `rowFailuresOf` reads from a success body (CLIENT_ASSUMPTIONS.successBodyRowFailures). */
export type SuccessBodyRowFailures = (typeof CLIENT_ASSUMPTIONS)['successBodyRowFailures'];

// A key about rows skipped on request (skip_invalid_registration_ids) never names a failure.
const SKIPPED_KEY = /(^|_)skip(ped|s)?(_|$)/i;

/**
 * Per-row failures in a successful full-results answer, as far as `mode` trusts the
 * undocumented body: with `failure-lists`, a non-empty list of entries under a key that says
 * errors/failed/invalid/rejected, at the top level or one level down (e.g. `{"results":
 * {"failed":[...]}}`); with `failure-lists-and-counts`, a count such as `{"num_failed": 2}` too;
 * with `ignore`, nothing.
 */
export function rowFailuresOf(
  body: unknown,
  mode: SuccessBodyRowFailures = CLIENT_ASSUMPTIONS.successBodyRowFailures,
): RowFailure[] {
  if (mode === 'ignore' || !isRecord(body)) return [];
  const scopes: Record<string, unknown>[] = [body, ...Object.values(body).filter(isRecord)];
  for (const scope of scopes) {
    for (const [key, value] of Object.entries(scope)) {
      if (!FAILURE_LIST_KEY.test(key) || SKIPPED_KEY.test(key)) continue;
      if (Array.isArray(value) && value.length > 0) {
        const failures = value.map(toRowFailure).filter((f): f is RowFailure => f !== null);
        if (failures.length > 0) return failures;
      }
      if (mode === 'failure-lists-and-counts' && typeof value === 'number' && value > 0) {
        return [
          {
            row: null,
            bib: null,
            code: null,
            message: `RunSignup reported ${value} row(s) not saved.`,
          },
        ];
      }
    }
  }
  return [];
}

/** The batch-level error for per-row failures: "rejected", naming the rows, RunSignup's text first. */
export function rowFailuresError(failures: RowFailure[]): RunSignupError {
  const first = failures[0];
  const describe = (f: RowFailure): string =>
    `${f.bib != null ? `bib ${f.bib}` : f.row != null ? `row ${f.row}` : 'a row'}: ${f.message}`;
  const shown = failures.slice(0, 3).map(describe).join('; ');
  const more = failures.length > 3 ? ` (and ${failures.length - 3} more)` : '';
  const code = first?.code ?? null;
  const kind = code == null ? 'rejected' : classifyErrorCode(code);
  return new RunSignupError({
    // A per-row report always means "these rows were refused"; a retry code there still is.
    kind: kind === 'unknown' || kind === 'not-found' ? 'rejected' : kind,
    code,
    message: `RunSignup did not save ${failures.length} row(s) — ${shown}${more}`,
  });
}
