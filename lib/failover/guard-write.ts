/**
 * The tags one decision writes on a group, counted against AWS's 50 per group before anything is
 * written. A group still carrying the previous release's keys gets its whole state and memory in
 * the new format in the same write, and the old keys deleted right after (CreateOrUpdateTags
 * first, DeleteTags second: a write lost half-way leaves both readable, the new ones read first).
 * Where the new keys would pass 50 tags (the previous release left room for its own keys only),
 * a few old keys go first, the ones the write carries and the group's state reads without
 * (see MAKES_ROOM); CreateOrUpdateTags beyond 50 fails whole with LimitExceeded
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-tagging.html).
 * Pure.
 */
import type { Sizes } from '../vocabulary/sizes';
import { ESSENTIAL_SUSPENSION_TAG_KEYS, GROUP_TAG_LIMIT, LEGACY_TAG, TAG, tagValue } from '../vocabulary/tags';
import { type GuardMemory, type StateRecord, carriesLegacyState, legacyKeysOf, memoryTag, stateRecordOf, stateTag } from './guard-state';
import type { GroupView } from './snapshot';

/** Written in this order: `removeFirst` deleted, `tags` written, `removeTags` deleted. */
export interface TagWrite {
  /** Old keys deleted before the write, to make room for it (see MAKES_ROOM). */
  removeFirst?: string[];
  tags: Record<string, string>;
  removeTags: string[];
}

export interface GuardChange {
  state?: StateRecord;
  reason?: string;
  /** The sizes to keep in the memory (absent: the ones the group has saved, if any). */
  saved?: Sizes | null;
  memory?: GuardMemory;
}

export function guardWrite(group: GroupView, change: GuardChange): TagWrite {
  const legacy = carriesLegacyState(group.tags);
  const tags: Record<string, string> = {};
  const removeTags: string[] = [];
  const state = change.state ?? (legacy ? stateRecordOf(group.guard) : null);
  if (state) tags[TAG.state] = stateTag(state);
  if (change.reason !== undefined) tags[TAG.reason] = tagValue(change.reason);
  if (change.saved !== undefined || change.memory !== undefined || legacy) {
    const memory = memoryTag(group.name, change.saved === undefined ? savedSizesOf(group) : change.saved, change.memory ?? group.memory);
    if (memory !== null) tags[TAG.memory] = memory;
    else if (TAG.memory in group.tags) removeTags.push(TAG.memory);
  }
  if (legacy) removeTags.push(...legacyKeysOf(group.tags));
  return { tags, removeTags };
}

export function savedSizesOf(group: GroupView): Sizes | null {
  const guard = group.guard;
  return guard.state === 'suspended' || guard.state === 'probing' || guard.state === 'released' ? guard.saved : null;
}

/** How many tags the group has once `keys` are written, after the deletions done first. */
export function tagCountAfter(group: GroupView, keys: readonly string[], removedFirst: readonly string[] = []): number {
  return new Set([...Object.keys(group.tags).filter((key) => !removedFirst.includes(key)), ...keys]).size;
}

/**
 * The previous release's keys that may be deleted before the new ones are written: the write
 * carries what they hold, and a group whose write stops right after still reads as what it was
 * (its state, since, until and saved sizes stay until the new keys are there; without these the
 * state reads with less detail: an unknown failure, no probe or backoff on record). Least missed first.
 */
const MAKES_ROOM: readonly string[] = [
  LEGACY_TAG.unknownFailures,
  LEGACY_TAG.restoredAt,
  LEGACY_TAG.setMax,
  LEGACY_TAG.probe,
  LEGACY_TAG.backoff,
  LEGACY_TAG.failure,
];

/**
 * The write made to fit the group's 50 tags: as it is when it fits, else with as few of its old
 * keys deleted first as make the room (the rest still deleted after, the saved sizes last); null
 * when even that leaves no room (write nothing: AWS would refuse it).
 */
export function withRoom(group: GroupView, write: TagWrite): TagWrite | null {
  const keys = Object.keys(write.tags);
  const over = tagCountAfter(group, keys, write.removeFirst) - GROUP_TAG_LIMIT;
  if (over <= 0) return write;
  const spare = MAKES_ROOM.filter((key) => write.removeTags.includes(key) && key in group.tags && !keys.includes(key));
  if (spare.length < over) return null;
  const first = spare.slice(0, over);
  return { removeFirst: [...(write.removeFirst ?? []), ...first], tags: write.tags, removeTags: write.removeTags.filter((key) => !first.includes(key)) };
}

/**
 * A suspension's write as it fits the group's 50 tags: whole, else state and memory without the
 * reason, else nothing (the group is then capped by its sizes alone, with a critical alert).
 */
export function fitSuspension(group: GroupView, write: TagWrite): TagWrite & { dropped: 'none' | 'extras' | 'all' } {
  const whole = withRoom(group, write);
  if (whole) return { ...whole, dropped: 'none' };
  const tags = Object.fromEntries(Object.entries(write.tags).filter(([key]) => ESSENTIAL_SUSPENSION_TAG_KEYS.includes(key)));
  const essential = withRoom(group, { ...write, tags });
  if (essential) return { ...essential, dropped: 'extras' };
  return { tags: {}, removeTags: [], dropped: 'all' };
}
