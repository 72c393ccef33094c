/** decideDownscaler on hand-built groups: which groups, which schedule, and why a group is left alone. */
import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { decideDownscaler } from '../../../lib/downscaler/decide';
import { DOWNSCALER_TAG } from '../../../lib/vocabulary/downscaler-tags';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import { readSizes, signedSizesTag } from '../../../lib/vocabulary/sizes';

const SATURDAY = new Date('2026-11-28T12:00:00Z');
const WEDNESDAY = new Date('2026-11-25T12:00:00Z');

function policy(extra = '', env: NodeJS.ProcessEnv = {}) {
  return policyFromText(
    `downscaler:\n  enabled: true\n${extra}clusters:\n  - name: prod\n    priorities: '10: [".*"]'\n  - name: staging\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      uptime: Mon-Fri 07:30-20:30 Europe/Paris\n`,
    'cg.yml',
    { env },
  );
}

function group(name: string, cluster: string, [minSize, desiredCapacity, maxSize]: [number, number, number], tags: Record<string, string> = {}): ObservedGroup {
  return {
    name,
    minSize,
    desiredCapacity,
    maxSize,
    instances: [],
    tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${cluster}`]: 'owned', ...signSaved(name, tags) },
    createdTime: '2026-01-01T00:00:00.000Z',
    availabilityZones: ['eu-west-3a'],
  };
}

/** Fixtures write the downscaler's saved sizes as plain `min,desired,max`; the downscaler would have signed them. */
function signSaved(name: string, tags: Record<string, string>): Record<string, string> {
  const plain = tags[DOWNSCALER_TAG.saved];
  const sizes = readSizes(plain);
  return sizes ? { ...tags, [DOWNSCALER_TAG.saved]: signedSizesTag(name, sizes) } : tags;
}

const down = (saved: string, set = '0') => ({ [DOWNSCALER_TAG.saved]: saved, [DOWNSCALER_TAG.set]: set });

describe('decideDownscaler', () => {
  it('scales a staging group down to min = desired = max = 0, saving min,desired,max', () => {
    const { actions } = decideDownscaler([group('web', 'staging', [1, 3, 6])], policy(), SATURDAY);
    expect(actions).toEqual([
      {
        kind: 'scheduled-downscale',
        cluster: 'staging',
        group: 'web',
        from: { minSize: 1, desiredCapacity: 3, maxSize: 6 },
        to: { minSize: 0, desiredCapacity: 0, maxSize: 0 },
        tags: {
          [DOWNSCALER_TAG.saved]: signedSizesTag('web', { minSize: 1, desiredCapacity: 3, maxSize: 6 }),
          [DOWNSCALER_TAG.set]: '0',
          [DOWNSCALER_TAG.since]: '2026-11-28T12:00:00.000Z',
        },
        schedule: 'uptime Mon-Fri 07:30-20:30 Europe/Paris; downtime never',
      },
    ]);
  });

  it('never raises a group to its downtime capacity', () => {
    const { actions } = decideDownscaler([group('web', 'staging', [0, 1, 6], { [DOWNSCALER_TAG.downtimeCapacity]: '2' })], policy(), SATURDAY);
    expect(actions[0]).toMatchObject({ to: { minSize: 1, desiredCapacity: 1, maxSize: 1 } });
  });

  it('writes nothing for a group already as small as downtime wants', () => {
    expect(decideDownscaler([group('web', 'staging', [0, 0, 0])], policy(), SATURDAY)).toEqual({ actions: [], notes: [] });
  });

  it('ignores groups of clusters not marked staging unless they carry their own schedule tag', () => {
    const groups = [group('prod-a', 'prod', [1, 3, 6]), group('prod-b', 'prod', [1, 3, 6], { [DOWNSCALER_TAG.downtime]: 'Sat-Sun 00:00-24:00 UTC' })];
    const { actions, notes } = decideDownscaler(groups, policy(), SATURDAY);
    expect(actions.map((action) => action.group)).toEqual(['prod-b']);
    expect(notes).toEqual([]);
  });

  it('uses the group tags instead of the cluster schedule when it has one (the missing one defaults to always/never)', () => {
    // Only a downtime tag: uptime is `always`, not the cluster's office hours, so Wednesday noon and Saturday noon are both up.
    const tagged = group('web', 'staging', [1, 3, 6], { [DOWNSCALER_TAG.downtime]: 'Sun-Sun 00:00-24:00 UTC' });
    expect(decideDownscaler([tagged], policy(), SATURDAY).actions).toEqual([]);
    expect(decideDownscaler([tagged], policy(), WEDNESDAY).actions).toEqual([]);
  });

  it('names the bad tag and the offending entry, and leaves the group alone', () => {
    const bad = group('web', 'staging', [1, 3, 6], { [DOWNSCALER_TAG.uptime]: 'Mon-Fri 07:30-20:30 UTC, Sat-Sun 10:00-1200 UTC' });
    const { actions, notes } = decideDownscaler([bad], policy(), SATURDAY);
    expect(actions).toEqual([]);
    expect(notes[0]?.note).toContain(`invalid ${DOWNSCALER_TAG.uptime} tag: schedule entry "Sat-Sun 10:00-1200 UTC"`);
  });

  it('restores exactly from the saved tag at uptime, and removes both tags', () => {
    const { actions } = decideDownscaler([group('web', 'staging', [0, 0, 0], down('1,3,6'))], policy(), WEDNESDAY);
    expect(actions).toEqual([
      {
        kind: 'scheduled-restore',
        cluster: 'staging',
        group: 'web',
        why: 'schedule',
        from: { minSize: 0, desiredCapacity: 0, maxSize: 0 },
        to: { minSize: 1, desiredCapacity: 3, maxSize: 6 },
        removeTags: [DOWNSCALER_TAG.saved, DOWNSCALER_TAG.set],
      },
    ]);
  });

  it('brings back a group that was excluded while down, or whose schedule is gone', () => {
    const excluded = group('web', 'staging', [0, 0, 0], { ...down('1,3,6'), [DOWNSCALER_TAG.exclude]: 'true' });
    const stranded = group('batch', 'prod', [0, 0, 0], down('0,2,4'));
    const { actions } = decideDownscaler([excluded, stranded], policy(), SATURDAY);
    expect(actions.map((action) => [action.group, action.kind, 'why' in action ? action.why : null])).toEqual([
      ['batch', 'scheduled-restore', 'schedule'],
      ['web', 'scheduled-restore', 'excluded'],
    ]);
  });

  it('leaves a group with an unreadable saved tag down and asks for a person', () => {
    const { actions, notes } = decideDownscaler([group('web', 'staging', [0, 0, 0], down('1,3'))], policy(), WEDNESDAY);
    expect(actions).toEqual([]);
    expect(notes[0]).toMatchObject({ reason: 'needs-a-person', note: expect.stringContaining('is not "min,desired,max,checksum"') });
  });

  it('never restores a hand-typed, copied or unsigned saved tag: left down, a person asked (item 7)', () => {
    const typed = group('web', 'staging', [0, 0, 0], down('1,3,6'));
    typed.tags[DOWNSCALER_TAG.saved] = '0,2,100000'; // hand-typed, or written before the checksum
    const copied = group('api', 'staging', [0, 0, 0], down('1,3,6'));
    copied.tags[DOWNSCALER_TAG.saved] = signedSizesTag('web', { minSize: 1, desiredCapacity: 3, maxSize: 6 }); // another group's
    const { actions, notes } = decideDownscaler([typed, copied], policy(), WEDNESDAY);
    expect(actions).toEqual([]);
    expect(notes.map((note) => [note.group, note.reason])).toEqual([
      ['api', 'needs-a-person'],
      ['web', 'needs-a-person'],
    ]);
    expect(notes[1]?.note).toContain('carries no checksum');
    expect(notes[0]?.note).toContain('checksum does not match api');
  });

  it('accepts kube-downscaler exclude-until formats and treats an unreadable one as excluded', () => {
    const until = (value: string) => decideDownscaler([group('web', 'staging', [1, 3, 6], { [DOWNSCALER_TAG.excludeUntil]: value })], policy(), SATURDAY);
    expect(until('2026-11-29').actions).toEqual([]);
    expect(until('2026-11-28 12:01').actions).toEqual([]);
    expect(until('2026-11-28T13:00:00+01:00').actions).toHaveLength(1); // 12:00 UTC: expired
    expect(until('2026-11-28T11:59:00Z').actions).toHaveLength(1);
    expect(until('next monday').notes[0]?.note).toContain('is not a time');
    expect(until('next monday').actions).toEqual([]);
  });

  it('does not guess a true/false tag: exclude=yes or force-uptime=1 leaves the group as it is, up or down, and says which tag', () => {
    for (const [key, value] of [
      [DOWNSCALER_TAG.exclude, 'yes'],
      [DOWNSCALER_TAG.forceUptime, '1'],
    ] as const) {
      for (const [sizes, tags] of [
        [[1, 3, 6], {}],
        [[0, 0, 0], down('1,3,6')],
      ] as const) {
        const { actions, notes } = decideDownscaler([group('web', 'staging', [...sizes], { ...tags, [key]: value })], policy(), SATURDAY);
        expect(actions, `${key}=${value}`).toEqual([]);
        expect(notes).toEqual([expect.objectContaining({ reason: 'invalid-tag', note: expect.stringContaining(`${key}=${value} is not true or false`) })]);
      }
    }
    // Any case, spaces ignored, like kube-downscaler's "true".
    expect(decideDownscaler([group('web', 'staging', [1, 3, 6], { [DOWNSCALER_TAG.exclude]: ' TRUE ' })], policy(), SATURDAY).notes[0]?.reason).toBe(
      'excluded',
    );
    expect(decideDownscaler([group('web', 'staging', [1, 3, 6], { [DOWNSCALER_TAG.exclude]: 'false' })], policy(), SATURDAY).actions).toHaveLength(1);
  });

  it('excludes control-plane groups by name or tag key, unless the cluster says otherwise', () => {
    const groups = [group('staging-masters', 'staging', [3, 3, 3]), group('nodes-cp', 'staging', [3, 3, 3], { 'k8s.io/role/control-plane': '1' })];
    expect(decideDownscaler(groups, policy(), SATURDAY).actions).toEqual([]);
    const off = policyFromText(
      `downscaler:\n  enabled: true\nclusters:\n  - name: staging\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      downtime: Sat-Sun 00:00-24:00 UTC\n      excludeControlPlane: false\n`,
      'cg.yml',
      { env: {} },
    );
    expect(decideDownscaler(groups, off, SATURDAY).actions).toHaveLength(2);
  });

  it('lets a cluster set its own grace period and control-plane pattern, other clusters keep the global ones', () => {
    const config = `downscaler:\n  enabled: true\n  grace: 15m\nclusters:\n  - name: staging\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      downtime: Sat-Sun 00:00-24:00 UTC\n  - name: qa\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      downtime: Sat-Sun 00:00-24:00 UTC\n      grace: 1h\n      controlPlanePattern: '^qa-(cp|system)-'\n`;
    const policy = policyFromText(config, 'cg.yml', { env: {} });
    const thirtyMinutesOld = (g: ObservedGroup): ObservedGroup => ({ ...g, createdTime: '2026-11-28T11:30:00.000Z' });
    const groups = [
      thirtyMinutesOld(group('staging-new', 'staging', [0, 2, 4])),
      thirtyMinutesOld(group('qa-new', 'qa', [0, 2, 4])),
      group('qa-system-pool', 'qa', [0, 2, 4]),
      group('qa-masters', 'qa', [0, 2, 4]), // "master" is the global pattern's, not qa's
      group('staging-masters', 'staging', [0, 2, 4]),
    ];
    const { actions, notes } = decideDownscaler(groups, policy, SATURDAY);
    expect(actions.map((action) => action.group)).toEqual(['qa-masters', 'staging-new']);
    expect(notes.map((note) => [note.group, note.reason])).toEqual([
      ['qa-new', 'grace'],
      ['qa-system-pool', 'control-plane'],
      ['staging-masters', 'control-plane'],
    ]);
    expect(notes[0]?.note).toContain('60 min grace period');
  });

  it('decides nothing while the downscaler is off, and only notes what it would do under the kill switch', () => {
    const groups = [group('web', 'staging', [1, 3, 6])];
    const offPolicy = policyFromText(
      `clusters:\n  - name: staging\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      downtime: always\n`,
      'cg.yml',
      { env: {} },
    );
    expect(decideDownscaler(groups, offPolicy, SATURDAY)).toEqual({ actions: [], notes: [] });
    const killed = decideDownscaler(groups, policy('', { CAPACITY_GUARD_KILL_SWITCH: 'on' }), SATURDAY);
    expect(killed.actions).toEqual([]);
    expect(killed.notes[0]?.note).toMatch(/^kill switch on: not done: downscale web/);
  });
});

describe('a down group found back at its saved sizes: lost write or hand change (LOST_WRITE_WINDOW_MS)', () => {
  // Scaled down at 12:00 on a Saturday; the function runs every 5 minutes, so a run lands exactly 15 min later.
  const since = { ...down('1,3,6'), [DOWNSCALER_TAG.since]: '2026-11-28T12:00:00.000Z' };
  const at = (time: string) => decideDownscaler([group('web', 'staging', [1, 3, 6], since)], policy(), new Date(time));

  it('finishes the scale-down just under 15 minutes after it', () => {
    expect(at('2026-11-28T12:14:59.999Z').actions).toEqual([
      expect.objectContaining({ kind: 'scheduled-downscale', to: { minSize: 0, desiredCapacity: 0, maxSize: 0 } }),
    ]);
  });

  it('leaves the sizes to the operator from 15 minutes on (the run at 12:15 included)', () => {
    const { actions, notes } = at('2026-11-28T12:15:00.000Z');
    expect(actions).toEqual([]);
    expect(notes).toEqual([expect.objectContaining({ reason: 'changed-by-hand' })]);
  });
});

describe('downscaler config', () => {
  it('names the file, the field and the offending entry of a bad schedule', () => {
    expect(
      () =>
        policy().clusters &&
        policyFromText(
          `downscaler:\n  enabled: true\nclusters:\n  - name: staging\n    priorities: '10: [".*"]'\n    downscaler:\n      staging: true\n      uptime: Mon-Fri 07:30-20:30 Europe/Paris, Sat-Sat 25:00-26:00 UTC\n`,
          'cg.yml',
          { env: {} },
        ),
    ).toThrow('cg.yml: clusters.0.downscaler.uptime: schedule entry "Sat-Sat 25:00-26:00 UTC": invalid time 25:00');
  });

  it('is off by default with a 15 min grace', () => {
    const resolved = policyFromText(`clusters:\n  - name: staging\n    priorities: '10: [".*"]'\n`, 'cg.yml', { env: {} });
    expect(resolved.downscaler).toMatchObject({ enabled: false, graceMs: 900_000, clusters: {} });
  });
});
