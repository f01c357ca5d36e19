// A manual clock offset for this station. It re-times every entry this station made (the
// offset is added to every tap time), so it asks for a second confirmation before sending.
import { useState } from 'react';
import { useChute } from '../context';
import { parseOffsetSeconds } from '../lib/clock-status';
import { FormDialog } from './Dialog';

export function OffsetDialog(props: { onClose: () => void }) {
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const current = snapshot?.offsetMs ?? 0;
  const measured = snapshot?.clock?.offsetMs ?? null;
  const [text, setText] = useState(() =>
    ((measured !== null ? Math.round(measured) : current) / 1000).toFixed(2),
  );
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const parsed = parseOffsetSeconds(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    if (confirming !== parsed.ms) {
      setConfirming(parsed.ms);
      return;
    }
    setBusy(true);
    const result = await run({ type: 'offset', ms: parsed.ms }, `clock offset ${text.trim()} s`);
    setBusy(false);
    if (result.ok) props.onClose();
    else setError(result.error);
  };

  return (
    <FormDialog
      title="Clock offset to RunSignup"
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Set offset"
      busy={busy}
      error={error}
    >
      <label>
        Seconds to add to this station&apos;s times (now {(current / 1000).toFixed(2)} s)
        <input
          name="offset"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setConfirming(null);
            setError(null);
          }}
          autoComplete="off"
        />
      </label>
      {confirming !== null && (
        <p className="tone-warn" data-testid="offset-confirm">
          This re-times EVERY entry of this station by {(confirming / 1000).toFixed(3)} s and
          re-posts the changed times. Press Set offset again to confirm.
        </p>
      )}
    </FormDialog>
  );
}
