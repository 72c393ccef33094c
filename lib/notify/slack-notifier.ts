/**
 * The Notifier in Lambda: a run report → folded → one message per cluster → the webhooks routed
 * for its severity. Called after the actions ran; it never throws, and a failed send is logged
 * (with the parameter name, never the URL) and counted as `notify.failed`.
 */
import { type NotificationPolicy, SEVERITIES, type Severity, routeParameters } from '../config/notify-schema';
import type { FoldEntry, FoldStore } from '../ports/fold-store';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { Notifier } from '../ports/notifier';
import type { NotableReport } from './notable';
import type { WebhookUrls } from '../ports/webhook-urls';
import { keysToRead, planFold, foldKey } from './fold';
import { entryFor } from './describe';
import { type SlackMessage, buildMessages, messageClusterOf } from './message';
import { type ReportItem, reportItems } from './report-items';
import { type SendOptions, sendToSlack } from './send';

export interface SlackNotifierDeps {
  policy: NotificationPolicy;
  webhookUrls: WebhookUrls;
  folds: FoldStore;
  log: Log;
  metrics: Metrics;
  /** Test seams for the HTTP retry loop. */
  send?: Pick<SendOptions, 'sleep' | 'backoffMs' | 'maxRetryAfterMs'>;
  /**
   * One notification, fold store and sends included, ends within this (default 8 s): the failover
   * function has 20 s, and a run that times out fails its whole batch — a slow Slack or DynamoDB
   * must not do that.
   */
  budgetMs?: number;
  /** Epoch ms by which the invocation must be done (lib/runtime/invocation-deadline.ts): the budget ends no later. */
  deadlineMs?: () => number | undefined;
}

export const NOTIFY_BUDGET_MS = 8_000;

/**
 * How the budget is shared, as fractions of it from the start: reading and writing the fold state
 * end by the first mark (else the message goes unfolded), the sends by the second, and clearing the
 * fold state of an unsent message by the end.
 */
const FOLD_SHARE = 0.25;
const SEND_SHARE = 0.875;

/** The parameters a message of this severity goes to: its own route, else the nearest lower one configured. */
export function routeFor(policy: Pick<NotificationPolicy, 'routes'>, severity: Severity): readonly string[] {
  for (let index = SEVERITIES.indexOf(severity); index >= 0; index--) {
    const routes = policy.routes[SEVERITIES[index]!];
    if (routes.length > 0) return routes;
  }
  return [];
}

export function createSlackNotifier(deps: SlackNotifierDeps): Notifier {
  return {
    async notify(report: NotableReport) {
      try {
        await notifyUnsafe(report, deps);
      } catch (error) {
        deps.metrics.count('notify.failed');
        deps.log.error('notification failed; the actions stand', { error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}

async function notifyUnsafe(report: NotableReport, deps: SlackNotifierDeps): Promise<void> {
  const items = reportItems(report);
  // Nothing to tell, or nobody to tell it to: not even the fold store is touched.
  if (items.length === 0 || routeParameters(deps.policy).length === 0) return;
  const startMs = Date.now();
  const invocationLeftMs = (deps.deadlineMs?.() ?? Number.POSITIVE_INFINITY) - startMs;
  const budgetMs = Math.max(0, Math.min(deps.budgetMs ?? NOTIFY_BUDGET_MS, invocationLeftMs));
  const deadlines = { fold: startMs + budgetMs * FOLD_SHARE, send: startMs + budgetMs * SEND_SHARE, end: startMs + budgetMs };
  const toSend = await fold(items, report, deps, deadlines.fold);
  const messages = buildMessages({ source: report.source, dryRun: report.dryRun, time: report.time }, toSend);
  // In parallel: one slow channel or cluster must not eat the others' time.
  await Promise.all(
    messages.map(async (message) => {
      const parameters = routeFor(deps.policy, message.severity);
      if (parameters.length === 0) {
        deps.log.debug('no Slack route for this severity', { cluster: message.cluster, severity: message.severity });
        return;
      }
      const delivered = await Promise.all(parameters.map((parameter) => deliver(message, parameter, deadlines.send, deps)));
      if (!delivered.some(Boolean))
        await forget(
          toSend.filter((item) => messageClusterOf(item) === message.cluster),
          deps,
          deadlines.end,
        );
    }),
  );
}

/** Nobody got the message: clear its incidents, so their next repeat is sent instead of folded. */
async function forget(items: readonly ReportItem[], deps: SlackNotifierDeps, deadlineMs: number): Promise<void> {
  const keys = items.filter((item) => item.error === null && entryFor(item.action).foldable).map(foldKey);
  if (keys.length === 0) return;
  try {
    await beforeDeadline(deps.folds.write(new Map(keys.map((key) => [key, null])), new Map()), deadlineMs, 'clearing the fold state took too long');
  } catch (error) {
    deps.log.warn('could not clear the fold state of an unsent message', { error: error instanceof Error ? error.message : String(error) });
  }
}

async function fold(items: ReturnType<typeof reportItems>, report: NotableReport, deps: SlackNotifierDeps, deadlineMs: number) {
  const nowMs = Date.parse(report.time);
  let state: Map<string, FoldEntry>;
  // Windows this run opened in one write (FoldStore.open): nothing more to write for them unless the run repeats them.
  const opened = new Map<string, FoldEntry>();
  try {
    state = await beforeDeadline(readOrOpen(items, nowMs, opened, deps), deadlineMs, 'reading the fold state took too long');
  } catch (error) {
    // Better a repeat than silence.
    deps.metrics.count('notify.fold-unavailable');
    deps.log.warn('fold store unreadable: sending without folding', { error: error instanceof Error ? error.message : String(error) });
    return items;
  }
  const plan = planFold(items, state, nowMs, deps.policy.foldWindowMs);
  const changes = new Map([...plan.changes].filter(([key, entry]) => !(opened.has(key) && sameEntry(entry, opened.get(key)!))));
  let lost: string[] = [];
  try {
    if (changes.size > 0)
      lost = await beforeDeadline(deps.folds.write(changes, new Map([...state, ...opened])), deadlineMs, 'writing the fold state took too long');
  } catch (error) {
    deps.metrics.count('notify.fold-unavailable');
    deps.log.warn('fold store unwritable: the next repeat may be sent again', { error: error instanceof Error ? error.message : String(error) });
  }
  if (plan.folded > 0) deps.metrics.count('notify.folded', plan.folded);
  // Another run wrote these keys first: it told (or counted) the incident already.
  const raced = new Set(lost);
  return plan.send.filter((item) => item.error !== null || !raced.has(foldKey(item)));
}

/**
 * The fold state of the report's keys. With a store that can open a window in one write, each
 * incident told (foldable, not failed) opens its window at once: a first occurrence costs one call;
 * the other keys (those a restore closes) are read.
 */
async function readOrOpen(
  items: ReturnType<typeof reportItems>,
  nowMs: number,
  opened: Map<string, FoldEntry>,
  deps: SlackNotifierDeps,
): Promise<Map<string, FoldEntry>> {
  const open = deps.folds.open?.bind(deps.folds);
  const opening = open ? [...new Set(items.filter((item) => item.error === null && entryFor(item.action).foldable).map(foldKey))] : [];
  const toRead = keysToRead(items).filter((key) => !opening.includes(key));
  const fresh: FoldEntry = { windowEndsMs: nowMs + deps.policy.foldWindowMs, folded: 0 };
  const state = new Map<string, FoldEntry>();
  await Promise.all([
    ...opening.map(async (key) => {
      const answer = await open!(key, fresh, nowMs);
      if (answer.opened) {
        opened.set(key, fresh);
        if (answer.previous) state.set(key, answer.previous);
      } else state.set(key, answer.current);
    }),
    toRead.length > 0
      ? deps.folds.read(toRead).then((found) => {
          for (const [key, entry] of found) state.set(key, entry);
        })
      : undefined,
  ]);
  return state;
}

const sameEntry = (a: FoldEntry | null, b: FoldEntry) => a !== null && a.windowEndsMs === b.windowEndsMs && a.folded === b.folded;

/** True when Slack took the message. */
async function deliver(message: SlackMessage, parameter: string, deadlineMs: number, deps: SlackNotifierDeps): Promise<boolean> {
  try {
    const url = await beforeDeadline(deps.webhookUrls(parameter), deadlineMs, 'reading the webhook URL took too long');
    const attempts = await sendToSlack(url, message, { timeoutMs: deps.policy.timeoutMs, maxRetries: deps.policy.maxRetries, deadlineMs, ...deps.send });
    deps.metrics.count('notify.sent');
    deps.log.info('Slack message sent', { parameter, cluster: message.cluster, severity: message.severity, attempts });
    return true;
  } catch (error) {
    deps.metrics.count('notify.failed');
    deps.log.error('Slack message not sent; the actions stand', {
      parameter,
      cluster: message.cluster,
      severity: message.severity,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

/** The promise, or a rejection once the deadline passes (the call itself is left to finish). */
async function beforeDeadline<T>(promise: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), Math.max(0, deadlineMs - Date.now()));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
