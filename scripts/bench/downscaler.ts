/**
 * Downscaler figures (on the in-process fake; no network): cost of the schedule engine and of a
 * run over many groups, and the Auto Scaling calls per run. Exported for scripts/bench.ts (owned by
 * the simulator issue), runnable alone: `npx tsx scripts/bench/downscaler.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { World } from '../../lib/sim/world';
import { isUp, nextTransitions, parseSchedule } from '../../lib/schedule/schedule';

const CONFIG = `downscaler:
  enabled: true
clusters:
  - name: staging
    priorities: '10: [".*"]'
    downscaler:
      staging: true
      uptime: Mon-Fri 07:30-20:30 Europe/Paris
`;

export async function downscalerBench(groups = 500): Promise<Record<string, number>> {
  const schedule = parseSchedule('Mon-Fri 07:30-20:30 Europe/Paris, Sat-Sat 10:00-12:00 Asia/Tokyo', '2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00');
  let started = performance.now();
  const evaluations = 10_000;
  for (let i = 0; i < evaluations; i++) isUp(schedule, Date.parse('2026-11-27T00:00:00Z') + i * 60_000);
  const isUpMicros = ((performance.now() - started) * 1000) / evaluations;
  started = performance.now();
  const transitions = nextTransitions(schedule, new Date('2026-11-27T00:00:00Z'), 100);
  const next100Ms = performance.now() - started;

  const world = new World({ config: CONFIG, start: '2026-11-27T19:30:00Z' }); // Friday 20:30 Paris
  for (let i = 0; i < groups; i++) {
    world.aws.addGroup({
      name: `staging-${i}`,
      cluster: 'staging',
      minSize: 0,
      desiredCapacity: 0,
      maxSize: 10,
      pools: [{ market: 'spot', instanceType: 'm5.large', zone: 'eu-west-3a' }],
      createdTime: '2026-01-01T00:00:00Z',
    });
  }
  started = performance.now();
  await world.downscale();
  const downRunMs = performance.now() - started;
  const downCalls = world.aws.totalCalls();
  world.aws.resetCallCounts();
  started = performance.now();
  await world.downscale();
  const idleRunMs = performance.now() - started;
  const idleCalls = world.aws.totalCalls();
  return {
    downscaler_is_up_us: round(isUpMicros),
    downscaler_next_100_transitions_ms: round(next100Ms),
    downscaler_next_100_transitions_found: transitions.length,
    [`downscaler_down_run_${groups}_asgs_ms`]: round(downRunMs),
    [`downscaler_down_run_${groups}_asgs_aws_calls`]: downCalls,
    [`downscaler_idle_run_${groups}_asgs_ms`]: round(idleRunMs),
    [`downscaler_idle_run_${groups}_asgs_aws_calls`]: idleCalls,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await downscalerBench()));
}
