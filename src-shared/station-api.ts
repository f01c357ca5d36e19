// The one contract between the renderer and the station, whichever shell carries it
// (Electron preload or the web host's WebSocket). Every message crossing a process boundary is
// parsed with these schemas, both ways.
import { z } from 'zod';
import { Participant, ResultStatus, StationConfig, StationRole, TimePrecision } from './domain';

/** A rolling backup's file name, as the backup list gives it (never a path). */
const BackupFileName = z.string().regex(/^chute-\d{8}T\d{9}Z-\d{4,}\.sqlite$/);

/** Raw text the timer typed in the bib field; the core validates it and says why it is bad. */
const BibText = z.string().max(32);
const Seq = z.number().int().positive();
const Ms = z.number().int().nonnegative();

/**
 * The app's API-caller registration RunSignup requires on every call from 2027-01-01 (token in
 * `rsu_api_reg`, secret in `X-RSU-API-REG-SECRET`), beside any of the race-account modes. Both
 * or neither: the station refuses one without the other with a sentence.
 */
const CallerFields = {
  callerToken: z.string().min(1).max(256).optional(),
  callerSecret: z.string().min(1).max(256).optional(),
};

export const Connection = z.discriminatedUnion('auth', [
  z.object({ auth: z.literal('practice') }),
  z.object({
    auth: z.literal('api-key'),
    baseUrl: z.string().url(),
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    ...CallerFields,
  }),
  z.object({
    auth: z.literal('v2-key'),
    baseUrl: z.string().url(),
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    ...CallerFields,
  }),
  z.object({
    auth: z.literal('login'),
    baseUrl: z.string().url(),
    email: z.string().min(1),
    password: z.string().min(1),
    ...CallerFields,
  }),
  z.object({
    auth: z.literal('bearer'),
    baseUrl: z.string().url(),
    token: z.string().min(1),
    /** Both or neither: with them the station renews an expired access token itself. */
    refreshToken: z.string().min(1).max(4096).optional(),
    clientId: z.string().min(1).max(256).optional(),
    ...CallerFields,
  }),
]);
export type Connection = z.infer<typeof Connection>;

/** Commands: each becomes (at most) one journal row, or changes setup. */
export const Command = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('tap'),
    at: Ms,
    bib: BibText.optional(),
    unreadable: z.boolean().optional(),
    /**
     * A time the timer typed (a missed crossing inserted), not a key press: it is on no
     * screen's clock, so the host neither corrects it by the screen's offset nor refuses it.
     */
    typed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('assign'), tapSeq: Seq, bib: BibText.nullable() }),
  z.object({ type: z.literal('adjust'), tapSeq: Seq, at: Ms }),
  z.object({ type: z.literal('void'), tapSeq: Seq }),
  z.object({ type: z.literal('status'), bib: BibText, status: ResultStatus.nullable() }),
  z.object({ type: z.literal('clear'), bib: BibText }),
  z.object({
    type: z.literal('gun'),
    eventId: z.number().int(),
    at: Ms,
    /**
     * True when `at` is the key/button event's time on the sending screen (like a tap's), so a
     * host corrects it by that screen's clock offset; false/absent for a typed time of day.
     */
    pressed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('offset'), ms: z.number().int() }),
  z.object({ type: z.literal('undo'), targetSeq: Seq.optional() }),
  z.object({ type: z.literal('retry') }),
  /**
   * The timer's decision on a conflict (RunSignup shows a value this station never sent):
   * `runsignup` keeps RunSignup's value and the station stops posting that field until it
   * changes it again; `station` posts the station's value over it.
   */
  z.object({
    type: z.literal('resolveConflict'),
    resultSetId: z.number().int(),
    bib: z.number().int().positive(),
    field: z.string().min(1).max(40),
    keep: z.enum(['runsignup', 'station']),
  }),
  /** Line-up tool: see the `shift` journal entry in domain.ts. */
  z.object({
    type: z.literal('shift'),
    fromTapSeq: Seq,
    toTapSeq: Seq,
    direction: z.enum(['earlier', 'later']),
  }),
  /** A bib in crossing order (chute recorder / bibs typed after time-only taps). */
  z.object({ type: z.literal('order'), bib: BibText }),
  /** Measure this station's clock offset to RunSignup now (several requests). */
  z.object({ type: z.literal('measureClock') }),
  z.object({ type: z.literal('connect'), connection: Connection }),
  z.object({
    type: z.literal('configure'),
    raceId: z.number().int(),
    eventIds: z.array(z.number().int()).min(1),
    role: StationRole,
    stationName: z.string().min(1).max(60),
    precision: TimePrecision.optional(),
    /**
     * The race's IANA time zone for the shared gun when RunSignup's race data gives none
     * (RunSignup's zone wins; default: kept, else the laptop's).
     */
    timeZone: z.string().min(1).max(64).optional(),
    /** The result set chosen per event (optional: without it the station picks the event's first). */
    resultSets: z
      .array(z.object({ eventId: z.number().int(), resultSetId: z.number().int() }))
      .optional(),
  }),
  z.object({ type: z.literal('refreshParticipants') }),
  /**
   * Put a backup back as the station file (the main screen's alone). The file in use is kept
   * (`replaced/` in the data folder), never overwritten without a copy.
   */
  z.object({
    type: z.literal('restoreBackup'),
    file: BackupFileName,
    /** The data folder's own backups, or the mirror folder's (a stick brought from another laptop). */
    where: z.enum(['data', 'mirror']),
    /**
     * The timer saw that results of the live race in use are not yet on RunSignup and restores
     * anyway (those not in the backup then stay only in the kept file); without it such a
     * restore is refused.
     */
    unsentConfirmed: z.boolean().optional(),
  }),
  /** Every backup is also copied to this folder (a USB stick); null: none. */
  z.object({
    type: z.literal('setBackupMirror'),
    dir: z.string().min(1).max(1024).nullable(),
  }),
]);
export type Command = z.infer<typeof Command>;

/** The commands that each become one journal row (the rest change setup or sync). */
export const JOURNAL_COMMAND_TYPES = [
  'tap',
  'assign',
  'adjust',
  'void',
  'status',
  'clear',
  'gun',
  'offset',
  'undo',
  'shift',
  'order',
] as const satisfies ReadonlyArray<Command['type']>;

export const Warning = z.object({
  code: z.enum([
    'unknown-bib',
    'other-event',
    'already-recorded',
    'no-gun',
    'unreadable',
    'clock-offset',
    // A crossing timed before its event's gun, or more than 999 h after it (a wrong gun).
    'before-gun',
    'time-too-long',
    // RunSignup's start time differs from a gun entered on this station (the local one is kept).
    'gun-conflict',
    // Setting up another race or mode moved the previous station file to the archive folder.
    'station-archived',
    // A backup was put back as the station file; the file it replaced was kept.
    'station-restored',
  ]),
  message: z.string(),
});
export type Warning = z.infer<typeof Warning>;

export const CommandResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), seq: Seq.nullable(), warnings: z.array(Warning) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type CommandResult = z.infer<typeof CommandResult>;

/**
 * `saved`: on this laptop only; `sending`: posted, no answer yet (or the answer was lost: a
 * read-back decides); `sent`: RunSignup accepted it; `verified`: a read of RunSignup shows it;
 * `conflict`: RunSignup shows a value this station never sent (the timer decides); `verify`:
 * RunSignup accepted "X" in a finish field, a read-back has not yet shown it cleared.
 */
export const SyncState = z.enum([
  'saved',
  'sent',
  'verify',
  'attention',
  'unposted',
  'sending',
  'verified',
  'conflict',
]);
export type SyncState = z.infer<typeof SyncState>;

/** The states of a row RunSignup accepted: sent, or also read back (verified). */
export const ON_RUNSIGNUP: readonly SyncState[] = ['sent', 'verified'];
export function isOnRunSignup(state: SyncState | undefined): boolean {
  return state !== undefined && ON_RUNSIGNUP.includes(state);
}

/** One crossing as the timing screen shows it. */
export const CrossingView = z.object({
  tapSeq: Seq,
  at: Ms,
  bib: z.number().int().nullable(),
  unreadable: z.boolean(),
  name: z.string().nullable(),
  eventId: z.number().int().nullable(),
  eventName: z.string().nullable(),
  place: z.number().int().nullable(),
  /** Formatted elapsed time from the event's gun, or null before the gun. */
  time: z.string().nullable(),
  status: ResultStatus.nullable(),
  flags: z.array(Warning.shape.code),
  sync: SyncState,
  syncReason: z.string().nullable(),
  /** Removed by a void entry: still listed (struck through) so the record stays readable. */
  voided: z.boolean().optional(),
  /** This station's field for the bib was cleared (X) after this crossing. */
  cleared: z.boolean().optional(),
});
export type CrossingView = z.infer<typeof CrossingView>;

export const SyncStatus = z.object({
  online: z.boolean(),
  pending: z.number().int(),
  inFlight: z.number().int(),
  attention: z.number().int(),
  lastSuccessAt: Ms.nullable(),
  lastError: z.string().nullable(),
  nextRetryAt: Ms.nullable(),
  /** Set when the queue is paused (e.g. credentials rejected) and needs the timer. */
  stalled: z.string().nullable(),
  /** Runners (not fields) by where their fields stand with RunSignup. */
  runners: z
    .object({
      saved: z.number().int(),
      sending: z.number().int(),
      sent: z.number().int(),
      verified: z.number().int(),
      conflict: z.number().int(),
    })
    .optional(),
  /** Fields where RunSignup shows a value this station never sent (the timer decides). */
  conflicts: z.number().int().optional(),
  /** When RunSignup was last read back and compared (the standing audit), and what it found. */
  lastAuditAt: Ms.nullable().optional(),
  lastAudit: z.string().nullable().optional(),
  /** When the request now in flight was sent (null when none is). */
  waitingSince: Ms.nullable().optional(),
  /** When the current run of posts without an answer (timeouts, no answer) began, or null. */
  slowSince: Ms.nullable().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Before anything was posted: offline, nothing queued, nothing wrong. */
export const IDLE_SYNC_STATUS: SyncStatus = {
  online: false,
  pending: 0,
  inFlight: 0,
  attention: 0,
  lastSuccessAt: null,
  lastError: null,
  nextRetryAt: null,
  stalled: null,
};

/** This station's clock against RunSignup's (the server's Date header, DESIGN §4). */
export const ClockStatus = z.object({
  /** RunSignup's clock minus this station's, ms; null until measured. */
  offsetMs: z.number().nullable(),
  uncertaintyMs: z.number().nullable(),
  measuredAt: Ms.nullable(),
  /** A plain sentence when the offset is over the threshold (0.5 s) or cannot be trusted. */
  warning: z.string().nullable(),
});
export type ClockStatus = z.infer<typeof ClockStatus>;

/**
 * Where a station's stream of screen changes stands. Every change to what the timing screen
 * shows advances `seq` by one within a `stream` (one open station file); a screen that holds the
 * state at `seq` applies `rows` event `seq + 1` and reloads a snapshot on any gap or new stream.
 */
export const DeltaCursor = z.object({
  stream: z.string().min(1).max(64),
  seq: z.number().int().nonnegative(),
});
export type DeltaCursor = z.infer<typeof DeltaCursor>;

export const Snapshot = z.object({
  mode: z.enum(['setup', 'practice', 'live']),
  config: StationConfig.nullable(),
  guns: z.array(
    z.object({
      eventId: z.number().int(),
      at: Ms.nullable(),
      /** Where the gun in force came from (a split station reads it from RunSignup). */
      source: z.enum(['local', 'runsignup']).optional(),
      /**
       * Set when RunSignup's start time differs from the gun typed here, which stays in force:
       * a plain sentence for the timer, who may take RunSignup's gun instead.
       */
      conflict: z.string().nullable().optional(),
      /** RunSignup's gun (ms) when it conflicts, so the screen can offer to use it. */
      remoteAt: Ms.nullable().optional(),
      /** A gun pressed on a screen (its key/button event's time), not a typed time of day. */
      pressed: z.boolean().optional(),
    }),
  ),
  /** Bibs typed in crossing order that are still waiting for a time-only crossing. */
  waitingBibs: z.array(z.number().int()).optional(),
  /**
   * Every field RunSignup refused (needs the timer), crossing or not: a DNS without a crossing
   * or a status-only field shows here too. Oldest first, at most 500.
   */
  attention: z
    .array(
      z.object({
        bib: z.number().int(),
        eventId: z.number().int(),
        field: z.string(),
        value: z.string(),
        reason: z.string(),
      }),
    )
    .optional(),
  /**
   * Fields where RunSignup shows a value this station never sent, both values side by side,
   * for the timer to decide (at most 500).
   */
  conflicts: z
    .array(
      z.object({
        bib: z.number().int(),
        eventId: z.number().int(),
        resultSetId: z.number().int(),
        field: z.string(),
        /** What this station wants there (null: nothing of its own). */
        stationValue: z.string().nullable(),
        /** What RunSignup shows ('' for empty). */
        runsignupValue: z.string(),
      }),
    )
    .optional(),
  clock: ClockStatus.nullable().optional(),
  /**
   * The backups' state: the backup mirror folder (a USB stick), `missing` while it is
   * unplugged; `failed` when the last copy to it, or the last backup itself, failed (`message`
   * says which and what to do).
   */
  backupMirror: z
    .object({
      state: z.enum(['off', 'ok', 'missing', 'failed']),
      message: z.string().nullable(),
    })
    .optional(),
  offsetMs: z.number().int(),
  crossings: z.array(CrossingView),
  sync: SyncStatus,
  journalLength: z.number().int(),
  /** The change stream's position this snapshot includes (absent: the station sends no deltas). */
  delta: DeltaCursor.optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Query = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    limit: z.number().int().positive().max(5000).optional(),
    /** Also list voided crossings (`voided: true`), as the timing list shows them struck. */
    withVoided: z.boolean().optional(),
  }),
  z.object({ type: z.literal('lookupBib'), bib: BibText }),
  z.object({
    type: z.literal('journal'),
    beforeSeq: Seq.optional(),
    limit: z.number().int().positive().max(1000),
  }),
  z.object({ type: z.literal('results'), eventId: z.number().int() }),
  z.object({ type: z.literal('exportCsv'), eventId: z.number().int() }),
  z.object({ type: z.literal('races') }),
  z.object({ type: z.literal('raceDetails'), raceId: z.number().int() }),
  /** The backups Setup offers to restore, and the mirror folder. */
  z.object({ type: z.literal('backups') }),
]);
export type Query = z.infer<typeof Query>;

export const BibLookup = z.object({
  bib: z.number().int().nullable(),
  participant: Participant.nullable(),
  eventName: z.string().nullable(),
  warnings: z.array(Warning),
  error: z.string().nullable(),
  /** The bib's result is already on RunSignup (a status or X would change it there). */
  onRunSignup: z.boolean().optional(),
});
export type BibLookup = z.infer<typeof BibLookup>;

/** Pushed by the station whenever something the screen shows may have changed. */
export const StationEvent = z.discriminatedUnion('type', [
  /**
   * Reload the snapshot. With `delta`: the change that brought the stream to that position; a
   * screen already holding it (from the `rows` event sent just before) has nothing to reload.
   */
  z.object({
    type: z.literal('changed'),
    journalLength: z.number().int(),
    delta: DeltaCursor.optional(),
  }),
  /**
   * What one change did to the timing screen, as rows: every crossing whose row changed, new
   * ones included, whatever the screen shows (it keeps those in its window); a crossing voided
   * (or its tap undone) comes with `voided: true`, one brought back by an undo without. Sent only
   * when the change is fully told by its rows; anything else comes as `changed`.
   */
  z.object({
    type: z.literal('rows'),
    delta: DeltaCursor,
    journalLength: z.number().int(),
    crossings: z.array(CrossingView),
  }),
  z.object({ type: z.literal('sync'), sync: SyncStatus }),
  /**
   * This station's clock against RunSignup changed (each answer refines it): what the snapshot's
   * `clock` now says, so screens update it without reloading their rows.
   */
  z.object({ type: z.literal('clock'), clock: ClockStatus }),
  /** Progress of a long task (participants download); `total` null while unknown. */
  z.object({
    type: z.literal('progress'),
    task: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
]);
export type StationEvent = z.infer<typeof StationEvent>;

/**
 * What the renderer holds. Query results are typed loosely here and parsed by the caller with
 * the schema of the query it sent (see `QueryResult`).
 */
export interface StationApi {
  command(command: Command): Promise<CommandResult>;
  query<Q extends Query>(query: Q): Promise<QueryResultOf<Q>>;
  subscribe(listener: (event: StationEvent) => void): () => void;
}

export const ResultRow = z.object({
  place: z.number().int().nullable(),
  bib: z.number().int(),
  name: z.string(),
  time: z.string().nullable(),
  status: ResultStatus.nullable(),
  sync: SyncState,
  /** Where RunSignup gives them (the participant's registration). */
  gender: z.string().nullable().optional(),
  age: z.number().int().nullable().optional(),
  division: z.string().nullable().optional(),
  /** This station's field was cleared (X): `sync` says whether RunSignup shows it cleared. */
  cleared: z.boolean().optional(),
});
export type ResultRow = z.infer<typeof ResultRow>;

export const RaceSummary = z.object({
  raceId: z.number().int(),
  name: z.string(),
  nextDate: z.string().nullable(),
});
export const RaceDetails = z.object({
  raceId: z.number().int(),
  name: z.string(),
  /** The race's IANA time zone as RunSignup gives it (null/absent: RunSignup gave none). */
  timeZone: z.string().min(1).max(64).nullable().optional(),
  events: z.array(
    z.object({
      eventId: z.number().int(),
      name: z.string(),
      startTime: z.string().nullable(),
      resultSets: z.array(z.object({ resultSetId: z.number().int(), name: z.string() })),
      splits: z.array(
        z.object({ resultSetId: z.number().int(), splitId: z.number().int(), name: z.string() }),
      ),
    }),
  ),
});
export type RaceDetails = z.infer<typeof RaceDetails>;

export const JournalView = z.object({
  seq: Seq,
  recordedAt: Ms,
  kind: z.string(),
  summary: z.string(),
});

/** One backup as Setup lists it. */
export const BackupView = z.object({
  file: BackupFileName,
  where: z.enum(['data', 'mirror']),
  takenAt: Ms,
  /** The race it holds (null: a station not set up yet). */
  raceName: z.string().nullable(),
  mode: z.string().nullable(),
  /** Journal entries; null when it could not be read (`problem` says why). */
  entries: z.number().int().nullable(),
  problem: z.string().nullable(),
  /** The newest of its folder. */
  newest: z.boolean(),
  /** The one holding the most entries (newest on ties): the one a restore should offer first. */
  fullest: z.boolean(),
});
export type BackupView = z.infer<typeof BackupView>;

export const BackupList = z.object({
  dataDir: z.string(),
  /** Journal entries of the station file in use. */
  stationEntries: z.number().int(),
  /** Results of the live race in use not yet on RunSignup (a restore asks to confirm them). */
  unsentResults: z.number().int().nonnegative().optional(),
  mirror: z.object({
    dir: z.string().nullable(),
    state: z.enum(['off', 'ok', 'missing', 'failed']),
    message: z.string().nullable(),
  }),
  /** Newest first: the data folder's, then the mirror folder's. */
  backups: z.array(BackupView),
});
export type BackupList = z.infer<typeof BackupList>;

export const QueryResult = {
  snapshot: Snapshot,
  lookupBib: BibLookup,
  journal: z.array(JournalView),
  results: z.array(ResultRow),
  exportCsv: z.string(),
  races: z.array(RaceSummary),
  raceDetails: RaceDetails,
  backups: BackupList,
} as const;
export type QueryResultOf<Q extends Query> = z.infer<(typeof QueryResult)[Q['type']]>;
