/**
 * What the retire function does, as data: lib/retire/decide.ts returns these, dry-run prints them,
 * lib/retire/execute.ts turns them into AWS calls. Each carries absolute targets and the state tag
 * to write, so running one twice ends in the same state.
 */

export type DrainPath = 'hook' | 'bus' | 'none';

interface OnSet {
  cluster: string;
  /** The failover set (capacity-guard/failover-set, `default` when absent). */
  set: string;
}

/** Replacement first: the state tag (`replacing`) on the Spot group, then its desired raised to `to`. */
export interface RaiseReplacements extends OnSet {
  kind: 'retire-raise-spot';
  group: string;
  from: number;
  to: number;
  tags: Record<string, string>;
}

/** The replacements are InService: the time is written, the boot grace counts from it. */
export interface RecordReplacementsReady extends OnSet {
  kind: 'retire-record-ready';
  group: string;
  tags: Record<string, string>;
}

export interface RetiringNode {
  instanceId: string;
  group: string;
  instanceType: string | null;
  /** The Kubernetes node name (private DNS name), for the drain event. */
  nodeName: string | null;
  path: Exclude<DrainPath, 'none'>;
}

/**
 * The batch: the state tag (`retiring`) on the Spot group, the nodes tagged
 * `capacity-guard/drain=retire-fallback`, then per drain path: `hook` → TerminateInstanceInAutoScalingGroup
 * with ShouldDecrementDesiredCapacity=true (the termination lifecycle hook holds the node in
 * Terminating:Wait while the cluster's handler drains it); `bus` → one "Node Drain Requested" event.
 */
export interface RetireNodes extends OnSet {
  kind: 'retire-nodes';
  /** The Spot group holding the state tag, which took the replacements. */
  group: string;
  replacements: number;
  nodes: RetiringNode[];
  tags: Record<string, string>;
  /** Batch start: the nodes' capacity-guard/retire-batch tag. */
  batch: string;
  eventBusName: string | null;
  /** Estimated USD per hour saved (on-demand list price × spot discount): an estimate, said so everywhere. */
  savingsPerHour: number | null;
  /** Fallback groups of the set that are never retired, with why (no termination hook, no drain bus). */
  neverRetired: string[];
}

/**
 * Drain-bus path: the node is gone (the consumer drained and terminated it). A group still listing
 * it is told with TerminateInstanceInAutoScalingGroup (decrement: that exact instance, no other);
 * a group that already dropped it and has not launched its replacement yet gets desired − 1.
 */
export interface FinishDrained extends OnSet {
  kind: 'retire-finish-drained';
  group: string;
  instanceId: string;
  how: 'terminate-in-group' | 'lower-desired';
  /** lower-desired: the new desired. */
  to: number | null;
}

/** The batch ends: `done`, or `aborted` with the reason; nodes not yet going lose their drain tags. */
export interface EndBatch extends OnSet {
  kind: 'retire-end-batch';
  group: string;
  outcome: 'done' | 'aborted';
  reason: string;
  retired: number;
  /** Nodes of the batch still running and not yet draining: their drain tags are removed. */
  untag: string[];
  tags: Record<string, string>;
}

export type RetireAction = RaiseReplacements | RecordReplacementsReady | RetireNodes | FinishDrained | EndBatch;

/** One line per action, for the log and the simulator's timeline. */
export function summarizeRetire(action: RetireAction): string {
  switch (action.kind) {
    case 'retire-raise-spot':
      return `retire ${action.cluster}/${action.set}: raise ${action.group} desired ${action.from}→${action.to} (replacements first)`;
    case 'retire-record-ready':
      return `retire ${action.cluster}/${action.set}: replacements in ${action.group} InService`;
    case 'retire-nodes':
      return `retire ${action.cluster}/${action.set}: ${action.nodes.map((node) => `${node.instanceId} (${node.group}, ${node.path})`).join(', ')}`;
    case 'retire-finish-drained':
      return `retire ${action.cluster}/${action.set}: ${action.how === 'terminate-in-group' ? `drained ${action.instanceId} leaves ${action.group}` : `${action.group} desired → ${action.to}`}`;
    case 'retire-end-batch':
      return `retire ${action.cluster}/${action.set}: batch ${action.outcome}: ${action.reason}`;
  }
}
