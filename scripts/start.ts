/**
 * `npm start`: the operators' worst night on the built-in simulator, no AWS account needed.
 * A TV-audience peak asks for 20 nodes while every Spot pool is out of capacity; capacity-guard's
 * real app code (the code the Lambda functions run) acts on the fake's events, and a minimal
 * stand-in for cluster-autoscaler picks groups by priority every 10 s. It prints the timeline.
 */
import { parseArgs } from 'node:util';
import type { Log } from '../lib/ports/log';
import { World } from '../lib/fake/world';
import type { Pool } from '../lib/fake/fake-auto-scaling';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'cluster-autoscaler' }, quiet: { type: 'boolean', default: false } } });
const mode = values.mode === 'direct' ? 'direct' : 'cluster-autoscaler';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const pools = (market: Pool['market'], type: string): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));
const GROUPS: [string, Pool[]][] = [
  ['spot-nodes-8x-a', pools('spot', 'm5.8xlarge')],
  ['spot-nodes-8x-b', pools('spot', 'r5.8xlarge')],
  ['on-demand-8x-a', pools('on-demand', 'm5.8xlarge')],
  ['on-demand-8x-b', pools('on-demand', 'r5.8xlarge')],
];
const BASELINE_NODES = 2;
const PEAK_NODES = 20;
const SPOT_BACK_AFTER_MIN = 45;
const RUN_MIN = 60;

let world: World;
const time = () => world.clock.iso().slice(11, 19);
const say = (who: string, text: string) => {
  if (!values.quiet) console.log(`${time()}  ${who.padEnd(18)} ${text}`);
};
const log: Log = {
  debug() {},
  info(_message, ...extra) {
    const detail = extra[0] as { actions?: string[] } | undefined;
    if (detail?.actions) for (const action of detail.actions) say('capacity-guard', action);
  },
  warn: (message) => say('capacity-guard', `WARNING ${message}`),
  error: (message) => say('capacity-guard', `ALERT ${message}`),
};

world = new World({
  start: '2026-11-27T20:55:00Z',
  bootSeconds: 90,
  log,
  config: `
mode: ${mode}
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-nodes-"]
      10: ["^on-demand-"]
`,
});
for (const [name, groupPools] of GROUPS) world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: name.startsWith('spot') ? BASELINE_NODES : 0, pools: groupPools });

console.log(`capacity-guard on the built-in simulator (fake AWS, virtual clock), mode ${mode}.`);
console.log(`Scenario: a TV-audience peak wants ${PEAK_NODES} more nodes while every Spot pool in the region is out of capacity`);
console.log(`for ${SPOT_BACK_AFTER_MIN} min. Groups: ${GROUPS.map(([name]) => name).join(', ')} (priority expander: spot 50, on-demand 10).\n`);

const demand = GROUPS.filter(([name]) => name.startsWith('spot')).length * BASELINE_NODES + PEAK_NODES;
const running = () => GROUPS.reduce((sum, [name]) => sum + world.aws.view(name).instances.filter((i) => i.lifecycleState === 'InService').length, 0);
const live = () => GROUPS.reduce((sum, [name]) => sum + world.aws.view(name).desiredCapacity, 0);

world.aws.outOfCapacity({ market: 'spot' });
say('AWS', 'every Spot pool is out of capacity (InsufficientInstanceCapacity)');
const peakAt = world.clock.now().getTime();
let readyAt: number | null = null;
let lastDescribed = '';

for (let second = 0; second <= RUN_MIN * 60; second++) {
  if (second === SPOT_BACK_AFTER_MIN * 60) {
    world.aws.capacityBack({ market: 'spot' });
    say('AWS', 'Spot capacity is back');
  }
  // cluster-autoscaler stand-in: every 10 s, the best group by priority that is not at MaxSize.
  if (second % 10 === 0 && live() < demand) {
    for (const [name] of GROUPS) {
      const view = world.aws.view(name);
      if (view.desiredCapacity < view.maxSize) {
        const added = world.aws.clusterAutoscalerScaleUp(name, demand - live());
        if (added > 0) say('cluster-autoscaler', `${name} desired ${view.desiredCapacity}→${view.desiredCapacity + added} (pending pods)`);
        break;
      }
    }
  }
  // EventBridge → SQS → failover function: about a second of delivery latency.
  const events = world.aws.takeEvents();
  for (const event of events.filter((e) => e['detail-type'] === 'EC2 Instance Launch Unsuccessful')) {
    const detail = event.detail as { AutoScalingGroupName: string; StatusMessage: string };
    const line = `${detail.AutoScalingGroupName} launch failed: ${detail.StatusMessage}`;
    if (line !== lastDescribed) say('AWS', line);
    lastDescribed = line;
  }
  if (events.length) {
    world.aws.advance('1s');
    await world.deliverEvents(events);
  }
  if (second % 60 === 0) await world.reconcile();
  if (readyAt === null && running() >= demand) {
    readyAt = world.clock.now().getTime();
    say('cluster', `all ${demand} nodes in service`);
  }
  world.aws.advance('1s');
}

const minutes = (ms: number) => `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
console.log('');
console.log(readyAt === null ? `Demanded capacity was NOT ready within ${RUN_MIN} min.` : `Demanded capacity ready ${minutes(readyAt - peakAt)} after the peak began.`);
for (const [name] of GROUPS) {
  const view = world.aws.view(name);
  const state = view.tags['capacity-guard/state'] ?? 'in rotation';
  console.log(`  ${name.padEnd(16)} desired ${String(view.desiredCapacity).padStart(2)}  max ${String(view.maxSize).padStart(2)}  ${state}`);
}
console.log('\nFor comparison, cluster-autoscaler alone waits --max-node-provision-time (users run 5 min, default 15) per failing group before it tries the next one.');
