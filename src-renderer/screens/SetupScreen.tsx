// Connection, race, events, result sets, station role and name. Everything goes through the
// `connect` / `configure` / `refreshParticipants` commands; secrets live only in this form's
// local state and are wiped once the station has them.
import { useState } from 'react';
import type { RaceDetails } from '../../src-shared/station-api';
import type { TimePrecision } from '../../src-shared/domain';
import { useChuteApi } from '../api-context';
import { useChute } from '../context';
import { DevicesPanel } from '../components/DevicesPanel';
import { RestorePanel } from '../components/RestorePanel';
import { useScreenRole } from '../host-context';
import {
  BEARER_RENEWAL_HINT,
  CALLER_REGISTRATION_HINT,
  EMPTY_CONNECTION_FORM,
  buildConfigure,
  buildConnection,
  splitChoices,
  type AuthChoice,
  type ConnectionForm,
  type HostChoice,
  type RaceForm,
} from '../lib/setup-form';

const HOSTS: Array<[HostChoice, string]> = [
  ['practice', 'Practice race (no internet needed)'],
  ['runsignup', 'RunSignup'],
  ['runsignup-test', 'RunSignup test host'],
  ['custom', 'Custom URL'],
];
const AUTHS: Array<[AuthChoice, string]> = [
  ['api-key', 'API key + secret'],
  ['v2-key', 'API v2 key + secret'],
  ['login', 'Email + password'],
  ['bearer', 'OAuth token'],
];

function Errors(props: { errors: string[] }) {
  if (props.errors.length === 0) return null;
  return (
    <ul className="form-errors tone-error" role="alert">
      {props.errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

type ConnectionText = Exclude<keyof ConnectionForm, 'host' | 'auth'>;

/** One credential field of the connection form; a secret is typed unseen and never autofilled. */
function ConnectionField(props: {
  form: ConnectionForm;
  patch: (p: Partial<ConnectionForm>) => void;
  name: ConnectionText;
  label: string;
  secret?: boolean;
  type?: 'email';
  autoComplete?: string;
}) {
  const { form, patch, name } = props;
  return (
    <label>
      {props.label}
      <input
        name={name}
        type={props.secret ? 'password' : (props.type ?? 'text')}
        autoComplete={props.autoComplete ?? 'off'}
        value={form[name]}
        onChange={(e) => patch({ [name]: e.target.value })}
      />
    </label>
  );
}

function ConnectionStep(props: { onConnected: () => void }) {
  const run = useChute((s) => s.run);
  const [form, setForm] = useState<ConnectionForm>(EMPTY_CONNECTION_FORM);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const patch = (p: Partial<ConnectionForm>) => setForm((f) => ({ ...f, ...p }));

  const connect = async () => {
    const built = buildConnection(form);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    const result = await run({ type: 'connect', connection: built.value }, 'connect');
    setBusy(false);
    if (!result.ok) {
      setErrors([result.error]);
      return;
    }
    // The station keeps the credentials; the screen forgets them.
    setForm((f) => ({
      ...f,
      apiSecret: '',
      password: '',
      accessToken: '',
      refreshToken: '',
      callerSecret: '',
    }));
    setErrors([]);
    props.onConnected();
  };

  return (
    <form
      className="setup-step"
      onSubmit={(e) => {
        e.preventDefault();
        void connect();
      }}
    >
      <h2>1. Connection</h2>
      <RadioChoices
        name="host"
        choices={HOSTS}
        value={form.host}
        onChange={(host) => patch({ host })}
      />
      {form.host === 'custom' && (
        <label>
          RunSignup API URL
          <input
            name="customUrl"
            value={form.customUrl}
            onChange={(e) => patch({ customUrl: e.target.value })}
            placeholder="http://127.0.0.1:8080/Rest"
          />
        </label>
      )}
      {form.host !== 'practice' && (
        <>
          <RadioChoices
            name="auth"
            choices={AUTHS}
            value={form.auth}
            onChange={(auth) => patch({ auth })}
          />
          {form.auth === 'login' ? (
            <>
              <ConnectionField
                form={form}
                patch={patch}
                name="email"
                label="Email"
                type="email"
                autoComplete="username"
              />
              <ConnectionField
                form={form}
                patch={patch}
                name="password"
                label="Password"
                secret
                autoComplete="current-password"
              />
            </>
          ) : form.auth === 'bearer' ? (
            <>
              <ConnectionField
                form={form}
                patch={patch}
                name="accessToken"
                label="OAuth access token"
                secret
              />
              <p className="muted" data-testid="refresh-hint">
                {BEARER_RENEWAL_HINT}
              </p>
              <ConnectionField
                form={form}
                patch={patch}
                name="refreshToken"
                label="Refresh token"
                secret
              />
              <ConnectionField form={form} patch={patch} name="clientId" label="OAuth client id" />
            </>
          ) : (
            <>
              <ConnectionField form={form} patch={patch} name="apiKey" label="API key" />
              <ConnectionField
                form={form}
                patch={patch}
                name="apiSecret"
                label="API secret"
                secret
              />
            </>
          )}
          <p className="muted" data-testid="caller-hint">
            {CALLER_REGISTRATION_HINT}
          </p>
          <ConnectionField form={form} patch={patch} name="callerToken" label="API caller token" />
          <ConnectionField
            form={form}
            patch={patch}
            name="callerSecret"
            label="API caller secret"
            secret
          />
        </>
      )}
      <Errors errors={errors} />
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
    </form>
  );
}

function RaceStep() {
  const api = useChuteApi();
  const run = useChute((s) => s.run);
  const progress = useChute((s) => s.progress);
  const [races, setRaces] = useState<Array<{
    raceId: number;
    name: string;
    nextDate: string | null;
  }> | null>(null);
  const [details, setDetails] = useState<RaceDetails | null>(null);
  const [form, setForm] = useState<RaceForm>({
    raceId: null,
    events: {},
    role: 'finish',
    stationName: '',
    precision: 1,
  });
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  const loadRaces = async () => {
    setBusy('Loading races…');
    try {
      setRaces(await api.query({ type: 'races' }));
      setErrors([]);
    } catch (e) {
      setErrors([e instanceof Error ? e.message : String(e)]);
    }
    setBusy(null);
  };

  const pickRace = async (raceId: number) => {
    setBusy('Loading the race…');
    try {
      const d = await api.query({ type: 'raceDetails', raceId });
      setDetails(d);
      // Every event timed by default, each on its first result set.
      const events: Record<number, number | null> = {};
      for (const ev of d.events) events[ev.eventId] = ev.resultSets[0]?.resultSetId ?? null;
      setForm((f) => ({ ...f, raceId, events, role: 'finish' }));
      setErrors([]);
    } catch (e) {
      setErrors([e instanceof Error ? e.message : String(e)]);
    }
    setBusy(null);
  };

  const configure = async () => {
    const built = buildConfigure(form, details);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setBusy('Saving and downloading participants…');
    const result = await run(built.value, `configure ${form.stationName.trim()}`);
    setBusy(null);
    setErrors(result.ok ? [] : [result.error]);
  };

  const chosenIds = Object.keys(form.events).map(Number);
  const splits = details ? splitChoices(details, chosenIds) : [];

  return (
    <form
      className="setup-step"
      onSubmit={(e) => {
        e.preventDefault();
        void configure();
      }}
    >
      <h2>2. Race and station</h2>
      <button type="button" onClick={() => void loadRaces()} disabled={busy !== null}>
        {races === null ? 'Load my races' : 'Reload races'}
      </button>
      {races && (
        <label>
          Race
          <select
            name="race"
            value={form.raceId ?? ''}
            onChange={(e) => e.target.value !== '' && void pickRace(Number(e.target.value))}
          >
            <option value="">— pick a race —</option>
            {races.map((r) => (
              <option key={r.raceId} value={r.raceId}>
                {r.name}
                {r.nextDate ? ` (${r.nextDate})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {details && (
        <>
          <fieldset className="events">
            <legend>Events timed here, and the result set each posts to</legend>
            {details.events.map((ev) => {
              const on = form.events[ev.eventId] !== undefined;
              return (
                <div key={ev.eventId} className="event-row">
                  <label className="choice">
                    <input
                      type="checkbox"
                      name={`event-${ev.eventId}`}
                      checked={on}
                      onChange={() =>
                        setForm((f) => {
                          const events = { ...f.events };
                          if (on) delete events[ev.eventId];
                          else events[ev.eventId] = ev.resultSets[0]?.resultSetId ?? null;
                          return { ...f, events };
                        })
                      }
                    />
                    {ev.name}
                    {ev.startTime ? ` — ${ev.startTime}` : ''}
                  </label>
                  {on && (
                    <select
                      aria-label={`result set for ${ev.name}`}
                      value={form.events[ev.eventId] ?? ''}
                      onChange={(e) =>
                        setForm((f) => ({
                          ...f,
                          events: {
                            ...f.events,
                            [ev.eventId]: e.target.value === '' ? null : Number(e.target.value),
                          },
                        }))
                      }
                    >
                      {ev.resultSets.length === 0 && (
                        <option value="">no result set: create one on RunSignup</option>
                      )}
                      {ev.resultSets.map((rs) => (
                        <option key={rs.resultSetId} value={rs.resultSetId}>
                          {rs.name}
                        </option>
                      ))}
                    </select>
                  )}
                </div>
              );
            })}
          </fieldset>
          <label>
            Station role
            <select
              name="role"
              value={form.role}
              onChange={(e) => setForm((f) => ({ ...f, role: e.target.value }))}
            >
              <option value="finish">Finish line</option>
              {splits.map((s) => (
                <option key={s.name} value={s.name}>
                  Split: {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Station name
            <input
              name="stationName"
              maxLength={60}
              value={form.stationName}
              onChange={(e) => setForm((f) => ({ ...f, stationName: e.target.value }))}
              placeholder="Finish A"
            />
          </label>
          {details.timeZone ? (
            <p data-testid="race-time-zone">
              Start times in {details.timeZone} (the race&apos;s time zone on RunSignup)
            </p>
          ) : (
            <label>
              Race time zone (RunSignup gives none)
              <input
                name="timeZone"
                value={form.timeZone ?? ''}
                placeholder={Intl.DateTimeFormat().resolvedOptions().timeZone}
                onChange={(e) => setForm((f) => ({ ...f, timeZone: e.target.value }))}
              />
            </label>
          )}
          <label>
            Time precision
            <select
              name="precision"
              value={form.precision}
              onChange={(e) =>
                setForm((f) => ({ ...f, precision: Number(e.target.value) as TimePrecision }))
              }
            >
              <option value={0}>whole seconds</option>
              <option value={1}>tenths</option>
              <option value={2}>hundredths</option>
              <option value={3}>thousandths</option>
            </select>
          </label>
        </>
      )}
      <Errors errors={errors} />
      {busy && <p className="muted">{busy}</p>}
      {progress && (
        <p data-testid="progress">
          {progress.task}: {progress.done}
          {progress.total !== null ? ` of ${progress.total}` : ''}
          {progress.total ? <progress value={progress.done} max={progress.total} /> : null}
        </p>
      )}
      {details && (
        <button type="submit" className="btn-primary" disabled={busy !== null}>
          Save station setup
        </button>
      )}
    </form>
  );
}

export function SetupScreen() {
  const config = useChute((s) => s.snapshot?.config ?? null);
  const mode = useChute((s) => s.snapshot?.mode ?? 'setup');
  const run = useChute((s) => s.run);
  const [connected, setConnected] = useState(false);
  return (
    <section className="screen setup-screen">
      {config && (
        <div className="current-setup" data-testid="current-setup">
          <h2>This station</h2>
          <p>
            <strong>{config.stationName}</strong> — {config.raceName} —{' '}
            {config.role.kind === 'finish' ? 'finish line' : `split ${config.role.name}`} —{' '}
            {config.events.map((e) => e.name).join(', ')} ({mode})
          </p>
          <button
            type="button"
            onClick={() => void run({ type: 'refreshParticipants' }, 'refresh participants')}
          >
            Download participants again
          </button>
        </div>
      )}
      <ConnectionStep onConnected={() => setConnected(true)} />
      {(connected || config || mode === 'practice') && <RaceStep />}
      <MainScreenTools />
    </section>
  );
}

/** Backups, restore and pairing: the main screen's alone (a paired device is told so). */
function MainScreenTools() {
  const role = useScreenRole();
  if (role.kind === 'checking') return null;
  if (role.kind === 'device') {
    return (
      <p className="muted" data-testid="main-screen-only">
        Backups, restore and pairing are on the main screen (the station laptop).
      </p>
    );
  }
  return (
    <>
      <RestorePanel />
      <DevicesPanel />
    </>
  );
}

/** One group of large radio choices (the connection's host, the kind of credentials). */
function RadioChoices<T extends string>(props: {
  name: string;
  choices: Array<[T, string]>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="choices">
      {props.choices.map(([value, label]) => (
        <label key={value} className="choice">
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.value === value}
            onChange={() => props.onChange(value)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
