import { useState } from 'react';
import { useChute } from '../context';
import { useNow } from '../hooks';
import { describeClock } from '../lib/clock-status';
import { describeStatus } from '../lib/sync-status';
import { OffsetDialog } from './OffsetDialog';

/** This station's clock against RunSignup's, with a re-measure and a manual offset. */
function ClockStatusLine() {
  const clock = useChute((s) => s.snapshot?.clock ?? null);
  const offsetMs = useChute((s) => s.snapshot?.offsetMs ?? 0);
  const configured = useChute((s) => s.snapshot?.config != null);
  const run = useChute((s) => s.run);
  // A paired device may not measure the clock or set the offset: only the main screen may.
  const mainScreen = useChute((s) => s.locked === null);
  const [dialog, setDialog] = useState(false);
  const [measuring, setMeasuring] = useState(false);
  if (!configured) return null;
  const view = describeClock(clock, offsetMs);
  return (
    <span className={`status-clock tone-${view.tone}`} data-testid="status-clock">
      <span>{view.text}</span>
      {view.warning && (
        <strong className="status-clock-warning" data-testid="clock-warning">
          ⚠ {view.warning}
        </strong>
      )}
      {mainScreen && (
        <button
          type="button"
          disabled={measuring}
          onClick={() => {
            setMeasuring(true);
            void run({ type: 'measureClock' }, 'clock measured against RunSignup').finally(() =>
              setMeasuring(false),
            );
          }}
        >
          {measuring ? 'Measuring…' : 'Re-measure'}
        </button>
      )}
      {mainScreen && (
        <button type="button" className="status-clock-offset" onClick={() => setDialog(true)}>
          Set offset…
        </button>
      )}
      {dialog && mainScreen && <OffsetDialog onClose={() => setDialog(false)} />}
    </span>
  );
}

export function StatusBar() {
  const sync = useChute((s) => s.sync);
  const link = useChute((s) => s.link);
  const progress = useChute((s) => s.progress);
  const snapshotError = useChute((s) => s.snapshotError);
  const mirrorWarning = useChute((s) => s.snapshot?.backupMirror?.message ?? null);
  const now = useNow(1000);
  const [open, setOpen] = useState(false);
  const view = describeStatus(sync, link, now);
  return (
    <footer
      className={`status-bar tone-${view.tone} ${open ? 'status-open' : ''}`}
      role="status"
      aria-live="polite"
    >
      <span className="status-online" data-testid="status-online">
        {view.online}
      </span>
      <span data-testid="status-counts">{view.counts}</span>
      <span>{view.lastSuccess}</span>
      {progress && (
        <span className="status-progress">
          {progress.task}: {progress.done}
          {progress.total !== null ? ` / ${progress.total}` : ''}
        </span>
      )}
      {(view.problem ?? snapshotError) && (
        <span className="status-problem" data-testid="status-problem">
          {view.problem ?? snapshotError}
        </span>
      )}
      {mirrorWarning && (
        <span className="status-problem" data-testid="status-mirror">
          {mirrorWarning}
        </span>
      )}
      <ClockStatusLine />
      {/* One line while timing; the whole text on demand. */}
      <button
        type="button"
        className="status-details-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Less' : 'Details'}
      </button>
    </footer>
  );
}
