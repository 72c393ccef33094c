// serverless.yml variable source: the IAM statement that lets the functions read exactly the SSM
// parameters the config file's `notifications.routes` name (Slack webhook URLs, SecureString).
// Read at package time from the same config file that goes into the zip (--param="configFile=...").
// Plain CommonJS because the framework require()s it; the config is validated for real at cold
// start (lib/config/notify-schema.ts), this only collects the names.
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

const SEVERITIES = ['info', 'warning', 'critical'];

function parameterNames(configText) {
  const routes = (parse(configText) || {}).notifications?.routes || {};
  const names = SEVERITIES.flatMap((severity) => (Array.isArray(routes[severity]) ? routes[severity] : []));
  return [...new Set(names.filter((name) => typeof name === 'string' && name !== ''))];
}

function parameterArn(name) {
  // A hierarchical name starts with "/": arn:...:parameter/a/b; a plain one gets the "/" added.
  return { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name.startsWith('/') ? '' : '/'}${name}` };
}

async function ssmStatement({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const names = parameterNames(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'));
  if (names.length === 0) {
    // No Slack route configured: an explicit "no access" keeps the statement list valid.
    return { Sid: 'SlackWebhookParameters', Effect: 'Deny', Action: 'ssm:GetParameter', Resource: '*' };
  }
  return { Sid: 'SlackWebhookParameters', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: names.map(parameterArn) };
}

module.exports = { ssmStatement, parameterNames };
