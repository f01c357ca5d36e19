// Command-line arguments of `npm run emulator`. Pure. Besides where it listens, a person can
// rehearse an outage: `--faults reset=0.2,http-503=0.1 --latency-ms 40000 --late-apply`, and
// run it as RunSignup before 2027 (`--no-caller-registration`).
import { ALL_FAULT_KINDS, type FaultKind, type FaultPlan } from './faults';

export interface CliArgs {
  port: number;
  seed: number;
  host: string;
  /** null: no faults. */
  faults: FaultPlan | null;
  lateApply: boolean;
  callerRegistration: 'required' | 'not-required';
}

export const CLI_USAGE =
  'usage: --port <port> [--seed N] [--host H] [--faults kind=rate,...] [--latency-ms N] ' +
  `[--no-answer-ms N] [--fault-seed N] [--late-apply] [--no-caller-registration]; ` +
  `fault kinds: ${ALL_FAULT_KINDS.join(', ')}`;

const WHOLE = /^\d+$/;

/** `reset=0.2,http-503=0.1` → per-kind rates, or a sentence saying what is wrong. */
export function parseFaultRates(text: string): Partial<Record<FaultKind, number>> | string {
  const rates: Partial<Record<FaultKind, number>> = {};
  let total = 0;
  for (const part of text.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*(\d*\.?\d+)\s*$/.exec(part);
    if (!m) return `--faults needs kind=rate pairs such as reset=0.2,http-503=0.1, not "${part}"`;
    const kind = m[1] as FaultKind;
    if (!ALL_FAULT_KINDS.includes(kind)) {
      return `--faults: unknown fault kind "${m[1]}" (kinds: ${ALL_FAULT_KINDS.join(', ')})`;
    }
    const rate = Number(m[2]);
    if (!(rate >= 0 && rate <= 1)) return `--faults: the rate of ${kind} must be 0..1`;
    rates[kind] = rate;
    total += rate;
  }
  if (total > 1 + 1e-9) return `--faults: the rates add up to ${total}, more than 1`;
  return rates;
}

export function parseCliArgs(argv: readonly string[]): CliArgs | { error: string } {
  const args: CliArgs = {
    port: 0,
    seed: 1,
    host: '127.0.0.1',
    faults: null,
    lateApply: false,
    callerRegistration: 'required',
  };
  const plan: FaultPlan = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--port':
      case '--seed':
      case '--latency-ms':
      case '--no-answer-ms':
      case '--fault-seed': {
        if (value === undefined || !WHOLE.test(value)) {
          return { error: `${flag} needs a whole number` };
        }
        const n = Number(value);
        if (flag === '--port') {
          if (n > 65_535) return { error: '--port must be 0..65535' };
          args.port = n;
        } else if (flag === '--seed') args.seed = n;
        else if (flag === '--latency-ms') plan.latencyMs = n;
        else if (flag === '--no-answer-ms') plan.noAnswerMs = n;
        else plan.seed = n;
        i++;
        break;
      }
      case '--host':
        if (!value) return { error: '--host needs an address' };
        args.host = value;
        i++;
        break;
      case '--faults': {
        if (!value) return { error: '--faults needs kind=rate pairs such as reset=0.2' };
        const rates = parseFaultRates(value);
        if (typeof rates === 'string') return { error: rates };
        plan.rates = rates;
        i++;
        break;
      }
      case '--late-apply':
        args.lateApply = true;
        break;
      case '--no-caller-registration':
        args.callerRegistration = 'not-required';
        break;
      default:
        return { error: `unknown argument "${flag}" (${CLI_USAGE})` };
    }
  }
  if (plan.rates || plan.latencyMs !== undefined || plan.noAnswerMs !== undefined) {
    // --latency-ms alone delays every request: a slow RunSignup without other faults.
    args.faults = plan.rates ? plan : { ...plan, rates: { latency: 1 } };
  } else if (plan.seed !== undefined) {
    return { error: '--fault-seed needs --faults' };
  }
  return args;
}
