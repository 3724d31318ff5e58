import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const SRC = join(__dirname, '../../src');

/** Every non-spec TypeScript file under src/, relative to it. */
function sourceFiles(folder = SRC): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(SRC, path)] : [];
  });
}

/** The top-level folder of src/ a file belongs to; a file directly in src/ is its own "folder". */
const folderOf = (file: string) => file.split('/')[0];

/** Folder -> the folders its files import, with one file that does it for the message. */
function folderImports(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles()) {
    const from = folderOf(file);
    for (const [, specifier] of readFileSync(join(SRC, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = normalize(join(dirname(file), specifier));
      if (target.startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, file);
    }
  }
  return graph;
}

describe('the layout of src/', () => {
  const graph = folderImports();

  it('has no two folders that import each other', () => {
    const twoWay: string[] = [];
    for (const [from, targets] of graph) {
      for (const [to, file] of targets) {
        const back = graph.get(to)?.get(from);
        if (back && from < to) twoWay.push(`${from} <-> ${to} (${file}, ${back})`);
      }
    }
    expect(twoWay).toEqual([]);
  });

  it('keeps the mail core free of features: it imports only common', () => {
    expect([...(graph.get('mail')?.keys() ?? [])].filter((to) => to !== 'common')).toEqual([]);
  });
});
