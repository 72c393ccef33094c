/**
 * What capacity-guard does, as data: decide returns these, dry-run prints them, the executor
 * turns each into AWS calls. Each carries the absolute target (not a delta), so running it twice
 * ends in the same state.
 */
import type { FailureClass, SignalOrigin } from '../vocabulary/signals';
import type { Sizes } from '../vocabulary/sizes';

interface OnGroup {
  cluster: string;
  group: string;
}

/** A group's failover tier (lib/cluster-autoscaler/expander.ts: 0 = the expander's first choice), null when it never prefers it; for the operator's messages. */
interface InTier {
  tier: number | null;
}

/**
 * Tags written (CreateOrUpdateTags) before the sizes, then `removeTags` deleted: the keys of the
 * previous release's format, replaced by this write (lib/vocabulary/tags.ts, LEGACY_TAG). Where
 * the new keys would pass the group's 50 tags, `removeFirst` (old keys this write carries over)
 * are deleted before it (lib/failover/guard-write.ts, withRoom).
 */
export interface WritesTags {
  removeFirst?: readonly string[];
  tags: Record<string, string>;
  removeTags?: readonly string[];
}

/** Out of rotation: desired back to what runs, MaxSize capped there; original sizes in tags. */
export interface SuspendGroup extends OnGroup, InTier, WritesTags {
  kind: 'suspend-group';
  failure: FailureClass;
  reason: string;
  /** What the suspension rests on (the signal's origin): the change budget refuses only inferred ones. Absent = the group's own failure. */
  evidence?: SignalOrigin;
  /** When the probe may start; null = only a person brings it back. */
  until: string | null;
  backoffSeconds: number;
  from: Sizes;
  to: Sizes;
}

/** Still suspended or probing, but its sizes drifted (a lost write, or CA scaled it down): write them again. */
export interface EnforceSuspension extends OnGroup, InTier, WritesTags {
  kind: 'enforce-suspension';
  from: Sizes;
  to: Sizes;
}

/** direct mode: add unmet capacity to a fallback group. */
export interface RaiseDesired extends OnGroup {
  kind: 'raise-desired';
  from: number;
  to: number;
  /** The failing group whose capacity this replaces. */
  replacing: string;
  tier: number | null;
}

/** Half-open: MaxSize = current + 1, so one launch can test the pool. */
export interface StartProbe extends OnGroup, InTier, WritesTags {
  kind: 'start-probe';
  from: Sizes;
  to: Sizes;
}

/**
 * Fully back: saved MinSize/MaxSize, suspension tags removed. Written as: `removeFirst` (old keys
 * that make room, if needed), `tags` (the memory with
 * the restore time, sizes still in it), `removeTags` (state and reason: the group reads "released"),
 * the sizes, then `afterSizes` (the memory without the sizes; the previous release's saved-sizes
 * key last).
 */
export interface RestoreGroup extends OnGroup, InTier {
  kind: 'restore-group';
  /**
   * probe-succeeded: a launch succeeded while open; probe-window-passed: open for a whole backoff
   * without a failure; operator-released: an operator deleted the state tag or set the ignore tag.
   */
  why: 'probe-succeeded' | 'probe-window-passed' | 'operator-released';
  from: Sizes;
  to: Sizes;
  removeFirst?: readonly string[];
  tags: Record<string, string>;
  removeTags: readonly string[];
  afterSizes?: { tags: Record<string, string>; removeTags: readonly string[] };
}

/** An unclassified failure, counted in a tag until it repeats often enough to suspend. */
export interface CountUnknownFailure extends OnGroup, WritesTags {
  kind: 'count-unknown-failure';
  count: number;
}

/** Something an operator must hear about; no AWS write. */
export interface Alert {
  kind: 'alert';
  severity: 'info' | 'warning' | 'critical';
  code: 'no-fallback-capacity' | 'change-budget-exhausted' | 'kill-switch' | 'needs-operator' | 'unknown-failure';
  cluster: string;
  group: string | null;
  message: string;
}

export type Action = SuspendGroup | EnforceSuspension | RaiseDesired | StartProbe | RestoreGroup | CountUnknownFailure | Alert;
export type ActionKind = Action['kind'];

export function writesToAws(action: Action): boolean {
  return action.kind !== 'alert';
}
