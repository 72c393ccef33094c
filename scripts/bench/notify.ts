/**
 * Notification figures (pure, no network): a Spot storm of 500 actions over 3 clusters becomes
 * how many messages, how big, and how long building and folding take. Called by scripts/bench.ts.
 */
import { performance } from 'node:perf_hooks';
import type { Action } from '../../lib/failover/actions';
import { planFold } from '../../lib/notify/fold';
import { buildMessages } from '../../lib/notify/message';
import { reportItems } from '../../lib/notify/report-items';

const TIME = '2026-11-27T21:00:00.000Z';

function storm(actions: number): Action[] {
  return Array.from(
    { length: actions },
    (_, index): Action => ({
      kind: 'suspend-group',
      cluster: `cluster-${index % 3}`,
      group: `spot-nodes-${String(index).padStart(4, '0')}`,
      tier: 0,
      failure: 'capacity',
      reason: 'We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a).',
      until: '2026-11-27T21:03:00.000Z',
      backoffSeconds: 180,
      from: { minSize: 0, desiredCapacity: 7, maxSize: 50 },
      to: { minSize: 0, desiredCapacity: 2, maxSize: 2 },
      tags: {},
    }),
  );
}

export function benchNotify(actions = 500, rounds = 50): Record<string, number> {
  const items = reportItems({ source: 'failover', dryRun: false, time: TIME, done: storm(actions), failed: [] });
  const build: number[] = [];
  const fold: number[] = [];
  let messages = buildMessages({ source: 'failover', dryRun: false, time: TIME }, items);
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    planFold(items, new Map(), Date.parse(TIME), 600_000);
    fold.push(performance.now() - started);
    started = performance.now();
    messages = buildMessages({ source: 'failover', dryRun: false, time: TIME }, items);
    build.push(performance.now() - started);
  }
  const p50 = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    notify_storm_actions: actions,
    notify_storm_messages: messages.length,
    notify_storm_max_blocks: Math.max(...messages.map((message) => message.blocks.length)),
    notify_storm_max_payload_bytes: Math.max(...messages.map((message) => Buffer.byteLength(JSON.stringify({ text: message.text, blocks: message.blocks })))),
    notify_storm_build_ms_p50: Number(p50(build).toFixed(3)),
    notify_storm_fold_ms_p50: Number(p50(fold).toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(benchNotify()));
