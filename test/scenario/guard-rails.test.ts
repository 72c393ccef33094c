/**
 * Stories of the rails: the kill switch, the change budget, and writes that fail half-way.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../lib/run/execute-each';
import { FakeAwsError } from '../../lib/fakes/fake-auto-scaling';
import { SPOT, prodCluster } from './cluster';
import { stateWord } from '../unit/failover/builders';

describe('the kill switch', () => {
  it('writes nothing and says what it would have done', async () => {
    const world = prodCluster({ extraConfig: 'enabled: false' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.resetCallCounts();

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    expect(world.aws.totalCalls()).toBe(1); // Describe only
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(world.metrics.get('alert.kill-switch')).toBe(1);
  });
});

describe('the change budget', () => {
  it("never refuses what a group's own launch failures justify: a night of failures takes every failing group out, over the budget", async () => {
    const world = prodCluster({ extraConfig: 'changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }' });
    world.aws.outOfCapacity({});
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 2);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-b', 2);

    await world.deliverEvents();

    const states = ['spot-nodes-8x-a', 'spot-nodes-8x-b'].map((name) => stateWord(world.aws.view(name).tags));
    expect(states).toEqual(['suspended', 'suspended']);
    expect(world.metrics.get('alert.change-budget-exhausted') ?? 0).toBe(0);
  });
});

describe('the change budget in direct mode', () => {
  it('moves the capacity on when the fallback fails too: each group leaves on its own failure', async () => {
    const world = prodCluster({ mode: 'direct', extraConfig: 'changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 3);
    await world.deliverEvents(); // spot-a out, its 3 nodes raised on spot-b...
    for (let retry = 0; retry < 5; retry++) {
      world.aws.advance('10s'); // ...which fails and goes out too, its nodes moved to on-demand
      await world.deliverEvents();
    }

    expect(stateWord(world.aws.view('spot-nodes-8x-b').tags)).toBe('suspended');
    expect(world.aws.view('on-demand-8x-a').desiredCapacity + world.aws.view('on-demand-8x-b').desiredCapacity).toBeGreaterThanOrEqual(4);
    expect(world.metrics.get('alert.change-budget-exhausted') ?? 0).toBe(0);
  });
});

describe('a write that AWS throttles past the retries', () => {
  it('fails the record so SQS redelivers it, and the redelivery finishes the job', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const events = world.aws.takeEvents();
    // Throttled on every try the invocation makes.
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('updateSizes', new FakeAwsError('Throttling', 'Rate exceeded'));

    const first = await world.deliverEvents(events);
    expect(first.batchItemFailures).toHaveLength(1);
    // Tags were written first, so the group is already known as suspended...
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);

    const second = await world.deliverEvents(events);
    expect(second.batchItemFailures).toEqual([]);
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(2);
  });
});

describe('dry run', () => {
  it('decides and reports, but writes nothing', async () => {
    const world = prodCluster({ extraConfig: 'dryRun: true' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.resetCallCounts();

    const result = await world.deliverEvents();

    expect(result.records[0]?.actions).toContain('suspend-group');
    expect(world.aws.totalCalls()).toBe(1);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
  });
});
