/**
 * Three accounts of one region share Spot pools. What one learns, the others know: its capacity
 * failures go out once per pool, the others take out the groups all of whose pools are out, and
 * nothing goes round again.
 */
import { describe, expect, it } from 'vitest';
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { handleSharedSignals } from '../../lib/shared-signals/receive';
import { SharedSignalsWorld } from '../../lib/sim/shared-signals-world';
import { readGuardState } from '../../lib/failover/guard-state';
import { TAG } from '../../lib/vocabulary/tags';
import { configFor } from './cluster';
import { stateWord } from '../unit/failover/builders';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
// Zone names map to different physical zones in each account; AZ IDs do not.
const MAPPINGS: Record<string, Record<string, string>> = {
  [A]: { 'eu-west-3a': 'euw3-az1', 'eu-west-3b': 'euw3-az2', 'eu-west-3c': 'euw3-az3' },
  [B]: { 'eu-west-3a': 'euw3-az2', 'eu-west-3b': 'euw3-az3', 'eu-west-3c': 'euw3-az1' },
  [C]: { 'eu-west-3a': 'euw3-az3', 'eu-west-3b': 'euw3-az1', 'eu-west-3c': 'euw3-az2' },
};
const pools = (market: 'spot' | 'on-demand', type: string): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));

function threeAccounts(extraConfig = ''): SharedSignalsWorld {
  const world = new SharedSignalsWorld(
    [A, B, C].map((account) => ({ account, zoneIds: MAPPINGS[account]!, config: configFor('cluster-autoscaler', extraConfig) })),
  );
  for (const account of [A, B, C]) {
    world.addGroup(account, { name: 'spot-nodes-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('spot', 'm5.8xlarge') });
    world.addGroup(account, { name: 'spot-nodes-8x-b', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('spot', 'r5.8xlarge') });
    world.addGroup(account, { name: 'on-demand-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('on-demand', 'm5.8xlarge') });
  }
  return world;
}

/** A's capacity failure of m5.8xlarge Spot in one zone (by AZ ID), seen now. */
function m5Failure(world: SharedSignalsWorld, zoneId: string, evidence = 1) {
  const now = world.clock.iso();
  return {
    zone: { id: zoneId },
    instanceType: 'm5.8xlarge',
    market: 'spot' as const,
    kind: 'capacity-failure' as const,
    evidence,
    firstSeen: now,
    lastSeen: now,
  };
}

async function failInA(world: SharedSignalsWorld): Promise<void> {
  const a = world.stack(A).world;
  // Every m5.8xlarge Spot pool is empty, in every account: they are the same physical pools.
  for (const account of [A, B, C]) world.stack(account).world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
  a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  // The group tries its three zones (one every 10 s) before the batch reaches the failover.
  for (let round = 0; round < 3; round++) {
    world.clock.advance('10s');
    a.aws.settle();
  }
  await a.deliverEvents();
}

describe('capacity signals shared by three accounts', () => {
  it('takes out, in the other accounts, the groups whose pools the first found empty, naming it', async () => {
    const world = threeAccounts();
    await failInA(world);
    expect(stateWord(world.stack(A).world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.putEventsCalls(A)).toBeGreaterThan(0);

    for (const account of [B, C]) {
      const result = await world.deliverSignals(account);
      expect(result?.batchItemFailures).toEqual([]);
      const stack = world.stack(account).world;
      const group = stack.aws.view('spot-nodes-8x-a');
      expect(stateWord(group.tags), account).toBe('suspended');
      expect(group.tags[TAG.reason]).toContain(`account ${A}`);
      expect(group.desiredCapacity).toBe(2); // what runs keeps running
      expect(stateWord(stack.aws.view('spot-nodes-8x-b').tags)).toBeUndefined();
      expect(stateWord(stack.aws.view('on-demand-8x-a').tags)).toBeUndefined();
      expect(stack.metrics.get('shared-signals.received')).toBe(3);
    }
  });

  it('never publishes a received signal again: B and C make no PutEvents call, A receives nothing back', async () => {
    const world = threeAccounts();
    await failInA(world);
    await world.deliverSignals(B);
    await world.deliverSignals(C);
    expect(world.putEventsCalls(B)).toBe(0);
    expect(world.putEventsCalls(C)).toBe(0);
    expect(world.network.take(A)).toEqual([]);
    expect(world.network.take(B)).toEqual([]);
  });

  it('publishes at most once per pool in the publish interval', async () => {
    const world = threeAccounts();
    await failInA(world);
    const sent = world.stack(A).world.metrics.get('shared-signals.sent');
    expect(sent).toBe(3 * 2); // three pools (one per zone), to two peers
    const again = await world.publish(
      A,
      ['euw3-az1', 'euw3-az2', 'euw3-az3'].map((id) => m5Failure(world, id)),
    );
    expect(again).toEqual({ sent: 0, failed: 0, skipped: 3 });
    world.clock.advance('61s');
    expect((await world.publish(A, [m5Failure(world, 'euw3-az1')])).sent).toBe(2);
  });

  it('changes nothing on a duplicate delivery, and ignores its own account', async () => {
    const world = threeAccounts();
    await failInA(world);
    const events = world.network.take(B);
    const b = world.stack(B);
    await handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      b.signalDeps!,
    );
    const tags = { ...b.world.aws.view('spot-nodes-8x-a').tags };
    const again = await handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      b.signalDeps!,
    );
    expect(again.actions).toEqual([]);
    expect(b.world.aws.view('spot-nodes-8x-a').tags).toEqual(tags);

    // B's own signal (a central bus could send it back): ignored, counted.
    const own = events.map((event) => ({ ...event, account: B, detail: { ...event.detail, originAccount: B, id: String(event.detail.id).replace(A, B) } }));
    const result = await handleSharedSignals(
      own.map((event) => asSqsRecord(event)),
      b.signalDeps!,
    );
    expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(['own', 'own', 'own']);
    expect(b.world.metrics.get('shared-signals.own')).toBe(3);
    // A signal whose claimed origin is not the sending account: refused as forged.
    const forged = events.map((event) => ({ ...event, account: C }));
    const refused = await handleSharedSignals(
      forged.map((event) => asSqsRecord(event)),
      b.signalDeps!,
    );
    expect(refused.outcomes.map((outcome) => outcome.reason)).toEqual(Array(3).fill(`sent by account ${C} but claims to come from ${A}`));
  });

  it('refuses a signal from an account not allowlisted, counted; its PutEvents is refused by the bus policy', async () => {
    const world = threeAccounts();
    const stranger = '444444444444';
    const { failed } = await world.network
      .as(stranger)
      .putEvents([{ eventBusName: world.network.busArn(B), source: 'capacity-guard.signals', detailType: 'Capacity Pool Signal', detail: {} }]);
    expect(failed[0]?.error).toMatch(/^AccessDeniedException/);

    await failInA(world);
    const events = world.network.take(B).map((event) => {
      const detail = { ...event.detail, originAccount: stranger } as Record<string, unknown>;
      detail.id = String(detail.id).replace(A, stranger);
      return { ...event, account: stranger, detail };
    });
    const b = world.stack(B);
    const result = await handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      b.signalDeps!,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(b.world.metrics.get('shared-signals.refused')).toBe(3);
    expect(stateWord(b.world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
  });

  it("shares what the first account's tier probe learns: every zone of the tier, not only the one that failed", async () => {
    const world = threeAccounts('pools: { probeTiers: true }');
    // Every Spot pool is empty, in every account; A's group fails once, in one zone.
    for (const account of [A, B, C]) world.stack(account).world.aws.outOfCapacity({ market: 'spot' });
    const a = world.stack(A).world;
    a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.clock.advance('10s');
    a.aws.settle();
    await a.deliverEvents();
    // The probe asked LaunchInstances for spot-nodes-8x-b in each of its zones: its three r5.8xlarge
    // pools are out, and published like the failures' own m5.8xlarge pools.
    expect(a.metrics.get('pools.tier-probe-calls')).toBe(3);
    const toC = world.network.take(C).map((event) => event.detail as { zoneId: string; instanceType: string });
    expect(toC.filter((detail) => detail.instanceType === 'r5.8xlarge').map((detail) => detail.zoneId)).toEqual(['euw3-az1', 'euw3-az2', 'euw3-az3']);
    expect(toC.filter((detail) => detail.instanceType === 'm5.8xlarge').length).toBeLessThan(3);

    await world.deliverSignals(B);
    const b = world.stack(B).world.aws;
    // B's r5.8xlarge group has no pool left: out, naming A. Its m5.8xlarge group keeps two zones.
    const out = readGuardState(b.view('spot-nodes-8x-b').tags, 'spot-nodes-8x-b');
    expect(out.state).toBe('suspended');
    expect(out.state === 'suspended' && out.reason).toContain(`account ${A}`);
    expect(readGuardState(b.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('healthy');
  });

  it("ends A's mark elsewhere when A's probe launches in a pool A had said was out; the receivers' own evidence stays", async () => {
    const world = threeAccounts();
    await failInA(world);
    for (const account of [B, C]) await world.deliverSignals(account);
    const b = world.stack(B).world;
    const m5 = (zoneId: string) => ({ zoneId, instanceType: 'm5.8xlarge', market: 'spot' as const });
    // B saw one of these pools fail itself (its eu-west-3c is euw3-az1).
    await b.poolStore.recordPoolsOut([
      {
        pool: m5('euw3-az1'),
        zoneName: 'eu-west-3c',
        evidence: 'InsufficientInstanceCapacity',
        source: 'launch-failure',
        group: 'spot-nodes-8x-a',
        account: null,
        seenAt: world.clock.iso(),
        until: new Date(world.clock.now().getTime() + 300_000).toISOString(),
      },
    ]);
    const marksIn = async (account: string) =>
      (await world.stack(account).world.poolStore.listPoolsOut(world.clock.now())).map((out) => `${out.pool.zoneId} ${out.account ?? 'own'}`).sort();
    expect(await marksIn(B)).toEqual([`euw3-az1 ${A}`, 'euw3-az1 own', `euw3-az2 ${A}`, `euw3-az3 ${A}`]);

    // Spot is back; A's backoff is over: A's reconcile opens its group, CA tries it, a node launches.
    for (const account of [A, B, C]) world.stack(account).world.aws.capacityBack({ market: 'spot' });
    const a = world.stack(A).world;
    world.clock.advance('3m');
    await a.reconcile();
    expect(readGuardState(a.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('probing');
    a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await a.deliverEvents();
    expect(readGuardState(a.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('healthy');

    const sent = world.network.take(B);
    expect(sent.map((event) => (event.detail as { kind: string }).kind)).toEqual(['recovered']);
    const zone = (sent[0]!.detail as { zoneId: string }).zoneId;
    await world.deliverSignals(C);
    const result = await handleSharedSignals(
      sent.map((event) => asSqsRecord(event)),
      world.stack(B).signalDeps!,
    );
    expect(result.batchItemFailures).toEqual([]);
    // Only A's mark of that pool ended: B's own mark and A's other zones stay.
    const expected = [`euw3-az1 ${A}`, 'euw3-az1 own', `euw3-az2 ${A}`, `euw3-az3 ${A}`].filter((entry) => entry !== `${zone} ${A}`);
    expect(await marksIn(B)).toEqual(expected);
    expect(b.metrics.get('shared-signals.mark-ended')).toBe(1);
    expect(await marksIn(C)).toEqual([`euw3-az1 ${A}`, `euw3-az2 ${A}`, `euw3-az3 ${A}`].filter((entry) => entry !== `${zone} ${A}`));
    // Nothing goes round: the receivers publish nothing, and A says it once.
    expect(world.putEventsCalls(B) + world.putEventsCalls(C)).toBe(0);
    a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await a.deliverEvents();
    expect(world.network.take(B)).toEqual([]);
  });

  it("brings back at once a group out on A's evidence alone when A says one of its pools is back: its probe opens at the next reconcile", async () => {
    const world = threeAccounts();
    await failInA(world);
    await world.deliverSignals(C);
    const c = world.stack(C).world;
    const stateOf = () => readGuardState(c.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a');
    expect(stateOf().state).toBe('suspended');

    // Spot is back; A's own probe launches a node and A says so.
    for (const account of [A, B, C]) world.stack(account).world.aws.capacityBack({ market: 'spot' });
    const a = world.stack(A).world;
    world.clock.advance('3m');
    await a.reconcile();
    a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await a.deliverEvents();
    world.network.take(B);
    const result = await world.deliverSignals(C);
    expect(result?.batchItemFailures).toEqual([]);
    expect(c.metrics.get('shared-signals.group-resumed')).toBe(1);

    // C's mark would have held it for 10 minutes from A's failure; it probes now.
    await c.reconcile();
    expect(stateOf().state).toBe('probing');
    // A group the marks never took out is left alone.
    expect(c.aws.view('spot-nodes-8x-b').tags[TAG.state]).toBeUndefined();
  });

  it("takes a group out on its own account's evidence and another's together: zones matched through their AZ IDs", async () => {
    const world = threeAccounts();
    const b = world.stack(B).world;
    // A found m5.8xlarge Spot empty in euw3-az1 and euw3-az2: in B those are eu-west-3c and eu-west-3a.
    await world.publish(A, [m5Failure(world, 'euw3-az1'), m5Failure(world, 'euw3-az2')]);
    await world.deliverSignals(B);
    expect(readGuardState(b.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('healthy'); // one zone left

    // Then B's own single-zone m5 group fails in the third zone (eu-west-3b = euw3-az3).
    world.addGroup(B, {
      name: 'spot-nodes-8x-m5-b',
      cluster: 'prod',
      minSize: 0,
      maxSize: 50,
      desiredCapacity: 1,
      pools: [{ market: 'spot', instanceType: 'm5.8xlarge', zone: 'eu-west-3b' }],
    });
    b.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge', zone: 'eu-west-3b' });
    b.aws.clusterAutoscalerScaleUp('spot-nodes-8x-m5-b', 2);
    await b.deliverEvents();

    expect(readGuardState(b.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('suspended');
    expect(b.aws.view('spot-nodes-8x-a').tags[TAG.reason]).toContain(`account ${A}`);
    expect(readGuardState(b.aws.view('spot-nodes-8x-b').tags, 'spot-nodes-8x-b').state).toBe('healthy');
  });

  it('warns only for a group with pools left', async () => {
    const world = threeAccounts();
    await world.publish(A, [m5Failure(world, 'euw3-az1', 2)]);
    const result = await world.deliverSignals(B);
    expect(result?.actions).toEqual([]);
    expect(stateWord(world.stack(B).world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
  });
});
