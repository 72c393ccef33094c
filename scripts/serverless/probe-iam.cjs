// serverless.yml variable source: the failover's tier probe (lib/pools/probe-tier.ts) calls Auto Scaling's
// synchronous LaunchInstances. Its caller needs autoscaling:LaunchInstances, ec2:CreateFleet and
// ec2:DescribeLaunchTemplateVersions (Auto Scaling user guide, "Launching instances with synchronous
// provisioning": https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-instances-synchronously.html;
// /work/research/aws-facts-13-15.md Q1.5). Generated at package time from the config file that goes into
// the zip (--param="configFile=..."), like asg-iam.cjs: with pools.probeTiers false the policy grants none
// of it (an explicit Deny keeps the document valid and holds against any other grant).
//
// autoscaling:LaunchInstances: on the configured clusters' groups exactly as the other Auto Scaling writes
// (asg-iam.cjs: k8s.io/cluster-autoscaler/enabled=true AND the cluster's tag, one statement per cluster;
// --param="groupWriteScope=tag" keeps enabled=true alone). UNVERIFIED: that LaunchInstances (an action of
// 2025-11) takes the autoScalingGroup resource type and autoscaling:ResourceTag like the other group writes;
// its row of the Service Authorization Reference (list_amazonec2autoscaling.html) could not be read here.
// If it does not, AWS refuses the call: the probe counts a failure (pools.tier-probe-failed), nothing else.
//
// ec2:CreateFleet (Auto Scaling calls it with the caller's permissions): the resource types CreateFleet
// takes (Service Authorization Reference, Amazon EC2, "Actions defined by Amazon EC2",
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html; the list below
// follows Karpenter's controller policy, which grants the same action per resource type:
// aws/karpenter-provider-aws, website/content/en/docs/getting-started/getting-started-with-karpenter/
// cloudformation.yaml, AllowScopedEC2InstanceAccessActions and AllowScopedEC2InstanceActionsWithTags), each
// as this account's and region's ARN, never "*"; images and snapshots carry no account in their ARN.
// A subnet or security group shared from another account (RAM) has
// that account's ARN and is refused: the probe then counts a failure, the failover goes on.
// The launch template is its own statement with a tag condition (param probeTemplateScope): "tag" = only
// templates tagged k8s.io/cluster-autoscaler/enabled=true (tag your node groups' templates as their groups);
// "account" = any template of this account. No aws:RequestTag condition on the instances: Auto Scaling
// builds the CreateFleet request, and which tags it sends is not documented in what we read, so such a
// condition could refuse every probe.
//
// ec2:DescribeLaunchTemplateVersions: a Describe, no resource-level permissions (same reference): "*".
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');
const { clusterNames, withinManagedPolicyQuota } = require('./spot-iam.cjs');

const TEMPLATE_SCOPES = ['tag', 'account'];
const GROUPS = { 'Fn::Sub': 'arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/*' };
const ENABLED_KEY = 'k8s.io/cluster-autoscaler/enabled';
/** The CreateFleet resource types owned by this account (Service Authorization Reference, Amazon EC2). */
const ACCOUNT_TYPES = [
  'fleet',
  'instance',
  'volume',
  'network-interface',
  'spot-instances-request',
  'subnet',
  'security-group',
  'key-pair',
  'placement-group',
  'capacity-reservation',
];
/** Public and shared AMIs and their snapshots: no account in the ARN. */
const UNOWNED_TYPES = ['image', 'snapshot'];
const ownArn = (type) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/*` });
const unownedArn = (type) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}::${type}/*` });
const LAUNCH_ACTIONS = ['autoscaling:LaunchInstances', 'ec2:CreateFleet', 'ec2:DescribeLaunchTemplateVersions'];

/** config pools.probeTiers; the schema's default is true (lib/config/schema.ts). */
function probeTiersOn(configText) {
  return parse(configText)?.pools?.probeTiers !== false;
}

function launchStatement(sid, extraNull) {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: 'autoscaling:LaunchInstances',
    Resource: GROUPS,
    Condition: extraNull
      ? { StringEquals: { [`autoscaling:ResourceTag/${ENABLED_KEY}`]: 'true' }, Null: extraNull }
      : { StringEquals: { [`autoscaling:ResourceTag/${ENABLED_KEY}`]: 'true' } },
  };
}

function probePolicyDocument(configText, groupScope, templateScope, configFile = 'the config file') {
  if (!TEMPLATE_SCOPES.includes(templateScope))
    throw new Error(`probeTemplateScope: ${JSON.stringify(templateScope)} is not one of ${TEMPLATE_SCOPES.join(', ')}`);
  if (!probeTiersOn(configText)) {
    return { Version: '2012-10-17', Statement: [{ Sid: 'TierProbeOff', Effect: 'Deny', Action: LAUNCH_ACTIONS, Resource: '*' }] };
  }
  const names = clusterNames(configText);
  if (groupScope === 'cluster' && names.length === 0) throw new Error(`groupWriteScope=cluster: ${configFile} names no cluster under clusters:`);
  const launches =
    groupScope === 'cluster'
      ? names.map((name, index) =>
          launchStatement(`TierProbeClusterGroups${index}`, { [`autoscaling:ResourceTag/k8s.io/cluster-autoscaler/${name}`]: 'false' }),
        )
      : [launchStatement('TierProbeClusterAutoscalerGroups', null)];
  const template = {
    Sid: 'TierProbeFleetLaunchTemplates',
    Effect: 'Allow',
    Action: 'ec2:CreateFleet',
    Resource: ownArn('launch-template'),
    ...(templateScope === 'tag' ? { Condition: { StringEquals: { [`aws:ResourceTag/${ENABLED_KEY}`]: 'true' } } } : {}),
  };
  const fleet = {
    Sid: 'TierProbeFleetResources',
    Effect: 'Allow',
    Action: 'ec2:CreateFleet',
    Resource: [...ACCOUNT_TYPES.map(ownArn), ...UNOWNED_TYPES.map(unownedArn)],
  };
  const describe = { Sid: 'TierProbeLaunchTemplateVersions', Effect: 'Allow', Action: 'ec2:DescribeLaunchTemplateVersions', Resource: '*' };
  return withinManagedPolicyQuota(
    { Version: '2012-10-17', Statement: [...launches, template, fleet, describe] },
    'tier-probe',
    names,
    configFile,
    'any group tagged k8s.io/cluster-autoscaler/enabled=true',
    'groupWriteScope=tag',
  );
}

async function probePolicy({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const groupScope = await resolveVariable('param:groupWriteScope');
  const templateScope = await resolveVariable('param:probeTemplateScope');
  return probePolicyDocument(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), groupScope, templateScope, configFile);
}

module.exports = { probePolicy, probePolicyDocument, probeTiersOn, LAUNCH_ACTIONS };
