// Standings as this station computes them: every event or one, with gender, age and division
// where RunSignup gives them and the age group Chute computes from age and gender (labelled as
// Chute's); a bib search; a CSV of every event; a print view, one event a page.
import { useEffect, useState } from 'react';
import { useChuteApi } from '../api-context';
import { useChute } from '../context';
import { useNow } from '../hooks';
import { lastChecked } from '../lib/sync-status';
import { BibSearch } from '../components/BibSearch';
import { csvFileName } from '../lib/csv';
import { findBib, resultColumns, resultTime, resultsCsv, type EventResults } from '../lib/results';
import { SYNC_LABELS } from '../lib/sync-status';
import {
  AGE_GROUP_LABEL,
  AGE_GROUP_PLACE_LABEL,
  AGE_GROUP_TITLE,
  ageGroupPlaces,
} from '../lib/age-groups';

type Choice = 'all' | number;

/**
 * One table: the chosen event, or every event one after the other (an Event column, a heading
 * row per event, and in print each event on its own page).
 */
function ResultsTable(props: {
  shown: readonly EventResults[];
  columns: ReturnType<typeof resultColumns>;
  found: number | null;
}) {
  const { shown, columns, found } = props;
  const several = shown.length > 1;
  const width =
    5 +
    (several ? 1 : 0) +
    [columns.gender, columns.age, columns.division].filter(Boolean).length +
    (columns.ageGroup ? 2 : 0);
  return (
    <table className="results" data-testid="results">
      <thead>
        <tr>
          {several && <th>Event</th>}
          <th>Place</th>
          <th>Bib</th>
          <th>Name</th>
          {columns.gender && <th>Gender</th>}
          {columns.age && <th>Age</th>}
          {columns.division && <th>Division</th>}
          {columns.ageGroup && (
            <>
              <th title={AGE_GROUP_TITLE} data-testid="age-group-heading">
                {AGE_GROUP_LABEL}
              </th>
              <th title={AGE_GROUP_TITLE}>{AGE_GROUP_PLACE_LABEL}</th>
            </>
          )}
          <th>Time</th>
          <th className="no-print">Sync</th>
        </tr>
      </thead>
      {shown.map((results) => (
        <EventRows
          key={results.eventId}
          results={results}
          several={several}
          columns={columns}
          found={found}
          width={width}
        />
      ))}
    </table>
  );
}

/** One event's rows (its age-group places are counted within it). */
function EventRows(props: {
  results: EventResults;
  several: boolean;
  columns: ReturnType<typeof resultColumns>;
  found: number | null;
  width: number;
}) {
  const { results, several, columns, found, width } = props;
  const groups = columns.ageGroup ? ageGroupPlaces(results.rows) : null;
  return (
    <tbody className="results-event" data-event={results.eventId}>
      {several && (
        <tr className="results-group">
          <th colSpan={width}>
            {results.name}
            {results.rows.length === 0 ? ': no results yet' : ''}
          </th>
        </tr>
      )}
      {results.rows.map((r) => (
        <tr
          key={r.bib}
          data-bib={r.bib}
          className={[r.bib === found ? 'row-selected' : '', r.cleared ? 'row-cleared' : '']
            .filter(Boolean)
            .join(' ')}
        >
          {several && <td>{results.name}</td>}
          <td>{r.place ?? ''}</td>
          <td>{r.bib}</td>
          <td>{r.name}</td>
          {columns.gender && <td>{r.gender ?? ''}</td>}
          {columns.age && <td>{r.age ?? ''}</td>}
          {columns.division && <td>{r.division ?? ''}</td>}
          {groups && (
            <>
              <td className="cell-age-group">{groups.get(r.bib)?.group ?? ''}</td>
              <td>{groups.get(r.bib)?.place ?? ''}</td>
            </>
          )}
          <td>{resultTime(r)}</td>
          <td className={`no-print sync-${r.sync}`}>{SYNC_LABELS[r.sync]}</td>
        </tr>
      ))}
    </tbody>
  );
}

export function ResultsScreen() {
  const api = useChuteApi();
  const config = useChute((s) => s.snapshot?.config ?? null);
  const journalLength = useChute((s) => s.snapshot?.journalLength ?? 0);
  const notify = useChute((s) => s.notify);
  const sync = useChute((s) => s.sync);
  const now = useNow(1000);
  const events = config?.events ?? [];
  const [choice, setChoice] = useState<Choice>('all');
  const [all, setAll] = useState<EventResults[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<number | null>(null);
  const eventKey = events.map((e) => e.eventId).join(',');

  useEffect(() => {
    if (eventKey === '') return;
    let live = true;
    const list = events;
    Promise.all(
      list.map(async (e) => ({
        eventId: e.eventId,
        name: e.name,
        rows: await api.query({ type: 'results', eventId: e.eventId }),
      })),
    )
      .then((r) => {
        if (live) {
          setAll(r);
          setError(null);
        }
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
    // `events` is the same list while its ids are: eventKey stands for it.
  }, [api, eventKey, journalLength]);

  // Scroll to the found bib once its row is drawn.
  useEffect(() => {
    if (found === null) return;
    document
      .querySelector(`.results-screen tr[data-bib="${found}"]`)
      ?.scrollIntoView({ block: 'center' });
  }, [found, choice]);

  if (!config || events.length === 0) {
    return (
      <section className="screen">
        <p>No race configured yet: go to Setup (F1).</p>
      </section>
    );
  }
  const shown = choice === 'all' ? all : all.filter((e) => e.eventId === choice);
  const columns = resultColumns(all);

  const download = () => {
    try {
      const url = URL.createObjectURL(
        new Blob([resultsCsv(all)], { type: 'text/csv;charset=utf-8' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = csvFileName(config.raceName, 'all-events');
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      notify('error', `CSV export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const search = (bib: number): string | null => {
    const holder = findBib(all, bib);
    if (!holder) return `Bib ${bib} has no result at this station`;
    if (choice !== 'all' && choice !== holder.eventId) setChoice(holder.eventId);
    setFound(bib);
    return null;
  };

  return (
    <section className="screen results-screen">
      <div className="results-bar no-print">
        <button
          type="button"
          className={choice === 'all' ? 'btn-primary' : undefined}
          onClick={() => setChoice('all')}
        >
          All events
        </button>
        {events.map((e) => (
          <button
            key={e.eventId}
            type="button"
            className={e.eventId === choice ? 'btn-primary' : undefined}
            onClick={() => setChoice(e.eventId)}
          >
            {e.name}
          </button>
        ))}
        <BibSearch onFind={search} />
        <span className="spacer" />
        <button type="button" onClick={download} title="Every event in one file">
          Download CSV
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <h2 className="print-title">
        {config.raceName}
        {shown.length === 1 ? ` — ${shown[0]?.name}` : ''}
      </h2>
      <p className="muted no-print" data-testid="last-checked">
        {lastChecked(sync, now)}
      </p>
      {error && <p className="tone-error">{error}</p>}
      <ResultsTable shown={shown} columns={columns} found={found} />
      {shown.length === 1 && shown[0]?.rows.length === 0 && (
        <p className="muted">No results yet for {shown[0].name}.</p>
      )}
    </section>
  );
}
