// The station's way to RunSignup: the credentials (kept in the SecretStore and nowhere else),
// the clients made from them, and the practice RunSignup's life. It decides which RunSignup a
// setup's results, gun and clock calls go to; it never decides anything about a race.
import type { StationConfig } from '../../src-shared/domain';
import { Connection, type CommandResult } from '../../src-shared/station-api';
import type { PostOutcome, ResultsPoster } from '../sync/ports';
import { errorText } from './dispatch';
import type {
  PracticeFactory,
  PracticeHost,
  ResolvedConnection,
  RunSignupFactory,
  RunSignupObserver,
  RunSignupPort,
  SecretStore,
} from './ports';

export const CONNECTION_SECRET_KEY = 'runsignup-connection';

/** A poster that posts nothing and says why (the row waits, it is not lost). */
function refusingPoster(message: string): ResultsPoster {
  return {
    async postResults(): Promise<PostOutcome> {
      return { ok: false, kind: 'auth', code: null, message, retryAfterMs: null };
    },
  };
}

/** Sync can never post a live race's results without that race's credentials. */
const MISSING_CREDENTIALS =
  'RunSignup credentials are needed to send results: connect to RunSignup again on the setup screen.';
/** Before setup the outbox is empty; should a row appear anyway, it waits. */
const NOT_CONFIGURED = 'The station is not set up for a race yet.';

export interface ConnectionOptions {
  secrets: SecretStore;
  runsignup: RunSignupFactory;
  practice: PracticeFactory;
  practiceSeed: number;
  /** Every RunSignup answer passes here (the clock's samples). */
  observer: RunSignupObserver;
  /** A NEW practice RunSignup started (empty: it has nothing this station sent before). */
  onFreshPractice: () => void;
  log: (line: string) => void;
}

export class RunSignupConnection {
  private connection: Connection = { auth: 'practice' };
  private client: RunSignupPort | null = null;
  private practiceClient: RunSignupPort | null = null;
  private practiceHost: PracticeHost | null = null;
  private practiceStarting: Promise<PracticeHost> | null = null;
  /** Per client, its connection with the OAuth tokens it renewed last. */
  private readonly renewed = new WeakMap<RunSignupPort, { connection: Connection }>();

  private constructor(private readonly options: ConnectionOptions) {}

  /** The connection kept from an earlier run, else practice. */
  static async restore(options: ConnectionOptions): Promise<RunSignupConnection> {
    const connection = new RunSignupConnection(options);
    const stored = await options.secrets.get(CONNECTION_SECRET_KEY);
    if (stored !== null) {
      const parsed = Connection.safeParse(safeJson(stored));
      if (parsed.success) connection.connection = parsed.data;
      else options.log('Stored RunSignup connection was unreadable; starting in practice mode.');
    }
    return connection;
  }

  isPractice(): boolean {
    return this.connection.auth === 'practice';
  }

  /** The running practice emulator's connection, when practice mode started one. */
  practice(): PracticeHost | null {
    return this.practiceHost;
  }

  /** Starts the practice RunSignup once; later calls share it. */
  ensurePractice(): Promise<PracticeHost> {
    this.practiceStarting ??= this.options.practice(this.options.practiceSeed).then((host) => {
      this.practiceHost = host;
      if (host.fresh) this.options.onFreshPractice();
      return host;
    });
    return this.practiceStarting;
  }

  /** The client the setup screens use (races, race details, configure). */
  async current(): Promise<RunSignupPort> {
    this.client ??= await this.clientFor(this.connection);
    return this.client;
  }

  /** The client a setup's participants come from: its own RunSignup, or an error sentence. */
  async forSetup(config: StationConfig): Promise<RunSignupPort | string> {
    if (config.mode === 'practice') return this.clientFor({ auth: 'practice' });
    if (this.isPractice()) {
      return 'Connect to RunSignup first: this station has no credentials for its race.';
    }
    return this.current();
  }

  /** The poster results go to: decided by the configured race's mode, never by chance. */
  async posterFor(config: StationConfig | null): Promise<ResultsPoster> {
    if (config === null) return refusingPoster(NOT_CONFIGURED);
    if (config.mode === 'practice') {
      return (await this.clientFor({ auth: 'practice' })).posterFor(config.raceId);
    }
    if (this.isPractice()) return refusingPoster(MISSING_CREDENTIALS);
    return (await this.current()).posterFor(config.raceId);
  }

  /** The client the configured race's start-time and clock calls go to, or null (no credentials). */
  async raceClient(config: StationConfig | null): Promise<RunSignupPort | null> {
    if (config === null) return this.current();
    if (config.mode === 'practice') return this.clientFor({ auth: 'practice' });
    if (this.isPractice()) return null;
    return this.current();
  }

  /** Proves the credentials with one call, then keeps them (practice: forgets stored ones). */
  async connect(next: Connection): Promise<CommandResult> {
    const candidate = await this.clientFor(next);
    try {
      await candidate.races();
    } catch (error) {
      if (candidate !== this.practiceClient) await candidate.close();
      return { ok: false, error: `Could not connect to RunSignup: ${errorText(error)}` };
    }
    if (this.client && this.client !== this.practiceClient && this.client !== candidate) {
      await this.client.close();
    }
    this.client = candidate;
    // Tokens renewed while proving the credentials are the ones kept.
    const kept = this.renewed.get(candidate)?.connection ?? next;
    this.connection = kept;
    if (kept.auth === 'practice') await this.options.secrets.delete(CONNECTION_SECRET_KEY);
    else await this.options.secrets.set(CONNECTION_SECRET_KEY, JSON.stringify(kept));
    return { ok: true, seq: null, warnings: [] };
  }

  async close(): Promise<void> {
    if (this.client && this.client !== this.practiceClient) await this.client.close();
    await this.practiceClient?.close();
    await this.practiceHost?.close();
  }

  private async clientFor(target: Connection): Promise<RunSignupPort> {
    if (target.auth === 'practice') {
      if (this.practiceClient) return this.practiceClient;
      const host = await this.ensurePractice();
      this.practiceClient = this.options.runsignup(host.connection, this.options.observer);
      return this.practiceClient;
    }
    // RunSignup may take a refresh token only once: every renewal is kept at once, so the
    // station restarted tomorrow renews with the token RunSignup gave last.
    const holder = { connection: target };
    const client = this.options.runsignup(target as ResolvedConnection, {
      ...this.options.observer,
      onBearerRenewed: (tokens) => {
        const before = holder.connection;
        if (before.auth !== 'bearer') return;
        holder.connection = {
          ...before,
          token: tokens.accessToken,
          refreshToken: tokens.refreshToken,
        };
        if (this.connection !== before) return;
        this.connection = holder.connection;
        this.options.secrets
          .set(CONNECTION_SECRET_KEY, JSON.stringify(holder.connection))
          .catch((error: unknown) =>
            this.options.log(`Could not keep the renewed RunSignup tokens: ${errorText(error)}`),
          );
      },
    });
    this.renewed.set(client, holder);
    return client;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
