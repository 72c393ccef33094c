/**
 * The snapshot as it will be once actions are done, so the next signal of the same batch
 * decides on up-to-date state without another Describe call. Pure.
 */
import type { Action } from './actions';
import type { GroupView, Snapshot } from './snapshot';
import { readGuardMemory, readGuardState } from './guard-state';

export function project(snapshot: Snapshot, actions: readonly Action[]): Snapshot {
  if (actions.every((action) => action.kind === 'alert')) return snapshot;
  return {
    clusters: snapshot.clusters.map((cluster) => ({
      ...cluster,
      groups: cluster.groups.map((group) => actions.reduce(applyTo, group)),
    })),
  };
}

function applyTo(group: GroupView, action: Action): GroupView {
  if (action.kind === 'alert' || action.group !== group.name) return group;
  let next: GroupView = { ...group, tags: { ...group.tags } };
  switch (action.kind) {
    case 'raise-desired':
      next.desiredCapacity = action.to;
      break;
    case 'restore-group':
      for (const key of action.removeFirst ?? []) delete next.tags[key];
      Object.assign(next.tags, action.tags);
      for (const key of action.removeTags) delete next.tags[key];
      Object.assign(next.tags, action.afterSizes?.tags);
      for (const key of action.afterSizes?.removeTags ?? []) delete next.tags[key];
      next = { ...next, ...action.to };
      break;
    case 'suspend-group':
    case 'enforce-suspension':
    case 'start-probe':
      next = { ...next, ...action.to };
      break;
    case 'count-unknown-failure':
      break;
  }
  if (action.kind !== 'restore-group' && action.kind !== 'raise-desired') {
    for (const key of action.removeFirst ?? []) delete next.tags[key];
    Object.assign(next.tags, action.tags);
    for (const key of action.removeTags ?? []) delete next.tags[key];
  }
  return { ...next, guard: readGuardState(next.tags, next.name), memory: readGuardMemory(next.tags) };
}
