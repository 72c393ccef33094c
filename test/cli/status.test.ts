/**
 * `capacity-guard status`, in process, over an in-memory AutoScalingPort: given groups tagged for
 * cluster-autoscaler and, for some, capacity-guard's state tags, the table shows tier, sizes and state.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createStatusCommand } from '../../lib/cli/status';
import { TAG } from '../../lib/vocabulary/tags';
import type { AutoScalingPort, ObservedGroup } from '../../lib/ports/auto-scaling';
import { fakeIo } from './fake-io';
import { F, asLegacy, asWritten } from '../unit/failover/builders';

const CONFIG = `clusters:
  - name: prod
    priorities: |-
      50: ["^spot-"]
      10: ["^od-"]
  - name: staging
    priorities:
      "10": [".*"]
`;

const SUSPENDED_UNTIL = '2026-11-27T21:10:05.000Z';

function group(
  name: string,
  cluster: string,
  options: { sizes?: [number, number, number]; inService?: number; tags?: Record<string, string> } = {},
): ObservedGroup {
  const [minSize, desiredCapacity, maxSize] = options.sizes ?? [0, 1, 3];
  return {
    name,
    minSize,
    desiredCapacity,
    maxSize,
    instances: Array.from({ length: options.inService ?? desiredCapacity }, (_, index) => ({
      instanceId: `i-${name}-${index}`,
      lifecycleState: 'InService',
      availabilityZone: 'eu-west-3a',
      instanceType: 'm5.large',
      healthStatus: 'Healthy',
    })),
    tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${cluster}`]: 'owned', ...asWritten(name, options.tags ?? {}) },
    createdTime: '2026-01-01T00:00:00.000Z',
    availabilityZones: ['eu-west-3a'],
  };
}

const suspension = (until: string, reason: string) => ({
  [TAG.state]: 'suspended',
  [F.failure]: 'capacity',
  [TAG.reason]: reason,
  [F.since]: '2026-11-27T21:04:05.000Z',
  [F.until]: until,
  [F.savedSizes]: '0,2,5',
});

/** Behavioural fake: answers DescribeAutoScalingGroups the way AWS filters it, records the clusters asked for. */
function fakeAutoScaling(groups: ObservedGroup[], failure?: unknown) {
  const asked: string[][] = [];
  const port: AutoScalingPort = {
    async describeGroups(clusterNames) {
      asked.push([...clusterNames]);
      if (failure !== undefined) throw failure;
      return groups.filter((candidate) => clusterNames.some((name) => `k8s.io/cluster-autoscaler/${name}` in candidate.tags));
    },
    updateSizes: () => Promise.reject(new Error('status must not write')),
    setDesiredCapacity: () => Promise.reject(new Error('status must not write')),
    putTags: () => Promise.reject(new Error('status must not write')),
    deleteTags: () => Promise.reject(new Error('status must not write')),
    scalingActivities: () => Promise.reject(new Error('status does not read activities')),
  };
  return { port, asked };
}

const WORLD = [
  group('spot-a', 'prod', { sizes: [0, 2, 5], inService: 2 }),
  group('spot-b', 'prod', { sizes: [0, 0, 0], inService: 0, tags: suspension(SUSPENDED_UNTIL, 'InsufficientInstanceCapacity in eu-west-3a') }),
  group('od-a', 'prod', { sizes: [1, 1, 4] }),
  group('od-broken', 'prod', { sizes: [0, 0, 0], inService: 0, tags: suspension('manual', 'InvalidAMIID.NotFound') }),
  group('batch-z', 'prod', { sizes: [0, 0, 2] }),
  group('web', 'staging', { sizes: [2, 3, 6], inService: 1 }),
];

async function status(args: string[], options: { files?: Record<string, string>; env?: NodeJS.ProcessEnv; groups?: ObservedGroup[]; failure?: unknown } = {}) {
  const fake = fakeIo(options.files ?? { 'cg.yml': CONFIG }, options.env);
  const aws = fakeAutoScaling(options.groups ?? WORLD, options.failure);
  const code = await createStatusCommand({ autoScaling: () => aws.port })(args, fake.io);
  return { code, asked: aws.asked, ...fake };
}

describe('status', () => {
  it('prints one row per group: tier (1 = highest), sizes, in-service, state, until, why', async () => {
    // Act
    const { code, stdout, stderrLines } = await status(['--config', 'cg.yml']);

    // Assess
    expect(code).toBe(0);
    expect(stderrLines()).toEqual([]);
    const lines = stdout()
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(lines).toEqual([
      ['CLUSTER', 'GROUP', 'TIER', 'MIN/DESIRED/MAX', 'IN-SERVICE', 'STATE', 'UNTIL', 'WHY'],
      ['prod', 'spot-a', '1', '0/2/5', '2', 'healthy', '-', '-'],
      ['prod', 'spot-b', '1', '0/0/0', '0', 'suspended', SUSPENDED_UNTIL, 'InsufficientInstanceCapacity in eu-west-3a'],
      ['prod', 'od-a', '2', '1/1/4', '1', 'healthy', '-', '-'],
      ['prod', 'od-broken', '2', '0/0/0', '0', 'suspended', 'manual', 'InvalidAMIID.NotFound'],
      ['prod', 'batch-z', '-', '0/0/2', '0', 'healthy', '-', '-'],
      ['staging', 'web', '1', '2/3/6', '1', 'healthy', '-', '-'],
    ]);
  });

  it('prints the same rows as JSON with --json', async () => {
    // Act
    const { code, stdout } = await status(['--config', 'cg.yml', '--json']);

    // Assess
    expect(code).toBe(0);
    const rows = JSON.parse(stdout());
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual({
      cluster: 'prod',
      group: 'spot-b',
      tier: 1,
      min: 0,
      desired: 0,
      max: 0,
      inService: 0,
      state: 'suspended',
      until: SUSPENDED_UNTIL,
      why: 'InsufficientInstanceCapacity in eu-west-3a',
      pools: null,
      outPerAccounts: [],
    });
    expect(rows[4]).toMatchObject({ group: 'batch-z', tier: null, until: null, why: null });
  });

  it('shows a probing group and a released one', async () => {
    // Prepare
    const groups = [
      group('spot-p', 'prod', {
        sizes: [0, 1, 1],
        inService: 0,
        tags: { ...suspension(SUSPENDED_UNTIL, 'capacity'), [TAG.state]: 'probing', [F.probe]: '2026-11-27T21:10:05.000Z,0' },
      }),
      group('spot-r', 'prod', { tags: { [F.savedSizes]: '0,2,5' } }),
    ];

    // Act
    const { stdout } = await status(['--config', 'cg.yml', '--json'], { groups });

    // Assess
    expect(JSON.parse(stdout()).map((row: { state: string; until: string | null }) => [row.state, row.until])).toEqual([
      ['probing', null],
      ['released', null],
    ]);
  });

  it('reads a group the previous release suspended as any other, says what is wrong with damaged tags, and falls back to the failure class', async () => {
    // Prepare
    const legacy = group('spot-l', 'prod', { sizes: [0, 0, 0], inService: 0 });
    legacy.tags = { ...legacy.tags, ...asLegacy('spot-l', suspension(SUSPENDED_UNTIL, 'capacity: ICE')) };
    const damaged = group('spot-d', 'prod', {
      sizes: [0, 0, 0],
      inService: 0,
      tags: { [TAG.state]: 'suspended capacity since=soon', [F.savedSizes]: '0,2,5' },
    });
    const noReason = group('spot-n', 'prod', { sizes: [0, 0, 0], inService: 0, tags: suspension(SUSPENDED_UNTIL, 'x') });
    delete noReason.tags[TAG.reason];

    // Act
    const { stdout } = await status(['--config', 'cg.yml', '--json'], { groups: [legacy, damaged, noReason] });

    // Assess
    const rows = JSON.parse(stdout()) as { group: string; state: string; until: string | null; why: string | null }[];
    expect(rows.map((row) => [row.group, row.state, row.until])).toEqual([
      ['spot-d', 'damaged', null],
      ['spot-l', 'suspended', SUSPENDED_UNTIL],
      ['spot-n', 'suspended', SUSPENDED_UNTIL],
    ]);
    expect(rows.map((row) => row.why)).toEqual([
      'damaged tags: capacity-guard/state "suspended capacity since=soon": its since= is missing or not epoch seconds',
      'capacity: ICE',
      'capacity',
    ]);
  });

  it('asks AWS for one cluster only with --cluster', async () => {
    // Act
    const { code, stdout, asked } = await status(['--config', 'cg.yml', '--cluster', 'staging', '--json']);

    // Assess
    expect(code).toBe(0);
    expect(asked).toEqual([['staging']]);
    expect(JSON.parse(stdout()).map((row: { group: string }) => row.group)).toEqual(['web']);
  });

  it('rejects an unknown --cluster, naming the configured ones, without calling AWS', async () => {
    // Act
    const { code, stdout, stderrLines, asked } = await status(['--config', 'cg.yml', '--cluster', 'prd']);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(asked).toEqual([]);
    expect(stderrLines()).toEqual(['status: unknown cluster prd (configured: prod, staging)']);
  });

  it('notes a configured cluster without groups on stderr', async () => {
    // Act
    const { code, stderrLines } = await status(['--config', 'cg.yml'], { groups: WORLD.filter((candidate) => candidate.name !== 'web') });

    // Assess
    expect(code).toBe(0);
    expect(stderrLines()).toEqual([expect.stringMatching(/^note: cluster staging: no group tagged /)]);
  });

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' }), 'connect ECONNREFUSED 127.0.0.1:5000'],
    [
      'connection refused on every address (AggregateError without message)',
      Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:5000'), new Error('connect ECONNREFUSED 127.0.0.1:5000')]), {
        code: 'ECONNREFUSED',
      }),
      'AggregateError: connect ECONNREFUSED ::1:5000; connect ECONNREFUSED 127.0.0.1:5000',
    ],
    [
      'no credentials',
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'CredentialsProviderError: Could not load credentials from any providers (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    ],
    ['no region', new Error('Region is missing'), 'Region is missing (set AWS_REGION)'],
  ])('exits 1 with one line when AWS fails: %s', async (_what, failure, message) => {
    // Act
    const { code, stdout, stderrLines } = await status(['--config', 'cg.yml'], { failure });

    // Assess
    expect(code).toBe(1);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([`status: cannot describe Auto Scaling groups: ${message}`]);
  });
});

describe('status: which config file', () => {
  it('reads CAPACITY_GUARD_CONFIG when --config is absent', async () => {
    // Act
    const { code, read } = await status([], { files: { 'env.yml': CONFIG }, env: { CAPACITY_GUARD_CONFIG: 'env.yml' } });

    // Assess
    expect(code).toBe(0);
    expect(read).toEqual(['env.yml']);
  });

  it('prefers --config over CAPACITY_GUARD_CONFIG', async () => {
    // Act
    const { code, read } = await status(['--config', 'cg.yml'], { env: { CAPACITY_GUARD_CONFIG: 'env.yml' } });

    // Assess
    expect(code).toBe(0);
    expect(read).toEqual(['cg.yml']);
  });

  it('falls back to capacity-guard.example.yml in the working directory', async () => {
    // Prepare
    const example = readFileSync(new URL('../../capacity-guard.example.yml', import.meta.url), 'utf8');

    // Act
    const { code, asked, read } = await status([], { files: { 'capacity-guard.example.yml': example } });

    // Assess
    expect(code).toBe(0);
    expect(read).toEqual(['capacity-guard.example.yml']);
    expect(asked).toEqual([['prod-eu', 'staging-eu']]);
  });

  it('says how to give a config when there is none', async () => {
    // Act
    const { code, stderrLines, asked } = await status([], { files: {} });

    // Assess
    expect(code).toBe(2);
    expect(asked).toEqual([]);
    expect(stderrLines()).toEqual([expect.stringMatching(/^status: no config file: pass --config <file> or set CAPACITY_GUARD_CONFIG/)]);
  });

  it('names a missing --config file', async () => {
    // Act
    const { code, stderrLines } = await status(['--config', 'nope.yml']);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual(['status: nope.yml: cannot read config file: no such file']);
  });

  it('rejects an invalid config, naming the file and the field', async () => {
    // Prepare
    const files = { 'cg.yml': CONFIG.replace('"10": [".*"]', '"ten": [".*"]') };

    // Act
    const { code, stdout, stderrLines, asked } = await status(['--config', 'cg.yml'], { files });

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(asked).toEqual([]);
    expect(stderrLines()).toEqual([
      expect.stringMatching(/^status: cg\.yml: clusters\.1\.priorities \(cluster staging\): priority key "ten" is not an integer$/),
    ]);
  });

  it.each([
    [['--json=yes'], /option --json takes no value/],
    [['--cluster'], /option --cluster needs a value/],
    [['prod'], /unexpected argument prod/],
  ])('exits 2 with one line for %j', async (args, message) => {
    // Act
    const { code, stderrLines } = await status(args);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual([expect.stringMatching(message)]);
  });
});
