/**
 * A timeline for reading: in a night with many groups one capacity-guard run can take 80 groups out
 * of rotation, or open 72 probes, in the same second. Such lines (the same action on many groups at
 * the same instant) are told as one: "take 79 groups out of rotation (capacity: all its pools out):
 * spot-app01-m5a-8x, … and 76 more". The run's timeline itself is left whole (JSON, tests).
 */
import type { TimelineEntry } from './run';

/** Fewer same lines than this stay as they are. */
const FOLD_FROM = 3;
const NAMED = 3;

/** "take <group> out of rotation (reason), max 50→1, …": the action and its reason, without the group and its sizes. */
function actionOf(entry: TimelineEntry, groups: ReadonlySet<string>): { group: string; action: string; rest: string } | null {
  const match = /^(\S+) (\S+?):? (.*)$/.exec(entry.text);
  if (!match || !groups.has(match[2]!)) return null;
  const [, verb, group, rest] = match;
  // A suspension on pool evidence names each group's own pools: the same action all the same.
  const reason = rest!.replace(/(^|[,:] )(min|max|desired) .*$/, '').replace(/\(capacity: all \d+ pool\(s\) out.*\)$/, '(capacity: all its pools out)');
  return { group: group!, action: verb!, rest: reason };
}

export function foldTimeline(timeline: readonly TimelineEntry[], groupNames: readonly string[]): TimelineEntry[] {
  const groups = new Set(groupNames);
  const out: TimelineEntry[] = [];
  for (let i = 0; i < timeline.length; ) {
    const first = timeline[i]!;
    const head = actionOf(first, groups);
    let end = i + 1;
    const names = head ? [head.group] : [];
    while (head && end < timeline.length) {
      const next = timeline[end]!;
      const action = next.t === first.t && next.who === first.who ? actionOf(next, groups) : null;
      if (!action || action.action !== head.action || action.rest !== head.rest) break;
      names.push(action.group);
      end += 1;
    }
    if (!head || names.length < FOLD_FROM) {
      out.push(...timeline.slice(i, end));
    } else {
      const shown = names.slice(0, NAMED).join(', ');
      const more = names.length > NAMED ? ` and ${names.length - NAMED} more` : '';
      const rest = head.rest === '' ? '' : ` ${head.rest}`;
      out.push({ ...first, text: `${head.action} ${names.length} groups${rest}: ${shown}${more}` });
    }
    i = end;
  }
  return out;
}
