/** One realistic action of every core kind, as decide returns them. */
import type { Action } from '../../../lib/decide/actions';
import type { RunReport } from '../../../lib/ports/notifier';

export const NOW = '2026-11-27T21:00:00.000Z';
const sizes = (minSize: number, desiredCapacity: number, maxSize: number) => ({ minSize, desiredCapacity, maxSize });

export const SAMPLE = {
  'suspend-group': {
    kind: 'suspend-group',
    cluster: 'prod',
    group: 'spot-nodes-8x-a',
    failure: 'capacity',
    reason: 'We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a). <Launching EC2 instance failed>',
    until: '2026-11-27T21:03:00.000Z',
    backoffSeconds: 180,
    from: sizes(0, 7, 50),
    to: sizes(0, 2, 2),
    tags: {},
  },
  'enforce-suspension': { kind: 'enforce-suspension', cluster: 'prod', group: 'spot-nodes-8x-a', from: sizes(0, 4, 4), to: sizes(0, 2, 2), tags: {} },
  'raise-desired': { kind: 'raise-desired', cluster: 'prod', group: 'on-demand-8x-a', from: 2, to: 5, replacing: 'spot-nodes-8x-a', tier: 1 },
  'start-probe': { kind: 'start-probe', cluster: 'prod', group: 'spot-nodes-8x-a', from: sizes(0, 2, 2), to: sizes(0, 2, 3), tags: {} },
  'restore-group': { kind: 'restore-group', cluster: 'prod', group: 'spot-nodes-8x-a', why: 'probe-succeeded', from: sizes(0, 3, 3), to: sizes(0, 3, 50), removeTags: [], tags: {} },
  'count-unknown-failure': { kind: 'count-unknown-failure', cluster: 'prod', group: 'spot-nodes-8x-b', count: 2, tags: {} },
  alert: { kind: 'alert', severity: 'critical', code: 'no-fallback-capacity', cluster: 'prod', group: 'spot-nodes-8x-a', message: 'no group of cluster prod can take the 5 nodes spot-nodes-8x-a could not launch' },
} satisfies { [K in Action['kind']]: Extract<Action, { kind: K }> };

export function report(done: Action[], extra: Partial<RunReport> = {}): RunReport {
  return { source: 'failover', dryRun: false, time: NOW, done, failed: [], ...extra };
}
