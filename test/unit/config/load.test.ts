/**
 * The config file: capacity-guard.example.yml loads, defaults and durations resolve, and every
 * error names the file and the field. No process.env: each test passes its own env.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

import { loadPolicy, policyFromText } from '../../../lib/config/load';
import { ConfigError } from '../../../lib/vocabulary/errors';
import { errorFrom } from '../../support/error-from';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../capacity-guard.example.yml', import.meta.url));
const FILE = 'capacity-guard.yml';
const STARTS_WITH_FILE = /^capacity-guard\.yml: /;
const NO_ENV = {};

// The smallest valid config; tests clone it and change one field.
const MINIMAL = { clusters: [{ name: 'prod-eu', priorities: '50: [".*spot.*"]\n10: [".*on-demand.*"]' }] };

// Configs are edited field by field in the tests.
type Json = any;

function load(config: Json, env: NodeJS.ProcessEnv = NO_ENV) {
  return policyFromText(toYaml(config), FILE, { env });
}

describe('loadPolicy', () => {
  it('loads capacity-guard.example.yml', () => {
    // Act
    const policy = loadPolicy(EXAMPLE_PATH, { env: NO_ENV });

    // Assess
    expect(policy).toMatchObject({
      enabled: true,
      dryRun: false,
      backoff: { initialMs: 180_000, multiplier: 2, maxMs: 1_800_000, resetAfterMs: 10_800_000 },
      reconcile: { eventGraceMs: 60_000, lookbackMs: 900_000, maxActivityLookups: 20 },
    });
    expect(policy.clusters.map(({ name, mode, rules }) => [name, mode, rules.map((rule) => rule.priority)])).toEqual([
      ['prod-eu', 'cluster-autoscaler', [50, 10]],
      ['staging-eu', 'direct', [50, 10]],
    ]);
  });

  it('names the path of a missing file', () => {
    // Act
    const error = errorFrom(() => loadPolicy('/nonexistent/capacity-guard.yml', { env: NO_ENV }));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('/nonexistent/capacity-guard.yml');
  });

  it('reads through the injected readFile and names the path in its errors', () => {
    // Prepare
    const example = readFileSync(EXAMPLE_PATH, 'utf8');
    const broken = example.replace('initial: 3m', 'initial: soon');

    // Act
    const error = errorFrom(() => loadPolicy('/etc/cg/config.yml', { env: NO_ENV, readFile: () => broken }));

    // Assess
    expect(error.message).toMatch(/^\/etc\/cg\/config\.yml: backoff\.initial: /);
  });
});

describe('policyFromText: defaults and durations', () => {
  it('defaults backoff to 3m, ×2, max 30m, reset after 3h', () => {
    // Act
    const policy = load(structuredClone(MINIMAL));

    // Assess
    expect(policy.backoff).toEqual({ initialMs: 180_000, multiplier: 2, maxMs: 1_800_000, resetAfterMs: 10_800_000 });
    expect(policy.enabled).toBe(true);
    expect(policy.clusters[0]?.mode).toBe('cluster-autoscaler');
  });

  it('reads "90s", "1h30m" and plain numbers as seconds', () => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    config.backoff = { initial: '90s', max: 600, resetAfter: '1h30m' };

    // Act
    const policy = load(config);

    // Assess
    expect(policy.backoff).toMatchObject({ initialMs: 90_000, maxMs: 600_000, resetAfterMs: 5_400_000 });
  });

  it('lets a cluster override the top-level mode', () => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    config.mode = 'direct';
    config.clusters.push({ name: 'staging-eu', mode: 'cluster-autoscaler', priorities: '10: [".*"]' });

    // Act
    const policy = load(config);

    // Assess
    expect(policy.clusters.map(({ name, mode }) => [name, mode])).toEqual([
      ['prod-eu', 'direct'],
      ['staging-eu', 'cluster-autoscaler'],
    ]);
  });

  it('accepts priorities written as a YAML map', () => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    config.clusters[0].priorities = { 10: ['.*on-demand.*'], 50: ['.*spot.*'] };

    // Act
    const policy = load(config);

    // Assess
    expect(policy.clusters[0]?.rules.map(({ priority, patterns }) => [priority, patterns])).toEqual([
      [50, ['.*spot.*']],
      [10, ['.*on-demand.*']],
    ]);
  });
});

describe('policyFromText: errors name the file and the field', () => {
  it.each<[string, (config: Json) => void, string]>([
    ['a bad cluster name', (config) => (config.clusters[0].name = 'prod eu'), 'clusters.0.name'],
    ['a bad duration', (config) => (config.backoff = { initial: '3 minutes' }), 'backoff.initial'],
    ['max below initial', (config) => (config.backoff = { initial: '10m', max: '5m' }), 'backoff.max'],
    ['an unknown top-level key', (config) => (config.colour = 'red'), 'colour'],
    ['an unknown nested key', (config) => (config.backoff = { intial: '3m' }), 'intial'],
    ['no clusters', (config) => (config.clusters = []), 'clusters'],
    ['a duplicate cluster name', (config) => config.clusters.push(structuredClone(config.clusters[0])), 'clusters.1.name: duplicate cluster name prod-eu'],
  ])('%s', (_, change, field) => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    change(config);

    // Act
    const error = errorFrom(() => load(config));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(STARTS_WITH_FILE);
    expect(error.message).toContain(field);
  });

  it('names clusters.1.priorities and the cluster for a regex RE2 refuses', () => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    config.clusters.push({ name: 'staging-eu', priorities: '10: ["(?=spot)"]' });

    // Act
    const error = errorFrom(() => load(config));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${FILE}: clusters.1.priorities (cluster staging-eu): `);
    expect(error.message).toContain('"(?=spot)"');
  });

  it('names the file when the YAML does not parse', () => {
    // Act
    const error = errorFrom(() => policyFromText('clusters: [', FILE, { env: NO_ENV }));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(STARTS_WITH_FILE);
    expect(error.message).toContain('not valid YAML');
  });
});

describe('capacity-guard.example.yml with one field broken: the whole error, one line', () => {
  const example = (): Json => parseYaml(readFileSync(EXAMPLE_PATH, 'utf8'));

  it.each<[string, (config: Json) => void, string]>([
    ['backoff: a duration of the wrong type', (c) => (c.backoff.initial = true), 'backoff.initial: invalid duration true (write e.g. "90s", "3m", "1h30m")'],
    [
      'spot: a list where a duration goes',
      (c) => (c.spot.storm.window = ['10m']),
      'spot.storm.window: invalid duration ["10m"] (write e.g. "90s", "3m", "1h30m")',
    ],
    [
      'spot: never misspelt',
      (c) => (c.spot.terminateDetachedAfter = 'nevr'),
      'spot.terminateDetachedAfter: invalid duration "nevr" (write e.g. "30m", "2h", or never)',
    ],
    [
      'spot: a group regex that does not compile',
      (c) => (c.spot.clusters['prod-eu'].groups[0].match = '^spot-(nodes'),
      'spot.clusters.prod-eu.groups.0.match: Invalid regular expression: /^spot-(nodes/: Unterminated group',
    ],
    [
      'spot: an unknown key in a group',
      (c) => (c.spot.clusters['prod-eu'].groups[0].replce = 'none'),
      'spot.clusters.prod-eu.groups.0: Unrecognized key: "replce"',
    ],
    [
      'downscaler: a grace of the wrong type',
      (c) => (c.downscaler.grace = { minutes: 15 }),
      'downscaler.grace: invalid duration {"minutes":15} (write e.g. "90s", "15m", "1h")',
    ],
    [
      'downscaler: a control-plane regex that does not compile',
      (c) => (c.downscaler.controlPlanePattern = 'master|(etcd'),
      'downscaler.controlPlanePattern: Invalid regular expression: /master|(etcd/i: Unterminated group',
    ],
    [
      'clusters: the bad entry of a schedule',
      (c) => (c.clusters[1].downscaler.uptime = 'Mon-Fri 07:30-20:30 UTC, Sat-Sun 20:00-08:00 UTC'),
      'clusters.1.downscaler.uptime: schedule entry "Sat-Sun 20:00-08:00 UTC": end 08:00 is not after start 20:00',
    ],
    [
      'notifications: a webhook URL where an SSM parameter name goes',
      (c) => (c.notifications.routes.critical = ['https://hooks.slack.com/services/T0/B0/x']),
      'notifications.routes.critical.0: this looks like a URL: store the webhook URL in an SSM SecureString parameter and name the parameter here',
    ],
    [
      'notifications: a timeout of the wrong type',
      (c) => (c.notifications.timeout = false),
      'notifications.timeout: invalid duration false (write e.g. "5s", "10m")',
    ],
  ])('%s', (_, change, expected) => {
    // Prepare
    const config = example();
    change(config);

    // Act
    const error = errorFrom(() => load(config));

    // Assess: the file, the field path, what is wrong, and nothing else (one issue, one line)
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.slice(0, FILE.length + 2 + expected.length)).toBe(`${FILE}: ${expected}`);
    expect(error.message).not.toContain(';');
    expect(error.message).not.toContain('\n');
  });
});

describe('kill switch (CAPACITY_GUARD_KILL_SWITCH)', () => {
  it.each([
    ['on', false],
    ['ON', false],
    ['true', false],
    [' on ', false],
    ['on ', false],
    ['Yes', false],
    ['1', false],
    ['enabled', false],
    ['off', true],
    ['OFF', true],
    ['false', true],
    ['no', true],
    ['0', true],
    ['disabled', true],
    ['  ', true],
    ['', true],
  ])('%j → enabled %s', (value, enabled) => {
    // Act
    const policy = load(structuredClone(MINIMAL), { CAPACITY_GUARD_KILL_SWITCH: value });

    // Assess
    expect(policy.enabled).toBe(enabled);
    expect(policy.killSwitchUnreadable).toBeUndefined();
  });

  it('cannot switch on a config that says enabled: false', () => {
    // Prepare
    const config = structuredClone<Json>(MINIMAL);
    config.enabled = false;

    // Act
    const policy = load(config, { CAPACITY_GUARD_KILL_SWITCH: 'off' });

    // Assess
    expect(policy.enabled).toBe(false);
  });

  it.each(['tru', 'of', 'maybe', '\u0000on'])('reads %j as ON and says so (unreadable), never a failed start', (value) => {
    // Act
    const policy = load(structuredClone(MINIMAL), { CAPACITY_GUARD_KILL_SWITCH: value });

    // Assess
    expect(policy.enabled).toBe(false);
    expect(policy.killSwitchUnreadable).toBe(`CAPACITY_GUARD_KILL_SWITCH=${JSON.stringify(value)}`);
  });
});

describe('retire (issue 15)', () => {
  it('is off by default, with the documented defaults', () => {
    expect(load(MINIMAL).retire).toMatchObject({
      enabled: false,
      settleMs: 900_000,
      minAgeMs: 1_800_000,
      batch: { maxNodes: 5, percent: 20 },
      batchIntervalMs: 180_000,
      bootGraceMs: 60_000,
      replaceTimeoutMs: 600_000,
      drainTimeoutMs: 1_800_000,
    });
    expect(loadPolicy(EXAMPLE_PATH, { env: NO_ENV }).retire?.enabled).toBe(false);
  });

  it('names the field of a bad value', () => {
    const error = errorFrom(() => load({ ...MINIMAL, retire: { batch: { maxNodes: 0 } } }));
    expect(error.message).toMatch(/retire\.batch\.maxNodes/);
    expect(errorFrom(() => load({ ...MINIMAL, retire: { settle: 'soon' } })).message).toMatch(/retire\.settle: invalid duration "soon"/);
  });
});

describe('bounds that keep tag values within AWS limits', () => {
  it('refuses unknownFailures.suspendAfter above 20 (its tag value would pass 256 characters)', () => {
    expect(() =>
      policyFromText('unknownFailures:\n  suspendAfter: 30\nclusters:\n  - name: prod\n    priorities: |-\n      10: [".*"]\n', 'capacity-guard.yml', {
        env: {},
      }),
    ).toThrow(/suspendAfter/);
  });
});
