/**
 * One entry per action kind: what an operator reads about it in Slack. Pure.
 *
 * The map is typed over `Notable['kind']`, so adding an action union to `Notable`
 * (lib/notify/notable.ts) fails to compile until its entry is added here — one object, nothing else.
 * Entry order is the order of the sections in a message.
 */
import type { Severity } from '../config/notify-schema';
import { TAG } from '../vocabulary/tags';
import { DOWNSCALER_TAG } from '../vocabulary/downscaler-tags';
import type { FailureClass } from '../vocabulary/signals';
import { RETIRE_KINDS } from './describe-retire';
import { SPOT_TAG } from '../spot/tags';
import { clip, code, duration, escape, plural, when } from './mrkdwn';
import type { Notable } from './notable';
import { poolId } from '../vocabulary/pool-key';

export type NotableKind = Notable['kind'];
type Of<K extends NotableKind> = Extract<Notable, { kind: K }>;

export interface Described {
  severity: Severity;
  /** One mrkdwn line (without the bullet). */
  line: string;
  /**
   * The same incident has the same key: repeats within the fold window are counted instead of sent.
   * Never contains a count or a time, only what identifies the incident.
   */
  dedupeKey: string;
}

export interface KindEntry<K extends NotableKind> {
  /** Section heading, e.g. "Taken out of rotation". */
  title: string;
  /** For the header summary: "1 fallback raise", "3 fallback raises" → ['fallback raise', 'fallback raises']. */
  summary: readonly [one: string, many: string];
  /**
   * False for the end of an incident (a group back in rotation): always sent, and it reports the
   * repeats folded under `closes` since the last message.
   */
  foldable: boolean;
  /** Keys of the incident this action ends (see `foldable`). */
  closes?: (action: Of<K>) => string[];
  /** What the operator can do, shown once per message under the sections (the same text once, however many actions give it). */
  hint?: (cluster: string, action: Of<K>) => string | null;
  describe(action: Of<K>): Described;
}

export type KindTable = { [K in NotableKind]: KindEntry<K> };

/** Launch failure classes in plain words. */
export const FAILURE_WORDS: Record<FailureClass, string> = {
  capacity: 'EC2 has no capacity for its instance types in its zones',
  quota: 'an account limit (such as the vCPU quota) is reached',
  price: 'the Spot price is above its maximum price',
  unsupported: 'its instance type is not offered in that zone',
  configuration: 'its launch template or configuration is broken (AMI, key pair, security group, profile…)',
  unknown: 'it keeps failing for a reason capacity-guard does not recognise',
};

const REASON_MAX = 300;

/** "`spot-a` (tier 1)": the group and where the priority expander ranks it, 1 = its first choice. */
const inTier = (action: { group: string; tier: number | null }): string =>
  `${code(action.group)}${action.tier === null ? ' (not in the expander priorities)' : ` (tier ${action.tier + 1})`}`;

const key = (...parts: (string | null)[]): string => parts.map((part) => part ?? '-').join('|');
const groupKeys = (cluster: string, group: string): string[] =>
  ['suspend-group', 'enforce-suspension', 'start-probe', 'count-unknown-failure'].map((kind) => key(kind, cluster, group));

const SUSPENSION_HINT = (cluster: string) =>
  `To end a suspension early, delete the tag ${code(TAG.state)} on the group (${code(`aws autoscaling delete-tags --tags ResourceId=<group>,ResourceType=auto-scaling-group,Key=${TAG.state}`)}): its saved sizes come back at the next reconcile, within a minute. ` +
  `To keep capacity-guard away from a group, tag it ${code(`${TAG.ignore}=true`)}. State of every group: ${code(`capacity-guard status --cluster ${cluster}`)}.`;

const STATUS_HINT = (cluster: string) => `State of every group: ${code(`capacity-guard status --cluster ${cluster}`)}.`;

const ALERT_HINTS: Record<Of<'alert'>['code'], (cluster: string) => string | null> = {
  'no-fallback-capacity': (cluster) =>
    `Nodes are missing: give a fallback group room (raise its MaxSize) or add a group to the cluster's priorities; a group back in rotation takes nodes again. ${STATUS_HINT(cluster)}`,
  'change-budget-exhausted': (cluster) =>
    `The change budget (${code('changeBudget.maxSuspensionsPerWindow')} in the config) stopped further suspensions: more groups failing at once than it allows. They are tried again once the window passes; raise the budget if this is expected. ${STATUS_HINT(cluster)}`,
  'kill-switch': () =>
    `capacity-guard is switched off (${code('enabled: false')} in the config, for all or this cluster): it decides and tells, but changes nothing.`,
  'needs-operator': (cluster) => SUSPENSION_HINT(cluster),
  'unknown-failure': () => null,
};

export const KINDS: KindTable = {
  alert: {
    title: 'Needs attention',
    summary: ['alert', 'alerts'],
    foldable: true,
    hint: (cluster, action) => ALERT_HINTS[action.code](cluster),
    describe: (action) => ({
      severity: action.severity,
      line: `${action.group ? `${code(action.group)} — ` : ''}${escape(clip(action.message, 600))}`,
      dedupeKey: key('alert', action.code, action.cluster, action.group),
    }),
  },
  'suspend-group': {
    title: 'Taken out of rotation',
    summary: ['out of rotation', 'out of rotation'],
    foldable: true,
    hint: SUSPENSION_HINT,
    describe: (action) => ({
      severity: action.until === null ? 'critical' : 'warning',
      line:
        `${inTier(action)} — ${FAILURE_WORDS[action.failure]}. ` +
        `Desired ${action.from.desiredCapacity}→${action.to.desiredCapacity}, max ${action.from.maxSize}→${action.to.maxSize} (what runs stays). ` +
        (action.until === null ? '*Stays out until a person fixes it.*' : `Probe from ${when(action.until)} (backoff ${duration(action.backoffSeconds)}).`) +
        (action.reason ? `\n> ${escape(clip(action.reason, REASON_MAX))}` : ''),
      dedupeKey: key('suspend-group', action.cluster, action.group),
    }),
  },
  'raise-desired': {
    title: 'Fallback capacity added',
    summary: ['fallback raise', 'fallback raises'],
    foldable: true,
    describe: (action) => ({
      severity: 'warning',
      line: `${inTier(action)} — desired ${action.from}→${action.to}, standing in for ${code(action.replacing)}.`,
      dedupeKey: key('raise-desired', action.cluster, action.group, action.replacing),
    }),
  },
  'enforce-suspension': {
    title: 'Kept out of rotation',
    summary: ['drift repaired', 'drifts repaired'],
    foldable: true,
    hint: SUSPENSION_HINT,
    describe: (action) => ({
      severity: 'info',
      line: `${inTier(action)} — its sizes had drifted while suspended; written again: desired ${action.from.desiredCapacity}→${action.to.desiredCapacity}, max ${action.from.maxSize}→${action.to.maxSize}.`,
      dedupeKey: key('enforce-suspension', action.cluster, action.group),
    }),
  },
  'start-probe': {
    title: 'Probing',
    summary: ['probe', 'probes'],
    foldable: true,
    hint: SUSPENSION_HINT,
    describe: (action) => ({
      severity: 'info',
      line: `${inTier(action)} — backoff over: one launch allowed (max ${action.from.maxSize}→${action.to.maxSize}); it comes back if the launch succeeds.`,
      dedupeKey: key('start-probe', action.cluster, action.group),
    }),
  },
  'restore-group': {
    title: 'Back in rotation',
    summary: ['back in rotation', 'back in rotation'],
    foldable: false,
    closes: (action) => groupKeys(action.cluster, action.group),
    describe: (action) => ({
      severity: 'info',
      line: `${inTier(action)} — ${RESTORE_WORDS[action.why]}. Min ${action.to.minSize}, max ${action.from.maxSize}→${action.to.maxSize}.`,
      dedupeKey: key('restore-group', action.cluster, action.group),
    }),
  },
  'count-unknown-failure': {
    title: 'Unrecognised launch failures',
    summary: ['unrecognised failure', 'unrecognised failures'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${code(action.group)} — failure #${action.count} counted in the current window; enough of them take the group out of rotation.`,
      dedupeKey: key('count-unknown-failure', action.cluster, action.group),
    }),
  },
  'scheduled-downscale': {
    title: 'Scaled down for the night or weekend',
    summary: ['scaled down', 'scaled down'],
    foldable: true,
    hint: () =>
      `To keep a group up, tag it ${code(`${DOWNSCALER_TAG.forceUptime}=true`)} or ${code(`${DOWNSCALER_TAG.excludeUntil}=<time>`)}; its sizes come back at the next run.`,
    describe: (action) => ({
      severity: 'info',
      line: `${code(action.group)} — ${escape(action.schedule)}: desired ${action.from.desiredCapacity}→${action.to.desiredCapacity}, max ${action.from.maxSize}→${action.to.maxSize}.`,
      dedupeKey: key('scheduled-downscale', action.cluster, action.group),
    }),
  },
  'scheduled-restore': {
    title: 'Scaled back up',
    summary: ['scaled back up', 'scaled back up'],
    foldable: false,
    describe: (action) => ({
      severity: 'info',
      line: `${code(action.group)} — ${SCHEDULED_RESTORE_WORDS[action.why]}: sizes ${sizesText(action.from)} → ${sizesText(action.to)} (as saved).`,
      dedupeKey: key('scheduled-restore', action.cluster, action.group),
    }),
  },
  'scheduled-release': {
    title: 'Left as changed by hand',
    summary: ['left as changed by hand', 'left as changed by hand'],
    foldable: false,
    describe: (action) => ({
      severity: 'warning',
      line: `${code(action.group)} — its sizes were changed by hand while scaled down (now ${sizesText(action.sizes)}); kept, the saved ${sizesText(action.saved)} dropped.`,
      dedupeKey: key('scheduled-release', action.cluster, action.group),
    }),
  },
  'tag-for-drain': {
    title: 'Nodes marked for drain',
    summary: ['drain batch', 'drain batches'],
    foldable: true,
    hint: () => `In-cluster consumers drain nodes tagged ${code(SPOT_TAG.drain)} (and the "Node Drain Requested" events, if a drain bus is set).`,
    describe: (action) => {
      const deadline = action.tags[SPOT_TAG.deadline];
      return {
        severity: 'info',
        line: `${plural(action.instances.length, 'node')} tagged ${code(`${SPOT_TAG.drain}=${action.reason}`)}${deadline ? `, gone by ${when(deadline)}` : ''}: ${idList(action.instances.map((instance) => instance.instanceId))}.`,
        dedupeKey: key('tag-for-drain', notableCluster(action), action.reason),
      };
    },
  },
  'publish-drain-requested': {
    title: 'Drain requested in the cluster',
    summary: ['drain event', 'drain events'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${plural(action.nodes.length, 'node')} announced on event bus ${code(action.eventBusName)}.`,
      dedupeKey: key('publish-drain-requested', action.cluster),
    }),
  },
  'detach-for-replacement': {
    title: 'Replacements started',
    summary: ['replacement', 'replacements'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${code(action.group)} — ${plural(action.instanceIds.length, 'node')} detached with desired unchanged, so the group launches ${action.instanceIds.length === 1 ? 'a replacement' : 'replacements'} now (${action.reason}).`,
      dedupeKey: key('detach-for-replacement', action.cluster, action.group),
    }),
  },
  'record-pool-interruptions': {
    title: 'Spot interruptions by pool',
    summary: ['pool counted', 'pools counted'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${code(`${action.pool.instanceType} ${action.pool.market}`)} in ${escape(action.zoneName)} (${escape(action.pool.zoneId)}): ${plural(action.interruptions.length, 'interruption')} recorded; enough of them in the storm window take the groups using this pool out of rotation.`,
      dedupeKey: key('record-pool-interruptions', poolId(action.pool)),
    }),
  },
  'untag-expired-rebalance': {
    title: 'Rebalance tags expired',
    summary: ['expiry', 'expiries'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${plural(action.instanceIds.length, 'node')}: no interruption followed the rebalance recommendation; the drain tags are removed: ${idList(action.instanceIds)}.`,
      dedupeKey: key('untag-expired-rebalance', null),
    }),
  },
  ...RETIRE_KINDS,
  'terminate-detached': {
    title: 'Detached nodes terminated',
    summary: ['termination', 'terminations'],
    foldable: true,
    describe: (action) => ({
      severity: 'info',
      line: `${plural(action.instanceIds.length, 'node')} detached for replacement and still running past their time, terminated (their replacements run in the groups): ${idList(action.instanceIds)}.`,
      dedupeKey: key('terminate-detached', null),
    }),
  },
};

/** Instance ids, cut short in storms. */
const idList = (ids: readonly string[]): string =>
  ids.length > 5 ? `${ids.slice(0, 5).map(code).join(', ')} and ${ids.length - 5} more` : ids.map(code).join(', ');

const sizesText = (sizes: { minSize: number; desiredCapacity: number; maxSize: number }): string =>
  `${sizes.minSize}/${sizes.desiredCapacity}/${sizes.maxSize}`;

const SCHEDULED_RESTORE_WORDS: Record<Of<'scheduled-restore'>['why'], string> = {
  schedule: 'uptime began',
  excluded: 'it was excluded while down',
  'force-uptime': 'force-uptime was set',
};

const RESTORE_WORDS: Record<Of<'restore-group'>['why'], string> = {
  'probe-succeeded': 'a probe launch succeeded',
  'probe-window-passed': 'no launch failed during a whole probe window',
  'operator-released': 'an operator released it (state tag deleted or ignore tag set)',
};

/**
 * The one cluster an action is about, or null: account-wide (a Spot pool, the rebalance sweep), or a
 * drain batch spanning clusters (report-items.ts splits those per cluster first).
 */
export function notableCluster(action: Notable): string | null {
  if ('cluster' in action && action.cluster !== '') return action.cluster;
  if (action.kind === 'tag-for-drain') {
    const clusters = new Set(action.instances.map((instance) => instance.cluster));
    return clusters.size === 1 ? [...clusters][0]! : null;
  }
  return null;
}

/** The entry of an action's kind (the cast is safe: the table is keyed by kind). */
export function entryFor(action: Notable): KindEntry<NotableKind> {
  return KINDS[action.kind] as KindEntry<NotableKind>;
}

export function describeAction(action: Notable): Described {
  return entryFor(action).describe(action as never);
}
