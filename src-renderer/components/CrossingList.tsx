import type { CrossingView } from '../../src-shared/station-api';
import { useChute } from '../context';
import { SYNC_LABELS } from '../lib/sync-status';
import type { PendingCommand } from '../store';

function bibCell(c: CrossingView, filling: PendingCommand | undefined): string {
  if (filling) return 'saving…';
  if (c.bib !== null) return String(c.bib);
  return c.unreadable ? '??? unreadable' : '— waiting';
}

export function CrossingList(props: { rows: readonly CrossingView[]; max?: number }) {
  const selected = useChute((s) => s.selected);
  const select = useChute((s) => s.select);
  const pending = useChute((s) => s.pending);
  const rows = props.max === undefined ? props.rows : props.rows.slice(0, props.max);
  const newTaps = pending.filter((p) => p.fillsTap === null);
  return (
    <table className="crossings" data-testid="crossings">
      <thead>
        <tr>
          <th>#</th>
          <th>Place</th>
          <th>Bib</th>
          <th>Name</th>
          <th>Event</th>
          <th>Time</th>
          <th>Status</th>
          <th>Sync</th>
        </tr>
      </thead>
      <tbody>
        {newTaps.map((p) => (
          <tr key={`p${p.id}`} className="row-pending">
            <td colSpan={8}>saving… {p.label}</td>
          </tr>
        ))}
        {rows.map((c) => {
          const filling = pending.find((p) => p.fillsTap === c.tapSeq);
          const flagged = c.flags.filter((f) => f !== 'no-gun');
          const classes = [
            c.tapSeq === selected ? 'row-selected' : '',
            flagged.length > 0 || c.sync === 'attention' ? 'row-warn' : '',
            c.bib === null ? 'row-untagged' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <tr
              key={c.tapSeq}
              className={classes}
              data-seq={c.tapSeq}
              aria-selected={c.tapSeq === selected}
              onClick={() => select(c.tapSeq === selected ? null : c.tapSeq)}
            >
              <td>{c.tapSeq}</td>
              <td className="cell-place">{c.place ?? ''}</td>
              <td className="cell-bib">{bibCell(c, filling)}</td>
              <td>{c.name ?? ''}</td>
              <td>{c.eventName ?? ''}</td>
              <td className="cell-time">
                {c.time ?? (c.flags.includes('no-gun') ? 'no gun' : '')}
              </td>
              <td className="cell-status">
                {c.status ?? ''}
                {flagged.length > 0 && <span className="flags"> {flagged.join(', ')}</span>}
              </td>
              <td className={`cell-sync sync-${c.sync}`} title={c.syncReason ?? undefined}>
                {SYNC_LABELS[c.sync]}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
