/** One realistic action of every reported kind, as decide and the downscaler return them. */
import type { Action } from '../../../lib/failover/actions';
import type { Notable, NotableReport } from '../../../lib/notify/notable';

export const NOW = '2026-11-27T21:00:00.000Z';
const sizes = (minSize: number, desiredCapacity: number, maxSize: number) => ({ minSize, desiredCapacity, maxSize });

export const SAMPLE = {
  'suspend-group': {
    kind: 'suspend-group',
    cluster: 'prod',
    group: 'spot-nodes-8x-a',
    tier: 0,
    failure: 'capacity',
    reason: 'We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a). <Launching EC2 instance failed>',
    until: '2026-11-27T21:03:00.000Z',
    backoffSeconds: 180,
    from: sizes(0, 7, 50),
    to: sizes(0, 2, 2),
    tags: {},
  },
  'enforce-suspension': { kind: 'enforce-suspension', cluster: 'prod', group: 'spot-nodes-8x-a', tier: 0, from: sizes(0, 4, 4), to: sizes(0, 2, 2), tags: {} },
  'raise-desired': { kind: 'raise-desired', cluster: 'prod', group: 'on-demand-8x-a', from: 2, to: 5, replacing: 'spot-nodes-8x-a', tier: 1 },
  'start-probe': { kind: 'start-probe', cluster: 'prod', group: 'spot-nodes-8x-a', tier: 0, from: sizes(0, 2, 2), to: sizes(0, 2, 3), tags: {} },
  'restore-group': { kind: 'restore-group', cluster: 'prod', group: 'spot-nodes-8x-a', tier: 0, why: 'probe-succeeded', from: sizes(0, 3, 3), to: sizes(0, 3, 50), removeTags: [], tags: {} },
  'count-unknown-failure': { kind: 'count-unknown-failure', cluster: 'prod', group: 'spot-nodes-8x-b', count: 2, tags: {} },
  alert: { kind: 'alert', severity: 'critical', code: 'no-fallback-capacity', cluster: 'prod', group: 'spot-nodes-8x-a', message: 'no group of cluster prod can take the 5 nodes spot-nodes-8x-a could not launch' },
  'scheduled-downscale': { kind: 'scheduled-downscale', cluster: 'staging', group: 'spot-nodes-4x-a', from: sizes(1, 6, 40), to: sizes(0, 0, 0), tags: {}, schedule: 'uptime Mon-Fri 07:30-20:30 Europe/Paris, downtime never' },
  'scheduled-restore': { kind: 'scheduled-restore', cluster: 'staging', group: 'spot-nodes-4x-a', why: 'schedule', from: sizes(0, 0, 0), to: sizes(1, 6, 40), removeTags: [] },
  'scheduled-release': { kind: 'scheduled-release', cluster: 'staging', group: 'spot-nodes-4x-b', sizes: sizes(0, 3, 3), saved: sizes(1, 6, 40), removeTags: [] },
  'tag-for-drain': {
    kind: 'tag-for-drain',
    reason: 'spot-interruption',
    instances: ['i-0a1', 'i-0a2', 'i-0a3', 'i-0a4', 'i-0a5', 'i-0a6', 'i-0a7'].map((instanceId) => ({ instanceId, cluster: 'prod', group: 'spot-nodes-8x-a' })),
    tags: { 'capacity-guard/drain': 'spot-interruption', 'capacity-guard/drain-deadline': '2026-11-27T21:02:00.000Z' },
  },
  'publish-drain-requested': {
    kind: 'publish-drain-requested',
    cluster: 'prod',
    eventBusName: 'capacity-guard-drain-prod',
    nodes: [{ instanceId: 'i-0a1', nodeName: 'ip-10-0-1-17.eu-west-3.compute.internal', group: 'spot-nodes-8x-a', cluster: 'prod', reason: 'spot-interruption', deadline: '2026-11-27T21:02:00.000Z', time: '2026-11-27T21:00:00.000Z' }],
  },
  'detach-for-replacement': { kind: 'detach-for-replacement', cluster: 'prod', group: 'spot-nodes-8x-a', instanceIds: ['i-0a1', 'i-0a2'], reason: 'spot-interruption' },
  'record-pool-interruptions': {
    kind: 'record-pool-interruptions',
    pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' },
    zoneName: 'eu-west-3a',
    interruptions: [{ instanceId: 'i-0a1', time: '2026-11-27T21:00:00.000Z', group: 'spot-nodes-8x-a' }],
  },
  'untag-expired-rebalance': { kind: 'untag-expired-rebalance', instanceIds: ['i-0b1'], keys: ['capacity-guard/drain', 'capacity-guard/rebalance-at', 'capacity-guard/drain-event'] },
  'terminate-detached': { kind: 'terminate-detached', instanceIds: ['i-0c1', 'i-0c2'] },
  'retire-raise-spot': { kind: 'retire-raise-spot', cluster: 'prod', set: 'default', group: 'spot-nodes-8x-a', from: 4, to: 6, tags: { 'capacity-guard/retire': 'replacing;2026-11-27T21:00:00.000Z;4;6;12;-' } },
  'retire-record-ready': { kind: 'retire-record-ready', cluster: 'prod', set: 'default', group: 'spot-nodes-8x-a', tags: { 'capacity-guard/retire': 'replacing;2026-11-27T21:00:00.000Z;4;6;12;2026-11-27T21:02:00.000Z' } },
  'retire-nodes': {
    kind: 'retire-nodes',
    cluster: 'prod',
    set: 'default',
    group: 'spot-nodes-8x-a',
    replacements: 2,
    batch: '2026-11-27T21:00:00.000Z',
    eventBusName: null,
    savingsPerHour: 1.84,
    neverRetired: ['on-demand-8x-b'],
    nodes: [
      { instanceId: 'i-0d1', group: 'on-demand-8x-a', instanceType: 'm5.8xlarge', nodeName: 'ip-10-0-2-1.eu-west-3.compute.internal', path: 'hook' },
      { instanceId: 'i-0d2', group: 'on-demand-8x-a', instanceType: 'm5.8xlarge', nodeName: 'ip-10-0-2-2.eu-west-3.compute.internal', path: 'hook' },
    ],
    tags: { 'capacity-guard/retire': 'retiring;2026-11-27T21:00:00.000Z;2;12;2026-11-27T21:03:00.000Z' },
  },
  'retire-finish-drained': { kind: 'retire-finish-drained', cluster: 'prod', set: 'default', group: 'on-demand-8x-a', instanceId: 'i-0d3', how: 'terminate-in-group', to: null },
  'retire-end-batch': { kind: 'retire-end-batch', cluster: 'prod', set: 'default', group: 'spot-nodes-8x-a', outcome: 'aborted', reason: 'Spot group spot-nodes-8x-b went suspended', retired: 0, untag: ['i-0d4'], tags: { 'capacity-guard/retire': 'aborted;2026-11-27T21:04:00.000Z;Spot group spot-nodes-8x-b went suspended' } },
} satisfies { [K in Notable['kind']]: Extract<Notable, { kind: K }> };

export function report(done: Action[], extra: Partial<NotableReport> = {}): NotableReport {
  return { source: 'failover', dryRun: false, time: NOW, done, failed: [], ...extra };
}
