/**
 * cluster-autoscaler's priority expander, read the way cluster-autoscaler reads it
 * (kubernetes/autoscaler, cluster-autoscaler/expander/priority/priority.go):
 * - the `priorities` value is YAML: integer → list of regexes; a group's priority is the highest
 *   whose list has a pattern found anywhere in its name (unanchored search);
 * - among the groups that can scale, the highest priority wins, ties are random;
 * - a group matching nothing is not used, and neither is a priority below -1 (the expander's
 *   running maximum starts at -1) — unless no group matches at all: then all groups are used.
 */
import { parse as parseYaml } from 'yaml';
import { PrioritiesError } from '../vocabulary/errors';
import { type Re2Pattern, compileRe2 } from './re2';

export interface PriorityRule {
  priority: number;
  patterns: readonly string[];
  regexes: readonly Re2Pattern[];
}

export interface FailoverOrder {
  /** Highest priority first; groups within a tier are equals. */
  tiers: string[][];
  /** Priority of each group in `tiers`. */
  priorityOf: ReadonlyMap<string, number>;
  /** Groups cluster-autoscaler's expander will not prefer, with why. */
  dropped: { group: string; why: string }[];
}

const LOWEST_USED_PRIORITY = -1;

/** An empty configuration: cluster-autoscaler then ignores the expander and uses every group. */
export class EmptyPrioritiesError extends PrioritiesError {}

/** Accepts the `priorities` value itself, or the whole ConfigMap YAML that holds it. */
export function parsePriorities(text: string): PriorityRule[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new PrioritiesError(`priorities are not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (isObject(document) && isObject(document.data) && 'priorities' in document.data) {
    const inner = document.data.priorities;
    if (typeof inner !== 'string') throw new PrioritiesError('ConfigMap data.priorities must be a string holding YAML');
    return parsePriorities(inner);
  }
  if (isObject(document) && document.kind === 'ConfigMap') throw new PrioritiesError('ConfigMap has no data.priorities key');
  return rulesFrom(document);
}

/** Accepts an already parsed map (priorities written inline in our YAML config). */
export function rulesFrom(document: unknown): PriorityRule[] {
  if (document === null || document === undefined || (isObject(document) && Object.keys(document).length === 0)) {
    throw new EmptyPrioritiesError('priorities are empty (cluster-autoscaler ignores an empty configuration)');
  }
  if (!isObject(document)) throw new PrioritiesError('priorities must be a map of integer priority → list of regexes');
  const rules: PriorityRule[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (!/^-?\d+$/.test(key.trim())) {
      // A common paste: the ConfigMap's data section (`priorities: |-`) without the ConfigMap around it.
      const hint = key.trim() === 'priorities' ? ' (give the value of data.priorities, or the whole ConfigMap YAML)' : '';
      throw new PrioritiesError(`priority key ${JSON.stringify(key)} is not an integer${hint}`);
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new PrioritiesError(`priority ${key} must be a list of regex strings`);
    }
    const patterns = value as string[];
    rules.push({ priority: Number(key), patterns, regexes: patterns.map(compileRe2) });
  }
  return rules.sort((a, b) => b.priority - a.priority);
}

/** The priority cluster-autoscaler gives a group, or null when no pattern matches it. */
export function priorityOf(rules: readonly PriorityRule[], group: string): number | null {
  for (const rule of rules) {
    // rules are sorted highest first: the first match is the group's priority.
    if (rule.regexes.some((regex) => regex.test(group))) return rule.priority;
  }
  return null;
}

export function failoverOrder(rules: readonly PriorityRule[], groups: readonly string[]): FailoverOrder {
  const byPriority = new Map<number, string[]>();
  const priorityOfGroup = new Map<string, number>();
  const dropped: FailoverOrder['dropped'] = [];
  for (const group of groups) {
    const priority = priorityOf(rules, group);
    if (priority === null) {
      dropped.push({ group, why: 'matches no priority pattern' });
    } else if (priority < LOWEST_USED_PRIORITY) {
      dropped.push({ group, why: `priority ${priority} is below ${LOWEST_USED_PRIORITY}, which the expander never prefers` });
    } else {
      byPriority.set(priority, [...(byPriority.get(priority) ?? []), group]);
      priorityOfGroup.set(group, priority);
    }
  }
  if (byPriority.size === 0) {
    // cluster-autoscaler: "no priorities info found for any of the expansion options" → all of them.
    return { tiers: groups.length ? [[...groups]] : [], priorityOf: new Map(), dropped: [] };
  }
  const tiers = [...byPriority.entries()].sort(([a], [b]) => b - a).map(([, members]) => members);
  return { tiers, priorityOf: priorityOfGroup, dropped };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
