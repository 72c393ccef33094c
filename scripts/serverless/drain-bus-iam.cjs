// serverless.yml variable source: the event-bus resource of events:PutEvents ("Node Drain Requested"),
// arn:...:event-bus/<param drainEventBusPattern>, checked at package time against the buses the config
// file names (spot.clusters.<name>.drainEventBus, a name or an ARN). A bus outside the pattern would
// only show up as AccessDenied during a real interruption, 2 minutes before the node goes: packaging
// fails instead and names the field and the file. Like spot-iam.cjs, reads the same config file that
// goes into the zip; the config is validated for real at cold start.
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

/** `[cluster, bus]` for every spot.clusters entry with a drainEventBus. */
function drainBuses(configText) {
  const clusters = ((parse(configText) || {}).spot || {}).clusters || {};
  return Object.entries(clusters)
    .map(([name, cluster]) => [name, cluster && cluster.drainEventBus])
    .filter(([, bus]) => typeof bus === 'string' && bus !== '');
}

/** IAM's resource wildcards: `*` any run of characters, `?` one character. */
function globMatches(pattern, text) {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(text);
}

/** Throws, naming the field and the file, when a configured bus is outside the pattern. */
function checkDrainBuses(configText, pattern, configFile = 'the config file') {
  for (const [cluster, bus] of drainBuses(configText)) {
    // PutEvents' EventBusName takes a name or an ARN; IAM matches the ARN, whose last part is the name.
    const name = bus.startsWith('arn:') ? bus.slice(bus.indexOf(':event-bus/') + ':event-bus/'.length) : bus;
    if (!globMatches(pattern, name)) {
      throw new Error(
        `${configFile}: spot.clusters.${cluster}.drainEventBus: ${JSON.stringify(bus)} does not match drainEventBusPattern ${JSON.stringify(pattern)}, ` +
          'so IAM would refuse PutEvents on it: rename the bus or package with --param="drainEventBusPattern=..."',
      );
    }
  }
}

async function drainBusResource({ resolveVariable }) {
  const configFile = await resolveVariable('param:configFile');
  const pattern = await resolveVariable('param:drainEventBusPattern');
  checkDrainBuses(readFileSync(resolve(__dirname, '../..', configFile), 'utf8'), pattern, configFile);
  return { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${pattern}` };
}

module.exports = { drainBusResource, checkDrainBuses, drainBuses };
