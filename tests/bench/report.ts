// The benchmark table and the machine it ran on. Pure formatting, plus `machine()` which only
// reads os facts.
import os from 'node:os';

export interface Row {
  what: string;
  bar: string;
  measured: string;
  /** null: informational, no bar in DESIGN.md §6. */
  pass: boolean | null;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function verdict(pass: boolean | null): string {
  return pass === null ? 'info' : pass ? 'PASS' : 'FAIL';
}

/** A GitHub-flavoured markdown table (also readable as plain text in a terminal). */
export function markdownTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.what, r.bar, r.measured, verdict(r.pass)]);
  const head = ['what', 'bar (DESIGN.md §6)', 'measured', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    `| ${c.map((s, i) => s.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}`;
}

/** Lag growth verdict: the last window's p99 may exceed the first's by half, plus 2 ms of noise. */
export function noLagGrowth(firstP99: number, lastP99: number): boolean {
  return lastP99 <= firstP99 * 1.5 + 2;
}
