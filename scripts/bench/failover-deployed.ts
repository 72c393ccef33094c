/**
 * Benchmark what is deployed: the failover function as serverless-esbuild bundles it (serverless.yml
 * custom.esbuild, same plugins), with middy, Powertools, the example config and the Slack notifier, in
 * a Node process of its own with the Lambda environment, against moto. Every AWS call is counted at
 * the HTTP level (scripts/bench/counting-proxy.ts), SSM and DynamoDB included; the Slack webhook is a
 * local server. Each invocation is an SQS batch of one launch failure on a healthy group (a first
 * failure: suspended and told). The first invocations warm the container (cold start, SSM read) and
 * are left out of the figures; the cold one's calls are reported on their own.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleLikeServerless } from './cold-import';
import type { BenchContext } from './context';
import type { DeployedRun } from './failover-deployed-run';
import { round1 } from './failover';

const ROOT = resolve(import.meta.dirname, '../..');
const WARM_UP = 5;
/** The config serverless.yml packages by default (params.default.configFile). */
const CONFIG_FILE = 'capacity-guard.example.yml';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** "dynamodb:PutItem 2, autoscaling:DescribeAutoScalingGroups 1": the calls of one invocation, by name. */
export function breakdown(calls: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}

export async function runPackagedFailover(moto: string, invocations: number): Promise<DeployedRun> {
  const work = mkdtempSync(join(tmpdir(), 'capacity-guard-deployed-'));
  try {
    const bundle = join(work, 'functions/failover.mjs');
    await bundleLikeServerless(join(ROOT, 'functions/failover.ts'), bundle);
    copyFileSync(join(ROOT, CONFIG_FILE), join(work, CONFIG_FILE));
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', 'tsx', join(ROOT, 'scripts/bench/failover-deployed-run.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        CG_BENCH_MOTO: moto,
        CG_BENCH_BUNDLE: bundle,
        CG_BENCH_CONFIG: join(work, CONFIG_FILE),
        CG_BENCH_INVOCATIONS: String(invocations),
      },
      // Powertools' log lines and EMF metrics go to stdout, as in Lambda: not into the bench's output.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    let run: DeployedRun | undefined;
    child.on('message', (message) => (run = message as DeployedRun));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    if (code !== 0 || !run) throw new Error(`the packaged failover run failed (exit ${code}):\n${stderr}`);
    return run;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchFailoverDeployed(context: Pick<BenchContext, 'motoEndpoint' | 'events'>): Promise<Record<string, number | string>> {
  const run = await runPackagedFailover(context.motoEndpoint, context.events + WARM_UP);
  const timings = run.timingsMs.slice(WARM_UP).sort((a, b) => a - b);
  const warm = run.calls.slice(WARM_UP);
  const most = warm.reduce((worst, calls) => (calls.length > worst.length ? calls : worst), [] as string[]);
  return {
    failover_deployed_aws_calls: most.length,
    failover_deployed_calls_breakdown: breakdown(most),
    failover_deployed_aws_calls_cold: run.calls[0]?.length ?? Number.NaN,
    failover_deployed_calls_cold_breakdown: breakdown(run.calls[0] ?? []),
    failover_deployed_ms_p50: round1(percentile(timings, 50)),
    failover_deployed_ms_p99: round1(percentile(timings, 99)),
    // How much of an invocation is moto answering (the median): the rest is the handler, middy, Powertools and Slack.
    failover_deployed_moto_ms_p50: round1(
      percentile(
        run.motoMs.slice(WARM_UP).sort((a, b) => a - b),
        50,
      ),
    ),
    // The rest, per invocation: under load, moto's own answers make most of the tail.
    failover_deployed_ms_p99_without_moto: round1(
      percentile(
        run.timingsMs
          .map((ms, index) => ms - (run.motoMs[index] ?? 0))
          .slice(WARM_UP)
          .sort((a, b) => a - b),
        99,
      ),
    ),
  };
}
