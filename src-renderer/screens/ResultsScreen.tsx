// Standings per event as this station computes them, a CSV download and a print view.
import { useEffect, useState } from 'react';
import type { ResultRow } from '../../src-shared/station-api';
import { useChuteApi } from '../api-context';
import { useChute } from '../context';
import { csvFileName } from '../lib/csv';
import { SYNC_LABELS } from '../lib/sync-status';

export function ResultsScreen() {
  const api = useChuteApi();
  const config = useChute((s) => s.snapshot?.config ?? null);
  const journalLength = useChute((s) => s.snapshot?.journalLength ?? 0);
  const notify = useChute((s) => s.notify);
  const events = config?.events ?? [];
  const [eventId, setEventId] = useState<number | null>(null);
  const [rows, setRows] = useState<ResultRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const current = events.find((e) => e.eventId === eventId) ?? events[0] ?? null;

  useEffect(() => {
    if (!current) return;
    let live = true;
    api
      .query({ type: 'results', eventId: current.eventId })
      .then((r) => {
        if (live) {
          setRows(r);
          setError(null);
        }
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [api, current, journalLength]);

  const download = async () => {
    if (!current || !config) return;
    try {
      const csv = await api.query({ type: 'exportCsv', eventId: current.eventId });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = csvFileName(config.raceName, current.name);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      notify('error', `CSV export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  if (!config || !current) {
    return (
      <section className="screen">
        <p>No race configured yet: go to Setup (F1).</p>
      </section>
    );
  }
  return (
    <section className="screen results-screen">
      <div className="results-bar no-print">
        {events.map((e) => (
          <button
            key={e.eventId}
            type="button"
            className={e.eventId === current.eventId ? 'btn-primary' : undefined}
            onClick={() => setEventId(e.eventId)}
          >
            {e.name}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" onClick={() => void download()}>
          Download CSV
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <h2 className="print-title">
        {config.raceName} — {current.name}
      </h2>
      {error && <p className="tone-error">{error}</p>}
      <table className="results" data-testid="results">
        <thead>
          <tr>
            <th>Place</th>
            <th>Bib</th>
            <th>Name</th>
            <th>Time</th>
            <th className="no-print">Sync</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.bib}>
              <td>{r.place ?? ''}</td>
              <td>{r.bib}</td>
              <td>{r.name}</td>
              <td>{r.status ?? r.time ?? ''}</td>
              <td className={`no-print sync-${r.sync}`}>{SYNC_LABELS[r.sync]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted">No results yet for {current.name}.</p>}
    </section>
  );
}
