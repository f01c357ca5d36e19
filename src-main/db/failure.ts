// One true sentence per way the station file can fail, with the action that fits it. A
// read-only folder is not a damaged file: telling the timer to restore over it would replace a
// good file with an older one.
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The command that lists and restores backups (scripts/restore.ts). */
export const RESTORE_COMMAND = 'npm run restore';

/** Where a timer restores a backup: the station may be running or refusing to start. */
export const RESTORE_ADVICE =
  `Restore the latest good backup (Setup → Backups and restore while Chute runs; when it ` +
  `cannot start, the desktop app offers it, or run \`${RESTORE_COMMAND}\`)`;

export type FailureKind =
  'read-only' | 'disk-full' | 'locked' | 'damaged' | 'missing-folder' | 'other';

/** What a write into the folder does right now. */
export type FolderProbe = 'writable' | 'read-only' | 'full' | 'missing' | 'other';

export function probeFolder(dir: string): FolderProbe {
  if (!existsSync(dir)) return 'missing';
  try {
    accessSync(dir, constants.W_OK);
    const scratch = mkdtempSync(join(dir, '.chute-probe-'));
    try {
      writeFileSync(join(scratch, 'probe'), Buffer.alloc(4096));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return 'writable';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'read-only';
    if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
    return 'other';
  }
}

/** The code of an SQLite or file-system error (`SQLITE_READONLY_DIRECTORY`, `ENOSPC`, …). */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * The kind of a failure from its code, and for the ambiguous ones (an I/O error, cannot open)
 * from what a write into the folder does now.
 */
export function failureKind(code: string, folder: () => FolderProbe): FailureKind {
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM'
  ) {
    return 'read-only';
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT') {
    const probe = folder();
    if (probe === 'read-only') return 'read-only';
    if (probe === 'full') return 'disk-full';
    if (probe === 'missing') return 'missing-folder';
    return code.startsWith('SQLITE_IOERR') ? 'damaged' : 'other';
  }
  return 'other';
}

/** The sentence for a station file that could not be opened (or written) at `path`. */
export function failureSentence(kind: FailureKind, path: string, detail: string): string {
  const dir = dirname(path);
  switch (kind) {
    case 'read-only':
      return (
        `The data folder ${dir} is read-only (${detail}): Chute cannot write the station file there. ` +
        'The file was not changed and needs no restore: make the folder writable, or set ' +
        'CHUTE_DATA_DIR to a writable folder, then start Chute again.'
      );
    case 'disk-full':
      return (
        `The disk holding ${dir} is full (${detail}): nothing more can be saved. Free some space ` +
        '(or move the data folder to another disk); every entry already saved is intact.'
      );
    case 'locked':
      return (
        `Chute is already running on this station's data (${path}): close the other Chute ` +
        '(window or terminal) first, or give this one another data folder.'
      );
    case 'damaged':
      return (
        `The station file ${path} is damaged (${detail}). ${RESTORE_ADVICE}; the damaged file ` +
        'is kept aside, not deleted.'
      );
    case 'missing-folder':
      return (
        `The data folder ${dir} cannot be reached (${detail}): plug in or mount the disk holding ` +
        'it, or set CHUTE_DATA_DIR to the right folder.'
      );
    case 'other':
      return `Cannot use the station file ${path} (${detail}). Nothing was changed.`;
  }
}

/** `failureKind` and `failureSentence` together, probing the station file's folder. */
export function describeFailure(
  err: unknown,
  path: string,
): { kind: FailureKind; sentence: string } {
  const detail = err instanceof Error ? err.message : String(err);
  const kind = failureKind(errorCode(err), () => probeFolder(dirname(path)));
  return { kind, sentence: failureSentence(kind, path, detail) };
}

/**
 * A write that failed while capturing: "Not saved: " and, for a read-only folder, a full disk,
 * a damaged file or another Chute, the sentence with its action. An I/O error on a folder that
 * still takes writes is passed on as it is (a pulled disk is not a damaged file).
 */
export function notSavedSentence(err: unknown, path: string): string {
  const detail = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  if (code === '') return `Not saved: ${detail}`;
  const kind = failureKind(code, () => probeFolder(dirname(path)));
  const plain = kind === 'other' || (kind === 'damaged' && code.startsWith('SQLITE_IOERR'));
  return `Not saved: ${plain ? detail : failureSentence(kind, path, detail)}`;
}
