/**
 * The tags the spot function writes on instances. In-cluster consumers (a drain controller, a
 * node-problem detector) read `capacity-guard/drain`; the function itself reads them back to stay
 * idempotent and to expire rebalance tags.
 */
export const SPOT_TAG = {
  /** Why the node must be drained: one of DRAIN_REASONS. */
  drain: 'capacity-guard/drain',
  /**
   * ISO time by which the node is gone (interruptions only): the node's own (event time + 2 min)
   * when the batch has at most EXACT_DEADLINE_CALLS distinct deadlines; in a storm, the batch's
   * earliest (one CreateTags a batch), so early by the spread of its event times (usually within
   * the 5 s SQS batching window; a retried record's node is gone by then), never late. The node's
   * own deadline is always in the "Node Drain Requested" event.
   */
  deadline: 'capacity-guard/drain-deadline',
  /** ISO time of the rebalance recommendation: the sweep removes the tags after the expiry. */
  rebalanceAt: 'capacity-guard/rebalance-at',
  /** "published": the "Node Drain Requested" event went out for this instance. */
  drainEvent: 'capacity-guard/drain-event',
  /** Set by a team on its group (propagated to instances): overrides the config's `replace`. */
  replacePolicy: 'capacity-guard/spot-replace',
  /** Set by a team on its group (propagated to instances): overrides the config's `rebalance`. */
  rebalancePolicy: 'capacity-guard/spot-rebalance',
} as const;

export const DRAIN_REASONS = ['spot-interruption', 'rebalance-recommendation', 'rebalance-replace'] as const;
export type DrainReason = (typeof DRAIN_REASONS)[number];

/** Tags removed when a rebalance recommendation expires without an interruption. */
export const REBALANCE_TAG_KEYS = [SPOT_TAG.drain, SPOT_TAG.rebalanceAt, SPOT_TAG.drainEvent];

export const DRAIN_EVENT_SOURCE = 'capacity-guard';
export const DRAIN_EVENT_DETAIL_TYPE = 'Node Drain Requested';
