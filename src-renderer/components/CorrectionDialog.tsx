// Change a crossing's bib or time. The new value is a new journal entry; nothing is overwritten.
import { useState } from 'react';
import type { CrossingView } from '../../src-shared/station-api';
import { useChute } from '../context';
import { parseTypedTime, timeOfDayLabel, typedTimeText } from '../lib/typed-time';
import { FormDialog } from './Dialog';

export type CorrectionKind = 'bib' | 'time';

/** The gun a crossing's time is measured from: its event's, else the earliest. */
function gunFor(
  crossing: CrossingView,
  guns: ReadonlyArray<{ eventId: number; at: number | null }>,
) {
  const own = guns.find((g) => g.eventId === crossing.eventId)?.at ?? null;
  if (own !== null) return own;
  const all = guns.map((g) => g.at).filter((a): a is number => a !== null);
  return all.length > 0 ? Math.min(...all) : null;
}

export function CorrectionDialog(props: {
  kind: CorrectionKind;
  crossing: CrossingView;
  onClose: () => void;
}) {
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const { crossing } = props;
  const offset = snapshot?.offsetMs ?? 0;
  const gun = gunFor(crossing, snapshot?.guns ?? []);
  const clock = { gun, offsetMs: offset, zone: snapshot?.config?.timeZone ?? null };
  const [text, setText] = useState(() => {
    if (props.kind === 'bib') return crossing.bib === null ? '' : String(crossing.bib);
    return typedTimeText(crossing.at, clock);
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let result;
    if (props.kind === 'bib') {
      const bib = text.trim();
      if (bib !== '' && !/^\d{1,6}$/.test(bib)) {
        setError('A bib is a number of up to 6 digits (leave blank to take the bib away)');
        return;
      }
      setBusy(true);
      result = await run(
        { type: 'assign', tapSeq: crossing.tapSeq, bib: bib === '' ? null : bib },
        bib === '' ? `bib removed from #${crossing.tapSeq}` : `bib ${bib} on #${crossing.tapSeq}`,
      );
    } else {
      const parsed = parseTypedTime(text, crossing.at, clock);
      if (!parsed.ok) {
        setError(parsed.error);
        return;
      }
      const at = parsed.value;
      setBusy(true);
      result = await run(
        { type: 'adjust', tapSeq: crossing.tapSeq, at },
        `time of #${crossing.tapSeq} → ${text.trim()}`,
      );
    }
    setBusy(false);
    if (result.ok) props.onClose();
    else setError(result.error);
  };

  const title =
    props.kind === 'bib'
      ? `Change bib of crossing #${crossing.tapSeq}`
      : `Adjust time of crossing #${crossing.tapSeq}`;
  return (
    <FormDialog
      title={title}
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Save"
      busy={busy}
      error={error}
    >
      <label>
        {props.kind === 'bib'
          ? 'New bib (blank = no bib)'
          : gun === null
            ? `${timeOfDayLabel(clock.zone)} — no gun yet`
            : 'Elapsed time from the gun (H:MM:SS.fff)'}
        <input
          name="correction"
          inputMode={props.kind === 'bib' ? 'numeric' : 'text'}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          autoComplete="off"
        />
      </label>
    </FormDialog>
  );
}
