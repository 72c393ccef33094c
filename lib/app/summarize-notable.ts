/** One line for any reported action, whichever feature decided it. */
import type { Action } from '../decide/actions';
import { summarize } from '../decide/guard-rails';
import { type DownscalerAction, summarizeDownscaler } from '../downscaler/actions';
import type { Notable } from '../ports/notifier';
import type { SpotAction } from '../spot/actions';
import { describe as describeSpot } from './spot/handle-spot-events';

const DOWNSCALER_KINDS: ReadonlySet<string> = new Set<DownscalerAction['kind']>(['scheduled-downscale', 'scheduled-restore', 'scheduled-release']);
const SPOT_KINDS: ReadonlySet<string> = new Set<SpotAction['kind']>(['tag-for-drain', 'publish-drain-requested', 'detach-for-replacement', 'record-pool-interruptions', 'untag-expired-rebalance', 'terminate-detached']);

const isDownscaler = (action: Notable): action is DownscalerAction => DOWNSCALER_KINDS.has(action.kind);
const isSpot = (action: Notable): action is SpotAction => SPOT_KINDS.has(action.kind);

export function summarizeNotable(action: Notable): string {
  if (isDownscaler(action)) return summarizeDownscaler(action);
  if (isSpot(action)) return describeSpot(action);
  return summarize(action as Action);
}
