// The audit trail and the to-do list: rows RunSignup refused (with its reason and Retry),
// crossings still without a bib, and the journal, newest first, paged.
import { useEffect, useState } from 'react';
import { QueryResult, type CrossingView } from '../../src-shared/station-api';
import type { z } from 'zod';
import { useChute } from '../context';
import { BibSearch } from '../components/BibSearch';
import { NoticeLine } from '../components/NoticeLine';
import { attentionRows, conflictRows, type ConflictView } from '../lib/attention';
import { formatTimeOfDay } from '../lib/format';
import { SYNC_LABELS } from '../lib/sync-status';
import { statusWords } from '../lib/words';
import { useChuteApi } from '../api-context';

type JournalRow = z.infer<typeof QueryResult.journal>[number];
const PAGE = 100;

function AssignInline(props: { tapSeq: number }) {
  const run = useChute((s) => s.run);
  const [bib, setBib] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const value = bib.trim();
        if (!/^\d{1,6}$/.test(value)) return;
        void run(
          { type: 'assign', tapSeq: props.tapSeq, bib: value },
          `bib ${value} on #${props.tapSeq}`,
        ).then((r) => {
          if (r.ok) setBib('');
        });
      }}
    >
      <input
        aria-label={`bib for crossing ${props.tapSeq}`}
        inputMode="numeric"
        value={bib}
        onChange={(e) => setBib(e.target.value.replace(/\D+/g, '').slice(0, 6))}
      />
      <button type="submit">Assign</button>
    </form>
  );
}

/**
 * Fields RunSignup shows with a value this station never sent (its dashboard, another station or
 * program): never overwritten until the timer keeps one of the two.
 */
function ConflictList(props: { rows: ConflictView[] }) {
  const run = useChute((s) => s.run);
  if (props.rows.length === 0) return null;
  const decide = (c: ConflictView, keep: 'runsignup' | 'station') =>
    void run(
      { type: 'resolveConflict', resultSetId: c.resultSetId, bib: c.bib, field: c.fieldKey, keep },
      keep === 'runsignup'
        ? `bib ${c.bib}: RunSignup's ${c.field} kept`
        : `bib ${c.bib}: this station's ${c.field} sent again`,
    );
  return (
    <>
      <h2>Conflicts with RunSignup ({props.rows.length})</h2>
      <p className="muted">
        RunSignup shows a value this station never sent. Nothing is posted over it until you decide.
      </p>
      <table className="crossings" data-testid="conflicts">
        <thead>
          <tr>
            <th>Bib</th>
            <th>Name</th>
            <th>Event</th>
            <th>Field</th>
            <th>This station</th>
            <th>RunSignup</th>
            <th>Keep</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((c) => (
            <tr key={c.key} className="row-warn">
              <td className="cell-bib">{c.bib}</td>
              <td>{c.name}</td>
              <td>{c.event}</td>
              <td>{c.field}</td>
              <td className="cell-time">{c.station}</td>
              <td className="cell-time">{c.runsignup}</td>
              <td>
                <button type="button" onClick={() => decide(c, 'runsignup')}>
                  Keep RunSignup&apos;s
                </button>{' '}
                <button type="button" onClick={() => decide(c, 'station')}>
                  Keep this station&apos;s
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ReviewScreen() {
  const api = useChuteApi();
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const [journal, setJournal] = useState<JournalRow[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const journalLength = snapshot?.journalLength ?? 0;
  // Times of day on the race's clock, as RunSignup and the gun show them.
  const zone = snapshot?.config?.timeZone ?? null;

  useEffect(() => {
    let live = true;
    api
      .query({ type: 'journal', limit: PAGE })
      .then((rows) => {
        if (!live) return;
        setJournal(rows);
        setMore(rows.length === PAGE);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [api, journalLength]);

  const loadOlder = async () => {
    const last = journal[journal.length - 1];
    if (!last) return;
    try {
      const rows = await api.query({ type: 'journal', beforeSeq: last.seq, limit: PAGE });
      setJournal((j) => [...j, ...rows]);
      setMore(rows.length === PAGE);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  // The timing screen's snapshot is a short page (it is reloaded on every key); the crossings
  // without a bib are looked for over the whole race here.
  const [allCrossings, setAllCrossings] = useState<CrossingView[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .query({ type: 'snapshot', limit: 5000 })
      .then((s) => live && setAllCrossings(s.crossings))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [api, journalLength]);
  const crossings = allCrossings ?? snapshot?.crossings ?? [];
  const attention = attentionRows(snapshot);
  const untagged = crossings.filter((c) => c.bib === null && !c.voided);
  const attentionCount = Math.max(snapshot?.sync.attention ?? 0, attention.length);
  const [found, setFound] = useState<number | null>(null);
  const foundRows = found === null ? [] : crossings.filter((c) => c.bib === found);
  const setScreen = useChute((s) => s.setScreen);
  const select = useChute((s) => s.select);
  const listed = snapshot?.crossings ?? [];

  return (
    <section className="screen review-screen">
      {/* The outcome of Retry and of the assignments below shows here, not only on Timing. */}
      <NoticeLine />
      <div className="review-search">
        <BibSearch
          onFind={(bib) => {
            if (!crossings.some((c) => c.bib === bib)) {
              setFound(null);
              return `Bib ${bib} has no crossing at this station`;
            }
            setFound(bib);
            return null;
          }}
        />
      </div>
      {found !== null && foundRows.length > 0 && (
        <table className="crossings" data-testid="found">
          <thead>
            <tr>
              <th>#</th>
              <th>Bib</th>
              <th>Name</th>
              <th>Time</th>
              <th>Status</th>
              <th>Sync</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {foundRows.map((c) => (
              <tr key={c.tapSeq} className={c.voided ? 'row-voided' : 'row-selected'}>
                <td>{c.tapSeq}</td>
                <td className="cell-bib">{c.bib}</td>
                <td>{c.name ?? ''}</td>
                <td className="cell-time">{c.time ?? formatTimeOfDay(c.at, 2, zone)}</td>
                <td>{statusWords(c)}</td>
                <td className={`cell-sync sync-${c.sync}`}>{SYNC_LABELS[c.sync]}</td>
                <td>
                  {listed.some((l) => l.tapSeq === c.tapSeq) && (
                    <button
                      type="button"
                      onClick={() => {
                        select(c.tapSeq);
                        setScreen('timing');
                      }}
                    >
                      Fix on Timing
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConflictList rows={conflictRows(snapshot)} />
      <h2>Needs attention ({attentionCount})</h2>
      {attentionCount === 0 ? (
        <p className="muted">RunSignup accepted everything sent so far.</p>
      ) : (
        <>
          <table className="crossings" data-testid="attention">
            <thead>
              <tr>
                <th>Bib</th>
                <th>Name</th>
                <th>Event</th>
                <th>Field</th>
                <th>Value sent</th>
                <th>RunSignup said</th>
              </tr>
            </thead>
            <tbody>
              {attention.map((a) => (
                <tr key={a.key} className="row-warn">
                  <td className="cell-bib">{a.bib ?? ''}</td>
                  <td>{a.name}</td>
                  <td>{a.event}</td>
                  <td>{a.field}</td>
                  <td className="cell-time">{a.value}</td>
                  <td>{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {attention.length < attentionCount && (
            <p className="muted">
              {attentionCount - attention.length} more not listed here (only the oldest are shown);
              Retry sends them all.
            </p>
          )}
          <button
            type="button"
            className="btn-primary"
            onClick={() => void run({ type: 'retry' }, 'retry rows needing attention')}
          >
            Retry
          </button>
        </>
      )}

      <h2>Crossings without a bib ({untagged.length})</h2>
      {untagged.length === 0 ? (
        <p className="muted">Every crossing has a bib.</p>
      ) : (
        <table className="crossings" data-testid="untagged">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Kind</th>
              <th>Give it a bib</th>
            </tr>
          </thead>
          <tbody>
            {untagged.map((c) => (
              <tr key={c.tapSeq} className="row-untagged">
                <td>{c.tapSeq}</td>
                <td>{c.time ?? formatTimeOfDay(c.at, 2, zone)}</td>
                <td>{c.unreadable ? 'unreadable bib' : 'time only'}</td>
                <td>
                  <AssignInline tapSeq={c.tapSeq} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Journal ({journalLength} entries)</h2>
      {error && <p className="tone-error">{error}</p>}
      <table className="journal" data-testid="journal">
        <thead>
          <tr>
            <th>Seq</th>
            <th>Saved at</th>
            <th>Kind</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          {journal.map((j) => (
            <tr key={j.seq}>
              <td>{j.seq}</td>
              <td>{formatTimeOfDay(j.recordedAt, 1, zone)}</td>
              <td>{j.kind}</td>
              <td>{j.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <button type="button" onClick={() => void loadOlder()}>
          Older entries
        </button>
      )}
      <p className="muted">Sync states: {Object.values(SYNC_LABELS).join(' · ')}</p>
    </section>
  );
}
