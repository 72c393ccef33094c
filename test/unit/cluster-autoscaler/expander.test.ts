/**
 * The priority expander read the way cluster-autoscaler reads it (kubernetes/autoscaler,
 * cluster-autoscaler/expander/priority/priority.go): `BestOption` starts its running maximum at -1,
 * matches each regex with `FindStringIndex` (unanchored), keeps the highest priority per group,
 * warns about and skips groups matching nothing, and falls back to all options when none matches.
 * `parsePrioritiesYAMLString` rejects an empty string, YAML that is not map[int][]string, and any
 * pattern Go's regexp (RE2) refuses.
 */
import { describe, expect, it } from 'vitest';

import { PrioritiesError } from '../../../lib/vocabulary/errors';
import { failoverOrder, parsePriorities, priorityOf } from '../../../lib/cluster-autoscaler/expander';
import { compileRe2 } from '../../../lib/cluster-autoscaler/re2';
import { errorFrom } from '../../support/error-from';

const GROUPS = ['spot-nodes-a', 'spot-nodes-b', 'on-demand-a', 'on-demand-b'];

describe('parsePriorities + failoverOrder', () => {
  it('searches unanchored: `spot` matches prod-spot-nodes-a', () => {
    // Prepare
    const rules = parsePriorities('50: ["spot"]');

    // Act
    const priority = priorityOf(rules, 'prod-spot-nodes-a');

    // Assess
    expect(priority).toBe(50);
  });

  it('gives a group matching several priorities the highest one', () => {
    // Prepare: the lower priority is written first on purpose.
    const rules = parsePriorities('10: [".*nodes.*", ".*on-demand.*"]\n50: [".*spot.*"]');

    // Act
    const order = failoverOrder(rules, GROUPS);

    // Assess
    expect(order.priorityOf.get('spot-nodes-a')).toBe(50);
    expect(order.tiers).toEqual([
      ['spot-nodes-a', 'spot-nodes-b'],
      ['on-demand-a', 'on-demand-b'],
    ]);
  });

  it('puts groups of equal priority in one tier', () => {
    // Prepare
    const rules = parsePriorities('10: [".*"]');

    // Act
    const order = failoverOrder(rules, GROUPS);

    // Assess
    expect(order.tiers).toEqual([GROUPS]);
    expect(order.dropped).toEqual([]);
  });

  it('drops a group that matches no pattern', () => {
    // Prepare
    const rules = parsePriorities('50: [".*spot.*"]');

    // Act
    const order = failoverOrder(rules, GROUPS);

    // Assess
    expect(order.tiers).toEqual([['spot-nodes-a', 'spot-nodes-b']]);
    expect(order.dropped.map(({ group }) => group)).toEqual(['on-demand-a', 'on-demand-b']);
    expect(order.priorityOf.has('on-demand-a')).toBe(false);
  });

  it('keeps priority -1 but drops anything below it (the expander starts its maximum at -1)', () => {
    // Prepare
    const rules = parsePriorities('50: [".*spot.*"]\n-1: ["on-demand-a"]\n-2: ["on-demand-b"]');

    // Act
    const order = failoverOrder(rules, GROUPS);

    // Assess
    expect(order.tiers).toEqual([['spot-nodes-a', 'spot-nodes-b'], ['on-demand-a']]);
    expect(order.dropped).toEqual([{ group: 'on-demand-b', why: expect.stringContaining('-2') }]);
  });

  it('uses every group, in one tier, when no group matches at all', () => {
    // Prepare
    const rules = parsePriorities('50: ["^gpu-"]');

    // Act
    const order = failoverOrder(rules, GROUPS);

    // Assess
    expect(order).toEqual({ tiers: [GROUPS], priorityOf: new Map(), dropped: [] });
  });
});

describe('parsePriorities: ConfigMap YAML', () => {
  it('accepts the whole ConfigMap with a `data.priorities: |-` block', () => {
    // Prepare
    const configMap = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: cluster-autoscaler-priority-expander',
      '  namespace: kube-system',
      'data:',
      '  priorities: |-',
      '    10:',
      '      - .*on-demand.*',
      '    50:',
      '      - .*spot.*',
    ].join('\n');

    // Act
    const rules = parsePriorities(configMap);

    // Assess
    expect(rules.map(({ priority, patterns }) => [priority, patterns])).toEqual([
      [50, ['.*spot.*']],
      [10, ['.*on-demand.*']],
    ]);
  });

  it('accepts the plain `priorities` value', () => {
    // Act
    const rules = parsePriorities('10: [".*on-demand.*"]\n50: [".*spot.*"]');

    // Assess
    expect(rules.map(({ priority }) => priority)).toEqual([50, 10]);
  });

  it('rejects a ConfigMap without data.priorities', () => {
    // Act
    const error = errorFrom(() => parsePriorities('kind: ConfigMap\ndata:\n  other: x'));

    // Assess
    expect(error).toBeInstanceOf(PrioritiesError);
    expect(error.message).toContain('data.priorities');
  });
});

describe('parsePriorities: configs cluster-autoscaler rejects', () => {
  it.each([
    ['a non-integer key', 'high: [".*spot.*"]', 'high'],
    [
      'the data section pasted without its ConfigMap',
      'priorities: |-\n  10: [".*"]',
      'priority key "priorities" is not an integer (give the value of data.priorities, or the whole ConfigMap YAML)',
    ],
    ['a value that is not a list', '10: ".*spot.*"', 'list'],
    ['a list holding a map', '10:\n  - spot: true', 'list'],
    ['an empty config', '', 'empty'],
    ['an empty map', '{}', 'empty'],
    ['invalid YAML', '10: [".*spot.*"', 'YAML'],
  ])('%s', (_, text, expected) => {
    // Act
    const error = errorFrom(() => parsePriorities(text));

    // Assess
    expect(error).toBeInstanceOf(PrioritiesError);
    expect(error.message).toContain(expected);
  });

  it.each([
    ['lookahead', '(?=spot).*'],
    ['backreference', '(spot)-\\1'],
  ])('rejects RE2-refused %s, naming the pattern', (_, pattern) => {
    // Act
    const error = errorFrom(() => parsePriorities(JSON.stringify({ 10: [pattern] })));

    // Assess
    expect(error).toBeInstanceOf(PrioritiesError);
    expect(error.message).toContain(`"${pattern}"`);
  });
});

describe('compileRe2: RE2 spellings JavaScript lacks', () => {
  it('translates the leading flag group: (?i)SPOT matches spot-a', () => {
    // Act
    const regex = compileRe2('(?i)SPOT');

    // Assess
    expect(regex.test('spot-a')).toBe(true);
  });

  it('accepts named groups: (?P<x>spot) compiles and matches', () => {
    // Act
    const regex = compileRe2('(?P<x>spot)');

    // Assess
    expect(regex.test('prod-spot-a')).toBe(true);
  });

  it('rejects a pattern that compiles in neither', () => {
    // Act
    const error = errorFrom(() => compileRe2('spot-('));

    // Assess
    expect(error).toBeInstanceOf(PrioritiesError);
    expect(error.message).toContain('"spot-("');
  });
});

// Item 16: what cluster-autoscaler's Go regexp (RE2) accepts, with RE2's meaning (re2js, a port of RE2).
describe("compileRe2: RE2 constructs with cluster-autoscaler's meaning", () => {
  it.each([
    ['a Unicode class \\p{L}', '^\\p{L}+-nodes', 'spot-nodes-a', 'spot1-nodes'],
    ['a negated Unicode class \\P{N}', '^\\P{N}+$', 'spot-nodes', 'spot-nodes-1'],
    ['a quoted literal \\Q…\\E', '\\Qspot.8x\\E', 'prod-spot.8x-a', 'prod-spotx8x-a'],
    ['a hex escape \\x{…}', '^\\x{73}pot', 'spot-a', 'on-demand-spot'],
    ['POSIX classes [[:alpha:]] and [[:digit:]]', '^[[:alpha:]]+-nodes-[[:digit:]]', 'spot-nodes-8x', 'spot-nodes-x8'],
    ['the ungreedy flag (?U)', '(?U)^spot-.+-a$', 'spot-nodes-a', 'spot-nodes-b'],
    ['flags inside the pattern', 'spot-(?i:NODES)', 'spot-nodes-a', 'SPOT-nodes-a'],
    ['\\A and \\z', '\\Aspot-nodes-a\\z', 'spot-nodes-a', 'spot-nodes-ab'],
  ])('accepts %s: %s', (_, pattern, matching, other) => {
    // Act
    const regex = compileRe2(pattern);

    // Assess
    expect(regex.test(matching)).toBe(true);
    expect(regex.test(other)).toBe(false);
  });

  it('searches unanchored, as cluster-autoscaler does (FindStringIndex)', () => {
    expect(compileRe2('spot').test('prod-spot-nodes')).toBe(true);
  });

  it('takes a group name in linear time: no catastrophic backtracking on (a+)+$', () => {
    expect(compileRe2('^(a+)+$').test(`${'a'.repeat(5000)}!`)).toBe(false);
  });
});
