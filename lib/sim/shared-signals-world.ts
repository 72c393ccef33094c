/**
 * Several accounts of one region, each with its capacity-guard stack on its own fake AWS, sharing
 * pool signals over the fake cross-account EventBridge (lib/fakes/fake-shared-signals.ts). One
 * clock for all. Each account maps zone names to AZ IDs its own way, as AWS does. The loop test,
 * the bench and the shared-pools scenario drive this.
 */
import { REGION, asSqsRecord } from '../fakes/aws-events';
import { FakeClock } from '../fakes/clock';
import type { FakeGroupSpec } from '../fakes/fake-auto-scaling';
import { FakeSignalNetwork, MemoryPublicationClaims } from '../fakes/fake-shared-signals';
import { poolsOfGroup } from '../pools/group-pools';
import { publishingSink, type PublishReport, publishEvidence } from '../shared-signals/publish';
import { handleSharedSignals, type ReceiveResult, type SharedSignalDeps } from '../shared-signals/receive';
import { type RelayResult, relaySignals } from '../shared-signals/relay';
import type { PoolEvidence } from '../ports/shared-signals';
import { World } from './world';

export interface AccountSpec {
  account: string;
  /** Zone name in this account → AZ ID. */
  zoneIds: Record<string, string>;
  /** The stack's config without its sharedSignals section; null: this account does not share. */
  config: string;
  shares?: boolean;
  /** More lines of this account's sharedSignals section (e.g. publishTo and relayAccount of a central bus's member, or relay). */
  sharedSignals?: string;
}

export interface Stack {
  account: string;
  world: World;
  claims: MemoryPublicationClaims;
  signalDeps: SharedSignalDeps | null;
  zoneIds: Record<string, string>;
}

export class SharedSignalsWorld {
  readonly clock: FakeClock;
  readonly network: FakeSignalNetwork;
  readonly stacks = new Map<string, Stack>();

  constructor(accounts: readonly AccountSpec[], options: { start?: string; deliveryMs?: number; sharedSignals?: string } = {}) {
    this.clock = new FakeClock(options.start ?? '2026-11-27T20:00:00Z');
    this.network = new FakeSignalNetwork(REGION, this.clock.now, options.deliveryMs ?? 0);
    const sharing = accounts.filter((spec) => spec.shares !== false).map((spec) => spec.account);
    for (const spec of accounts) {
      const shares = spec.shares !== false;
      const section = shares
        ? `\nsharedSignals:\n  accounts: [${sharing.map((account) => `'${account}'`).join(', ')}]\n${options.sharedSignals ?? ''}${spec.sharedSignals ?? ''}`
        : '';
      const world = new World({
        config: `${spec.config}${section}`,
        clock: this.clock,
        rotateZonesOnFailure: true,
        zoneIds: new Map(Object.entries(spec.zoneIds)),
      });
      // The fake AWS dates its events with one account id; each stack checks the region only.
      world.deps.origin = { region: REGION };
      const claims = new MemoryPublicationClaims();
      const zoneIds = new Map(Object.entries(spec.zoneIds));
      const own = { account: spec.account, region: REGION };
      const policy = world.policy.sharedSignals ?? null;
      if (policy) {
        this.network.addBus(spec.account, (caller) => policy.accounts.includes(caller));
        world.deps.poolEvidence = publishingSink(this.publishDeps(spec, world, claims));
      }
      const signalDeps = policy ? { ...world.deps, sharedSignals: policy, own, pools: world.poolStore, zoneIds: async () => zoneIds } : null;
      this.stacks.set(spec.account, { account: spec.account, world, claims, signalDeps, zoneIds: spec.zoneIds });
    }
  }

  stack(account: string): Stack {
    const stack = this.stacks.get(account);
    if (!stack) throw new Error(`no stack for account ${account}`);
    return stack;
  }

  addGroup(account: string, spec: FakeGroupSpec): void {
    this.stack(account).world.aws.addGroup(spec);
  }

  /** The signals visible in `account`'s queue, as one SQS batch to its signals function. */
  async deliverSignals(account: string): Promise<ReceiveResult | null> {
    const stack = this.stack(account);
    const events = this.network.take(account);
    if (!stack.signalDeps || events.length === 0) return null;
    return handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      stack.signalDeps,
    );
  }

  /** The events on a central account's bus, as one SQS batch to its relay (lib/shared-signals/relay.ts). */
  async relay(account: string): Promise<RelayResult | null> {
    const stack = this.stack(account);
    const policy = stack.world.policy.sharedSignals;
    const events = this.network.take(account);
    if (!policy?.relay || events.length === 0) return null;
    return relaySignals(
      events.map((event) => asSqsRecord(event)),
      {
        policy,
        own: { account, region: REGION },
        eventBus: this.network.as(account),
        log: stack.world.deps.log,
        metrics: stack.world.metrics,
        sleep: async () => {},
      },
    );
  }

  /** PutEvents calls made by each account so far. */
  putEventsCalls(account: string): number {
    return this.network.calls.get(account) ?? 0;
  }

  /** Publishes evidence directly (as a run would), for tests. */
  async publish(account: string, evidence: readonly PoolEvidence[]): Promise<PublishReport> {
    const stack = this.stack(account);
    return publishEvidence(evidence, this.publishDeps({ account, zoneIds: stack.zoneIds, config: '' }, stack.world, stack.claims));
  }

  private publishDeps(spec: AccountSpec, world: World, claims: MemoryPublicationClaims) {
    const policy = world.policy.sharedSignals!;
    return {
      policy,
      own: { account: spec.account, region: REGION },
      eventBus: this.network.as(spec.account),
      claims,
      zoneIds: async () => new Map(Object.entries(spec.zoneIds)),
      poolsOfGroup: async (group: string) =>
        (poolsOfGroup(world.aws.view(group), new Map(Object.entries(spec.zoneIds))) ?? []).map((pool) => ({
          zoneId: pool.zoneId ?? '',
          instanceType: pool.instanceType,
          market: pool.market,
        })),
      log: world.deps.log,
      metrics: world.metrics,
      now: world.clock.now,
      sleep: async () => {},
    };
  }
}
