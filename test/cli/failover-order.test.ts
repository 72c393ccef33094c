/**
 * `capacity-guard failover-order`, in process: cluster-autoscaler's priority-expander ConfigMap
 * (as documented in kubernetes/autoscaler, cluster-autoscaler/expander/priority/readme.md) and
 * the bare `priorities` value, edited one rule at a time.
 */
import { describe, expect, it } from 'vitest';

import { failoverOrderCommand } from '../../lib/cli/failover-order';
import { fakeIo } from './fake-io';

const configMap = (priorities: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-autoscaler-priority-expander
  namespace: kube-system
data:
  priorities: |-
${priorities
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

const PRIORITIES = `50:
  - ^spot-
10:
  - ^od-a
  - ^od-b`;

const run = (files: Record<string, string>, args: string[]) => {
  const fake = fakeIo(files);
  return failoverOrderCommand(args, fake.io).then((code) => ({ code, ...fake }));
};

describe('failover-order', () => {
  it('prints the tiers of a ConfigMap, highest first, keeping the given order within a tier, on one line', async () => {
    // Prepare
    const files = { 'cm.yml': configMap(PRIORITIES) };

    // Act
    const { code, stdout, stderrLines } = await run(files, ['--priorities', 'cm.yml', '--groups', 'od-b,spot-b,od-a,spot-a']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe('[["spot-b","spot-a"],["od-b","od-a"]]\n');
    expect(stderrLines()).toEqual([]);
  });

  it('accepts the bare priorities value, read from stdin', async () => {
    // Prepare
    const files = { '-': PRIORITIES };

    // Act
    const { code, stdout } = await run(files, ['--priorities', '-', '--groups=spot-a,od-a']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe('[["spot-a"],["od-a"]]\n');
  });

  it('drops a group that matches no pattern, with a warning naming it', async () => {
    // Prepare
    const files = { 'p.yml': PRIORITIES };

    // Act
    const { code, stdout, stderrLines } = await run(files, ['--priorities', 'p.yml', '--groups', 'spot-a,od-x,od-a']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe('[["spot-a"],["od-a"]]\n');
    expect(stderrLines()).toEqual(["warning: group od-x matches no priority pattern: cluster-autoscaler's priority expander will not prefer it"]);
  });

  it('drops a group whose priority is below -1, with a warning naming its priority', async () => {
    // Prepare
    const files = { 'p.yml': `${PRIORITIES}\n-5:\n  - ^od-x` };

    // Act
    const { code, stdout, stderrLines } = await run(files, ['--priorities', 'p.yml', '--groups', 'spot-a,od-x']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe('[["spot-a"]]\n');
    expect(stderrLines()).toEqual([expect.stringMatching(/^warning: group od-x has priority -5, below -1: /)]);
  });

  it('keeps a group at priority -1 (the lowest the expander still uses)', async () => {
    // Prepare
    const files = { 'p.yml': `${PRIORITIES}\n-1:\n  - ^od-x` };

    // Act
    const { stdout, stderrLines } = await run(files, ['--priorities', 'p.yml', '--groups', 'od-x,spot-a']);

    // Assess
    expect(stdout()).toBe('[["spot-a"],["od-x"]]\n');
    expect(stderrLines()).toEqual([]);
  });

  it('falls back to one tier of all groups when none matches, and says so', async () => {
    // Prepare
    const files = { 'p.yml': PRIORITIES };

    // Act
    const { code, stdout, stderrLines } = await run(files, ['--priorities', 'p.yml', '--groups', 'x,y']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe('[["x","y"]]\n');
    expect(stderrLines()).toEqual([expect.stringMatching(/^warning: no group matches .*all groups as equals/)]);
  });

  it.each([
    ['bad YAML', '50: [^spot-\n', /^failover-order: p\.yml: priorities are not valid YAML: /],
    ['a key that is not an integer', PRIORITIES.replace('50:', 'fifty:'), /^failover-order: p\.yml: priority key "fifty" is not an integer$/],
    [
      'a regex RE2 rejects',
      PRIORITIES.replace('^spot-', '^spot-(?!x)'),
      /^failover-order: p\.yml: pattern "\^spot-\(\?!x\)" is not valid RE2, so cluster-autoscaler refuses it too: .*\(\?!/,
    ],
    [
      'a ConfigMap without data.priorities',
      configMap(PRIORITIES).replace('priorities: |-', 'other: |-'),
      /^failover-order: p\.yml: ConfigMap has no data\.priorities key$/,
    ],
  ])('rejects %s: exit 2, one line naming the file, nothing on stdout', async (_what, text, message) => {
    // Prepare
    const files = { 'p.yml': text };

    // Act
    const { code, stdout, stderrLines } = await run(files, ['--priorities', 'p.yml', '--groups', 'spot-a']);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(message)]);
  });

  it('names a missing priorities file', async () => {
    // Act
    const { code, stderrLines } = await run({}, ['--priorities', 'nope.yml', '--groups', 'a']);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual(['failover-order: nope.yml: cannot read: no such file']);
  });

  it.each([
    [['--groups', 'a'], /missing --priorities/],
    [['--priorities', 'p.yml'], /missing --groups/],
    [['--priorities', 'p.yml', '--groups', ' , '], /--groups lists no group/],
    [['--priorities', '--groups', 'a'], /option --priorities needs a value/],
    [['--priorities', 'p.yml', '--groups', 'a', '--json'], /unknown option --json/],
    [['--priorities', 'p.yml', '--groups', 'a', 'extra'], /unexpected argument extra/],
  ])('exits 2 with one line for %j', async (args, message) => {
    // Act
    const { code, stdout, stderrLines } = await run({ 'p.yml': PRIORITIES }, args);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(message)]);
  });

  it('prints its help with -h', async () => {
    // Act
    const { code, stdout } = await run({}, ['-h']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toMatch(/^Usage: capacity-guard failover-order --priorities/);
  });
});

describe('failover-order with an empty priorities config (item 15)', () => {
  it.each([
    ['an empty file', ''],
    ['an empty map', '{}'],
    ['a ConfigMap with empty data.priorities', configMap('')],
  ])('follows cluster-autoscaler for %s: every group as equals, with a warning', async (_, text) => {
    const { code, stdout, stderr } = await run({ 'p.yml': text }, ['--priorities', 'p.yml', '--groups', 'spot-a,od-a']);

    expect(code).toBe(0);
    expect(stdout()).toBe('[["spot-a","od-a"]]\n');
    expect(stderr()).toMatch(/^warning: p\.yml: priorities are empty: cluster-autoscaler ignores the expander and uses every group as equals\n/);
  });
});
