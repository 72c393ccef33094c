/**
 * A behavioural fake of the EC2 side of Spot: the instances are the fake Auto Scaling groups'
 * (plus those detached from them), carrying the groups' tags as Auto Scaling propagates them and
 * the tags the spot function writes. It interrupts instances of a pool as EC2 does — a warning
 * event, then two minutes later the instance is gone (its group launches a replacement) — and
 * emits the aws.ec2 events into its outbox. Counts calls per method.
 */
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../config/duration';
import type { CallOptions } from '../ports/auto-scaling';
import { ASG_NAME_TAG, type Ec2Instance, type Ec2Port } from '../ports/ec2';
import type { EventBridgeEvent } from './aws-events';
import type { FakeClock } from './clock';
import { FakeAwsError, type FakeAutoScaling, type Pool, fakeZoneId } from './fake-auto-scaling';
import { INTERRUPTION_NOTICE_MS } from '../vocabulary/spot-notice';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-3';

export { fakeZoneId } from './fake-auto-scaling';

interface Known {
  instanceId: string;
  group: string | null;
  groupTags: Record<string, string>;
  pool: Pool;
  state: string;
  launchedAt?: number;
}

export class FakeEc2 implements Ec2Port {
  readonly calls = new Map<string, number>();
  /** Set to also emit "EC2 Instance State-change Notification" (terminated) when an instance goes. */
  emitStateChanges = true;
  private readonly ownTags = new Map<string, Record<string, string>>();
  private readonly gone = new Map<string, Known>();
  private scheduled: { at: number; event: EventBridgeEvent }[] = [];
  private terminations: { at: number; instanceId: string }[] = [];
  private outbox: EventBridgeEvent[] = [];
  private readonly failures: { method: string; error: Error }[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly asg: FakeAutoScaling,
  ) {
    asg.settleHooks.push(() => this.tick());
  }

  // ---- the world ------------------------------------------------------------------------

  /**
   * EC2 reclaims `count` in-service instances in pools matching `match` (of `group` if given): the
   * warnings are spread evenly over `over` from now, each instance goes two minutes after its
   * warning. Returns the instance ids, in warning order. `pending: true` picks instances still booting.
   */
  interrupt(match: Partial<Pool> & { group?: string; pending?: boolean }, count: number, over: string | number = 0): string[] {
    const spanMs = typeof over === 'number' ? over : (parseDuration(over) ?? 0);
    const { group, pending, ...poolMatch } = match;
    const candidates = this.asg
      .allInstances()
      .filter(
        (instance) =>
          instance.lifecycleState === (pending ? 'Pending' : 'InService') &&
          (group === undefined || instance.group === group) &&
          matches(poolMatch, instance.pool),
      )
      .filter((instance) => !this.terminations.some((termination) => termination.instanceId === instance.instanceId));
    if (candidates.length < count)
      throw new Error(`only ${candidates.length} ${pending ? 'pending' : 'in-service'} instances match ${JSON.stringify(match)}, ${count} asked`);
    const now = this.clock.now().getTime();
    const chosen = candidates.slice(0, count);
    chosen.forEach((instance, index) => {
      const at = now + (count > 1 ? Math.floor((spanMs * index) / (count - 1)) : 0);
      this.scheduled.push({
        at,
        event: ec2Event('EC2 Spot Instance Interruption Warning', at, instance.instanceId, {
          'instance-id': instance.instanceId,
          'instance-action': 'terminate',
        }),
      });
      this.terminations.push({ at: at + INTERRUPTION_NOTICE_MS, instanceId: instance.instanceId });
    });
    this.tick();
    return chosen.map((instance) => instance.instanceId);
  }

  /** EC2 recommends rebalancing these instances now. */
  recommendRebalance(instanceIds: readonly string[]): void {
    const now = this.clock.now().getTime();
    for (const instanceId of instanceIds) this.outbox.push(ec2Event('EC2 Instance Rebalance Recommendation', now, instanceId, { 'instance-id': instanceId }));
  }

  /** Events emitted since the last call, oldest first. */
  takeEvents(): EventBridgeEvent[] {
    const events = this.outbox;
    this.outbox = [];
    return events;
  }

  tagsOf(instanceId: string): Record<string, string> {
    const known = this.find(instanceId);
    if (!known) throw new Error(`no instance ${instanceId}`);
    return this.view(known).tags;
  }

  /** The next call of `method` throws `error`. */
  failNextCall(method: keyof Ec2Port, error: Error): void {
    this.failures.push({ method, error });
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Move due warnings to the outbox, take away instances past their deadline. */
  tick(): void {
    const now = this.clock.now().getTime();
    const due = this.scheduled.filter((entry) => entry.at <= now);
    this.scheduled = this.scheduled.filter((entry) => entry.at > now);
    this.outbox.push(...due.map((entry) => entry.event));
    const ending = this.terminations.filter((entry) => entry.at <= now);
    this.terminations = this.terminations.filter((entry) => entry.at > now);
    const index = ending.length > 0 ? this.index() : new Map<string, Known>();
    for (const { at, instanceId } of ending) {
      const known = index.get(instanceId);
      if (!known || this.gone.has(instanceId)) continue;
      this.gone.set(instanceId, { ...known, state: 'terminated' });
      this.asg.removeInstance(instanceId);
      if (this.emitStateChanges)
        this.outbox.push(ec2Event('EC2 Instance State-change Notification', at, instanceId, { 'instance-id': instanceId, state: 'terminated' }));
    }
  }

  // ---- the Ec2Port -----------------------------------------------------------------------

  async describeInstances(instanceIds: readonly string[], _options?: CallOptions): Promise<Ec2Instance[]> {
    const ids = [...new Set(instanceIds)];
    const found: Ec2Instance[] = [];
    for (let start = 0; start < ids.length; start += 1000) {
      await this.enter('describeInstances');
      const index = this.index();
      for (const id of ids.slice(start, start + 1000)) {
        const known = index.get(id);
        if (known) found.push(this.view(known));
      }
    }
    return found;
  }

  async findTagged(key: string, values: readonly string[]): Promise<Ec2Instance[]> {
    await this.enter('findTagged');
    return this.live()
      .map((known) => this.view(known))
      .filter((instance) => values.includes(instance.tags[key] ?? '\u0000'));
  }

  async createTags(instanceIds: readonly string[], tags: Record<string, string>): Promise<void> {
    // EC2 refuses the whole call when one instance would pass 50 tags (moto does not).
    const index = this.index(); // built once: find() rebuilds it, and a storm tags 1,000 instances in one call
    const overLimit = instanceIds.find((id) => {
      const known = index.get(id);
      return known !== undefined && Object.keys({ ...this.view(known).tags, ...tags }).length > 50;
    });
    if (overLimit) {
      await this.enter('createTags');
      throw new FakeAwsError('TagLimitExceeded', 'The maximum number of tags for a resource has been reached.');
    }
    await this.chunked('createTags', instanceIds, (id) => this.ownTags.set(id, { ...this.ownTags.get(id), ...tags }));
  }

  /** The instance goes now (shutting-down is skipped); one still in a group is replaced by it. */
  async terminateInstances(instanceIds: readonly string[]): Promise<void> {
    const at = this.clock.now().getTime();
    await this.chunked('terminateInstances', instanceIds, (id) => {
      const known = this.find(id);
      if (!known || known.state === 'terminated') return;
      this.gone.set(id, { ...known, state: 'terminated' });
      this.asg.removeInstance(id);
      if (this.emitStateChanges) this.outbox.push(ec2Event('EC2 Instance State-change Notification', at, id, { 'instance-id': id, state: 'terminated' }));
    });
  }

  async deleteTags(instanceIds: readonly string[], keys: readonly string[]): Promise<void> {
    await this.chunked('deleteTags', instanceIds, (id) => {
      const own = { ...this.ownTags.get(id) };
      for (const key of keys) delete own[key];
      this.ownTags.set(id, own);
    });
  }

  // ---- internals -------------------------------------------------------------------------

  private async chunked(method: string, instanceIds: readonly string[], apply: (id: string) => void): Promise<void> {
    for (let start = 0; start < instanceIds.length; start += 1000) {
      await this.enter(method);
      const chunk = instanceIds.slice(start, start + 1000);
      const index = this.index();
      // EC2 refuses the whole call when one id is unknown.
      const unknown = chunk.find((id) => !index.has(id));
      if (unknown) throw new FakeAwsError('InvalidInstanceID.NotFound', `The instance ID '${unknown}' does not exist`);
      chunk.forEach(apply);
    }
  }

  private async enter(method: string): Promise<void> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    await new Promise((resolve) => setImmediate(resolve));
    const index = this.failures.findIndex((failure) => failure.method === method);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure!.error;
    }
  }

  private live(): Known[] {
    const inGroups = this.asg.allInstances().map((instance) => ({
      instanceId: instance.instanceId,
      group: instance.group,
      groupTags: instance.groupTags,
      pool: instance.pool,
      state: instance.lifecycleState === 'Pending' ? 'pending' : 'running',
      launchedAt: instance.launchedAt,
    }));
    const detached = this.asg
      .detachedInstances()
      .filter((instance) => !this.gone.has(instance.instanceId))
      // Detached instances keep the propagated tags but lose aws:autoscaling:groupName (as moto 5.2.5 does).
      .map((instance) => ({ instanceId: instance.instanceId, group: null, groupTags: instance.groupTags, pool: instance.pool, state: 'running' }));
    return [...inGroups, ...detached];
  }

  private find(instanceId: string): Known | undefined {
    return this.index().get(instanceId);
  }

  private index(): Map<string, Known> {
    const index = new Map(this.live().map((known) => [known.instanceId, known]));
    for (const [id, known] of this.gone) index.set(id, known);
    return index;
  }

  private view(known: Known): Ec2Instance {
    const propagated = Object.fromEntries(Object.entries(known.groupTags).filter(([key]) => !key.startsWith('capacity-guard/')));
    const serial = Number.parseInt(known.instanceId.slice(2), 16);
    return {
      instanceId: known.instanceId,
      state: known.state,
      tags: { ...propagated, ...(known.group && { [ASG_NAME_TAG]: known.group }), ...this.ownTags.get(known.instanceId) },
      availabilityZone: known.pool.zone,
      availabilityZoneId: fakeZoneId(known.pool.zone),
      instanceType: known.pool.instanceType,
      market: known.pool.market,
      autoScalingGroupName: known.group,
      privateDnsName: known.state === 'terminated' ? null : `ip-10-0-${(serial >> 8) & 255}-${serial & 255}.${REGION}.compute.internal`,
      launchTime: known.launchedAt === undefined ? null : new Date(known.launchedAt).toISOString(),
    };
  }
}

function matches(match: Partial<Pool>, pool: Pool): boolean {
  return (Object.keys(match) as (keyof Pool)[]).every((key) => match[key] === undefined || match[key] === pool[key]);
}

function ec2Event(detailType: string, atMs: number, instanceId: string, detail: Record<string, unknown>): EventBridgeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.ec2',
    account: ACCOUNT,
    time: new Date(atMs).toISOString().replace('.000Z', 'Z'),
    region: REGION,
    resources: [`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${instanceId}`],
    detail,
  };
}
