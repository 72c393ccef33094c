/**
 * Per deployed function (serverless.yml `functions`): bundle its handler with esbuild the way
 * serverless-esbuild does (serverless.yml `custom.esbuild`), then import the bundle in N fresh
 * `node` processes with the function's environment (provider.environment, a temp config file)
 * and take the median import time. Also the bundle size.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import type { BenchContext, BenchFigures } from './context';

const ROOT = resolve(import.meta.dirname, '../..');

interface EsbuildCustom {
  bundle?: boolean;
  minify?: boolean;
  sourcemap?: boolean;
  sourcesContent?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'esm' | 'cjs';
  outputFileExtension?: string;
  mainFields?: string[];
  banner?: { js?: string };
  external?: string[];
  /** A file exporting an array of esbuild plugins, relative to serverless.yml (as serverless-esbuild reads it). */
  plugins?: string;
}

interface ServerlessYml {
  provider: { environment?: Record<string, string> };
  custom: { esbuild: EsbuildCustom };
  functions: Record<string, { handler: string }>;
}

/** The function names and their handler modules, as serverless.yml declares them. */
export function deployedFunctions(): { name: string; entry: string }[] {
  const yml = readServerlessYml();
  return Object.entries(yml.functions).map(([name, fn]) => ({ name, entry: join(ROOT, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`) }));
}

function readServerlessYml(): ServerlessYml {
  // CloudFormation tags (!Ref, !GetAtt, !Sub) are irrelevant here: logLevel error keeps them as plain values.
  return parseYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as ServerlessYml;
}

/**
 * Bundles `entry` into `outfile` with serverless.yml's `custom.esbuild` options and plugins, as
 * serverless-esbuild does at package time (the bench, and the adapter test of the bundled SDK clients).
 */
export async function bundleLikeServerless(entry: string, outfile: string): Promise<void> {
  const options = readServerlessYml().custom.esbuild;
  const plugins: Plugin[] = options.plugins ? (createRequire(import.meta.url)(join(ROOT, options.plugins)) as Plugin[]) : [];
  await build({
    entryPoints: [entry],
    outfile,
    bundle: options.bundle ?? true,
    minify: options.minify ?? false,
    sourcemap: options.sourcemap ?? false,
    sourcesContent: options.sourcesContent ?? true,
    target: options.target,
    platform: options.platform ?? 'node',
    format: options.format ?? 'esm',
    mainFields: options.mainFields,
    banner: options.banner,
    external: options.external ?? [],
    plugins,
    logLevel: 'silent',
  });
}

export async function benchColdImport(context: Pick<BenchContext, 'imports'>): Promise<BenchFigures> {
  const yml = readServerlessYml();
  const options = yml.custom.esbuild;
  const work = mkdtempSync(join(tmpdir(), 'capacity-guard-bench-'));
  try {
    const config = join(work, 'capacity-guard.yml');
    copyFileSync(join(ROOT, 'capacity-guard.example.yml'), config);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...yml.provider.environment,
      CAPACITY_GUARD_CONFIG: config,
      CAPACITY_GUARD_LOCK_TABLE: 'capacity-guard-bench-lease',
      // functions.<name>.environment holds CloudFormation refs: the bench names the table itself.
      CAPACITY_GUARD_SIGNALS_TABLE: 'capacity-guard-bench-signals',
      AWS_REGION: 'eu-west-3',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const figures: BenchFigures = {};
    for (const fn of deployedFunctions()) {
      const outfile = join(work, `${fn.name}${options.outputFileExtension ?? '.js'}`);
      await bundleLikeServerless(fn.entry, outfile);
      const times: number[] = [];
      for (let i = 0; i < context.imports; i++) times.push(importOnce(outfile, env));
      times.sort((a, b) => a - b);
      figures[`cold_import_ms_${fn.name}`] = Math.round(times[Math.floor(times.length / 2)]!);
      figures[`bundle_kb_${fn.name}`] = Math.round(statSync(outfile).size / 1024);
    }
    // The RE2 library the priority expander compiles with (lib/priorities/re2.ts), alone: its share of
    // every bundle and of every cold start.
    const re2Entry = join(work, 're2-entry.mjs');
    writeFileSync(re2Entry, "import { RE2JS } from 're2js'; RE2JS.compile('^spot-').test('spot-nodes-a');\n");
    const re2Bundle = join(work, 're2.mjs');
    await build({
      entryPoints: [re2Entry],
      outfile: re2Bundle,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      nodePaths: [join(ROOT, 'node_modules')],
      logLevel: 'silent',
    });
    const re2Times: number[] = [];
    for (let i = 0; i < context.imports; i++) re2Times.push(importOnce(re2Bundle, env));
    re2Times.sort((a, b) => a - b);
    figures.re2js_import_ms = Math.round(re2Times[Math.floor(re2Times.length / 2)]!);
    figures.re2js_bundle_kb = Math.round(statSync(re2Bundle).size / 1024);
    const of = (prefix: string) =>
      Math.max(
        ...Object.entries(figures)
          .filter(([key]) => key.startsWith(prefix))
          .map(([, value]) => value),
      );
    // Wall-clock medians grow with the machine's load (other processes on its cores): the load
    // average per core at the end of the measurement tells whether the figures were taken quiet.
    const loadPerCore = Math.round((loadavg()[0]! / Math.max(1, cpus().length)) * 100) / 100;
    return { ...figures, cold_import_ms: of('cold_import_ms_'), bundle_kb: of('bundle_kb_'), cold_import_load_per_core: loadPerCore };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One fresh process: milliseconds to import the bundle (its top level runs: config read, clients built). */
function importOnce(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(output.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`importing ${file} printed ${JSON.stringify(output)}`);
  return ms;
}
