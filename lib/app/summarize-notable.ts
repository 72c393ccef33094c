/** One line for any reported action, whichever feature decided it. */
import { summarize } from '../decide/guard-rails';
import { type DownscalerAction, summarizeDownscaler } from '../downscaler/actions';
import type { Notable } from '../ports/notifier';

const DOWNSCALER_KINDS: ReadonlySet<string> = new Set<DownscalerAction['kind']>(['scheduled-downscale', 'scheduled-restore', 'scheduled-release']);

export function summarizeNotable(action: Notable): string {
  return DOWNSCALER_KINDS.has(action.kind) ? summarizeDownscaler(action as DownscalerAction) : summarize(action as Exclude<Notable, DownscalerAction>);
}
