/**
 * Three member accounts and a central account whose bus relays their signals (EventBridge itself does
 * not pass another account's event on to a third one). Members send to the central bus only; the
 * relay sends each signal to the other members with the original origin, marked relayedBy; members
 * accept a relayed signal only from their configured relay account; nothing is relayed twice.
 */
import { describe, expect, it } from 'vitest';
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { readGuardState } from '../../lib/failover/guard-state';
import { handleSharedSignals } from '../../lib/shared-signals/receive';
import { relaySignals } from '../../lib/shared-signals/relay';
import { SharedSignalsWorld } from '../../lib/sim/shared-signals-world';
import { configFor } from './cluster';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const CENTRAL = '999999999999';
const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const IDS: Record<string, string> = { 'eu-west-3a': 'euw3-az1', 'eu-west-3b': 'euw3-az2', 'eu-west-3c': 'euw3-az3' };
const CENTRAL_BUS = `arn:aws:events:eu-west-3:${CENTRAL}:event-bus/capacity-guard-signals`;
const member = `  publishTo: ['${CENTRAL_BUS}']\n  relayAccount: '${CENTRAL}'\n`;
const pools = (type: string, market: Pool['market'] = 'spot'): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));

function centralWorld(): SharedSignalsWorld {
  const world = new SharedSignalsWorld([
    ...[A, B, C].map((account) => ({ account, zoneIds: IDS, config: configFor('cluster-autoscaler'), sharedSignals: member })),
    { account: CENTRAL, zoneIds: IDS, config: configFor('cluster-autoscaler'), sharedSignals: '  relay: { to: peers }\n' },
  ]);
  for (const account of [A, B, C]) {
    world.addGroup(account, { name: 'spot-nodes-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('m5.8xlarge') });
    world.addGroup(account, { name: 'on-demand-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('m5.8xlarge', 'on-demand') });
    world.stack(account).world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
  }
  return world;
}

async function failInA(world: SharedSignalsWorld): Promise<void> {
  const a = world.stack(A).world;
  a.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  for (let round = 0; round < 3; round++) {
    world.clock.advance('10s');
    a.aws.settle();
  }
  await a.deliverEvents();
}

describe('capacity signals through a central relay', () => {
  it('reaches the other members with its origin, and goes round no further', async () => {
    const world = centralWorld();
    await failInA(world);
    // A sent to the central bus only.
    expect([B, C].map((account) => world.network.take(account).length)).toEqual([0, 0]);
    const relayed = await world.relay(CENTRAL);
    expect(relayed).toEqual({ batchItemFailures: [], relayed: 3 * 2 });

    for (const account of [B, C]) {
      const result = await world.deliverSignals(account);
      expect(result?.outcomes.map((outcome) => outcome.verdict)).toEqual(['accept', 'accept', 'accept']);
      const state = readGuardState(world.stack(account).world.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a');
      expect(state.state === 'suspended' && state.reason).toContain(`account ${A}`);
    }
    // Nothing back to the origin or to the central bus; the members publish nothing; the relay called PutEvents once.
    expect(world.network.take(A)).toEqual([]);
    expect(world.network.take(CENTRAL)).toEqual([]);
    expect(world.putEventsCalls(B) + world.putEventsCalls(C)).toBe(0);
    expect(world.putEventsCalls(CENTRAL)).toBe(1);
  });

  it('never relays a relayed signal, and members refuse one relayed by another account or claiming another relay', async () => {
    const world = centralWorld();
    await failInA(world);
    const fromA = world.network.take(CENTRAL);
    const relayedShape = fromA.map((event) => ({ ...event, detail: { ...event.detail, relayedBy: CENTRAL } }));

    // A relayed signal that reaches a relay (a misconfigured rule, a second relay): acknowledged, counted, not sent.
    const central = world.stack(CENTRAL).world;
    const looped = await relaySignals(
      relayedShape.map((event) => asSqsRecord({ ...event, account: CENTRAL })),
      {
        policy: central.policy.sharedSignals!,
        own: { account: CENTRAL, region: 'eu-west-3' },
        eventBus: world.network.as(CENTRAL),
        log: central.deps.log,
        metrics: central.metrics,
      },
    );
    expect(looped).toEqual({ batchItemFailures: [], relayed: 0 });
    expect(central.metrics.get('shared-signals.relay-loop')).toBe(3);

    const b = world.stack(B);
    // Relayed by C (not B's relay account), and relayed-by claims that differ from the sender: refused.
    const byC = await handleSharedSignals(
      relayedShape.map((event) => asSqsRecord({ ...event, account: C, detail: { ...event.detail, relayedBy: C } })),
      b.signalDeps!,
    );
    expect(byC.outcomes.map((outcome) => outcome.reason)).toEqual(
      Array(3).fill(`relayed by account ${C}, which is not sharedSignals.relayAccount (${CENTRAL})`),
    );
    const forged = await handleSharedSignals(
      relayedShape.map((event) => asSqsRecord({ ...event, account: C })),
      b.signalDeps!,
    );
    expect(forged.outcomes.map((outcome) => outcome.reason)).toEqual(Array(3).fill(`sent by account ${C} but claims to be relayed by ${CENTRAL}`));
    expect(readGuardState(b.world.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state).toBe('healthy');
  });

  it('hands a record back when a member bus refuses it, and keeps every record when this account does not relay', async () => {
    const world = centralWorld();
    await failInA(world);
    const records = world.network.take(CENTRAL).map((event, index) => ({ ...asSqsRecord(event), messageId: `m-${index}` }));
    const central = world.stack(CENTRAL).world;
    const deps = {
      policy: { ...central.policy.sharedSignals!, relay: { to: [`arn:aws:events:eu-west-3:${B}:event-bus/no-such-bus`] } },
      own: { account: CENTRAL, region: 'eu-west-3' },
      eventBus: world.network.as(CENTRAL),
      log: central.deps.log,
      metrics: central.metrics,
    };
    const refused = await relaySignals(records, deps);
    expect(refused).toEqual({ batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })), relayed: 0 });
    await expect(relaySignals(records, { ...deps, policy: { ...deps.policy, relay: null } })).rejects.toThrow(/sharedSignals.relay is not configured/);
  });
});
