// The seams of the sync loop: what it reads from the outbox and what it needs from RunSignup.
// The core implements `Outbox` over SQLite; the RunSignup client provides `ResultsPoster`. The
// types themselves live in src-shared, so the core and the client need not import the sync.
export type {
  AuditRun,
  AuditSummary,
  AuditedField,
  ClearVerification,
  ConflictRow,
  FieldVerdict,
  Outbox,
  OutboxRow,
  PostOutcome,
  PostTarget,
  ResultAudit,
  ResultPostRow,
  ResultReadRow,
  ResultsPoster,
  RunnerCounts,
} from '../../src-shared/sync-contract';
