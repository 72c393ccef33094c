/**
 * scripts/serverless/spot-iam.cjs: the instance-tagging policy serverless.yml takes from the config
 * file. Checked against lib/spot/ownership.ts with a small evaluator of the condition operators the
 * policy uses: IAM must allow every instance the code would tag (one refused instance fails a whole
 * CreateTags call), and no instance of another cluster.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Ec2Instance } from '../../../lib/ports/ec2';
import { ownershipOf } from '../../../lib/spot/ownership';
import { DETACHED_DRAIN_REASONS } from '../../../lib/spot/sweep';

const require = createRequire(import.meta.url);
interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Condition: Record<string, Record<string, string | string[]>>;
}
const { tagPolicyDocument, terminatePolicyDocument, clusterNames, MANAGED_POLICY_MAX_CHARS } = require('../../../scripts/serverless/spot-iam.cjs') as {
  tagPolicyDocument(text: string, scope: string, file?: string): { Statement: Statement[] };
  terminatePolicyDocument(text: string, scope: string, file?: string): { Statement: Statement[] };
  clusterNames(text: string): string[];
  MANAGED_POLICY_MAX_CHARS: number;
};

const config = (...names: string[]) => `clusters:\n${names.map((name) => `  - name: ${name}\n    priorities: "50: [spot]"\n`).join('')}`;

/** CreateTags of `tagKeys` (or, undefined, an action without tag keys) on an instance with `tags`: allowed by some statement and denied by none? (Only the operators the policies use.) */
function allows(statements: readonly Statement[], tags: Record<string, string>, tagKeys: string[] | undefined): boolean {
  const applies = matching(tags, tagKeys);
  return statements.some((s) => s.Effect === 'Allow' && applies(s)) && !statements.some((s) => s.Effect === 'Deny' && applies(s));
}

const matching =
  (tags: Record<string, string>, tagKeys: string[] | undefined) =>
  (statement: Statement): boolean => {
    const value = (key: string): string[] | undefined => {
      if (key === 'aws:TagKeys') return tagKeys;
      if (key.startsWith('aws:ResourceTag/')) {
        const found = tags[key.slice('aws:ResourceTag/'.length)];
        return found === undefined ? undefined : [found];
      }
      throw new Error(`unexpected condition key ${key}`);
    };
    const like = (pattern: string, text: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(text);
    return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const actual = value(key);
        const wanted = Array.isArray(expected) ? expected : [expected];
        switch (operator) {
          case 'Null':
            return (actual === undefined) === (expected === 'true');
          case 'StringEquals':
            return actual !== undefined && actual.some((a) => wanted.includes(a));
          case 'StringNotEquals':
            // Negated operators are true when the key is absent.
            return actual === undefined || !actual.some((a) => wanted.includes(a));
          case 'ForAllValues:StringLike':
            return (actual ?? []).every((a) => wanted.some((w) => like(w, a)));
          default:
            throw new Error(`unexpected operator ${operator}`);
        }
      }),
    );
  };

const instance = (tags: Record<string, string>): Ec2Instance => ({
  instanceId: 'i-0123456789abcdef0',
  state: 'running',
  tags: { 'aws:autoscaling:groupName': 'spot-nodes-a', ...tags },
  availabilityZone: 'eu-west-3a',
  availabilityZoneId: 'euw3-az1',
  instanceType: 'm5.8xlarge',
  market: 'spot',
  autoScalingGroupName: 'spot-nodes-a',
  privateDnsName: 'ip-10-0-0-1.eu-west-3.compute.internal',
});

describe('the instance-tagging policy (spotTagScope)', () => {
  const clusters = ['prod-eu', 'staging-eu'];
  const { Statement } = tagPolicyDocument(config(...clusters), 'cluster');
  const drain = ['capacity-guard/drain', 'capacity-guard/drain-deadline'];

  it('reads the cluster names of the config file once each', () => {
    expect(clusterNames(config('a', 'b', 'a'))).toEqual(['a', 'b']);
  });

  it.each([
    ['cluster-autoscaler discovery tag', { 'k8s.io/cluster-autoscaler/prod-eu': 'owned' }],
    ['cloud-provider tag', { 'kubernetes.io/cluster/staging-eu': 'shared' }],
    ['EKS tag', { 'eks:cluster-name': 'prod-eu' }],
    ['kops tag', { KubernetesCluster: 'staging-eu' }],
    [
      'detached by us (no group tag, drain tag kept)',
      { 'aws:autoscaling:groupName': undefined as unknown as string, 'capacity-guard/drain': 'rebalance-replace', 'kubernetes.io/cluster/prod-eu': 'owned' },
    ],
  ])('allows the drain tags on an instance of a configured cluster named by its %s — as the code owns it', (_name, extra) => {
    const tags = Object.fromEntries(Object.entries({ 'aws:autoscaling:groupName': 'spot-nodes-a', ...extra }).filter(([, v]) => v !== undefined));
    const observed = { ...instance({}), tags, autoScalingGroupName: tags['aws:autoscaling:groupName'] ?? null };
    expect(ownershipOf(observed, clusters).owned).toBe(true);
    expect(allows(Statement, tags, drain)).toBe(true);
  });

  it.each([
    [
      'another cluster',
      { 'k8s.io/cluster-autoscaler/prod-us': 'owned', 'kubernetes.io/cluster/prod-us': 'owned', 'eks:cluster-name': 'prod-us', KubernetesCluster: 'prod-us' },
    ],
    ['only the enabled tag', { 'k8s.io/cluster-autoscaler/enabled': 'true' }],
    ['no cluster tag at all', {}],
  ])('refuses an Auto Scaling instance of %s — which the code ignores too', (_name, extra) => {
    const observed = instance(extra);
    expect(ownershipOf(observed, clusters).owned).toBe(false);
    expect(allows(Statement, observed.tags, drain)).toBe(false);
  });

  it('allows only keys under capacity-guard/, and never a DeleteTags without keys (which removes every tag)', () => {
    const tags = { 'k8s.io/cluster-autoscaler/prod-eu': 'owned' };
    expect(allows(Statement, tags, ['capacity-guard/drain', 'Name'])).toBe(false);
    expect(allows(Statement, tags, undefined)).toBe(false);
  });

  it('group scope: any Auto Scaling instance or one we drain-tagged, whatever its cluster', () => {
    const group = tagPolicyDocument(config('prod-eu'), 'group').Statement;
    expect(allows(group, { 'aws:autoscaling:groupName': 'x' }, drain)).toBe(true);
    expect(allows(group, { 'capacity-guard/drain': 'rebalance-replace' }, drain)).toBe(true);
    expect(allows(group, { 'kubernetes.io/cluster/prod-eu': 'owned' }, drain)).toBe(false);
  });

  it('fails packaging with the way out when the clusters do not fit a managed policy', () => {
    const many = Array.from({ length: 12 }, (_, index) => `cluster-with-a-long-name-${index}`);
    expect(() => tagPolicyDocument(config(...many), 'cluster', 'prod.yml')).toThrow(
      new RegExp(`12 clusters of prod.yml is \\d+ characters, over the ${MANAGED_POLICY_MAX_CHARS}.*spotTagScope=group`),
    );
    expect(() => tagPolicyDocument(config(...many), 'group')).not.toThrow();
    expect(() => tagPolicyDocument(config('a'), 'everything')).toThrow(/spotTagScope: "everything" is not one of cluster, group/);
    expect(() => tagPolicyDocument('clusters: []\n', 'cluster', 'empty.yml')).toThrow(/empty.yml names no cluster/);
  });

  it('fits 8 clusters of ordinary names', () => {
    expect(() => tagPolicyDocument(config(...Array.from({ length: 8 }, (_, index) => `prod-eu-${index}`)), 'cluster')).not.toThrow();
  });
});

describe('the instance-termination policy (the sweep)', () => {
  const clusters = ['prod-eu', 'staging-eu'];
  const { Statement } = terminatePolicyDocument(config(...clusters), 'cluster');
  /** An instance we detached: Auto Scaling removed aws:autoscaling:groupName, our drain tag stays. */
  const detached = (tags: Record<string, string>): Ec2Instance => {
    const { 'aws:autoscaling:groupName': _group, ...rest } = instance(tags).tags;
    return { ...instance({}), tags: rest, autoScalingGroupName: null };
  };
  /** What lib/spot/sweep.ts planDetachedTermination checks, the time aside. */
  const codeWouldTerminate = (observed: Ec2Instance) =>
    observed.autoScalingGroupName === null &&
    DETACHED_DRAIN_REASONS.includes(observed.tags['capacity-guard/drain'] ?? '') &&
    ownershipOf(observed, clusters).owned;

  it.each([
    ['cluster-autoscaler discovery tag', { 'k8s.io/cluster-autoscaler/prod-eu': 'owned' }],
    ['cloud-provider tag', { 'kubernetes.io/cluster/staging-eu': 'shared' }],
    ['EKS tag', { 'eks:cluster-name': 'prod-eu' }],
    ['kops tag', { KubernetesCluster: 'staging-eu' }],
  ])('allows a detached node of a configured cluster named by its %s, for both detach reasons', (_name, extra) => {
    for (const reason of DETACHED_DRAIN_REASONS) {
      const observed = detached({ ...extra, 'capacity-guard/drain': reason });
      expect(codeWouldTerminate(observed), reason).toBe(true);
      expect(allows(Statement, observed.tags, undefined), reason).toBe(true);
    }
  });

  it.each([
    ['still in its group', instance({ 'k8s.io/cluster-autoscaler/prod-eu': 'owned', 'capacity-guard/drain': 'spot-interruption' })],
    ['of another cluster', detached({ 'kubernetes.io/cluster/prod-us': 'owned', 'eks:cluster-name': 'prod-us', 'capacity-guard/drain': 'spot-interruption' })],
    [
      'only marked for drain by a rebalance hint (never detached)',
      detached({ 'k8s.io/cluster-autoscaler/prod-eu': 'owned', 'capacity-guard/drain': 'rebalance-recommendation' }),
    ],
    ['without our drain tag', detached({ 'k8s.io/cluster-autoscaler/prod-eu': 'owned' })],
  ])('refuses a node %s — which the code never terminates either', (_name, observed) => {
    expect(codeWouldTerminate(observed)).toBe(false);
    expect(allows(Statement, observed.tags, undefined)).toBe(false);
  });

  it('group scope drops the cluster but still never a node in a group', () => {
    const group = terminatePolicyDocument(config('prod-eu'), 'group').Statement;
    expect(allows(group, detached({ 'kubernetes.io/cluster/prod-us': 'owned', 'capacity-guard/drain': 'rebalance-replace' }).tags, undefined)).toBe(true);
    expect(allows(group, instance({ 'capacity-guard/drain': 'rebalance-replace' }).tags, undefined)).toBe(false);
  });

  it('is an explicit Deny when the config says terminateDetachedAfter: never', () => {
    const never = `${config('prod-eu')}spot:\n  terminateDetachedAfter: never\n`;
    expect(terminatePolicyDocument(never, 'cluster').Statement).toEqual([
      { Sid: 'SpotTerminateDisabled', Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' },
    ]);
    expect(
      allows(
        terminatePolicyDocument(never, 'cluster').Statement,
        detached({ 'k8s.io/cluster-autoscaler/prod-eu': 'owned', 'capacity-guard/drain': 'spot-interruption' }).tags,
        undefined,
      ),
    ).toBe(false);
  });

  it('fits more clusters than the tagging policy (never the limit), and names the way out beyond', () => {
    const names = (count: number) => Array.from({ length: count }, (_, index) => `cluster-with-a-long-name-${index}`);
    expect(() => tagPolicyDocument(config(...names(12)), 'cluster')).toThrow();
    expect(() => terminatePolicyDocument(config(...names(12)), 'cluster')).not.toThrow();
    expect(() => terminatePolicyDocument(config(...names(40)), 'cluster', 'prod.yml')).toThrow(/40 clusters of prod.yml is \d+ characters.*spotTagScope=group/);
  });
});
