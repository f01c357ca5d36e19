// Command-line arguments of `npm run emulator -- --port <port> [--seed N] [--host H]`. Pure.

export interface CliArgs {
  port: number;
  seed: number;
  host: string;
}

export function parseCliArgs(argv: readonly string[]): CliArgs | { error: string } {
  const args: CliArgs = { port: 0, seed: 1, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' || flag === '--seed') {
      if (value === undefined || !/^\d+$/.test(value))
        return { error: `${flag} needs a whole number` };
      const n = Number(value);
      if (flag === '--port' && n > 65_535) return { error: '--port must be 0..65535' };
      args[flag === '--port' ? 'port' : 'seed'] = n;
      i++;
    } else if (flag === '--host') {
      if (!value) return { error: '--host needs an address' };
      args.host = value;
      i++;
    } else {
      return { error: `unknown argument "${flag}" (usage: --port <port> [--seed N] [--host H])` };
    }
  }
  return args;
}
