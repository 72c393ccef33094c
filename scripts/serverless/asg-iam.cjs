// serverless.yml variable sources: the managed policies of the functions' Auto Scaling writes (sizes,
// capacity-guard/* group tags; DetachInstances for the spot function alone), generated at package time from the config file that
// goes into the zip (--param="configFile=..."), like spot-iam.cjs.
//
// Scope: a group may be written only if it carries k8s.io/cluster-autoscaler/enabled=true AND the
// cluster tag k8s.io/cluster-autoscaler/<name> of a configured cluster (lib/cluster-autoscaler-tags.ts:
// the tags the code discovers groups by). IAM ANDs the keys of one statement, so each cluster is its
// own statement. The actions take the autoScalingGroup resource type and the condition key
// autoscaling:ResourceTag/${TagKey} (Service Authorization Reference, Amazon EC2 Auto Scaling,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html).
//
// UpdateAutoScalingGroup is limited to sizes: one Deny per request condition key that is present when
// the request changes the subnets (autoscaling:VPCZoneIdentifiers), the launch template
// (autoscaling:LaunchTemplateVersionSpecified), the launch configuration
// (autoscaling:LaunchConfigurationName) or the load balancers (autoscaling:LoadBalancerNames,
// autoscaling:TargetGroupARNs). Null "false" = the key is in the request; one key per statement, so
// any one of them denies (keys of one statement are ANDed). Our code sends Min/Max/Desired only.
//
// The downscaler also scales groups of any cluster that carry one of its schedule tags (lib/downscaler/
// tags.ts DISCOVERY_TAG_KEYS, by design: the group's owner opted in by tagging it): one more Allow pair
// per such key, sizes and the downscaler's own capacity-guard/downscaler-* keys only.
//
// Size: as spot-iam.cjs, the 6,144-character quota of a managed policy (about 6 clusters). Beyond,
// packaging fails and names the way out: --param="groupWriteScope=tag" keeps the
// k8s.io/cluster-autoscaler/enabled=true condition alone and leaves the cluster check to the code.
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { clusterNames, withinManagedPolicyQuota } = require('./spot-iam.cjs');

const SCOPES = ['cluster', 'tag'];
const GROUPS = { 'Fn::Sub': 'arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/*' };
const ENABLED = { 'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' };
/** lib/downscaler/tags.ts DISCOVERY_TAG_KEYS. */
const DOWNSCALER_DISCOVERY_KEYS = ['capacity-guard/uptime', 'capacity-guard/downtime', 'capacity-guard/downscaler-saved'];
const SIZE_ONLY_KEYS = [
  'autoscaling:VPCZoneIdentifiers',
  'autoscaling:LaunchTemplateVersionSpecified',
  'autoscaling:LaunchConfigurationName',
  'autoscaling:LoadBalancerNames',
  'autoscaling:TargetGroupARNs',
];

function writeStatements(sid, extraNull, tagKeys = ['capacity-guard/*'], actions = ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:SetDesiredCapacity']) {
  const scoped = (condition) => (extraNull ? { ...condition, Null: { ...(condition.Null || {}), ...extraNull } } : condition);
  return [
    {
      Sid: `${sid}Sizes`,
      Effect: 'Allow',
      Action: actions,
      Resource: GROUPS,
      Condition: scoped({ StringEquals: ENABLED }),
    },
    {
      Sid: `${sid}Tags`,
      Effect: 'Allow',
      Action: ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'],
      Resource: GROUPS,
      // Only keys under capacity-guard/; Null keeps a request without keys from matching ForAllValues.
      Condition: scoped({ StringEquals: ENABLED, 'ForAllValues:StringLike': { 'aws:TagKeys': tagKeys }, Null: { 'aws:TagKeys': 'false' } }),
    },
  ];
}

/** The Allows per configured cluster (or, scope "tag", on any CA-enabled group): within its own quota. */
function groupWritePolicyDocument(configText, scope, configFile = 'the config file') {
  if (!SCOPES.includes(scope)) throw new Error(`groupWriteScope: ${JSON.stringify(scope)} is not one of ${SCOPES.join(', ')}`);
  const names = clusterNames(configText);
  if (scope === 'cluster' && names.length === 0) throw new Error(`groupWriteScope=cluster: ${configFile} names no cluster under clusters:`);
  const allows =
    scope === 'cluster'
      ? names.flatMap((name, index) => writeStatements(`ClusterGroups${index}`, { [`autoscaling:ResourceTag/k8s.io/cluster-autoscaler/${name}`]: 'false' }))
      : writeStatements('ClusterAutoscalerGroups', null);
  const document = { Version: '2012-10-17', Statement: allows };
  return withinManagedPolicyQuota(
    document,
    'Auto Scaling write',
    names,
    configFile,
    'any group tagged k8s.io/cluster-autoscaler/enabled=true, the cluster checked in code',
    'groupWriteScope=tag',
  );
}

/** One instance action on the same groups as the writes: DetachInstances (spot's replacements), TerminateInstanceInAutoScalingGroup (retirement). */
function groupInstanceActionPolicyDocument(action, sidPrefix, configText, scope, configFile = 'the config file') {
  const names = clusterNames(configText);
  const statement = (sid, extraNull) => ({
    Sid: sid,
    Effect: 'Allow',
    Action: `autoscaling:${action}`,
    Resource: GROUPS,
    Condition: extraNull ? { StringEquals: ENABLED, Null: extraNull } : { StringEquals: ENABLED },
  });
  const statements =
    scope === 'cluster'
      ? names.map((name, index) => statement(`${sidPrefix}ClusterGroups${index}`, { [`autoscaling:ResourceTag/k8s.io/cluster-autoscaler/${name}`]: 'false' }))
      : [statement(`${sidPrefix}ClusterAutoscalerGroups`, null)];
  return withinManagedPolicyQuota(
    { Version: '2012-10-17', Statement: statements },
    action,
    names,
    configFile,
    'any group tagged k8s.io/cluster-autoscaler/enabled=true',
    'groupWriteScope=tag',
  );
}

function groupDetachPolicyDocument(configText, scope, configFile = 'the config file') {
  return groupInstanceActionPolicyDocument('DetachInstances', 'Detach', configText, scope, configFile);
}

function groupTerminatePolicyDocument(configText, scope, configFile = 'the config file') {
  return groupInstanceActionPolicyDocument('TerminateInstanceInAutoScalingGroup', 'Terminate', configText, scope, configFile);
}

/** The downscaler's schedule-tagged groups of any cluster: fixed, independent of the config. */
function downscalerScheduledPolicyDocument() {
  const scheduled = DOWNSCALER_DISCOVERY_KEYS.flatMap((key, index) =>
    writeStatements(
      `DownscalerScheduledGroups${index}`,
      { [`autoscaling:ResourceTag/${key}`]: 'false' },
      ['capacity-guard/downscaler-*'],
      ['autoscaling:UpdateAutoScalingGroup'],
    ),
  );
  return { Version: '2012-10-17', Statement: scheduled };
}

/** UpdateAutoScalingGroup denied beyond sizes: fixed, independent of the config. */
function groupGuardPolicyDocument() {
  const denies = SIZE_ONLY_KEYS.map((key) => ({
    Sid: `SizesOnly${key.slice('autoscaling:'.length)}`,
    Effect: 'Deny',
    Action: 'autoscaling:UpdateAutoScalingGroup',
    Resource: '*',
    Condition: { Null: { [key]: 'false' } },
  }));
  return { Version: '2012-10-17', Statement: denies };
}

async function groupWritePolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const scope = await resolveVariable('param:groupWriteScope');
  return groupWritePolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), scope, configFile);
}

async function groupDetachPolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const scope = await resolveVariable('param:groupWriteScope');
  return groupDetachPolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), scope, configFile);
}

async function groupTerminatePolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const scope = await resolveVariable('param:groupWriteScope');
  return groupTerminatePolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), scope, configFile);
}

async function groupGuardPolicy() {
  return groupGuardPolicyDocument();
}

async function downscalerScheduledPolicy() {
  return downscalerScheduledPolicyDocument();
}

module.exports = {
  groupWritePolicy,
  groupWritePolicyDocument,
  groupDetachPolicy,
  groupDetachPolicyDocument,
  groupTerminatePolicy,
  groupTerminatePolicyDocument,
  groupGuardPolicy,
  groupGuardPolicyDocument,
  downscalerScheduledPolicy,
  downscalerScheduledPolicyDocument,
};
