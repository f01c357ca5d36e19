// The layers inside src-main, as an ESLint rule: each folder (or file) imports only the folders
// its layer allows. Imports are resolved to repository paths, so the rule holds however deep a
// file sits and whatever it names (`../db`, `../../src-shared/time`, `./x`).
import path from 'node:path';

/**
 * Who may import what, most specific first: the first entry whose `from` contains the importing
 * file decides. `allow` lists folders (or files, without extension) of the repository.
 */
export const LAYERS = [
  {
    from: 'src-main/runsignup/assumptions',
    allow: ['src-shared'],
    why: 'runsignup/assumptions.ts is a leaf: it imports nothing of the repository but src-shared',
  },
  {
    from: 'src-main/core',
    allow: ['src-main/core', 'src-main/db', 'src-shared'],
    why: 'core imports only db and src-shared (the app tells it what is assumed of RunSignup)',
  },
  {
    from: 'src-main/db',
    allow: ['src-main/db', 'src-shared'],
    why: 'db imports only src-shared',
  },
  {
    from: 'src-main/sync',
    allow: ['src-main/sync', 'src-shared', 'src-main/runsignup/assumptions'],
    why: 'sync imports only src-shared, its own modules and the assumptions (the app joins it to the core and the client)',
  },
  {
    from: 'src-main/runsignup',
    allow: ['src-main/runsignup', 'src-shared'],
    why: 'runsignup imports only src-shared and its own modules (the app adapts it to the sync loop)',
  },
];

const EXTENSION = /\.(?:[cm]?[jt]sx?)$/;

/** `p` (repository-relative, no extension) is `folder` or inside it. */
function within(p, folder) {
  return p === folder || p.startsWith(`${folder}/`);
}

/** The repository-relative path of `file`, with forward slashes and no extension. */
function repoPath(root, file) {
  return path.relative(root, file).split(path.sep).join('/').replace(EXTENSION, '');
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the layers of src-main apart (DESIGN.md §2).' },
    schema: [],
    messages: { layer: '{{from}} may not import {{target}}: {{why}}.' },
  },
  create(context) {
    const root = context.cwd;
    const from = repoPath(root, context.filename);
    const layer = LAYERS.find((l) => within(from, l.from));
    if (!layer) return {};
    const check = (source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = repoPath(root, path.resolve(path.dirname(context.filename), source.value));
      if (layer.allow.some((folder) => within(target, folder))) return;
      context.report({
        node: source,
        messageId: 'layer',
        data: { from, target, why: layer.why },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
