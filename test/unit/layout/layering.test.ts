/**
 * The tree's two promises, checked on the sources: no import cycle between the folders under lib/
 * (type-only imports count: they couple the folders just the same), and only lib/aws/ imports
 * the AWS SDK. A regex over the import lines is enough: the tree uses static, relative imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const lib = join(root, 'lib');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

/** The first folder under lib/ a file lives in ("failover" for lib/failover/run.ts). */
function folderOf(file: string): string {
  return relative(lib, file).split('/')[0] ?? '';
}

/** Folder -> the other lib/ folders its files import. */
function folderGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(`${lib}/`)) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle as a path (a -> b -> a), or null. Depth-first search with the current path on a stack. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return null;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('the layout of lib/', () => {
  const files = sources(lib);

  it('has no import cycle between its folders', () => {
    const cycle = findCycle(folderGraph(files));
    expect(cycle?.join(' -> ') ?? 'no cycle').toBe('no cycle');
  });

  it('lets only the AWS adapters (lib/aws/) import @aws-sdk', () => {
    const outside = files
      .filter((file) => folderOf(file) !== 'aws')
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('@aws-sdk/'))
          .map((spec) => `${relative(root, file)}: ${spec}`),
      );
    expect(outside).toEqual([]);
  });

  it('finds a cycle when there is one, type-only imports included', () => {
    const graph = new Map([
      ['ports', new Set(['vocabulary'])],
      ['failover', new Set(['ports', 'spot'])],
      ['spot', new Set(['ports', 'failover'])],
      ['vocabulary', new Set<string>()],
    ]);
    expect(findCycle(graph)).toEqual(['failover', 'spot', 'failover']);
    expect(
      findCycle(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set<string>()],
        ]),
      ),
    ).toBeNull();
    const typeOnly = `import type { X } from '../spot/actions';\nexport type { Y } from '../failover/actions';`;
    expect([...typeOnly.matchAll(IMPORT)].map((match) => match[1])).toEqual(['../spot/actions', '../failover/actions']);
  });
});
