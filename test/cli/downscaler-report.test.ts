/** `capacity-guard downscaler report` over an in-memory port: weekly instance-hours saved per group. */
import { describe, expect, it } from 'vitest';
import { createDownscalerCommand } from '../../lib/cli/downscaler-report';
import { DOWNSCALER_TAG } from '../../lib/vocabulary/downscaler-tags';
import type { AutoScalingPort, ObservedGroup } from '../../lib/ports/auto-scaling';
import { officeHoursConfig } from '../support/downscaler-config';
import { fakeIo } from './fake-io';
import { signed } from '../unit/failover/builders';

const CONFIG = officeHoursConfig();

function group(name: string, cluster: string, [minSize, desiredCapacity, maxSize]: [number, number, number], tags: Record<string, string> = {}): ObservedGroup {
  return {
    name,
    minSize,
    desiredCapacity,
    maxSize,
    instances: [],
    tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${cluster}`]: 'owned', ...tags },
    createdTime: '2026-01-01T00:00:00Z',
    availabilityZones: ['eu-west-3a'],
  };
}

const GROUPS = [
  group('staging-spot', 'staging', [0, 4, 10]),
  group('staging-od', 'staging', [0, 0, 0], { [DOWNSCALER_TAG.saved]: signed('staging-od', '1,2,5'), [DOWNSCALER_TAG.set]: '0' }), // down now
  group('staging-masters', 'staging', [3, 3, 3]),
  group('prod-batch', 'prod', [0, 5, 8], { [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 UTC', [DOWNSCALER_TAG.downtimeCapacity]: '1' }),
  group('prod-web', 'prod', [2, 6, 20]),
];

function port(groups: ObservedGroup[]): AutoScalingPort {
  const refuse = () => Promise.reject(new Error('report must not write'));
  return {
    describeGroups: async (clusters) => groups.filter((g) => clusters.some((c) => `k8s.io/cluster-autoscaler/${c}` in g.tags)),
    describeGroupsWithTagKeys: async (keys) => groups.filter((g) => keys.some((key) => key in g.tags)),
    updateSizes: refuse,
    setDesiredCapacity: refuse,
    putTags: refuse,
    deleteTags: refuse,
    scalingActivities: refuse,
  };
}

async function report(args: string[]) {
  const fake = fakeIo({ 'cg.yml': CONFIG });
  const code = await createDownscalerCommand({ autoScaling: () => port(GROUPS), now: () => new Date('2026-11-30T00:00:00Z') })(args, fake.io);
  return { code, ...fake };
}

describe('downscaler report', () => {
  it('sums (desired - downtime size) x downtime hours over the week, per group', async () => {
    const { code, stdout } = await report(['report', '--config', 'cg.yml', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout()) as {
      group: string;
      desired: number;
      downtimeSize: number;
      downtimeHours: number;
      savedInstanceHours: number;
      savedPercent: number;
    }[];
    const byGroup = Object.fromEntries(
      rows.map((row) => [row.group, [row.desired, row.downtimeSize, row.downtimeHours, row.savedInstanceHours, row.savedPercent]]),
    );
    // By hand. Office hours are Mon-Fri 07:30-20:30, 5 x 13 h = 65 h of 168: 103 h down.
    // staging-spot: (4 - 0) x 103 = 412 instance-hours of 4 x 168 = 672: 61.31 % (the operators' "60 %").
    // prod-batch: weekend downtime, 48 h, keeps 1 of 5: (5 - 1) x 48 = 192 of 5 x 168 = 840: 22.86 %.
    expect(byGroup).toEqual({
      'prod-batch': [5, 1, 48, 192, 22.86],
      'staging-masters': [3, 3, 0, 0, 0],
      'staging-od': [2, 0, 103, 206, 61.31],
      'staging-spot': [4, 0, 103, 412, 61.31],
    });
  });

  it('prints a table with a total, and why a group saves nothing', async () => {
    const { code, stdout } = await report(['report', '--config', 'cg.yml']);
    expect(code).toBe(0);
    const lines = stdout().trimEnd().split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['CLUSTER', 'GROUP', 'DESIRED', 'DOWN-SIZE', 'DOWN-HOURS', 'SAVED-INSTANCE-HOURS', 'SAVED-%', 'SCHEDULE / WHY']);
    expect(lines[0]?.split(/\s{2,}/)).toContain('SAVED-%');
    // By hand: 810 instance-hours saved of (5 + 3 + 2 + 4) x 168 = 2352 always-up: 34.44 %.
    expect(lines.at(-1)?.split(/\s{2,}/)).toEqual(['TOTAL', '810', '34.44']);
    expect(lines.find((line) => line.includes('staging-masters'))).toContain('control-plane');
  });

  it('reads office hours on the wall clock in a DST week (7 x 24 real hours from --week-start)', async () => {
    const fake = fakeIo({ 'cg.yml': CONFIG });
    const code = await createDownscalerCommand({ autoScaling: () => port([group('staging-spot', 'staging', [0, 1, 10])]) })(
      ['report', '--config', 'cg.yml', '--week-start', '2026-03-23T00:00:00+01:00', '--json'],
      fake.io,
    );
    expect(code).toBe(0);
    // Spring forward on Sunday 29 March: office hours stay 5 x 13 h on the Paris clock, so 168 - 65 h down.
    expect(JSON.parse(fake.stdout())[0]).toMatchObject({ downtimeHours: 103, savedInstanceHours: 103 });
  });

  it('exits 2 for a missing subcommand or a bad week start', async () => {
    expect((await report([])).code).toBe(2);
    expect((await report(['report', '--config', 'cg.yml', '--week-start', 'monday'])).code).toBe(2);
  });
});
