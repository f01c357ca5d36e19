import { useChute } from '../context';
import { useNow } from '../hooks';
import { describeStatus } from '../lib/sync-status';

export function StatusBar() {
  const sync = useChute((s) => s.sync);
  const link = useChute((s) => s.link);
  const progress = useChute((s) => s.progress);
  const snapshotError = useChute((s) => s.snapshotError);
  const now = useNow(1000);
  const view = describeStatus(sync, link, now);
  return (
    <footer className={`status-bar tone-${view.tone}`} role="status" aria-live="polite">
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
    </footer>
  );
}
