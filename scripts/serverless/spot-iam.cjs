// serverless.yml variable source: the managed policy that lets the spot functions write their
// capacity-guard/* tags (CreateTags, DeleteTags) only on instances of the config's clusters.
// Read at package time from the same config file that goes into the zip (--param="configFile=..."),
// like notify-iam.cjs; the config is validated for real at cold start.
//
// The IAM condition mirrors lib/spot/ownership.ts (clustersNamedBy): the code tags an instance only
// if one of these tags names a configured cluster, and IAM allows exactly those instances:
//   k8s.io/cluster-autoscaler/<name>  (key names the cluster; present = allowed)
//   kubernetes.io/cluster/<name>      (key names the cluster)
//   eks:cluster-name = <name>         (value names the cluster)
//   KubernetesCluster = <name>        (value names the cluster)
// IAM must not be narrower than the code: CreateTags takes many instances in one call and one
// refused instance fails the whole call. IAM ANDs the keys of one statement, so each key-form
// tag of each cluster is its own statement: 2 per cluster + 2.
//
// Size: a managed policy holds at most 6,144 characters without whitespace (IAM and AWS STS
// quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), about
// 8 clusters here. Beyond, packaging fails and names the way out: --param="spotTagScope=group"
// allows the tags on any instance launched by an Auto Scaling group (aws:autoscaling:groupName,
// which no principal can set) and leaves the cluster check to the code alone.
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

const MANAGED_POLICY_MAX_CHARS = 6144;
const SCOPES = ['cluster', 'group'];

/** The `name` of every entry of `clusters:` (disabled ones too: they may be enabled without a deploy). */
function clusterNames(configText) {
  const clusters = (parse(configText) || {}).clusters;
  const names = (Array.isArray(clusters) ? clusters : []).map((cluster) => cluster && cluster.name);
  return [...new Set(names.filter((name) => typeof name === 'string' && name !== ''))];
}

const INSTANCES = { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*' };

/** Only keys under capacity-guard/ may be written or removed; Null keeps DeleteTags from removing all tags. */
function statement(sid, condition) {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
    Resource: INSTANCES,
    Condition: {
      ...condition,
      Null: { ...(condition.Null || {}), 'aws:TagKeys': 'false' },
      'ForAllValues:StringLike': { 'aws:TagKeys': ['capacity-guard/*'] },
    },
  };
}

/** Statement ids: alphanumeric only. */
const sidOf = (prefix, index) => `${prefix}${index}`;

function clusterStatements(names) {
  const keyed = names.flatMap((name, index) => [
    statement(sidOf('SpotTagCaCluster', index), { Null: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`]: 'false' } }),
    statement(sidOf('SpotTagK8sCluster', index), { Null: { [`aws:ResourceTag/kubernetes.io/cluster/${name}`]: 'false' } }),
  ]);
  return [
    ...keyed,
    statement('SpotTagEksCluster', { StringEquals: { 'aws:ResourceTag/eks:cluster-name': names } }),
    statement('SpotTagKopsCluster', { StringEquals: { 'aws:ResourceTag/KubernetesCluster': names } }),
  ];
}

/**
 * Coarse scope: instances launched by an Auto Scaling group, and the ones we detached (Auto Scaling
 * removes aws:autoscaling:groupName on detach; they carry our drain tag).
 */
function groupStatements() {
  return [
    statement('SpotTagGroupInstances', { Null: { 'aws:ResourceTag/aws:autoscaling:groupName': 'false' } }),
    statement('SpotTagDetachedInstances', { Null: { 'aws:ResourceTag/capacity-guard/drain': 'false' } }),
  ];
}

/** Characters IAM counts, with the Fn::Sub resolved at its longest plausible (aws-iso-b partition, 12-digit account). */
function policySize(document) {
  const longest = JSON.stringify('arn:aws-iso-b:ec2:ap-southeast-5:123456789012:instance/*');
  return JSON.stringify(document).split(JSON.stringify(INSTANCES)).join(longest).length;
}

function tagPolicyDocument(configText, scope, configFile = 'the config file') {
  if (!SCOPES.includes(scope)) throw new Error(`spotTagScope: ${JSON.stringify(scope)} is not one of ${SCOPES.join(', ')}`);
  const names = clusterNames(configText);
  if (scope === 'cluster' && names.length === 0) throw new Error(`spotTagScope=cluster: ${configFile} names no cluster under clusters:`);
  const document = { Version: '2012-10-17', Statement: scope === 'cluster' ? clusterStatements(names) : groupStatements() };
  return withinManagedPolicyQuota(document, 'instance-tagging', names, configFile, 'any Auto Scaling instance, the cluster checked in code');
}

/** The document, or an error naming the way out when it is over the managed-policy quota. */
function withinManagedPolicyQuota(document, what, names, configFile, groupScope, wayOut = 'spotTagScope=group') {
  const size = policySize(document);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new Error(
      `${wayOut.split('=')[0]}=cluster: the ${what} policy for the ${names.length} clusters of ${configFile} is ${size} characters, ` +
        `over the ${MANAGED_POLICY_MAX_CHARS} of an IAM managed policy; package with --param="${wayOut}" ` +
        `(${groupScope}) or split the clusters over several stacks`,
    );
  }
  return document;
}

// ---- ec2:TerminateInstances for the sweep (lib/spot/sweep.ts planDetachedTermination) -------------
// The code terminates a node only if it is in no Auto Scaling group, carries a drain tag that goes
// with a detach, and names a configured cluster. IAM says the same, so a bug (or a capacity-guard/drain
// tag written by someone else) can never terminate a node still in a group or of another cluster:
//   Allow: aws:autoscaling:groupName absent (Auto Scaling removes it on detach; no principal can write
//     aws: keys) and the drain tag one of DETACH_REASONS;
//   Deny (cluster scope): instances whose tags name none of the configured clusters. The OR of the four
//     tag forms turned around (De Morgan) fits one statement: every key-form tag absent AND neither
//     value-form tag naming a cluster (a negated operator is true when the key is absent). Half the
//     size of an Allow per tag form, and an explicit Deny also holds against any other grant.
// With spot.terminateDetachedAfter: never in the config, the whole action is denied instead.

/** lib/spot/sweep.ts DETACHED_DRAIN_REASONS. */
const DETACH_REASONS = ['rebalance-replace', 'spot-interruption'];

/** True when the config's spot.terminateDetachedAfter is "never" (the sweep never terminates). */
function terminationDisabled(configText) {
  return ((parse(configText) || {}).spot || {}).terminateDetachedAfter === 'never';
}

function terminatePolicyDocument(configText, scope, configFile = 'the config file') {
  if (!SCOPES.includes(scope)) throw new Error(`spotTagScope: ${JSON.stringify(scope)} is not one of ${SCOPES.join(', ')}`);
  if (terminationDisabled(configText)) {
    return { Version: '2012-10-17', Statement: [{ Sid: 'SpotTerminateDisabled', Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' }] };
  }
  const names = clusterNames(configText);
  if (scope === 'cluster' && names.length === 0) throw new Error(`spotTagScope=cluster: ${configFile} names no cluster under clusters:`);
  const allow = {
    Sid: 'SpotTerminateDetached',
    Effect: 'Allow',
    Action: 'ec2:TerminateInstances',
    Resource: INSTANCES,
    Condition: {
      StringEquals: { 'aws:ResourceTag/capacity-guard/drain': DETACH_REASONS },
      Null: { 'aws:ResourceTag/aws:autoscaling:groupName': 'true' },
    },
  };
  const denyOtherClusters = {
    Sid: 'SpotTerminateNoOtherCluster',
    Effect: 'Deny',
    Action: 'ec2:TerminateInstances',
    Resource: INSTANCES,
    Condition: {
      Null: Object.fromEntries(
        names.flatMap((name) => [
          [`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`, 'true'],
          [`aws:ResourceTag/kubernetes.io/cluster/${name}`, 'true'],
        ]),
      ),
      StringNotEquals: { 'aws:ResourceTag/eks:cluster-name': names, 'aws:ResourceTag/KubernetesCluster': names },
    },
  };
  const document = { Version: '2012-10-17', Statement: scope === 'group' ? [allow] : [allow, denyOtherClusters] };
  return withinManagedPolicyQuota(
    document,
    'instance-termination',
    names,
    configFile,
    'any detached instance with a detach drain tag, the cluster checked in code',
  );
}

async function terminatePolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const scope = await resolveVariable('param:spotTagScope');
  return terminatePolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), scope, configFile);
}

async function instanceTagPolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const scope = await resolveVariable('param:spotTagScope');
  return tagPolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), scope, configFile);
}

module.exports = {
  instanceTagPolicy,
  tagPolicyDocument,
  terminatePolicy,
  terminatePolicyDocument,
  clusterNames,
  withinManagedPolicyQuota,
  MANAGED_POLICY_MAX_CHARS,
};
