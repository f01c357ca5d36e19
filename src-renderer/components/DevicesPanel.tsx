// Setup → Second devices (main screen only): pair a Chute screen (sends the bib order, reads) or
// a read-only display (reads), each with its own link shown once as text and as a QR code;
// list the paired devices and revoke any of them at once.
import { useCallback, useEffect, useState } from 'react';
import type { HostResultOf, PairedDeviceView } from '../../src-shared/wire';
import { useHostClient } from '../host-context';
import { ErrorLine } from './Dialog';
import { ListTable } from './ListTable';
import { QrCode } from './QrCode';

const ROLE_WORDS: Record<PairedDeviceView['role'], string> = {
  chute: 'Chute screen (bib order)',
  display: 'read-only display',
};

type Paired = HostResultOf<{ type: 'pairDevice'; role: 'chute'; name: string }>;

function PairedLink(props: { paired: Paired; onDone: () => void }) {
  const { paired } = props;
  const [shown, setShown] = useState(0);
  const link = paired.links[shown] ?? null;
  return (
    <div className="pairing" data-testid="pairing">
      <h3>
        Link for {paired.device.name} ({ROLE_WORDS[paired.device.role]})
      </h3>
      {link === null ? (
        <p className="tone-warn">{paired.note}</p>
      ) : (
        <div className="pairing-body">
          <QrCode text={link} label={`QR code of the link for ${paired.device.name}`} />
          <div>
            <p>Scan the code with the device&apos;s camera, or type the link in its browser:</p>
            {paired.links.map((l, i) => (
              <p key={l}>
                <code className="pair-link" data-testid="pair-link">
                  {l}
                </code>
                {paired.links.length > 1 && i !== shown && (
                  <button type="button" onClick={() => setShown(i)}>
                    Code for this address
                  </button>
                )}
              </p>
            ))}
            <p className="muted">
              Shown once: the link is this device&apos;s own key. If it is lost, revoke the device
              below and pair it again.
            </p>
          </div>
        </div>
      )}
      <button type="button" onClick={props.onDone}>
        Done
      </button>
    </div>
  );
}

export function DevicesPanel() {
  const host = useHostClient();
  const [devices, setDevices] = useState<PairedDeviceView[]>([]);
  const [paired, setPaired] = useState<Paired | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const attempt = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setBusy(false);
  }, []);
  const load = useCallback(async () => {
    if (host) setDevices(await host.send({ type: 'devices' }));
  }, [host]);
  useEffect(() => {
    void attempt(load);
  }, [attempt, load]);

  if (host === null) {
    return (
      <section className="setup-step" data-testid="devices" aria-label="Second devices">
        <h2>Second devices</h2>
        <p className="muted">
          A Chute screen for the bib order or a read-only display for the announcer pairs with the
          web station: start it with <code>npm start -- --web --host 0.0.0.0</code>.
        </p>
      </section>
    );
  }
  const pair = (role: PairedDeviceView['role']) =>
    attempt(async () => {
      setPaired(await host.send({ type: 'pairDevice', role, name: name.trim() }));
      setName('');
      await load();
    });
  const revoke = (id: string) =>
    attempt(async () => {
      await host.send({ type: 'revokeDevice', id });
      if (paired?.device.id === id) setPaired(null);
      await load();
    });

  return (
    <section className="setup-step" data-testid="devices" aria-label="Second devices">
      <h2>Second devices</h2>
      <p className="muted">
        Each device gets its own link with only what its screen needs: a Chute screen sends the bib
        order and reads; a read-only display (announcer, results tent) only reads. Setup, the
        connection, restore and pairing stay on this screen.
      </p>
      <div className="inline-form">
        <label>
          Device name
          <input
            name="deviceName"
            maxLength={60}
            value={name}
            placeholder="Chute tablet"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="button" disabled={busy} onClick={() => void pair('chute')}>
          Pair a Chute screen
        </button>
        <button type="button" disabled={busy} onClick={() => void pair('display')}>
          Pair a read-only display
        </button>
      </div>
      <ErrorLine error={error} />
      {paired && <PairedLink paired={paired} onDone={() => setPaired(null)} />}
      <ListTable
        count={devices.length}
        empty="No devices paired."
        columns={['Device', 'May', 'Paired']}
        action="revoke"
      >
        {devices.map((d) => (
          <tr key={d.id} data-testid="device-row">
            <td>{d.name}</td>
            <td>{d.role === 'chute' ? 'send the bib order, read' : 'read'}</td>
            <td>{new Date(d.pairedAt).toLocaleTimeString()}</td>
            <td>
              <button type="button" disabled={busy} onClick={() => void revoke(d.id)}>
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
    </section>
  );
}
