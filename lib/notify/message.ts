/**
 * One Slack message per cluster per run: a header that sums it up, a section per action kind,
 * failed actions apart, and what the operator can do. Pure: report items in, Block Kit out.
 * Slack's limits (50 blocks, 3000 characters a section, 150 a header) hold however big the storm.
 */
import { SEVERITIES, type Severity } from '../config/notify-schema';
import { type NotableKind, KINDS, describeAction, entryFor, notableCluster } from './describe';
import { clip, escape, plural, when } from './mrkdwn';
import type { ReportItem } from './report-items';

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

export interface SlackMessage {
  cluster: string;
  severity: Severity;
  /** Notification text (push, screen readers) and the fallback when blocks cannot be shown. */
  text: string;
  blocks: SlackBlock[];
}

export interface RunMeta {
  /** failover, reconcile, ... */
  source: string;
  dryRun: boolean;
  time: string;
}

/** Lines listed per section before "…and N more". */
export const LINES_PER_SECTION = 12;
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const ICON: Record<Severity, string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

/** The message an item goes to: its cluster's, or the account-wide one (a Spot pool, the rebalance sweep). */
export function messageClusterOf(item: ReportItem): string {
  return notableCluster(item.action) ?? ACCOUNT_WIDE;
}

export const ACCOUNT_WIDE = 'all clusters';

export function maxSeverity(severities: Iterable<Severity>): Severity {
  let max = 0;
  for (const severity of severities) max = Math.max(max, SEVERITIES.indexOf(severity));
  return SEVERITIES[max] ?? 'info';
}

export function itemSeverity(item: ReportItem): Severity {
  const severity = describeAction(item.action).severity;
  // A write that failed is retried, but someone may have to look.
  return item.error !== null && severity === 'info' ? 'warning' : severity;
}

export function buildMessages(meta: RunMeta, items: readonly ReportItem[]): SlackMessage[] {
  const byCluster = new Map<string, ReportItem[]>();
  for (const item of items) byCluster.set(messageClusterOf(item), [...(byCluster.get(messageClusterOf(item)) ?? []), item]);
  return [...byCluster].sort(([a], [b]) => a.localeCompare(b)).map(([cluster, clusterItems]) => buildMessage(meta, cluster, clusterItems));
}

export function buildMessage(meta: RunMeta, cluster: string, items: readonly ReportItem[]): SlackMessage {
  const severity = maxSeverity(items.map(itemSeverity));
  const done = items.filter((item) => item.error === null);
  const failed = items.filter((item) => item.error !== null);
  const summary = summarise(items);
  const title = `${meta.dryRun ? '[dry run] ' : ''}${cluster}: ${summary}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`capacity-guard · ${title}`, HEADER_MAX), emoji: true } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${ICON[severity]} *${severity}* · cluster *${escape(cluster)}* · ${escape(meta.source)} run at ${when(meta.time)}${meta.dryRun ? ' · *dry run: decided, nothing was changed*' : ''}`,
        },
      ],
    },
  ];
  for (const kind of Object.keys(KINDS) as NotableKind[]) {
    const ofKind = done.filter((item) => item.action.kind === kind);
    if (ofKind.length > 0) blocks.push(section(`${KINDS[kind].title} (${ofKind.length})`, ofKind.map(line)));
  }
  if (failed.length > 0) {
    blocks.push(
      section(
        `Could not be done (${failed.length}) — retried with the event, or by the next reconcile`,
        failed.map((item) => `${line(item)}\n    _${escape(clip(item.error ?? '', 300))}_`),
      ),
    );
  }
  const hints = [...new Set(items.flatMap((item) => entryFor(item.action).hint?.(cluster, item.action as never) ?? []))];
  if (hints.length > 0) blocks.push({ type: 'divider' }, { type: 'context', elements: hints.map((text) => ({ type: 'mrkdwn' as const, text })) });
  return { cluster, severity, text: `capacity-guard · ${title}`, blocks };
}

function line(item: ReportItem): string {
  const repeated = item.repeated > 0 ? ` _(+${plural(item.repeated, 'earlier update')} folded)_` : '';
  return `${describeAction(item.action).line}${repeated}`;
}

/** "3 out of rotation, 2 fallback raises, 1 failed". */
function summarise(items: readonly ReportItem[]): string {
  const counts = new Map<string, { nouns: readonly [string, string]; count: number }>();
  for (const item of items) {
    const nouns = item.error !== null ? (['failed', 'failed'] as const) : entryFor(item.action).summary;
    const entry = counts.get(nouns[0]) ?? { nouns, count: 0 };
    counts.set(nouns[0], { nouns, count: entry.count + 1 });
  }
  return [...counts.values()].map(({ nouns, count }) => `${count} ${count === 1 ? nouns[0] : nouns[1]}`).join(', ');
}

function section(heading: string, lines: readonly string[]): SlackBlock {
  // Whole lines only (a cut could split a link or a date), as many as fit.
  let text = `*${escape(heading)}*`;
  let shown = 0;
  for (const entry of lines) {
    const next = `\n• ${entry}`;
    const reserve = shown + 1 < lines.length ? 40 : 0; // room for "…and N more"
    if (shown >= LINES_PER_SECTION || text.length + next.length + reserve > SECTION_MAX) break;
    text += next;
    shown += 1;
  }
  if (shown < lines.length) text += `\n…and ${lines.length - shown} more`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
