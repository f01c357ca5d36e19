// Reading RunSignup back, beside the posting: the read-back that confirms an "X" clear, and the
// standing audit that compares every field this station owns with what RunSignup shows
// (DESIGN.md §5, "sent is not verified"). The sync loop decides when it is quiet enough to
// read; this decides what is due, reads, judges and records, and says what the status shows.
import type { SyncStatus } from '../../src-shared/station-api';
import { type AuditedField, auditVerdict, shownValue, summarize } from './audit';
import { targetKey } from './post-work';
import type {
  ClearVerification,
  FieldVerdict,
  Outbox,
  OutboxRow,
  PostTarget,
  ResultAudit,
  ResultReadRow,
} from './ports';

/**
 * A read-back that says it is partial: a reader that knows it stopped early (a page shorter than
 * asked for before the total, a capped page) sets `complete: false` on the array it returns.
 */
export type ReadBackRows = ResultReadRow[] & { complete?: boolean };

/** A read of one whole result set through the poster in use. */
export type ReadResults = (target: PostTarget) => Promise<ReadBackRows>;

/** Whether every page of the result set was read (no error was thrown, none flagged partial). */
export function readComplete(records: ReadBackRows): boolean {
  return records.complete !== false;
}

/**
 * What a read-back says about one cleared field: `cleared` only when the bib's row
 * is there with the field empty, or the row is absent from a complete read. A row without the
 * field, or absent from a partial read, proves nothing: `unknown`.
 */
export function readBackVerdict(
  record: ResultReadRow | undefined,
  field: string,
  complete: boolean,
): { kind: 'cleared' } | { kind: 'shown'; shown: string } | { kind: 'unknown' } {
  if (record === undefined) return complete ? { kind: 'cleared' } : { kind: 'unknown' };
  if (!Object.prototype.hasOwnProperty.call(record, field)) return { kind: 'unknown' };
  const shown = record[field];
  if (shown === undefined || shown === null || String(shown).trim() === '') {
    return { kind: 'cleared' };
  }
  return { kind: 'shown', shown: String(shown) };
}

/** What the audits did, for the chaos and torture figures. */
export interface CheckFigures {
  audits: number;
  auditFailures: number;
  compared: number;
  verified: number;
  repairs: number;
  conflicts: number;
}

export interface ResultChecksOptions {
  outbox: Pick<Outbox, 'markAttention'>;
  /** Acknowledged "X" clears awaiting a read-back (absent: none is read back). */
  verification: ClearVerification | undefined;
  /** The standing audit (absent: no audit). */
  audit: ResultAudit | undefined;
  now: () => number;
  /** How long RunSignup may still apply a request the client gave up on. */
  settleMs: number;
  /** How often each result set is audited while nothing else is due. */
  auditEveryMs: number;
  /** An audit starts only after this long without a post. */
  auditQuietMs: number;
  /** The least time between two read-backs. */
  readBackPaceMs: number;
}

/** A patch of the sync status for the loop to show with fresh counts, or null for no change. */
export type StatusPatch = Partial<SyncStatus> | null;

export class ResultChecks {
  private readonly options: ResultChecksOptions;
  /** Per target, when it is next audited (absent: at the first quiet moment). */
  private readonly auditDueAt = new Map<string, number>();
  private lastReadBackAt = Number.NEGATIVE_INFINITY;
  /** Reposts the audit made per field and version: one that never shows is parked, not looped. */
  private repostsOf = new Map<string, number>();
  private readonly figuresSoFar: CheckFigures = {
    audits: 0,
    auditFailures: 0,
    compared: 0,
    verified: 0,
    repairs: 0,
    conflicts: 0,
  };

  constructor(options: ResultChecksOptions) {
    this.options = options;
  }

  figures(): CheckFigures {
    return { ...this.figuresSoFar };
  }

  /** Every result set is audited at the next quiet moment (a reconnect, a resume, a request). */
  auditAllSoon(): void {
    this.auditDueAt.clear();
  }

  /** A post of unknown outcome: its result set is audited once RunSignup can no longer apply it. */
  afterUncertainPost(target: PostTarget, receivedAt: number): void {
    const key = targetKey(target);
    const due = receivedAt + this.options.settleMs + 1;
    this.auditDueAt.set(key, Math.min(this.auditDueAt.get(key) ?? due, due));
  }

  /** Acknowledged X rows awaiting a read-back, of the targets `eligible` lets the loop read. */
  awaitingReadBack(eligible: (target: PostTarget) => boolean): OutboxRow[] {
    if (!this.options.verification) return [];
    return this.options.verification.awaitingReadBack().filter((r) => eligible(r));
  }

  /** How long until the next read-back is allowed (zero or less: now). */
  readBackIn(): number {
    return this.lastReadBackAt + this.options.readBackPaceMs - this.options.now();
  }

  /** The result set to audit next and how long until it is due (quiet time included), or null. */
  nextAudit(
    eligible: (target: PostTarget) => boolean,
    lastPostAt: number,
  ): { target: PostTarget; inMs: number } | null {
    const audit = this.options.audit;
    if (!audit) return null;
    const at = this.options.now();
    let best: { target: PostTarget; inMs: number } | null = null;
    for (const target of audit.auditTargets()) {
      if (!eligible(target)) continue;
      const due = this.auditDueAt.get(targetKey(target)) ?? Number.NEGATIVE_INFINITY;
      const start = Math.max(due, lastPostAt + this.options.auditQuietMs);
      if (!best || start - at < best.inMs) best = { target, inMs: start - at };
    }
    return best;
  }

  /**
   * Reads back one result set (the first awaiting row's) and settles each of its awaiting rows:
   * cleared when RunSignup shows the field empty (or the row is absent from a complete read),
   * attention when it shows a value (never "sent"), and left in "verify" when the read cannot tell.
   */
  async readBack(read: ReadResults, awaiting: OutboxRow[]): Promise<StatusPatch> {
    const first = awaiting[0];
    const verification = this.options.verification;
    if (!first || !verification) return null;
    const target = { eventId: first.eventId, resultSetId: first.resultSetId };
    const rows = awaiting.filter((r) => targetKey(r) === targetKey(target));
    this.lastReadBackAt = this.options.now();
    let records: ReadBackRows;
    try {
      records = await read(target);
    } catch (err) {
      // Tried again after the pace; the rows keep "verify on RunSignup" meanwhile.
      const message = err instanceof Error ? err.message : String(err);
      this.lastReadBackAt = this.options.now();
      return { lastError: `Could not read results back from RunSignup: ${message}` };
    }
    this.lastReadBackAt = this.options.now();
    const complete = readComplete(records);
    const byBib = new Map<number, ResultReadRow>();
    for (const r of records) byBib.set(Number(r['bib']), r);
    for (const row of rows) {
      const verdict = readBackVerdict(byBib.get(row.bib), row.field, complete);
      // Unknown (a read that may have stopped early, or a row without the field): the row keeps
      // "verify on RunSignup" and is read again after the pace.
      if (verdict.kind === 'unknown') continue;
      verification.confirmReadBack(
        row,
        verdict.kind === 'cleared',
        verdict.kind === 'cleared'
          ? null
          : `RunSignup accepted "X" for ${row.field} of bib ${row.bib} but still shows ` +
              `"${verdict.shown}": remove it on RunSignup.`,
      );
    }
    return {};
  }

  /**
   * Reads one result set back and compares every field this station owns with it: its own older
   * value or a missing one is posted again, a value it never sent is a conflict for the timer, a
   * value that matches once no post of unknown outcome can still land is verified.
   */
  async audit(read: ReadResults, target: PostTarget): Promise<StatusPatch> {
    const audit = this.options.audit;
    if (!audit) return null;
    const { now, settleMs } = this.options;
    const startedAt = now();
    let records: ReadBackRows;
    try {
      records = await read(target);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = now();
      this.figuresSoFar.auditFailures += 1;
      audit.applyAudit([], {
        ...target,
        startedAt,
        finishedAt: at,
        rowsRead: 0,
        compared: 0,
        verified: 0,
        repaired: 0,
        conflicts: 0,
        waiting: 0,
        error: message.slice(0, 500),
      });
      // Tried again after a pause: a failed read must not keep the loop busy.
      this.auditDueAt.set(targetKey(target), at + Math.min(this.options.auditEveryMs, 30_000));
      return { lastError: `Could not read results back from RunSignup: ${message}` };
    }
    const finishedAt = now();
    const complete = readComplete(records);
    const byBib = new Map<number, ResultReadRow>();
    for (const r of records) {
      const bib = Number(r['bib']);
      if (Number.isInteger(bib) && bib > 0 && !byBib.has(bib)) byBib.set(bib, r);
    }
    const fields = audit.auditFields(target);
    const verdicts = fields.map((field) => ({
      field,
      verdict: auditVerdict(
        field,
        shownValue(byBib.get(field.bib), field.field, complete),
        startedAt,
        settleMs,
      ),
    }));
    verdicts.push(...foreignConflicts(target, fields, byBib, complete, startedAt));
    const summary = summarize(
      records.length,
      verdicts.map((v) => v.verdict),
    );
    audit.applyAudit(verdicts, { ...target, startedAt, finishedAt, ...summary, error: null });
    this.parkRepeatedReposts(verdicts);
    const f = this.figuresSoFar;
    f.audits += 1;
    f.compared += summary.compared;
    f.verified += summary.verified;
    f.repairs += summary.repaired;
    f.conflicts += summary.conflicts;
    this.scheduleAudit(target, finishedAt);
    // A repair is read back as soon as the loop is quiet again, to verify it.
    if (summary.repaired > 0) this.auditDueAt.set(targetKey(target), finishedAt);
    return {
      online: true,
      lastAuditAt: finishedAt,
      lastAudit:
        `${summary.compared} field(s) compared: ${summary.verified} verified, ` +
        `${summary.repaired} posted again, ${summary.conflicts} conflict(s)` +
        (summary.waiting > 0 ? `, ${summary.waiting} waiting for late posts to settle` : ''),
    };
  }

  /** When this target is next audited: the regular pace, or sooner once uncertain posts settle. */
  private scheduleAudit(target: PostTarget, at: number): void {
    const audit = this.options.audit;
    if (!audit) return;
    const since = audit.uncertainSince(target);
    const settled = since === null ? Number.POSITIVE_INFINITY : since + this.options.settleMs + 1;
    this.auditDueAt.set(targetKey(target), Math.min(at + this.options.auditEveryMs, settled));
  }

  /**
   * A field posted again by the audit that RunSignup still does not show after the next post
   * and read is parked with the reason, so a value RunSignup will not keep is never posted in a
   * loop (RunSignup answering success and ignoring it).
   */
  private parkRepeatedReposts(
    verdicts: ReadonlyArray<{ field: AuditedField; verdict: { kind: string; shown?: string } }>,
  ): void {
    for (const { field: f, verdict } of verdicts) {
      if (verdict.kind !== 'repost' || f.wantedValue === null) continue;
      const key = `${f.resultSetId}|${f.bib}|${f.field}|${f.wantedVersion}`;
      const n = (this.repostsOf.get(key) ?? 0) + 1;
      this.repostsOf.set(key, n);
      if (n <= 3) continue;
      this.repostsOf.delete(key);
      const shown = verdict.shown ? `"${verdict.shown}"` : 'nothing';
      this.options.outbox.markAttention(
        { ...f, value: f.wantedValue, version: f.wantedVersion },
        `RunSignup accepted ${f.field} "${f.wantedValue}" for bib ${f.bib} but still shows ` +
          `${shown} after it was posted again: check it on RunSignup, then retry.`,
      );
    }
    if (this.repostsOf.size > 10_000) this.repostsOf.clear();
  }
}

/** Bibs RunSignup holds with a field this station owns that it never had a value for. */
function foreignConflicts(
  target: PostTarget,
  fields: readonly AuditedField[],
  byBib: ReadonlyMap<number, ResultReadRow>,
  complete: boolean,
  startedAt: number,
): Array<{ field: AuditedField; verdict: FieldVerdict }> {
  const owned = new Set(fields.map((f) => f.field));
  const known = new Set(fields.map((f) => `${f.bib}|${f.field}`));
  const out: Array<{ field: AuditedField; verdict: FieldVerdict }> = [];
  for (const [bib, record] of byBib) {
    for (const name of owned) {
      if (known.has(`${bib}|${name}`)) continue;
      const foreign: AuditedField = {
        ...target,
        bib,
        field: name,
        wantedValue: null,
        wantedVersion: 0,
        ackedVersion: 0,
        ownValues: [],
        uncertainAt: null,
        conflictVersion: null,
        yieldedVersion: null,
        attentionVersion: null,
      };
      const verdict = auditVerdict(foreign, shownValue(record, name, complete), startedAt, 0);
      if (verdict.kind === 'conflict') out.push({ field: foreign, verdict });
    }
  }
  return out;
}
