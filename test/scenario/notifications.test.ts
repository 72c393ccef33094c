/**
 * Stories of telling the operators: one message per run that sums it up, and a Slack that is down
 * changes nothing that capacity-guard does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NotificationsSchema, resolveNotifications } from '../../lib/config/notify-schema';
import type { World } from '../../lib/sim/world';
import { createSlackNotifier } from '../../lib/notify/slack-notifier';
import type { Notifier } from '../../lib/ports/notifier';
import { fixedWebhookUrls } from '../../lib/ports/webhook-urls';
import { type Reply, type SlackReceiver, closedPortUrl, startSlackReceiver } from '../support/slack-receiver';
import { SPOT, prodCluster } from './cluster';
import { spotCluster } from './spot-cluster';
import { MemoryFoldStore } from '../../lib/fakes/recorders';
import { stateWord } from '../unit/failover/builders';

const GROUPS = ['spot-nodes-8x-a', 'spot-nodes-8x-b', 'on-demand-8x-a', 'on-demand-8x-b', 'staging-spot-nodes'];

/** A prod cluster whose notifier posts to `url` through the real Slack notifier. */
function worldWithSlack(url: string, mode: 'cluster-autoscaler' | 'direct' = 'direct'): World {
  let slack: Notifier | undefined;
  const world = prodCluster({ mode, notifier: { notify: (report) => slack!.notify(report) } });
  slack = createSlackNotifier({
    policy: resolveNotifications(NotificationsSchema.parse({ routes: { info: ['/capacity-guard/slack'] }, timeout: '100ms', maxRetries: 1 })),
    webhookUrls: fixedWebhookUrls({ '/capacity-guard/slack': url }),
    folds: new MemoryFoldStore(),
    log: world.deps.log,
    metrics: world.metrics,
    send: { sleep: async () => {} },
  });
  return world;
}

/** The worst night, then recovery: Spot out, failover, backoff, probe, capacity back. */
async function storm(world: World) {
  const batches = [];
  world.aws.outOfCapacity(SPOT);
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  batches.push(await world.deliverEvents());
  batches.push(await world.deliverEvents());
  world.aws.advance('3m');
  await world.reconcile();
  world.aws.capacityBack(SPOT);
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-b', 1);
  batches.push(await world.deliverEvents());
  world.aws.advance('1m');
  await world.reconcile();
  return batches;
}

const state = (world: World) =>
  Object.fromEntries(
    GROUPS.map((name) => {
      const { minSize, maxSize, desiredCapacity, tags } = world.aws.view(name);
      return [name, { minSize, maxSize, desiredCapacity, tags }];
    }),
  );

describe('when Slack is down', () => {
  let receiver: SlackReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it.each<[string, () => Promise<string>]>([
    ['answering 500', async () => (receiver = await startSlackReceiver({ status: 500 })).url],
    ['hanging past the timeout', async () => (receiver = await startSlackReceiver('hang' as Reply)).url],
    ['refusing connections', closedPortUrl],
  ])('every action still happens and every batch succeeds (Slack %s)', async (_, url) => {
    const withSlackDown = worldWithSlack(await url());
    const reference = prodCluster({ mode: 'direct' });

    const batches = await storm(withSlackDown);
    await storm(reference);

    expect(batches.map((batch) => batch.batchItemFailures)).toEqual([[], [], []]);
    expect(state(withSlackDown)).toEqual(state(reference));
    expect(reference.notifier.reports.length).toBeGreaterThan(0);
    expect(withSlackDown.metrics.get('notify.failed')).toBeGreaterThan(0);
    expect(withSlackDown.metrics.get('notify.sent')).toBe(0);
  });
});

describe('when Slack is down during a Spot storm', () => {
  it('every node is still tagged, replaced or its group suspended, and every batch succeeds', async () => {
    const receiver = await startSlackReceiver({ status: 500 });
    let slack: Notifier | undefined;
    const world = spotCluster({ spotNodes: 600, notifier: { notify: (report) => slack!.notify(report) } });
    slack = createSlackNotifier({
      policy: resolveNotifications(NotificationsSchema.parse({ routes: { info: ['/capacity-guard/slack'] }, timeout: '100ms', maxRetries: 1 })),
      webhookUrls: fixedWebhookUrls({ '/capacity-guard/slack': receiver.url }),
      folds: new MemoryFoldStore(),
      log: world.deps.log,
      metrics: world.metrics,
      send: { sleep: async () => {} },
    });
    const reference = spotCluster({ spotNodes: 600 });
    const run = async (target: World) => {
      const interrupted = [
        ...target.ec2.interrupt({ zone: 'eu-west-3a' }, 400, '60s'),
        ...target.ec2.interrupt({ group: 'spot-nodes-8x-b', zone: 'eu-west-3b' }, 2, '60s'),
      ];
      target.aws.advance('60s');
      const results = await target.deliverSpotEvents();
      const groups = ['spot-nodes-8x-a', 'spot-nodes-8x-b']
        .map((name) => target.aws.view(name))
        .map(({ desiredCapacity, maxSize, tags }) => ({ desiredCapacity, maxSize, tags }));
      return {
        failures: results.flatMap((result) => result.batchItemFailures),
        drainTags: interrupted.map((id) => target.ec2.tagsOf(id)),
        groups,
        detached: target.aws.detachedInstances().length,
      };
    };

    const down = await run(world);
    const up = await run(reference);

    expect(down.failures).toEqual([]);
    expect(down).toEqual(up);
    expect(down.groups.map((group) => stateWord(group.tags))).toEqual(['suspended', 'suspended']);
    expect(receiver.received.length).toBeGreaterThan(0); // Slack was asked, and failed
    expect(world.metrics.get('notify.failed')).toBeGreaterThan(0);
    expect(world.metrics.get('notify.sent')).toBe(0);
    await receiver.close();
  });
});

describe('when a notifier breaks its promise and throws', () => {
  it('the batch still succeeds and the failure is counted', async () => {
    const world = prodCluster({ notifier: { notify: async () => Promise.reject(new Error('bug in a notifier')) } });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.metrics.get('notify.failed')).toBe(1);
  });
});

describe('when Slack is up', () => {
  let receiver: SlackReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
  });

  it('tells each run in one message: out of rotation with the fallback, the probe, back in rotation', async () => {
    receiver = await startSlackReceiver();
    const world = worldWithSlack(receiver.url);

    await storm(world);

    expect(receiver.received.map((request) => request.body.text)).toEqual([
      'capacity-guard · prod: 1 out of rotation, 1 fallback raise',
      'capacity-guard · prod: 1 out of rotation, 2 fallback raises',
      'capacity-guard · prod: 2 probes',
      'capacity-guard · prod: 2 back in rotation',
    ]);
  });

  it('reports what each run did once, after acting (the recorder sees the done actions)', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();

    expect(world.notifier.reports).toHaveLength(1);
    const [report] = world.notifier.reports;
    expect(report!.source).toBe('failover');
    expect(report!.done.map((action) => action.kind)).toEqual(['suspend-group', 'raise-desired']);
    // The report is made after the writes: the group is already out of rotation when it is told.
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
  });

  it('reports dry-run decisions as dry-run', async () => {
    const world = prodCluster({ extraConfig: 'dryRun: true' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();

    expect(world.notifier.reports.map((report) => [report.dryRun, report.done.map((action) => action.kind)])).toEqual([[true, ['suspend-group']]]);
  });
});
