/**
 * Slack wording of the retire function's actions (issue 15): one message per batch names the
 * nodes, what replaced them and an ESTIMATED saving per hour (list price × spot discount, from the
 * config). Kept apart from describe.ts so a capability's wording lives in one file.
 */
import type { Notable } from './notable';
import { RETIRE_TAG } from '../retire/tags';
import { code, escape, plural } from './mrkdwn';
import type { KindEntry } from './describe';

type RetireKind = 'retire-raise-spot' | 'retire-record-ready' | 'retire-nodes' | 'retire-finish-drained' | 'retire-end-batch';
type Of<K extends RetireKind> = Extract<Notable, { kind: K }>;

const key = (...parts: string[]): string => parts.join('|');
const RETIRE_HINT = (cluster: string) =>
  `On-demand retirement replaces fallback nodes by Spot nodes first, then drains them through the cluster's own handler. To stop, set ${code('retire.enabled: false')} (a batch under way is aborted cleanly; the kill switch also holds it) or tag a group ${code('capacity-guard/ignore=true')}; where a set stands is the tag ${code(RETIRE_TAG)} on its Spot group. ${code(`capacity-guard status --cluster ${cluster}`)} shows candidates and why a set waits.`;

export const RETIRE_KINDS: { [K in RetireKind]: KindEntry<K> } = {
  'retire-raise-spot': {
    title: 'Spot replacements for on-demand nodes',
    summary: ['replacement raise', 'replacement raises'],
    foldable: true,
    hint: RETIRE_HINT,
    describe: (action: Of<'retire-raise-spot'>) => ({
      severity: 'info',
      line: `${code(action.group)} — desired ${action.from}→${action.to}: ${plural(action.to - action.from, 'Spot node')} to replace on-demand fallbacks of set ${code(action.set)}; nothing is retired until they are InService.`,
      dedupeKey: key('retire-raise-spot', action.cluster, action.set),
    }),
  },
  'retire-record-ready': {
    title: 'Spot replacements ready',
    summary: ['replacements ready', 'replacements ready'],
    foldable: true,
    describe: (action: Of<'retire-record-ready'>) => ({
      severity: 'info',
      line: `${code(action.group)} — replacements InService; the boot grace runs before any on-demand node goes.`,
      dedupeKey: key('retire-record-ready', action.cluster, action.set),
    }),
  },
  'retire-nodes': {
    title: 'On-demand nodes retired',
    summary: ['on-demand node retired', 'on-demand retirements'],
    foldable: false,
    hint: RETIRE_HINT,
    describe: (action: Of<'retire-nodes'>) => {
      const paths = [...new Set(action.nodes.map((node) => (node.path === 'hook' ? 'termination lifecycle hook' : 'drain event')))].join(' and ');
      const saving =
        action.savingsPerHour === null
          ? 'saving: no price for these instance types (set retire.onDemandPricePerHour)'
          : `estimated saving ≈ $${action.savingsPerHour.toFixed(2)}/h (list price × spot discount: an estimate, not a bill)`;
      const nodes = action.nodes.map((node) => `${code(node.instanceId)} (${escape(node.instanceType ?? '?')}, ${code(node.group)})`);
      return {
        severity: 'info',
        line: `${plural(action.nodes.length, 'node')} drained through the ${paths}: ${nodes.slice(0, 8).join(', ')}${nodes.length > 8 ? ` and ${nodes.length - 8} more` : ''}; replaced by ${plural(action.replacements, 'Spot node')} in ${code(action.group)}; ${saving}.${action.neverRetired.length > 0 ? ` Never retired: ${action.neverRetired.map(code).join(', ')} (no termination lifecycle hook and no drain event bus).` : ''}`,
        dedupeKey: key('retire-nodes', action.cluster, action.set, action.batch),
      };
    },
  },
  'retire-finish-drained': {
    title: 'Drained nodes removed from their groups',
    summary: ['drained node removed', 'drained nodes removed'],
    foldable: true,
    describe: (action: Of<'retire-finish-drained'>) => ({
      severity: 'info',
      line:
        action.how === 'terminate-in-group'
          ? `${code(action.instanceId)} — drained and gone; ${code(action.group)} drops it with desired − 1 (no on-demand replacement).`
          : `${code(action.group)} — desired → ${action.to}: a drained node left, no on-demand replacement.`,
      dedupeKey: key('retire-finish-drained', action.cluster, action.set),
    }),
  },
  'retire-end-batch': {
    title: 'Retirement batches',
    summary: ['batch ended', 'batches ended'],
    foldable: true,
    hint: RETIRE_HINT,
    describe: (action: Of<'retire-end-batch'>) => ({
      severity: action.outcome === 'aborted' ? 'warning' : 'info',
      line: `set ${code(action.set)} — batch ${action.outcome}: ${escape(action.reason)}${action.untag.length > 0 ? `; ${plural(action.untag.length, 'node')} handed back (drain tags removed)` : ''}.`,
      dedupeKey: key('retire-end-batch', action.cluster, action.set, action.outcome),
    }),
  },
};
