// The recent crossings, newest first. Each row is memoised: a key press changes one or two rows,
// and re-rendering only those keeps key → row time low (DESIGN §6). The store keeps unchanged
// row objects between snapshots (lib/rows.ts), so identity comparison is enough.
import { memo, useCallback, useEffect, useRef } from 'react';
import type { CrossingView, Snapshot } from '../../src-shared/station-api';
import { useChute, useChuteStore } from '../context';
import { blockRows } from '../lib/lineup';
import { SYNC_LABELS } from '../lib/sync-status';
import { withVoidedRows } from '../lib/rows';
import { rowTime, statusWords } from '../lib/words';
import type { PendingCommand } from '../store';

function bibCell(c: CrossingView, filling: boolean): string {
  if (filling) return 'saving…';
  if (c.bib !== null) return String(c.bib);
  return c.unreadable ? '??? unreadable' : '— waiting';
}

interface RowProps {
  c: CrossingView;
  selected: boolean;
  inBlock: boolean;
  filling: boolean;
  /** The time-only crossing the next typed bib fills. */
  next: boolean;
  time: string;
  onClick: (tapSeq: number) => void;
}

const Row = memo(function Row({ c, selected, inBlock, filling, next, time, onClick }: RowProps) {
  const flagged = c.flags.filter((f) => f !== 'no-gun');
  const classes = [
    selected ? 'row-selected' : '',
    inBlock && !selected ? 'row-block' : '',
    flagged.length > 0 || c.sync === 'attention' || c.sync === 'conflict' ? 'row-warn' : '',
    c.bib === null ? 'row-untagged' : '',
    next ? 'row-next' : '',
    c.voided ? 'row-voided' : '',
    c.cleared ? 'row-cleared' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <tr
      className={classes}
      data-seq={c.tapSeq}
      aria-selected={selected || inBlock}
      onClick={() => {
        if (!c.voided) onClick(c.tapSeq);
      }}
    >
      <td>{c.tapSeq}</td>
      <td className="cell-place">{next ? '▶ next' : (c.place ?? '')}</td>
      <td className="cell-bib">{bibCell(c, filling)}</td>
      <td className="cell-name">{c.name ?? ''}</td>
      <td>{c.eventName ?? ''}</td>
      <td className="cell-time">{time}</td>
      <td className="cell-status">{statusWords(c)}</td>
      <td className={`cell-sync sync-${c.sync}`} title={c.syncReason ?? undefined}>
        {/* A voided crossing posts nothing: its bib's state is on the bib's row in force. */}
        {c.voided ? '' : SYNC_LABELS[c.sync]}
      </td>
    </tr>
  );
});

function PendingRows(props: { pending: readonly PendingCommand[] }) {
  return props.pending
    .filter((p) => p.fillsTap === null)
    .map((p) => (
      <tr key={`p${p.id}`} className="row-pending">
        <td colSpan={8}>saving… {p.label}</td>
      </tr>
    ));
}

const NO_GUNS: Snapshot['guns'] = [];

export function CrossingList(props: {
  rows: readonly CrossingView[];
  max?: number;
  nextSlot?: number | null;
}) {
  const selected = useChute((s) => s.selected);
  const anchor = useChute((s) => s.anchor);
  const pending = useChute((s) => s.pending);
  const guns = useChute((s) => s.snapshot?.guns ?? NO_GUNS);
  const offsetMs = useChute((s) => s.snapshot?.offsetMs ?? 0);
  const zone = useChute((s) => s.snapshot?.config?.timeZone ?? null);
  const store = useChuteStore();
  const body = useRef<HTMLTableSectionElement>(null);
  const nextSlot = props.nextSlot ?? null;
  // The selected row, else the crossing the next bib fills, is scrolled into view: ↓ walks
  // into history, and a time-first timer must see where the bib will land.
  // Checked again on every new list: new rows above push it down.
  const focusRow = selected ?? nextSlot;
  useEffect(() => {
    if (focusRow === null) return;
    body.current?.querySelector(`tr[data-seq="${focusRow}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [focusRow, props.rows]);
  const voided = useChute((s) => s.voidedRows);
  const rows = withVoidedRows(
    props.max === undefined ? props.rows : props.rows.slice(0, props.max),
    voided,
  );
  const block = new Set(blockRows(props.rows, anchor, selected).map((r) => r.tapSeq));
  const filling = new Set(pending.flatMap((p) => (p.fillsTap === null ? [] : [p.fillsTap])));
  // Stable across renders (reads the selection when clicked) so it never defeats the memo.
  const onClick = useCallback(
    (tapSeq: number) => {
      const state = store.getState();
      state.select(tapSeq === state.selected ? null : tapSeq);
    },
    [store],
  );
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
      <tbody ref={body}>
        <PendingRows pending={pending} />
        {rows.map((c) => (
          <Row
            key={c.tapSeq}
            c={c}
            selected={c.tapSeq === selected}
            inBlock={block.has(c.tapSeq)}
            filling={filling.has(c.tapSeq)}
            next={c.tapSeq === nextSlot}
            time={rowTime(c, guns, offsetMs, zone)}
            onClick={onClick}
          />
        ))}
      </tbody>
    </table>
  );
}
