import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline's folders in the order data flows: a folder imports only from folders of a
 * lower tier (or from itself). A contract lives beside what it describes, below its users, so
 * a transport (server, mcp) is never imported by the layers it serves.
 */
const TIERS: ReadonlyArray<readonly string[]> = [
  ['errors', 'util'],
  ['config', 'text', 'corpus'],
  ['embeddings', 'bibliography'],
  ['index'],
  ['retrieval'],
  ['answer'],
  ['evaluation', 'mcp'],
  ['services', 'server'],
  ['cli', 'main'],
];

const SOURCE_ROOT = path.resolve(import.meta.dirname, '../../src');
const tierOf = new Map(TIERS.flatMap((folders, tier) => folders.map((folder) => [folder, tier] as const)));

/** `src/answer/x.ts` → `answer`; `src/main.ts` → `main`. */
function topFolder(file: string): string {
  return path.relative(SOURCE_ROOT, file).split(path.sep)[0]!.replace(/\.ts$/, '');
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every import of another src folder: static, type-only, re-exports and dynamic `import()`. */
function crossFolderImports(): Array<{ file: string; from: string; to: string }> {
  return sourceFiles(SOURCE_ROOT).flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    const { module, errors } = parseSync(file, source);
    if (errors.length > 0) throw new Error(`${file}: ${errors[0]!.message}`);
    const specifiers = [
      ...module.staticImports.map((entry) => entry.moduleRequest.value),
      ...module.staticExports.flatMap((entry) => entry.entries.flatMap((exported) => (exported.moduleRequest ? [exported.moduleRequest.value] : []))),
      // A dynamic import's argument is an expression; only a literal path names a module.
      ...module.dynamicImports.map((entry) => source.slice(entry.moduleRequest.start, entry.moduleRequest.end)).flatMap((argument) => /^['"](.+)['"]$/.exec(argument)?.slice(1) ?? []),
    ];
    return specifiers
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.resolve(path.dirname(file), specifier))
      .filter((target) => target.startsWith(SOURCE_ROOT + path.sep))
      .map((target) => ({ file: path.relative(SOURCE_ROOT, file), from: topFolder(file), to: topFolder(target) }))
      .filter(({ from, to }) => from !== to);
  });
}

describe('import direction', () => {
  const imports = crossFolderImports();

  it('finds the cross-folder imports it checks (the scan itself works)', () => {
    expect(imports.some(({ from, to }) => from === 'server' && to === 'answer')).toBe(true);
    expect(imports.some(({ from, to }) => from === 'mcp' && to === 'retrieval')).toBe(true);
  });

  it('places every src folder in a tier', () => {
    const folders = new Set(sourceFiles(SOURCE_ROOT).map(topFolder));
    expect([...folders].filter((folder) => !tierOf.has(folder))).toEqual([]);
  });

  it('imports only from lower tiers', () => {
    const upward = imports.filter(({ from, to }) => tierOf.get(to)! >= tierOf.get(from)!).map(({ file, to }) => `${file} imports from ${to}/`);
    expect(upward).toEqual([]);
  });
});
