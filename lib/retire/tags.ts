/**
 * Where a retirement stands lives in ONE tag on the Spot group the batch raised,
 * `capacity-guard/retire`, a short `;`-separated value an operator can read (and delete to give up):
 *
 *   replacing;<batch start>;<from>;<to>;<fallback desired at start>;<ready since|->
 *   retiring;<batch start>;<count>;<fallback desired at start>;<retire start>
 *   done;<time>            aborted;<time>;<reason>
 *
 * The nodes of a batch carry `capacity-guard/drain=retire-fallback` (what the cluster's drain
 * consumer reads, as for Spot) and `capacity-guard/retire-batch=<batch start>`. Parsed defensively:
 * anything unreadable is `damaged` and stops the set's retirement until a person looks.
 */
import { SPOT_TAG } from '../spot/tags';

export const RETIRE_TAG = 'capacity-guard/retire';
/** On an instance: the batch (its start time) that retires it. */
export const RETIRE_BATCH_TAG = 'capacity-guard/retire-batch';
export const RETIRE_DRAIN_REASON = 'retire-fallback';
/** The instance tags of a node being retired (removed again when a batch is aborted before it went). */
export const RETIRE_INSTANCE_TAG_KEYS: readonly string[] = [SPOT_TAG.drain, RETIRE_BATCH_TAG, SPOT_TAG.drainEvent];

export type RetireState =
  | { phase: 'replacing'; batch: string; from: number; to: number; fallbackDesired: number; readySince: string | null }
  | { phase: 'retiring'; batch: string; count: number; fallbackDesired: number; since: string }
  | { phase: 'done'; at: string }
  | { phase: 'aborted'; at: string; reason: string }
  | { phase: 'damaged'; problem: string };

const REASON_MAX = 150;

export function encodeRetireState(state: Exclude<RetireState, { phase: 'damaged' }>): string {
  switch (state.phase) {
    case 'replacing':
      return ['replacing', state.batch, state.from, state.to, state.fallbackDesired, state.readySince ?? '-'].join(';');
    case 'retiring':
      return ['retiring', state.batch, state.count, state.fallbackDesired, state.since].join(';');
    case 'done':
      return `done;${state.at}`;
    case 'aborted':
      return `aborted;${state.at};${state.reason
        .replace(/[;\s]+/g, ' ')
        .trim()
        .slice(0, REASON_MAX)}`;
  }
}

export function readRetireState(value: string | undefined): RetireState | null {
  if (value === undefined || value.trim() === '') return null;
  const [phase, ...parts] = value.trim().split(';');
  const damaged = (why: string): RetireState => ({ phase: 'damaged', problem: `${RETIRE_TAG}=${JSON.stringify(value)}: ${why}` });
  switch (phase) {
    case 'replacing': {
      const [batch, from, to, fallback, ready] = parts;
      const numbers = [from, to, fallback].map(readInt);
      if (!readTime(batch) || numbers.some((n) => n === null) || (ready !== '-' && !readTime(ready)))
        return damaged('expected replacing;<ISO>;<from>;<to>;<fallback desired>;<ISO|->');
      return {
        phase,
        batch: readTime(batch)!,
        from: numbers[0]!,
        to: numbers[1]!,
        fallbackDesired: numbers[2]!,
        readySince: ready === '-' ? null : readTime(ready),
      };
    }
    case 'retiring': {
      const [batch, count, fallback, since] = parts;
      if (!readTime(batch) || readInt(count) === null || readInt(fallback) === null || !readTime(since))
        return damaged('expected retiring;<ISO>;<count>;<fallback desired>;<ISO>');
      return { phase, batch: readTime(batch)!, count: readInt(count)!, fallbackDesired: readInt(fallback)!, since: readTime(since)! };
    }
    case 'done':
      return readTime(parts[0]) ? { phase, at: readTime(parts[0])! } : damaged('expected done;<ISO>');
    case 'aborted':
      return readTime(parts[0]) ? { phase, at: readTime(parts[0])!, reason: parts.slice(1).join(';') } : damaged('expected aborted;<ISO>;<reason>');
    default:
      return damaged('unknown phase');
  }
}

function readInt(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

function readTime(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
