/**
 * What the downscaler does, as data: decideDownscaler returns these, dry-run prints them, the
 * executor (lib/downscaler/execute.ts) turns each into Auto Scaling calls. Each carries
 * absolute sizes, so running one twice ends in the same state.
 */
import type { Sizes } from '../vocabulary/sizes';

interface OnGroup {
  cluster: string;
  group: string;
}

/** Downtime: sizes saved in tags, then min = desired = max = the downtime capacity. */
export interface ScheduledDownscale extends OnGroup {
  kind: 'scheduled-downscale';
  from: Sizes;
  to: Sizes;
  /** The saved-sizes and set-size tags, written before the sizes. */
  tags: Record<string, string>;
  /** The schedule that asked for it, for the log and the notification. */
  schedule: string;
}

/** Uptime: exactly the saved sizes back, then the downscaler's tags removed. */
export interface ScheduledRestore extends OnGroup {
  kind: 'scheduled-restore';
  /** schedule: uptime began; excluded: the group was excluded while down; force-uptime: an operator asked. */
  why: 'schedule' | 'excluded' | 'force-uptime';
  from: Sizes;
  to: Sizes;
  removeTags: string[];
}

/**
 * Someone changed a downscaled group's sizes by hand: their sizes stay; at uptime the downscaler
 * only forgets the group (drops its tags). `sizes` is what the group has now.
 */
export interface ScheduledRelease extends OnGroup {
  kind: 'scheduled-release';
  sizes: Sizes;
  saved: Sizes;
  removeTags: string[];
}

export type DownscalerAction = ScheduledDownscale | ScheduledRestore | ScheduledRelease;

/**
 * Why a group was left alone, as a closed set: runs count them by reason (one summary line, not one
 * line per group per run). `invalid-tag` and `needs-a-person` are someone's mistake to fix and are
 * logged per group at warn; the rest are normal (debug per group).
 */
export type DownscalerNoteReason =
  | 'cluster-disabled'
  | 'failover'
  | 'control-plane'
  | 'excluded'
  | 'grace'
  | 'invalid-tag'
  | 'needs-a-person'
  | 'changed-by-hand'
  | 'kill-switch';

export const ACTIONABLE_NOTE_REASONS: ReadonlySet<DownscalerNoteReason> = new Set(['invalid-tag', 'needs-a-person']);

/** A group looked at and left alone, with why (logged; counted; shown by the CLI). */
export interface DownscalerNote {
  cluster: string;
  group: string;
  reason: DownscalerNoteReason;
  note: string;
}

export function summarizeDownscaler(action: DownscalerAction): string {
  const sizes = (s: Sizes) => `${s.minSize}/${s.desiredCapacity}/${s.maxSize}`;
  switch (action.kind) {
    case 'scheduled-downscale':
      return `downscale ${action.group} (${action.cluster}) ${sizes(action.from)} -> ${sizes(action.to)} [${action.schedule}]`;
    case 'scheduled-restore':
      return `restore ${action.group} (${action.cluster}) ${sizes(action.from)} -> ${sizes(action.to)} (${action.why})`;
    case 'scheduled-release':
      return `release ${action.group} (${action.cluster}): sizes changed by hand to ${sizes(action.sizes)}, kept; saved ${sizes(action.saved)} dropped`;
    default: {
      const unreachable: never = action;
      return JSON.stringify(unreachable);
    }
  }
}
