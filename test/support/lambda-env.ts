/**
 * Around the deployed handlers in the adapter tests: the Lambda environment pointed at moto, a
 * config file written from the example, a context, and Powertools' output captured.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { LOCK_TABLE } from './moto-lock';
import { REGION } from './moto-world';

/** capacity-guard.example.yml, edited, in a temporary file; returns its path. */
export function writeExampleConfig(edit: (example: string) => string = (example) => example): string {
  const path = join(mkdtempSync(join(tmpdir(), 'capacity-guard-')), 'capacity-guard.yml');
  writeFileSync(path, edit(readFileSync('capacity-guard.example.yml', 'utf8')));
  return path;
}

/** What serverless.yml and Lambda give the functions, with AWS at moto. Undone by vi.unstubAllEnvs(). */
export function stubLambdaEnvironment(endpoint: string, configPath: string, extra: Record<string, string> = {}): void {
  const variables: Record<string, string> = {
    CAPACITY_GUARD_CONFIG: configPath,
    CAPACITY_GUARD_LOCK_TABLE: LOCK_TABLE,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    POWERTOOLS_SERVICE_NAME: 'capacity-guard',
    POWERTOOLS_METRICS_NAMESPACE: 'CapacityGuard',
    ...extra,
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

/**
 * Powertools writes info lines and EMF metrics to stdout, warn and error lines to stderr: keep what
 * the streams get, to assert on, and out of the test output. Undone by vi.restoreAllMocks().
 */
export function captureOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): string[] {
  const written: string[] = [];
  for (const stream of streams) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
  return written;
}

export function lambdaContext(functionName: string, remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/28/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The names of the metrics Powertools emitted (EMF lines) in what `captureOutput` kept. */
export function emittedMetricNames(written: readonly string[]): string[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .flatMap((line) =>
      (JSON.parse(line)._aws.CloudWatchMetrics as { Metrics: { Name: string }[] }[]).flatMap((entry) => entry.Metrics.map((metric) => metric.Name)),
    );
}
