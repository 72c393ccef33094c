/**
 * A group taken out of rotation on another account's evidence: the Slack message names that
 * account, on both paths that do it (the signals receiver, lib/shared-signals; the failover once a
 * local failure completes the set, lib/pools), even when the group has many pools.
 */
import { describe, expect, it } from 'vitest';
import type { SuspendGroup } from '../../../lib/failover/actions';
import { decide } from '../../../lib/failover/decide';
import { buildMessage } from '../../../lib/notify/message';
import { poolOutSignals } from '../../../lib/pools/decide';
import { poolsOutOfFailure } from '../../../lib/pools/pool-out';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { PoolOut } from '../../../lib/ports/pool-signals';
import { suspensionsForRemote } from '../../../lib/shared-signals/act-on-pools';
import { remoteMark } from '../../support/remote-mark';
import { failure, group, policy, snapshot } from '../failover/builders';

const NOW = new Date('2026-11-27T21:05:00Z');
const OTHER = '222233334444';
const ZONE_IDS = new Map([
  ['eu-west-3a', 'euw3-az1'],
  ['eu-west-3b', 'euw3-az2'],
]);
const TYPES = ['c5.xlarge', 'c5a.xlarge', 'm5.xlarge'];

const spotGroup: ObservedGroup = {
  ...group('spot-wide', { desired: 2, max: 10 }),
  availabilityZones: ['eu-west-3a', 'eu-west-3b'],
  launch: { instanceTypes: TYPES, market: 'spot', availabilityZoneIds: [], launchTemplate: true },
};
const fallback: ObservedGroup = {
  ...group('on-demand-a', { desired: 1, max: 10 }),
  launch: { instanceTypes: ['m5.xlarge'], market: 'on-demand', availabilityZoneIds: [], launchTemplate: true },
};
const groups = [spotGroup, fallback];

/** Five of its six pools failed here; the last, m5.xlarge in euw3-az2, storms in the other account. */
function marks(): PoolOut[] {
  const local = TYPES.flatMap((instanceType) =>
    poolsOutOfFailure(failure('spot-wide', '2026-11-27T21:02:00.000Z', { instanceType, availabilityZone: 'eu-west-3a' }), spotGroup, 300_000),
  );
  local.push(
    ...poolsOutOfFailure(failure('spot-wide', '2026-11-27T21:02:00.000Z', { instanceType: 'c5.xlarge', availabilityZone: 'eu-west-3b' }), spotGroup, 300_000),
  );
  local.push(
    ...poolsOutOfFailure(failure('spot-wide', '2026-11-27T21:02:00.000Z', { instanceType: 'c5a.xlarge', availabilityZone: 'eu-west-3b' }), spotGroup, 300_000),
  );
  const remote = remoteMark(
    { zoneId: 'euw3-az2', instanceType: 'm5.xlarge' },
    { account: OTHER, kind: 'interruption-storm', evidence: 9, firstSeen: '2026-11-27T20:59:00.000Z', lastSeen: '2026-11-27T21:01:00.000Z' },
    NOW,
  );
  return [...local, remote];
}

function slackText(action: SuspendGroup, source: string): string {
  return JSON.stringify(buildMessage({ source, dryRun: false, time: NOW.toISOString() }, 'prod', [{ action, error: null, dryRun: false, repeated: 0 }]));
}

const suspension = (actions: readonly { kind: string }[]): SuspendGroup => {
  const found = actions.find((action): action is SuspendGroup => action.kind === 'suspend-group');
  if (!found) throw new Error(`no suspension in ${JSON.stringify(actions)}`);
  return found;
};

describe('Slack, for a group out on another account’s evidence', () => {
  it('names the account when the signals receiver takes the group out', () => {
    const action = suspension(suspensionsForRemote(snapshot(groups), groups, marks(), policy(), NOW, ZONE_IDS));
    expect(action.group).toBe('spot-wide');
    expect(slackText(action, 'shared-signals')).toContain(`per account ${OTHER}`);
  });

  it('names the account when a local failure completes the set, however many pools the group has', () => {
    const [signal] = poolOutSignals(snapshot(groups), groups, marks(), NOW, ZONE_IDS);
    expect(signal?.origin).toBe('inferred');
    const action = suspension(decide(signal!, snapshot(groups), policy(), NOW));
    expect(slackText(action, 'failover')).toContain(`per account ${OTHER}`);
    expect(slackText(action, 'failover')).toContain(`m5.xlarge spot euw3-az2: SpotInterruptionStorm ×9 (seen on account ${OTHER})`);
  });
});
