/**
 * The last word before anything is written: kill switch, per-cluster change budget (only for
 * inferred suspensions, lib/failover/evidence-budget.ts), and size sanity (min ≤ desired ≤ max, never below in-service). Pure.
 */
import type { Sizes } from '../vocabulary/sizes';
import type { Policy } from '../config/policy';
import { type Action, type Alert, writesToAws } from './actions';
import { type Snapshot, findGroup } from './snapshot';
import { budgetRuleOf, isLastInRotation } from './evidence-budget';

export function applyGuardRails(actions: readonly Action[], snapshot: Snapshot, policy: Policy, now: Date): Action[] {
  const result: Action[] = [];
  const suspendedThisRound = new Map<string, number>();
  const outThisRound = new Set<string>();
  // Groups whose suspension was refused: what would have followed from it is dropped too.
  const refused = new Set<string>();
  for (const action of actions) {
    if (dependsOnRefused(action, refused)) continue;
    if (!writesToAws(action)) {
      result.push(action);
      continue;
    }
    const cluster = snapshot.clusters.find((candidate) => candidate.policy.name === action.cluster);
    // An operator's release is honoured even with the kill switch on: it only gives capacity back.
    const operatorRelease = action.kind === 'restore-group' && action.why === 'operator-released';
    if ((!policy.enabled || !cluster?.policy.enabled) && !operatorRelease) {
      if (action.kind === 'suspend-group') refused.add(action.group);
      result.push(killSwitchBlock(action, policy));
      continue;
    }
    if (cluster && action.kind === 'suspend-group' && findGroup(snapshot, action.group)?.group.guard.state !== 'probing') {
      const rule = budgetRuleOf(action.evidence);
      if (rule !== 'never-refused' && isLastInRotation(action, cluster, outThisRound)) {
        refused.add(action.group);
        result.push(
          blocked(
            action,
            'change-budget-exhausted',
            'warning',
            `${action.group} is the last group of its failover set in rotation and the evidence is not its own failure: it stays; not done: ${summarize(action)}`,
          ),
        );
        continue;
      }
      const recent = cluster.groups.filter(
        (group) =>
          (group.guard.state === 'suspended' || group.guard.state === 'probing') &&
          now.getTime() - Date.parse(group.guard.since) < policy.changeBudget.windowMs,
      ).length;
      const thisRound = suspendedThisRound.get(action.cluster) ?? 0;
      if (rule === 'budgeted' && recent + thisRound >= policy.changeBudget.maxSuspensionsPerWindow) {
        refused.add(action.group);
        result.push(
          blocked(
            action,
            'change-budget-exhausted',
            'critical',
            `change budget used up: ${recent + thisRound} group(s) of ${action.cluster} already taken out of rotation in the last ${Math.round(policy.changeBudget.windowMs / 60_000)} min; not done: ${summarize(action)}`,
          ),
        );
        continue;
      }
      if (rule === 'budgeted') suspendedThisRound.set(action.cluster, thisRound + 1);
      outThisRound.add(action.group);
    }
    const insane = sizeProblem(action, snapshot);
    if (insane) {
      if (action.kind === 'suspend-group') refused.add(action.group);
      result.push(blocked(action, 'needs-operator', 'critical', `refused, a bug in capacity-guard: ${insane}: ${summarize(action)}`));
      continue;
    }
    result.push(action);
  }
  return result;
}

function killSwitchBlock(action: Action, policy: Policy): Alert {
  if (policy.killSwitchUnreadable !== undefined) {
    return blocked(action, 'kill-switch', 'critical', `kill switch unreadable (${policy.killSwitchUnreadable}), treated as on: not done: ${summarize(action)}`);
  }
  return blocked(
    action,
    'kill-switch',
    'info',
    `kill switch on (${policy.enabled ? `cluster ${action.cluster} disabled` : 'capacity-guard disabled'}): not done: ${summarize(action)}`,
  );
}

/** A fallback raise for a group that stays in rotation, or advice about a suspension that did not happen. */
function dependsOnRefused(action: Action, refused: ReadonlySet<string>): boolean {
  if (action.kind === 'raise-desired') return refused.has(action.replacing);
  return (
    action.kind === 'alert' &&
    (action.code === 'needs-operator' || action.code === 'no-fallback-capacity') &&
    action.group !== null &&
    refused.has(action.group)
  );
}

function sizeProblem(action: Action, snapshot: Snapshot): string | null {
  const group = findGroup(snapshot, action.group ?? '')?.group;
  if (!group) return null;
  const to =
    action.kind === 'raise-desired' ? { minSize: group.minSize, desiredCapacity: action.to, maxSize: group.maxSize } : 'to' in action ? action.to : null;
  if (!to) return null;
  if (!(to.minSize <= to.desiredCapacity && to.desiredCapacity <= to.maxSize))
    return `sizes min ${to.minSize} / desired ${to.desiredCapacity} / max ${to.maxSize} are out of order`;
  if (to.desiredCapacity < group.inService) return `desired ${to.desiredCapacity} is below the ${group.inService} instance(s) in service`;
  return null;
}

function blocked(action: Action, code: Alert['code'], severity: Alert['severity'], message: string): Alert {
  return { kind: 'alert', severity, code, cluster: action.cluster, group: action.group, message };
}

export function summarize(action: Action): string {
  switch (action.kind) {
    case 'suspend-group':
      return `take ${action.group} out of rotation (${action.reason}), max ${action.from.maxSize}→${action.to.maxSize}, desired ${action.from.desiredCapacity}→${action.to.desiredCapacity}, until ${action.until ?? 'a person fixes it'}`;
    case 'enforce-suspension':
      return `keep ${action.group} out of rotation: ${sizeChanges(action.from, action.to) || 'sizes as they are, its tags rewritten'}`;
    case 'raise-desired':
      return `raise ${action.group} desired ${action.from}→${action.to} for ${action.replacing}`;
    case 'start-probe':
      return `probe ${action.group}: max ${action.from.maxSize}→${action.to.maxSize}`;
    case 'restore-group':
      return `bring ${action.group} back (${action.why}): min ${action.to.minSize}, max ${action.from.maxSize}→${action.to.maxSize}`;
    case 'count-unknown-failure':
      return `count unknown failure #${action.count} on ${action.group}`;
    case 'alert':
      return `${action.severity}: ${action.message}`;
    default: {
      const unreachable: never = action;
      return String(unreachable);
    }
  }
}

/** Only the sizes that change, so a repair says what it repaired (`min 1→0, max 3→2`). */
function sizeChanges(from: Sizes, to: Sizes): string {
  const fields = [
    ['min', from.minSize, to.minSize],
    ['desired', from.desiredCapacity, to.desiredCapacity],
    ['max', from.maxSize, to.maxSize],
  ] as const;
  return fields
    .filter(([, before, after]) => before !== after)
    .map(([name, before, after]) => `${name} ${before}→${after}`)
    .join(', ');
}
