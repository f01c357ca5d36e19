// `npm test` must pass in a clone with nothing beside it: no test or source file may name a path
// outside the repository (the recorded RunSignup answers live in tests/fixtures/runsignup).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCANNED = ['tests', 'src-main', 'src-shared', 'src-renderer', 'scripts'];
const OUTSIDE = [/\.\.\/shared\//, /['"`]\/work\//, /\.\.\/\.\.\/\.\.\/\.\.\//];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mjs|cjs|js)$/.test(name)) out.push(full);
  }
  return out;
}

describe('the repository is self-contained', () => {
  it('no source or test file names a path outside the repository', () => {
    const offenders: string[] = [];
    for (const top of SCANNED) {
      for (const file of sourceFiles(path.join(repoRoot, top))) {
        if (file === fileURLToPath(import.meta.url)) continue;
        const text = readFileSync(file, 'utf8');
        for (const pattern of OUTSIDE) {
          if (pattern.test(text)) offenders.push(`${path.relative(repoRoot, file)} (${pattern})`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the recorded RunSignup answers are inside the repository', () => {
    const dir = path.join(repoRoot, 'tests/fixtures/runsignup');
    expect(readdirSync(dir).filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(7);
  });
});
