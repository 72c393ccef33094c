// serverless.yml variable source for the shared capacity signals (lib/shared-signals), generated at
// package time from the config file's sharedSignals section (the same file that goes into the zip):
//   busPolicyStatement: who may PutEvents on this account's signals bus: the allowlisted accounts
//     (principal = each account), or the organization (principal "*" with aws:PrincipalOrgID);
//     https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
//   publishStatement: PutEvents only on the configured destination buses (the peers' signals buses in
//     this region, or the listed ARNs), never "*"; without sharedSignals, a Deny on every bus.
//   ruleAccounts: the receiving rule's `account` filter, so events of other accounts never reach the queue.
//   enabled: "true" / "false", for the template's condition on the bus, its policy and its rule.
//   relayPublishStatement: the central account's relay (sharedSignals.relay): PutEvents only on its relay
//     destinations (the peers' signals buses, or the listed ARNs); without relay, a Deny on every bus.
//   relayRuleState: ENABLED with sharedSignals.relay, else DISABLED (the relay's rule on the signals bus).
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

const DEFAULT_BUS = 'capacity-guard-signals';

function sharedSignalsOf(configText) {
  const section = (parse(configText) || {}).sharedSignals;
  if (!section) return null;
  const accounts = Array.isArray(section.accounts) ? section.accounts.map(String) : [];
  for (const account of accounts)
    if (!/^\d{12}$/.test(account)) throw new Error(`sharedSignals.accounts: ${JSON.stringify(account)} is not a 12-digit account id`);
  const organizationId = section.organizationId ? String(section.organizationId) : null;
  if (accounts.length === 0 && !organizationId) throw new Error('sharedSignals: list the peer accounts, or an organizationId');
  const relay = section.relay ? { to: section.relay.to || 'peers' } : null;
  return { accounts, organizationId, busName: section.busName || DEFAULT_BUS, publishTo: section.publishTo || 'peers', relay };
}

async function read(resolveVariable) {
  const configFile = await resolveVariable('param:configFile');
  try {
    return sharedSignalsOf(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'));
  } catch (error) {
    throw new Error(`${configFile}: ${error.message}`);
  }
}

/** The receiving bus's resource policy statement (AWS::Events::EventBusPolicy.Statement). */
function busPolicy(shared) {
  const resource = { 'Fn::GetAtt': ['SharedSignalsBus', 'Arn'] };
  if (!shared)
    return {
      Sid: 'OwnAccountOnly',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
      Action: 'events:PutEvents',
      Resource: resource,
    };
  if (shared.accounts.length > 0) {
    return {
      Sid: 'AllowlistedAccounts',
      Effect: 'Allow',
      Principal: { AWS: shared.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root` })) },
      Action: 'events:PutEvents',
      Resource: resource,
    };
  }
  return {
    Sid: 'Organization',
    Effect: 'Allow',
    Principal: '*',
    Action: 'events:PutEvents',
    Resource: resource,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': shared.organizationId } },
  };
}

/** The destination buses of a stack: the peers' (not its own) or the configured ARNs. */
function destinations(shared, publishTo = shared?.publishTo) {
  if (!shared) return [];
  if (publishTo !== 'peers') return publishTo.map((arn) => ({ 'Fn::Sub': arn }));
  // Fn::If in IAM is awkward: every allowlisted account's bus, own included (PutEvents to one's own bus is harmless and never done).
  return shared.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:${account}:event-bus/${shared.busName}` }));
}

function publish(shared, buses = destinations(shared), sid = 'SharedSignalsPublish') {
  if (buses.length === 0)
    return {
      Sid: `${sid}Nowhere`,
      Effect: 'Deny',
      Action: 'events:PutEvents',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:*:event-bus/*' },
    };
  return { Sid: sid, Effect: 'Allow', Action: 'events:PutEvents', Resource: buses };
}

/** The relay's PutEvents statement: its relay destinations only. */
function relayPublish(shared) {
  return publish(shared, shared?.relay ? destinations(shared, shared.relay.to) : [], 'SignalsRelayPublish');
}

module.exports = {
  sharedSignalsOf,
  busPolicy,
  publish,
  busPolicyStatement: async ({ resolveVariable }) => busPolicy(await read(resolveVariable)),
  publishStatement: async ({ resolveVariable }) => publish(await read(resolveVariable)),
  relayPublish,
  relayPublishStatement: async ({ resolveVariable }) => relayPublish(await read(resolveVariable)),
  relayRuleState: async ({ resolveVariable }) => ((await read(resolveVariable))?.relay ? 'ENABLED' : 'DISABLED'),
  ruleAccounts: async ({ resolveVariable }) => {
    const shared = await read(resolveVariable);
    return shared && shared.accounts.length > 0 ? shared.accounts : [{ exists: true }];
  },
  busName: async ({ resolveVariable }) => ((await read(resolveVariable)) || {}).busName || DEFAULT_BUS,
  enabled: async ({ resolveVariable }) => String((await read(resolveVariable)) !== null),
};
