// Setup → Backups: the backups of the data folder and of the mirror folder (race, time,
// entries, which is newest and which holds the most), restore one after a confirming step, and
// the mirror folder (a USB stick) every backup is copied to. The station keeps a copy of the
// file a restore replaces; the screen says so before and after.
import { useCallback, useEffect, useState } from 'react';
import type { BackupList, BackupView } from '../../src-shared/station-api';
import { useChuteApi } from '../api-context';
import { useChute } from '../context';
import { Dialog, ErrorLine } from './Dialog';
import { ListTable } from './ListTable';

const entriesText = (n: number | null): string =>
  n === null ? 'unreadable' : `${n} ${n === 1 ? 'entry' : 'entries'}`;

const when = (at: number): string =>
  new Date(at).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });

const raceText = (b: BackupView): string =>
  b.raceName === null
    ? 'no race set up'
    : `${b.raceName}${b.mode === 'practice' ? ' (practice)' : ''}`;

function MirrorFolder(props: { list: BackupList; onChanged: () => Promise<void> }) {
  const run = useChute((s) => s.run);
  const [dir, setDir] = useState(props.list.mirror.dir ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = async (value: string | null) => {
    setBusy(true);
    const result = await run(
      { type: 'setBackupMirror', dir: value },
      value === null ? 'backup mirror off' : `backup mirror folder ${value}`,
    );
    setBusy(false);
    setError(result.ok ? null : result.error);
    if (result.ok && value === null) setDir('');
    await props.onChanged();
  };
  const { mirror } = props.list;
  return (
    <form
      className="mirror-folder"
      onSubmit={(e) => {
        e.preventDefault();
        if (dir.trim() !== '') void set(dir.trim());
      }}
    >
      <h3>Mirror folder (a USB stick)</h3>
      <p
        data-testid="mirror-state"
        className={mirror.state === 'missing' || mirror.state === 'failed' ? 'tone-warn' : 'muted'}
      >
        {mirror.state === 'off'
          ? 'Off: the backups are on this laptop only.'
          : mirror.state === 'ok'
            ? `Every backup is also copied to ${mirror.dir} (the next one within 3 minutes).`
            : mirror.message}
      </p>
      <div className="inline-form">
        <label>
          Folder
          <input
            name="mirrorDir"
            value={dir}
            placeholder="/media/usb/chute"
            onChange={(e) => setDir(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || dir.trim() === ''}>
          Set mirror folder
        </button>
        {mirror.dir !== null && (
          <button type="button" disabled={busy} onClick={() => void set(null)}>
            Stop mirroring
          </button>
        )}
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

function ConfirmRestore(props: {
  backup: BackupView;
  list: BackupList;
  onCancel: () => void;
  onRestore: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const b = props.backup;
  const unsent = props.list.unsentResults ?? 0;
  return (
    <Dialog title="Restore this backup?" onClose={props.onCancel}>
      <p data-testid="restore-confirm-text">
        The station will carry on from the backup of <strong>{raceText(b)}</strong> taken{' '}
        {when(b.takenAt)} ({entriesText(b.entries)}
        {b.where === 'mirror' ? ', from the mirror folder' : ''}). The station file in use now (
        {entriesText(props.list.stationEntries)}) is kept in the <code>replaced</code> folder of{' '}
        {props.list.dataDir}, not deleted. RunSignup is then sent only what it does not have yet.
      </p>
      {b.entries !== null && props.list.stationEntries > b.entries && (
        <p className="tone-warn" data-testid="restore-fewer">
          The backup holds {props.list.stationEntries - b.entries} fewer entries than the file in
          use: entries made since it was taken stay only in the kept file (results of them already
          on RunSignup stay there and show as conflicts for you to decide).
        </p>
      )}
      {unsent > 0 && (
        <p className="tone-warn" data-testid="restore-unsent">
          {unsent} {unsent === 1 ? 'result' : 'results'} of the race in use{' '}
          {unsent === 1 ? 'is' : 'are'} not yet on RunSignup. Those the backup lacks stay only in
          the kept file, not sent: let them finish sending first if you can. Restoring now confirms
          this.
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel (Esc)
        </button>
        <button
          type="button"
          className="btn-primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void props.onRestore().finally(() => setBusy(false));
          }}
        >
          {busy ? 'Restoring…' : 'Restore this backup'}
        </button>
      </div>
    </Dialog>
  );
}

export function RestorePanel() {
  const api = useChuteApi();
  const run = useChute((s) => s.run);
  const [list, setList] = useState<BackupList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<BackupView | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setList(await api.query({ type: 'backups' }));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const restore = async (b: BackupView, unsentShown: boolean) => {
    const result = await run(
      // The confirm step showed the results not yet on RunSignup: restoring confirms them.
      { type: 'restoreBackup', file: b.file, where: b.where, unsentConfirmed: unsentShown },
      `restore ${b.file}`,
    );
    setConfirming(null);
    setOutcome(
      result.ok
        ? { ok: true, text: result.warnings.map((w) => w.message).join(' ') || 'Restored.' }
        : { ok: false, text: result.error },
    );
    await load();
  };

  return (
    <section className="setup-step" data-testid="backups" aria-label="Backups">
      <h2>Backups and restore</h2>
      {error && <p className="tone-error">{error}</p>}
      {outcome && (
        <p
          className={outcome.ok ? 'tone-ok' : 'tone-error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="restore-outcome"
        >
          {outcome.ok ? outcome.text : `Nothing was restored: ${outcome.text}`}
        </p>
      )}
      {list && (
        <>
          <p className="muted">
            Data folder {list.dataDir}: the station file holds {entriesText(list.stationEntries)}. A
            backup is taken every 3 minutes and at every stop.
          </p>
          <div className="backup-list">
            <ListTable
              count={list.backups.length}
              empty="No backups yet."
              columns={['Taken', 'Race', 'Entries', 'Where']}
              action="restore"
            >
              {list.backups.map((b) => (
                <tr key={`${b.where}/${b.file}`} data-testid="backup-row">
                  <td>
                    {when(b.takenAt)}
                    {b.newest && <span className="badge">newest</span>}
                  </td>
                  <td>{raceText(b)}</td>
                  <td>
                    {b.entries === null ? `unreadable (${b.problem ?? '?'})` : b.entries}
                    {b.fullest && <span className="badge">most entries</span>}
                  </td>
                  <td>{b.where === 'data' ? 'this laptop' : 'mirror'}</td>
                  <td>
                    <button
                      type="button"
                      disabled={b.entries === null}
                      onClick={() => setConfirming(b)}
                    >
                      Restore…
                    </button>
                  </td>
                </tr>
              ))}
            </ListTable>
          </div>
          <button type="button" onClick={() => void load()}>
            List again
          </button>
          <MirrorFolder list={list} onChanged={load} />
        </>
      )}
      {confirming && list && (
        <ConfirmRestore
          backup={confirming}
          list={list}
          onCancel={() => setConfirming(null)}
          onRestore={() => restore(confirming, (list.unsentResults ?? 0) > 0)}
        />
      )}
    </section>
  );
}
