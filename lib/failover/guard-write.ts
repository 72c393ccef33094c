/**
 * The tags one decision writes on a group, counted against AWS's 50 per group before anything is
 * written. A group still carrying the previous release's keys gets its whole state and memory in
 * the new format in the same write, and the old keys deleted right after (CreateOrUpdateTags
 * first, DeleteTags second: a write lost half-way leaves both readable, the new ones read first).
 * Pure.
 */
import type { Sizes } from '../vocabulary/sizes';
import { ESSENTIAL_SUSPENSION_TAG_KEYS, GROUP_TAG_LIMIT, TAG, tagValue } from '../vocabulary/tags';
import { type GuardMemory, type StateRecord, carriesLegacyState, legacyKeysOf, memoryTag, stateRecordOf, stateTag } from './guard-state';
import type { GroupView } from './snapshot';

export interface TagWrite {
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

/** How many tags the group has once `keys` are written (deletions come after, so they do not make room). */
export function tagCountAfter(group: GroupView, keys: readonly string[]): number {
  return new Set([...Object.keys(group.tags), ...keys]).size;
}

export function fits(group: GroupView, keys: readonly string[]): boolean {
  return tagCountAfter(group, keys) <= GROUP_TAG_LIMIT;
}

/**
 * A suspension's write as it fits the group's 50 tags: whole, else state and memory without the
 * reason, else nothing (the group is then capped by its sizes alone, with a critical alert).
 */
export function fitSuspension(group: GroupView, write: TagWrite): TagWrite & { dropped: 'none' | 'extras' | 'all' } {
  if (fits(group, Object.keys(write.tags))) return { ...write, dropped: 'none' };
  if (fits(group, ESSENTIAL_SUSPENSION_TAG_KEYS)) {
    const tags = Object.fromEntries(Object.entries(write.tags).filter(([key]) => ESSENTIAL_SUSPENSION_TAG_KEYS.includes(key)));
    return { tags, removeTags: write.removeTags, dropped: 'extras' };
  }
  return { tags: {}, removeTags: [], dropped: 'all' };
}
