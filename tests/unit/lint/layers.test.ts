// The layers of src-main are lint errors: for each rule, an import that breaks it fails and an
// import it allows passes, through the repository's own ESLint configuration.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The layer messages of linting `code` as if it were the file `file` of the repository. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, {
    filePath: path.join(ROOT, file),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'chute/layers')
    .map((m) => {
      expect(m.severity).toBe(2); // an error, never a warning
      return m.message;
    });
}

const cases: Array<{ rule: string; file: string; breaks: string[]; allowed: string[] }> = [
  {
    rule: 'core imports only db and src-shared',
    file: 'src-main/core/example.ts',
    breaks: ['../sync/ports', '../runsignup/assumptions', '../app/session', '../web/server'],
    allowed: ['../db', './journal-store', '../../src-shared/domain'],
  },
  {
    rule: 'core imports only db and src-shared, from a sub-folder too',
    file: 'src-main/core/store/example.ts',
    breaks: ['../../sync/sync-loop', '../../runsignup/client'],
    allowed: ['../../db', '../projection', '../../../src-shared/time'],
  },
  {
    rule: 'db imports only src-shared',
    file: 'src-main/db/example.ts',
    breaks: ['../core/station-core', '../sync/ports'],
    allowed: ['./open', '../../src-shared/domain'],
  },
  {
    rule: 'sync imports only src-shared, its own modules and the assumptions',
    file: 'src-main/sync/example.ts',
    breaks: [
      '../runsignup/client',
      '../runsignup/errors',
      '../core/store/outbox-store',
      '../app/ports',
    ],
    allowed: ['./ports', '../runsignup/assumptions', '../../src-shared/sync-contract'],
  },
  {
    rule: 'runsignup imports only src-shared and its own modules (never sync)',
    file: 'src-main/runsignup/example.ts',
    breaks: ['../sync/ports', '../core/station-core', '../app/runsignup-adapter'],
    allowed: ['./errors', './assumptions', '../../src-shared/sync-contract'],
  },
  {
    rule: 'the emulator is part of runsignup',
    file: 'src-main/runsignup/emulator/example.ts',
    breaks: ['../../sync/ports'],
    allowed: ['../assumptions', './state'],
  },
  {
    rule: 'runsignup/assumptions.ts is a leaf',
    file: 'src-main/runsignup/assumptions.ts',
    breaks: ['./errors', './client', '../sync/ports'],
    allowed: ['../../src-shared/domain'],
  },
];

describe('layers of src-main', () => {
  for (const c of cases) {
    it(`${c.rule}: a breaking import is an error, an allowed one is not`, async () => {
      for (const source of c.breaks) {
        const errors = await layerErrors(c.file, `import { x } from '${source}';`);
        expect(errors, `${c.file} importing ${source}`).toHaveLength(1);
        expect(errors[0]).toContain('may not import');
        // Re-exports and dynamic imports are imports too.
        expect(
          await layerErrors(c.file, `export { x } from '${source}';\nconst x = 1;`),
        ).toHaveLength(1);
      }
      for (const source of c.allowed) {
        const errors = await layerErrors(c.file, `import { x } from '${source}';`);
        expect(errors, `${c.file} importing ${source}`).toEqual([]);
      }
    });
  }

  it('reads dynamic imports too', async () => {
    const errors = await layerErrors(
      'src-main/core/example.ts',
      `const x = await import('../sync/sync-loop');`,
    );
    expect(errors).toHaveLength(1);
  });

  it('leaves the app free to join the layers', async () => {
    const errors = await layerErrors(
      'src-main/app/example.ts',
      [
        `import { x } from '../core/station-core';`,
        `import { y } from '../sync/sync-loop';`,
        `import { z } from '../runsignup/client';`,
        `const w = [y, z];`,
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });
});
