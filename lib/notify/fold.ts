/**
 * Folding: the first occurrence of an incident (a dedupe key) is sent and opens a window; repeats
 * inside the window are only counted; the first occurrence after the window is sent again and
 * carries the count ("repeated N times"). An action that ends an incident (a group back in
 * rotation) is always sent and carries the counts of the keys it closes, which it clears.
 * Pure: (items, fold state, now) → what to send and the next state. The store (lib/ports/fold-store.ts)
 * only keeps the state between invocations.
 */
import type { FoldEntry } from '../ports/fold-store';
import { describeAction, entryFor } from './describe';
import type { ReportItem } from './report-items';

export type { FoldEntry };
export type FoldState = ReadonlyMap<string, FoldEntry>;

export interface FoldPlan {
  send: ReportItem[];
  /** How many items were folded into a count instead of sent. */
  folded: number;
  /** Entries to write (a value) or clear (null), by key. */
  changes: Map<string, FoldEntry | null>;
}

export function foldStep(entry: FoldEntry | undefined, nowMs: number, windowMs: number): { send: boolean; repeated: number; next: FoldEntry } {
  if (entry === undefined || nowMs >= entry.windowEndsMs)
    return { send: true, repeated: entry?.folded ?? 0, next: { windowEndsMs: nowMs + windowMs, folded: 0 } };
  return { send: false, repeated: 0, next: { ...entry, folded: entry.folded + 1 } };
}

export function planFold(items: readonly ReportItem[], state: FoldState, nowMs: number, windowMs: number): FoldPlan {
  const current = new Map(state);
  const changes = new Map<string, FoldEntry | null>();
  const send: ReportItem[] = [];
  let folded = 0;
  for (const item of items) {
    const entry = entryFor(item.action);
    // A failed action is always told: someone may have to look.
    if (item.error !== null) {
      send.push(item);
      continue;
    }
    if (!entry.foldable) {
      const closed = (entry.closes?.(item.action as never) ?? []).map((key) => scoped(item, key));
      const repeated = closed.reduce((sum, key) => sum + (current.get(key)?.folded ?? 0), 0);
      for (const key of closed) {
        if (current.has(key)) {
          current.delete(key);
          changes.set(key, null);
        }
      }
      send.push({ ...item, repeated: item.repeated + repeated });
      continue;
    }
    const key = foldKey(item);
    const step = foldStep(current.get(key), nowMs, windowMs);
    current.set(key, step.next);
    changes.set(key, step.next);
    if (step.send) send.push({ ...item, repeated: item.repeated + step.repeated });
    else folded += 1;
  }
  return { send, folded, changes };
}

/** The key an item folds under; dry-run decisions fold apart from real ones. */
export function foldKey(item: ReportItem): string {
  return scoped(item, describeAction(item.action).dedupeKey);
}

/** Every key `planFold` may read for these items. */
export function keysToRead(items: readonly ReportItem[]): string[] {
  const keys = new Set<string>();
  for (const item of items) {
    const entry = entryFor(item.action);
    if (entry.foldable) keys.add(foldKey(item));
    else for (const key of entry.closes?.(item.action as never) ?? []) keys.add(scoped(item, key));
  }
  return [...keys];
}

function scoped(item: ReportItem, key: string): string {
  return item.dryRun ? `dry-run|${key}` : key;
}
