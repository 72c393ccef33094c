/**
 * Stories of a staging cluster that sleeps at night and on weekends (Europe/Paris office hours),
 * next to a production cluster that must never be touched by accident.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../lib/run/execute-each';
import { TAG } from '../../lib/vocabulary/tags';
import { DOWNSCALER_TAG } from '../../lib/vocabulary/downscaler-tags';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import { signed } from '../unit/failover/builders';
import { F, asWritten, guardOf, stateWord } from '../unit/failover/builders';

const ZONES = ['eu-west-3a', 'eu-west-3b'];
const spot = (type: string): Pool[] => ZONES.map((zone) => ({ market: 'spot' as const, instanceType: type, zone }));

const CONFIG = `
downscaler:
  enabled: true
clusters:
  - name: prod
    priorities: |-
      50: ["^prod-spot"]
      10: [".*"]
  - name: staging
    priorities: |-
      10: [".*"]
    downscaler:
      staging: true
      uptime: Mon-Fri 07:30-20:30 Europe/Paris
`;

/** Friday 27 November 2026, 20:25 in Paris (UTC+1). */
const FRIDAY_EVENING = '2026-11-27T19:25:00Z';
const LONG_AGO = '2026-01-01T00:00:00Z';
const WRITES = ['updateSizes', 'setDesiredCapacity', 'putTags', 'deleteTags'] as const;

function stagingWorld(options: { start?: string } = {}): World {
  const world = new World({ config: CONFIG, start: options.start ?? FRIDAY_EVENING });
  const add = (name: string, cluster: string, [minSize, desiredCapacity, maxSize]: [number, number, number], tags: Record<string, string> = {}) =>
    world.aws.addGroup({ name, cluster, minSize, desiredCapacity, maxSize, pools: spot('m5.large'), tags, createdTime: LONG_AGO });
  add('staging-spot', 'staging', [0, 3, 10]);
  add('staging-on-demand', 'staging', [1, 2, 5]);
  add('staging-control-plane', 'staging', [3, 3, 3]);
  add('prod-spot', 'prod', [2, 6, 50]);
  return world;
}

const sizes = (world: World, name: string) => {
  const group = world.aws.view(name);
  return `${group.minSize}/${group.desiredCapacity}/${group.maxSize}`;
};
const writes = (world: World) => WRITES.reduce((sum, method) => sum + (world.aws.calls.get(method) ?? 0), 0);
const downscalerTags = (world: World, name: string) => Object.keys(world.aws.view(name).tags).filter((key) => key.startsWith('capacity-guard/downscaler-'));

/** Jump the clock (no ASG simulation in between: nothing happens in a sleeping cluster). */
function jumpTo(world: World, iso: string): void {
  world.clock.advance(Date.parse(iso) - world.clock.now().getTime());
  world.aws.settle();
}

describe('a staging cluster over a weekend', () => {
  it('goes down at Friday 20:30 Paris time, stays down, and comes back exactly at Monday 07:30', async () => {
    const world = stagingWorld();

    // 20:25: still office hours, nothing to do and nothing written.
    let run = await world.downscale();
    expect(run.actions).toEqual([]);
    expect(writes(world)).toBe(0);

    // 20:30: down. All three sizes go to 0 so cluster-autoscaler cannot scale the group back up.
    jumpTo(world, '2026-11-27T19:30:00Z');
    run = await world.downscale();
    expect(run.actions.map((action) => `${action.kind} ${action.group}`)).toEqual([
      'scheduled-downscale staging-on-demand',
      'scheduled-downscale staging-spot',
    ]);
    expect(sizes(world, 'staging-spot')).toBe('0/0/0');
    expect(sizes(world, 'staging-on-demand')).toBe('0/0/0');
    expect(world.aws.view('staging-spot').tags[DOWNSCALER_TAG.saved]).toBe(signed('staging-spot', '0,3,10'));
    expect(world.aws.view('staging-on-demand').tags[DOWNSCALER_TAG.saved]).toBe(signed('staging-on-demand', '1,2,5'));
    expect(world.aws.view('staging-spot').instances).toEqual([]);
    // Control-plane groups and production are left alone.
    expect(sizes(world, 'staging-control-plane')).toBe('3/3/3');
    expect(run.notes).toContainEqual(expect.objectContaining({ group: 'staging-control-plane', note: expect.stringContaining('control-plane') }));
    expect(sizes(world, 'prod-spot')).toBe('2/6/50');
    expect(world.notifier.reports).toHaveLength(1);
    expect(world.notifier.reports[0]).toMatchObject({ source: 'downscaler', dryRun: false });
    expect(world.notifier.reports[0]?.done).toHaveLength(2);

    // cluster-autoscaler sees pending pods on Saturday: the group is full at MaxSize 0.
    jumpTo(world, '2026-11-28T10:00:00Z');
    expect(world.aws.clusterAutoscalerScaleUp('staging-spot', 3)).toBe(0);

    // Every run over the weekend finds nothing to change: zero writes, no notification.
    world.aws.resetCallCounts();
    for (const time of ['2026-11-28T10:05:00Z', '2026-11-29T23:00:00Z', '2026-11-30T06:29:00Z']) {
      jumpTo(world, time);
      expect((await world.downscale()).actions).toEqual([]);
    }
    expect(writes(world)).toBe(0);
    expect(world.notifier.reports).toHaveLength(1);

    // Monday 07:30 Paris: exactly the sizes of Friday, and no downscaler tag left.
    jumpTo(world, '2026-11-30T06:30:00Z');
    run = await world.downscale();
    expect(run.actions.map((action) => `${action.kind} ${action.group}`)).toEqual(['scheduled-restore staging-on-demand', 'scheduled-restore staging-spot']);
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
    expect(downscalerTags(world, 'staging-spot')).toEqual([]);
    expect(downscalerTags(world, 'staging-on-demand')).toEqual([]);
    world.aws.advance('2m');
    expect(world.aws.view('staging-spot').instances.filter((instance) => instance.lifecycleState === 'InService')).toHaveLength(3);
    expect(world.notifier.reports).toHaveLength(2);

    // And the next run writes nothing.
    world.aws.resetCallCounts();
    expect((await world.downscale()).actions).toEqual([]);
    expect(writes(world)).toBe(0);
  });

  it('keeps the downtime capacity a group asks for, and restores it exactly', async () => {
    const world = stagingWorld();
    world.aws.tagByHand('staging-on-demand', { [DOWNSCALER_TAG.downtimeCapacity]: '1' });

    jumpTo(world, '2026-11-27T19:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-on-demand')).toBe('1/1/1');

    jumpTo(world, '2026-11-30T06:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
  });
});

describe('operators stay in charge', () => {
  it('leaves a group excluded until Friday 22:00 UTC up, then takes it down once the exclusion has expired', async () => {
    const world = stagingWorld();
    world.aws.tagByHand('staging-spot', { [DOWNSCALER_TAG.excludeUntil]: '2026-11-27T22:00' });

    jumpTo(world, '2026-11-27T19:30:00Z');
    const run = await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(run.notes).toContainEqual(
      expect.objectContaining({ group: 'staging-spot', note: expect.stringContaining('excluded until 2026-11-27T22:00:00.000Z') }),
    );

    jumpTo(world, '2026-11-27T22:00:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/0/0');
  });

  it('brings a sleeping group up for force-uptime=true and takes it down again when the tag goes', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/0/0');

    // Saturday morning someone needs staging.
    jumpTo(world, '2026-11-28T09:00:00Z');
    world.aws.tagByHand('staging-spot', { [DOWNSCALER_TAG.forceUptime]: 'true' });
    let run = await world.downscale();
    expect(run.actions).toEqual([expect.objectContaining({ kind: 'scheduled-restore', group: 'staging-spot', why: 'force-uptime' })]);
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('0/0/0');

    // Done by noon: the tag goes, the schedule applies again.
    jumpTo(world, '2026-11-28T11:00:00Z');
    world.aws.tagByHand('staging-spot', { [DOWNSCALER_TAG.forceUptime]: null });
    run = await world.downscale();
    expect(run.actions).toEqual([expect.objectContaining({ kind: 'scheduled-downscale', group: 'staging-spot' })]);
    expect(sizes(world, 'staging-spot')).toBe('0/0/0');
  });

  it('never overwrites sizes an operator set by hand on a sleeping group, and lets go of it on Monday', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();

    // Saturday: an operator raises the group by hand in the console.
    jumpTo(world, '2026-11-28T09:00:00Z');
    world.aws.setSizesByHand('staging-spot', { minSize: 0, desiredCapacity: 2, maxSize: 2 });
    world.aws.resetCallCounts();
    const saturday = await world.downscale();
    expect(saturday.actions).toEqual([]);
    expect(saturday.notes).toContainEqual(expect.objectContaining({ group: 'staging-spot', note: expect.stringContaining('changed by hand') }));
    expect(writes(world)).toBe(0);
    expect(sizes(world, 'staging-spot')).toBe('0/2/2');

    // Monday: their sizes stay; only our tags go, and the notification says so.
    jumpTo(world, '2026-11-30T06:30:00Z');
    const monday = await world.downscale();
    expect(monday.actions).toContainEqual(
      expect.objectContaining({ kind: 'scheduled-release', group: 'staging-spot', sizes: { minSize: 0, desiredCapacity: 2, maxSize: 2 } }),
    );
    expect(sizes(world, 'staging-spot')).toBe('0/2/2');
    expect(downscalerTags(world, 'staging-spot')).toEqual([]);
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
    expect(world.notifier.reports.at(-1)?.done.map((action) => action.kind)).toContain('scheduled-release');
  });

  it('tells an operator who puts the saved sizes back by hand at night from a lost write, and keeps their sizes', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();
    expect(world.aws.view('staging-spot').tags[DOWNSCALER_TAG.since]).toBe('2026-11-27T19:30:00.000Z');

    // Saturday: someone needs staging and types back the sizes the saved tag shows.
    jumpTo(world, '2026-11-28T09:00:00Z');
    world.aws.setSizesByHand('staging-spot', { minSize: 0, desiredCapacity: 3, maxSize: 10 });
    world.aws.resetCallCounts();
    const saturday = await world.downscale();
    expect(saturday.actions).toEqual([]);
    expect(writes(world)).toBe(0);
    expect(saturday.notes).toContainEqual(
      expect.objectContaining({ group: 'staging-spot', reason: 'changed-by-hand', note: expect.stringContaining('set back to the saved 0/3/10 by hand') }),
    );

    // Monday: nothing to resize; our tags go.
    jumpTo(world, '2026-11-30T06:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(downscalerTags(world, 'staging-spot')).toEqual([]);
  });

  it('leaves a group alone while the failover holds it out of rotation', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    world.aws.tagByHand('staging-spot', asWritten('staging-spot', { [F.state]: 'suspended', [F.savedSizes]: '0,3,10', [F.since]: '2026-11-27T19:00:00Z' }));

    const run = await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(run.notes).toContainEqual(expect.objectContaining({ group: 'staging-spot', note: expect.stringContaining('failover in progress') }));
  });

  it('does not touch a group created less than 15 minutes ago', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    world.aws.addGroup({
      name: 'staging-new',
      cluster: 'staging',
      minSize: 0,
      desiredCapacity: 1,
      maxSize: 4,
      pools: spot('m5.large'),
      createdTime: '2026-11-27T19:20:00Z',
    });

    await world.downscale();
    expect(sizes(world, 'staging-new')).toBe('0/1/4');
    jumpTo(world, '2026-11-27T19:35:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-new')).toBe('0/0/0');
  });
});

describe('production', () => {
  it('is only scaled for a group that carries its own schedule tag', async () => {
    const world = stagingWorld();
    world.aws.addGroup({
      name: 'prod-batch',
      cluster: 'prod',
      minSize: 0,
      desiredCapacity: 4,
      maxSize: 8,
      pools: spot('c5.large'),
      createdTime: LONG_AGO,
      tags: { [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 Europe/Paris' },
    });

    jumpTo(world, '2026-11-27T19:30:00Z');
    await world.downscale();
    expect(sizes(world, 'prod-batch')).toBe('0/4/8'); // Friday evening is not its downtime

    jumpTo(world, '2026-11-27T23:00:00Z'); // Saturday 00:00 in Paris
    await world.downscale();
    expect(sizes(world, 'prod-batch')).toBe('0/0/0');
    expect(sizes(world, 'prod-spot')).toBe('2/6/50'); // untagged production: never

    jumpTo(world, '2026-11-29T23:00:00Z'); // Monday 00:00 in Paris
    await world.downscale();
    expect(sizes(world, 'prod-batch')).toBe('0/4/8');
  });

  it('is never touched while the downscaler is off (the default)', async () => {
    const world = new World({ config: CONFIG.replace('enabled: true', 'enabled: false'), start: '2026-11-28T12:00:00Z' });
    world.aws.addGroup({
      name: 'prod-batch',
      cluster: 'prod',
      minSize: 0,
      desiredCapacity: 4,
      maxSize: 8,
      pools: spot('c5.large'),
      createdTime: LONG_AGO,
      tags: { [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 UTC' },
    });

    await world.downscale();
    expect(world.aws.totalCalls()).toBe(0);
    expect(sizes(world, 'prod-batch')).toBe('0/4/8');
  });
});

describe('lost writes', () => {
  it('finishes a scale-down whose size write was lost, from the tags it left', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    // Throttled on every try the invocation makes.
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('updateSizes', Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    const first = await world.downscale();
    expect(first.failedActions).toBe(1);
    const failed = first.actions.find((action) => sizes(world, action.group) !== '0/0/0');
    expect(failed).toBeDefined();
    expect(world.aws.view(failed!.group).tags[DOWNSCALER_TAG.saved]).toBeDefined();

    jumpTo(world, '2026-11-27T19:35:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/0/0');
    expect(sizes(world, 'staging-on-demand')).toBe('0/0/0');

    // Monday restores both exactly.
    jumpTo(world, '2026-11-30T06:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
  });

  it('never scales a group down before its sizes are saved: a lost tag write leaves it up until the next run', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    world.aws.failNextCall('putTags', new Error('network cut'));

    const first = await world.downscale();
    expect(first.failedActions).toBe(1);
    const untouched = ['staging-spot', 'staging-on-demand'].find((name) => downscalerTags(world, name).length === 0);
    expect(untouched).toBeDefined();
    expect(sizes(world, untouched!)).not.toBe('0/0/0');

    jumpTo(world, '2026-11-27T19:35:00Z');
    await world.downscale();
    jumpTo(world, '2026-11-30T06:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
  });

  it('keeps the saved sizes until the restore has written them: a lost size write is retried on the next run', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();
    jumpTo(world, '2026-11-30T06:30:00Z');
    world.aws.failNextCall('updateSizes', new Error('network cut'));

    expect((await world.downscale()).failedActions).toBe(1);
    jumpTo(world, '2026-11-30T06:35:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
  });

  it('drops the tags left by a restore whose tag delete was lost, without touching the sizes', async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();
    jumpTo(world, '2026-11-30T06:30:00Z');
    world.aws.failNextCall('deleteTags', new Error('network cut'));

    await world.downscale();
    jumpTo(world, '2026-11-30T06:35:00Z');
    world.aws.resetCallCounts();
    await world.downscale();
    expect(world.aws.calls.get('updateSizes') ?? 0).toBe(0);
    expect(world.aws.calls.get('deleteTags')).toBe(1);
    expect(sizes(world, 'staging-spot')).toBe('0/3/10');
    expect(sizes(world, 'staging-on-demand')).toBe('1/2/5');
    expect(downscalerTags(world, 'staging-spot')).toEqual([]);
    expect(downscalerTags(world, 'staging-on-demand')).toEqual([]);
  });
});

describe('what a run logs about the groups it leaves alone', () => {
  function recordingLog() {
    const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
    const at =
      (level: string) =>
      (message: string, ...extra: Record<string, unknown>[]) =>
        lines.push({ level, message, extra: Object.assign({}, ...extra) });
    return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
  }

  it('says it once per run, by reason, and warns per group only for a tag someone must fix, naming the entry', async () => {
    const { lines, log } = recordingLog();
    const world = new World({ config: CONFIG, start: '2026-11-27T19:30:00Z', log });
    for (let i = 0; i < 50; i++)
      world.aws.addGroup({
        name: `staging-kept-${i}`,
        cluster: 'staging',
        minSize: 0,
        desiredCapacity: 1,
        maxSize: 2,
        pools: spot('m5.large'),
        createdTime: LONG_AGO,
        tags: { [DOWNSCALER_TAG.exclude]: 'true' },
      });
    world.aws.addGroup({
      name: 'staging-masters',
      cluster: 'staging',
      minSize: 3,
      desiredCapacity: 3,
      maxSize: 3,
      pools: spot('m5.large'),
      createdTime: LONG_AGO,
    });
    world.aws.addGroup({
      name: 'staging-typo',
      cluster: 'staging',
      minSize: 0,
      desiredCapacity: 2,
      maxSize: 4,
      pools: spot('m5.large'),
      createdTime: LONG_AGO,
      tags: { [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 Europe/Pariss' },
    });

    const run = await world.downscale();

    expect(run.notes).toHaveLength(52);
    const summaries = lines.filter((line) => line.level === 'info' && line.message === 'downscaler: groups left alone');
    expect(summaries.map((line) => line.extra)).toEqual([{ count: 52, byReason: { excluded: 50, 'control-plane': 1, 'invalid-tag': 1 } }]);
    expect(lines.filter((line) => line.level === 'info' && line.extra.group !== undefined)).toEqual([]);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.extra).toMatchObject({
      group: 'staging-typo',
      reason: 'invalid-tag',
      note: expect.stringContaining('"Sat-Sun 00:00-24:00 Europe/Pariss"'),
    });
    expect(lines.filter((line) => line.level === 'debug' && line.extra.group !== undefined)).toHaveLength(51);
    expect(world.metrics.get('downscaler.skipped')).toBe(52);
    expect(world.metrics.get('downscaler.invalid_tags')).toBe(1);
    expect(sizes(world, 'staging-typo')).toBe('0/2/4');
  });
});

describe('dry run', () => {
  it('notifies a decided scale-down once, at the run where the schedule turned, not on every run all night', async () => {
    const world = new World({ config: `dryRun: true\n${CONFIG}`, start: FRIDAY_EVENING });
    world.aws.addGroup({
      name: 'staging-spot',
      cluster: 'staging',
      minSize: 0,
      desiredCapacity: 3,
      maxSize: 10,
      pools: spot('m5.large'),
      createdTime: LONG_AGO,
    });

    const decided: number[] = [];
    for (const minute of [25, 30, 35, 40, 45]) {
      jumpTo(world, `2026-11-27T19:${minute}:00Z`);
      decided.push((await world.downscale()).actions.length);
    }

    expect(decided).toEqual([0, 1, 1, 1, 1]); // decided (and logged) on every run of the night
    expect(writes(world)).toBe(0);
    expect(
      world.notifier.reports.map((report) => [
        report.time,
        report.dryRun,
        report.done.map((action) => `${action.kind} ${'group' in action ? action.group : ''}`),
      ]),
    ).toEqual([['2026-11-27T19:30:00.000Z', true, ['scheduled-downscale staging-spot']]]);
  });
});

describe('with the failover (issue 2) in the same night', () => {
  it("a sleeping group is no drift to the failover's reconcile: it writes nothing", async () => {
    const world = stagingWorld({ start: '2026-11-27T19:30:00Z' });
    await world.downscale();
    world.aws.resetCallCounts();
    await world.reconcile();
    jumpTo(world, '2026-11-28T12:00:00Z');
    await world.reconcile();
    expect(writes(world)).toBe(0);
    expect([sizes(world, 'staging-spot'), sizes(world, 'staging-on-demand')]).toEqual(['0/0/0', '0/0/0']);
  });

  const DIRECT = CONFIG.replace('downscaler:\n  enabled: true', 'mode: direct\ndownscaler:\n  enabled: true');

  it("a group kept at its downtime capacity that loses its Spot node is the failover's until it is back, then restored exactly", async () => {
    const world = new World({ config: DIRECT, start: '2026-11-27T19:30:00Z' });
    const onDemand = ZONES.map((zone) => ({ market: 'on-demand' as const, instanceType: 'm5.large', zone }));
    world.aws.addGroup({
      name: 'staging-spot',
      cluster: 'staging',
      minSize: 1,
      desiredCapacity: 3,
      maxSize: 10,
      pools: spot('m5.large'),
      createdTime: LONG_AGO,
      tags: { [DOWNSCALER_TAG.downtimeCapacity]: '1' },
    });
    world.aws.addGroup({ name: 'staging-on-demand', cluster: 'staging', minSize: 0, desiredCapacity: 2, maxSize: 5, pools: onDemand, createdTime: LONG_AGO });
    world.aws.settle();

    await world.downscale();
    expect([sizes(world, 'staging-spot'), sizes(world, 'staging-on-demand')]).toEqual(['1/1/1', '0/0/0']);

    // Saturday 03:00: Spot is gone and EC2 takes the last Spot node back; its replacement cannot launch.
    jumpTo(world, '2026-11-28T02:00:00Z');
    world.aws.outOfCapacity({ market: 'spot' });
    const [node] = world.aws.view('staging-spot').instances;
    world.aws.reclaimInstance(node!.instanceId);
    await world.deliverEvents();
    const spotGroup = world.aws.view('staging-spot');
    expect(stateWord(spotGroup.tags)).toBe('suspended');
    expect(guardOf(spotGroup)).toMatchObject({ saved: { minSize: 1, desiredCapacity: 1, maxSize: 1 } }); // the failover saved the downtime sizes
    // The fallback sleeps at 0/0/0: the failover does not wake it (MaxSize 0), it says so.
    expect(sizes(world, 'staging-on-demand')).toBe('0/0/0');
    expect(world.metrics.get('alert.no-fallback-capacity')).toBeGreaterThan(0);
    // A sleeping staging cluster short of its one night node is a warning, not a page at 03:00.
    const alerts = world.notifier.reports.flatMap((report) => report.done).filter((action) => action.kind === 'alert');
    expect(alerts.map((action) => [action.severity, action.code])).toContainEqual(['warning', 'no-fallback-capacity']);
    expect(alerts.filter((action) => action.severity === 'critical')).toEqual([]);
    expect(alerts.find((action) => action.code === 'no-fallback-capacity')?.message).toContain('scheduled downtime');

    // The downscaler leaves the group to the failover; nothing fights.
    world.aws.resetCallCounts();
    const night = await world.downscale();
    expect(night.notes).toContainEqual(expect.objectContaining({ group: 'staging-spot', reason: 'failover' }));
    expect(writes(world)).toBe(0);

    // Monday 07:30: the on-demand fallback comes back exactly; the Spot group stays the failover's.
    jumpTo(world, '2026-11-30T06:30:00Z');
    await world.downscale();
    expect(sizes(world, 'staging-on-demand')).toBe('0/2/5');
    expect(world.aws.view('staging-spot').tags[DOWNSCALER_TAG.saved]).toBe(signed('staging-spot', '1,3,10'));

    // Spot capacity returns; the failover probes and restores the downtime sizes it saved...
    world.aws.capacityBack();
    for (let minute = 0; minute < 60 && TAG.state in world.aws.view('staging-spot').tags; minute++) {
      world.aws.advance('1m');
      await world.deliverEvents();
      await world.reconcile();
    }
    expect(stateWord(world.aws.view('staging-spot').tags)).toBeUndefined();
    // ...and the next downscaler run restores the day sizes saved on Friday.
    await world.downscale();
    expect(sizes(world, 'staging-spot')).toBe('1/3/10');
    expect(downscalerTags(world, 'staging-spot')).toEqual([]);
  });
});
