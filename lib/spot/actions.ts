/**
 * What the spot function does, as data: decide (lib/spot/decide.ts) returns these, dry-run prints
 * them, lib/spot/execute.ts turns them into AWS calls. Each is idempotent.
 */
import type { PoolInterruption } from '../ports/pool-signals';
import type { DrainReason } from './tags';
import type { PoolKey } from '../vocabulary/pool-key';

export interface InstanceRef {
  instanceId: string;
  cluster: string;
  /** null once detached (for replacement) from its group. */
  group: string | null;
}

/** CreateTags on all the instances at once (the same tags for all: one call). */
export interface TagForDrain {
  kind: 'tag-for-drain';
  reason: DrainReason;
  instances: InstanceRef[];
  tags: Record<string, string>;
}

export interface DrainRequest {
  instanceId: string;
  nodeName: string | null;
  group: string | null;
  cluster: string;
  reason: DrainReason;
  deadline: string | null;
  /** The event's time. */
  time: string;
}

/** One "Node Drain Requested" event per cluster and batch, listing its nodes, on the cluster's bus. */
export interface PublishDrainRequested {
  kind: 'publish-drain-requested';
  cluster: string;
  eventBusName: string;
  nodes: DrainRequest[];
}

/** DetachInstances without decrementing desired: the group launches replacements now. */
export interface DetachForReplacement {
  kind: 'detach-for-replacement';
  cluster: string;
  group: string;
  instanceIds: string[];
  reason: DrainReason;
}

/** One write per pool in the account-wide store. */
export interface RecordPoolInterruptions {
  kind: 'record-pool-interruptions';
  pool: PoolKey;
  zoneName: string;
  interruptions: PoolInterruption[];
}

/** The sweep: rebalance tags that no interruption followed, older than the expiry. */
export interface UntagExpiredRebalance {
  kind: 'untag-expired-rebalance';
  instanceIds: string[];
  keys: string[];
}

/**
 * The sweep: nodes we detached from their group (rebalance: replace, or replace: detach on an
 * interruption EC2 did not carry out) still running past their time. Outside any group nothing
 * else removes them: cluster-autoscaler only scales down nodes of its node groups.
 */
export interface TerminateDetached {
  kind: 'terminate-detached';
  instanceIds: string[];
}

export type SpotAction = TagForDrain | PublishDrainRequested | DetachForReplacement | RecordPoolInterruptions | UntagExpiredRebalance | TerminateDetached;
