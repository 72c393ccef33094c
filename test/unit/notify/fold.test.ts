/** Folding as a pure function: first sent, repeats in the window counted, the next one after it carries the count. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../lib/failover/actions';
import { type FoldEntry, foldKey, planFold } from '../../../lib/notify/fold';
import { type ReportItem, reportItems } from '../../../lib/notify/report-items';
import { SAMPLE, report } from './sample-actions';

const WINDOW = 600_000;
const T = Date.parse('2026-11-27T21:00:00Z');
const items = (...actions: Action[]) => reportItems(report(actions));

/** Runs reports through planFold like the notifier does, keeping the state. */
function run(state: Map<string, FoldEntry>, batch: ReportItem[], nowMs: number) {
  const plan = planFold(batch, state, nowMs, WINDOW);
  for (const [key, entry] of plan.changes) entry === null ? state.delete(key) : state.set(key, entry);
  return plan;
}

describe('folding', () => {
  it('sends the first, counts repeats inside the window, and the first after it says how many were folded', () => {
    const state = new Map<string, FoldEntry>();
    const enforce = SAMPLE['enforce-suspension'];
    expect(run(state, items(enforce), T).send).toHaveLength(1);
    for (let minute = 1; minute <= 9; minute++) expect(run(state, items(enforce), T + minute * 60_000).send).toEqual([]);
    const after = run(state, items(enforce), T + WINDOW);
    expect(after.send.map((item) => item.repeated)).toEqual([9]);
    expect(run(state, items(enforce), T + WINDOW + 60_000).send).toEqual([]); // a new window
  });

  it('folds drain batches per cluster: a storm in prod does not silence the first one in staging', () => {
    const state = new Map<string, FoldEntry>();
    const drain = SAMPLE['tag-for-drain'];
    const inStaging = { ...drain, instances: [{ instanceId: 'i-0c1', cluster: 'staging', group: 'stg-spot' }] };
    expect(run(state, reportItems(report([], { done: [drain] })), T).send).toHaveLength(1);
    expect(run(state, reportItems(report([], { done: [drain] })), T + 60_000).send).toEqual([]);
    expect(run(state, reportItems(report([], { done: [inStaging] })), T + 120_000).send).toHaveLength(1);
  });

  it('folds a repeat inside one report too', () => {
    const plan = planFold(items(SAMPLE.alert, SAMPLE.alert, SAMPLE.alert), new Map(), T, WINDOW);
    expect(plan.send).toHaveLength(1);
    expect(plan.folded).toBe(2);
  });

  it('keeps different incidents apart', () => {
    const state = new Map<string, FoldEntry>();
    run(state, items(SAMPLE['suspend-group']), T);
    const plan = run(state, items({ ...SAMPLE['suspend-group'], group: 'spot-nodes-8x-b' }, SAMPLE['suspend-group']), T + 60_000);
    expect(plan.send.map((item) => (item.action as { group: string }).group)).toEqual(['spot-nodes-8x-b']);
  });

  it('always sends the end of an incident, with the repeats of that group it closes', () => {
    const state = new Map<string, FoldEntry>();
    run(state, items(SAMPLE['suspend-group']), T);
    run(state, items(SAMPLE['enforce-suspension']), T + 60_000);
    run(state, items(SAMPLE['enforce-suspension']), T + 120_000);
    run(state, items(SAMPLE['enforce-suspension']), T + 180_000);
    const restore = run(state, items(SAMPLE['restore-group']), T + 240_000);
    expect(restore.send.map((item) => [item.action.kind, item.repeated])).toEqual([['restore-group', 2]]);
    // The incident is over: the next suspension of the group is a new one, told at once.
    expect(run(state, items(SAMPLE['suspend-group']), T + 300_000).send).toHaveLength(1);
  });

  it('never folds a failed action', () => {
    const failed = reportItems(report([], { failed: [{ action: SAMPLE['enforce-suspension'], error: 'boom' }] }));
    const state = new Map<string, FoldEntry>([[foldKey(failed[0]!), { windowEndsMs: T + WINDOW, folded: 3 }]]);
    expect(planFold(failed, state, T, WINDOW).send).toHaveLength(1);
  });

  it('folds dry-run decisions apart from real ones', () => {
    const dry = reportItems(report([SAMPLE['suspend-group']], { dryRun: true }));
    const real = items(SAMPLE['suspend-group']);
    expect(foldKey(dry[0]!)).not.toBe(foldKey(real[0]!));
  });

  it('is pure: the same inputs give the same plan and the state passed in is untouched', () => {
    const state = new Map<string, FoldEntry>([[foldKey(items(SAMPLE.alert)[0]!), { windowEndsMs: T + 1, folded: 1 }]]);
    const before = JSON.stringify([...state]);
    expect(planFold(items(SAMPLE.alert), state, T, WINDOW)).toEqual(planFold(items(SAMPLE.alert), state, T, WINDOW));
    expect(JSON.stringify([...state])).toBe(before);
  });
});
