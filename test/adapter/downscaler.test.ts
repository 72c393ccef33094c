/**
 * The downscaler against moto through the real adapter: tag-key discovery (DescribeAutoScalingGroups
 * with Filters tag:k8s.io/cluster-autoscaler/enabled=true AND tag-key in [...]) and a whole
 * weekend — scale-down and exact restore — written with the real SDK calls.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import { createAutoScalingAdapter } from '../../lib/aws/auto-scaling-adapter';
import type { AppDeps } from '../../lib/run/deps';
import { downscale } from '../../lib/downscaler/run';
import { policyFromText } from '../../lib/config/load';
import { DISCOVERY_TAG_KEYS, DOWNSCALER_TAG } from '../../lib/vocabulary/downscaler-tags';
import { FakeLock } from '../../lib/fakes/fake-lock';
import { officeHoursConfig } from '../support/downscaler-config';
import { resetMoto } from '../support/moto-server';
import { clusterTags, motoAutoScalingClient, MotoWorld } from '../support/moto-world';
import { silentLog, noMetrics, RecordingNotifier } from '../../lib/fakes/recorders';
import { signed } from '../unit/failover/builders';

const endpoint = inject('motoEndpoint');

const CONFIG = officeHoursConfig({ grace: '0s' });

describe('downscaler on moto', () => {
  let world: MotoWorld;
  let client: AutoScalingClient;

  beforeEach(async () => {
    await resetMoto(endpoint);
    world = new MotoWorld(motoAutoScalingClient(endpoint));
    client = motoAutoScalingClient(endpoint);
  });

  afterEach(() => {
    world.client.destroy();
    client.destroy();
  });

  it('finds cluster-autoscaler groups by schedule or saved-sizes tag key, whatever their cluster, every page', async () => {
    await world.group('prod-uptime', { tags: { ...clusterTags('prod'), [DOWNSCALER_TAG.uptime]: 'Mon-Fri 07:30-20:30 UTC' } });
    await world.group('other-downtime', { tags: { ...clusterTags('other'), [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 UTC' } });
    await world.group('prod-left-down', { tags: { ...clusterTags('prod'), [DOWNSCALER_TAG.saved]: '0,2,4', [DOWNSCALER_TAG.set]: '0' } });
    await world.group('prod-plain', { tags: clusterTags('prod') });
    // Not a cluster-autoscaler group: our IAM role may not write it, so it is not found either.
    await world.group('no-ca', { tags: { [DOWNSCALER_TAG.uptime]: 'Mon-Fri 07:30-20:30 UTC' } });
    const many = Array.from({ length: 101 }, (_, i) => `tagged-${String(i).padStart(3, '0')}`);
    await world.groups(many, { tags: { ...clusterTags('batch'), [DOWNSCALER_TAG.downtime]: 'never' } });

    const found = await createAutoScalingAdapter(client).describeGroupsWithTagKeys!(DISCOVERY_TAG_KEYS);

    const names = found.map((group) => group.name).sort();
    expect(names).toEqual(['other-downtime', 'prod-left-down', 'prod-uptime', ...many].sort());
    expect(found.find((group) => group.name === 'prod-uptime')?.tags[DOWNSCALER_TAG.uptime]).toBe('Mon-Fri 07:30-20:30 UTC');
  });

  it('takes a staging group down on Saturday and restores it exactly on Monday, tags included', async () => {
    await world.group('staging-web', { minSize: 1, desiredCapacity: 2, maxSize: 5, tags: clusterTags('staging') });
    await world.group('prod-web', { minSize: 1, desiredCapacity: 2, maxSize: 5, tags: clusterTags('prod') });
    const notifier = new RecordingNotifier();
    let now = new Date('2027-01-02T12:00:00Z'); // a Saturday
    const deps: AppDeps = {
      policy: policyFromText(CONFIG, 'cg.yml', { env: {} }),
      autoScaling: createAutoScalingAdapter(client),
      lock: new FakeLock(() => now),
      log: silentLog,
      metrics: noMetrics,
      notifier,
      now: () => now,
    };

    const saturday = await downscale(deps);
    expect(saturday.failedActions).toBe(0);
    let raw = await world.raw('staging-web');
    expect([raw.MinSize, raw.DesiredCapacity, raw.MaxSize]).toEqual([0, 0, 0]);
    expect(await world.tags('staging-web')).toMatchObject({ [DOWNSCALER_TAG.saved]: signed('staging-web', '1,2,5'), [DOWNSCALER_TAG.set]: '0' });
    raw = await world.raw('prod-web');
    expect([raw.MinSize, raw.DesiredCapacity, raw.MaxSize]).toEqual([1, 2, 5]);

    now = new Date('2027-01-04T12:00:00Z'); // Monday noon
    const monday = await downscale(deps);
    expect(monday.actions.map((action) => action.kind)).toEqual(['scheduled-restore']);
    raw = await world.raw('staging-web');
    expect([raw.MinSize, raw.DesiredCapacity, raw.MaxSize]).toEqual([1, 2, 5]);
    const tags = await world.tags('staging-web');
    expect(Object.keys(tags).filter((key) => key.startsWith('capacity-guard/'))).toEqual([]);
    expect(notifier.reports.map((report) => report.done.map((action) => action.kind))).toEqual([['scheduled-downscale'], ['scheduled-restore']]);
  });
});
