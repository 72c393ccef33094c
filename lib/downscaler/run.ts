/**
 * The scheduled downscaler run (every 5 minutes by default): describe the groups once, decide,
 * act under the writers' lease, notify once if anything was done or failed. Convergent: a run that
 * finds every group in its wanted state makes no write.
 */
import { executeDownscalerActions } from './execute';
import { retryFor } from '../run/execute-each';
import { DOWNSCALER_OFF } from '../config/downscaler-schema';
import { ACTIONABLE_NOTE_REASONS, type DownscalerAction, type DownscalerNote, summarizeDownscaler } from './actions';
import { decideDownscaler } from './decide';
import { DEFAULT_RUN_EVERY_MS } from './run-every';
import { DISCOVERY_TAG_KEYS } from '../vocabulary/downscaler-tags';
import type { CallOptions, ObservedGroup } from '../ports/auto-scaling';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { RunReporter } from '../run/run-report';
import { underLease } from '../run/with-lock';

export interface DownscaleResult {
  groups: number;
  actions: DownscalerAction[];
  notes: DownscalerNote[];
  failedActions: number;
}

/** Skipping one run costs five minutes of idle staging at worst. */
const LOCK_WAIT_MS = 5_000;
const NOTHING: DownscaleResult = { groups: 0, actions: [], notes: [], failedActions: 0 };

/**
 * `runEveryMs`: the function's schedule period. Only dry-run uses it: nothing is written there, so
 * every run decides the same actions again; only those that were not decided one period earlier
 * (the schedule turned, an exclusion expired, …) are notified, once. The log has them every run.
 */
export async function downscale(deps: AppDeps, options: CallOptions = {}, runEveryMs = DEFAULT_RUN_EVERY_MS): Promise<DownscaleResult> {
  if (!(deps.policy.downscaler ?? DOWNSCALER_OFF).enabled) {
    deps.log.debug('downscaler disabled in the config (downscaler.enabled: false): nothing to do');
    return NOTHING;
  }
  return underLease(
    deps,
    LOCK_WAIT_MS,
    (held) => downscaleLocked(held, options, runEveryMs),
    { consequence: 'this downscaler run is skipped; the next one catches up', answer: () => NOTHING },
    options,
  );
}

/** Groups of staging clusters, and groups anywhere carrying a schedule tag or our saved sizes. */
export async function observeDownscalerGroups(deps: Pick<AppDeps, 'policy' | 'autoScaling' | 'log'>, options: CallOptions = {}): Promise<ObservedGroup[]> {
  const downscaler = deps.policy.downscaler ?? DOWNSCALER_OFF;
  const staging = deps.policy.clusters.filter((cluster) => downscaler.clusters[cluster.name]?.staging).map((cluster) => cluster.name);
  const byName = new Map<string, ObservedGroup>();
  if (staging.length > 0) for (const group of await deps.autoScaling.describeGroups(staging, options)) byName.set(group.name, group);
  if (deps.autoScaling.describeGroupsWithTagKeys) {
    for (const group of await deps.autoScaling.describeGroupsWithTagKeys(DISCOVERY_TAG_KEYS, options)) byName.set(group.name, group);
  } else {
    deps.log.warn('this Auto Scaling port cannot filter by tag key: only groups of staging clusters are looked at');
  }
  return [...byName.values()];
}

async function downscaleLocked(deps: AppDeps, options: CallOptions, runEveryMs: number): Promise<DownscaleResult> {
  const now = deps.now();
  const groups = await observeDownscalerGroups(deps, options);
  const { actions, notes } = decideDownscaler(groups, deps.policy, now);
  deps.metrics.count('downscaler.groups', groups.length);
  logNotes(deps, notes);
  if (actions.length === 0) return { groups: groups.length, actions, notes, failedActions: 0 };

  const dryRun = !writeGate(deps.policy, true).writes;
  deps.log.info(dryRun ? 'dry run: downscaler actions decided, not executed' : 'downscaler actions decided', {
    actions: actions.map(summarizeDownscaler),
    detail: actions,
  });
  for (const action of actions) deps.metrics.count(`action.${action.kind}`);
  const result = dryRun ? { done: [], failed: [] } : await executeDownscalerActions(actions, deps.autoScaling, deps.log, options, retryFor(deps, options));
  for (const { action, error } of result.failed) {
    deps.metrics.count('action.failed');
    deps.log.error('downscaler action failed; the next run retries it', { action: summarizeDownscaler(action), error: error.message, errorName: error.name });
  }
  const reporter = new RunReporter<DownscalerAction>('downscaler', deps);
  if (dryRun) reporter.addDone(newSincePreviousRun(actions, groups, deps, now, runEveryMs));
  else reporter.addOutcome(result);
  await reporter.notify();
  return { groups: groups.length, actions, notes, failedActions: result.failed.length };
}

/** Dry-run: the actions that the same groups would not have got one run earlier. */
function newSincePreviousRun(
  actions: readonly DownscalerAction[],
  groups: readonly ObservedGroup[],
  deps: Pick<AppDeps, 'policy'>,
  now: Date,
  runEveryMs: number,
): DownscalerAction[] {
  const key = (action: DownscalerAction) => `${action.kind} ${action.group}`;
  const before = new Set(decideDownscaler(groups, deps.policy, new Date(now.getTime() - runEveryMs)).actions.map(key));
  return actions.filter((action) => !before.has(key(action)));
}

/**
 * Hundreds of groups are left alone every 5 minutes for ordinary reasons (excluded, control plane,
 * grace): one summary line by reason, the detail at debug. A bad tag or unreadable saved sizes is
 * someone's mistake to fix: warned per group, naming the tag, and counted.
 */
function logNotes(deps: Pick<AppDeps, 'log' | 'metrics'>, notes: readonly DownscalerNote[]): void {
  deps.metrics.count('downscaler.skipped', notes.length);
  if (notes.length === 0) return;
  const byReason: Record<string, number> = {};
  for (const note of notes) {
    byReason[note.reason] = (byReason[note.reason] ?? 0) + 1;
    if (ACTIONABLE_NOTE_REASONS.has(note.reason)) deps.log.warn('downscaler: group left alone until its tags are fixed', { ...note });
    else deps.log.debug('downscaler: group left alone', { ...note });
  }
  const invalid = notes.filter((note) => note.reason === 'invalid-tag').length;
  if (invalid > 0) deps.metrics.count('downscaler.invalid_tags', invalid);
  deps.log.info('downscaler: groups left alone', { count: notes.length, byReason });
}
