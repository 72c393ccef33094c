/**
 * scripts/serverless/drain-bus-iam.cjs: packaging refuses a config whose drain event bus IAM would
 * refuse (events:PutEvents is granted on event-bus/<drainEventBusPattern> only).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { checkDrainBuses } = createRequire(import.meta.url)('../../../scripts/serverless/drain-bus-iam.cjs') as {
  checkDrainBuses(text: string, pattern: string, file?: string): void;
};

const config = (bus: string) => `clusters:\n  - name: prod-eu\nspot:\n  clusters:\n    prod-eu:\n      drainEventBus: ${bus}\n`;
const PATTERN = 'capacity-guard-drain-*';

describe('drain event buses against drainEventBusPattern', () => {
  it('accepts a bus name or ARN inside the pattern, and a config without buses', () => {
    expect(() => checkDrainBuses(config('capacity-guard-drain-prod-eu'), PATTERN)).not.toThrow();
    expect(() => checkDrainBuses(config('arn:aws:events:eu-west-3:123456789012:event-bus/capacity-guard-drain-prod-eu'), PATTERN)).not.toThrow();
    expect(() => checkDrainBuses('clusters:\n  - name: prod-eu\n', PATTERN)).not.toThrow();
  });

  it('fails packaging on a bus outside the pattern, naming the field, the file and the way out', () => {
    expect(() => checkDrainBuses(config('prod-eu-drains'), PATTERN, 'prod.yml')).toThrow(
      /^prod\.yml: spot\.clusters\.prod-eu\.drainEventBus: "prod-eu-drains" does not match drainEventBusPattern "capacity-guard-drain-\*".*drainEventBusPattern=/,
    );
    expect(() => checkDrainBuses(config('arn:aws:events:eu-west-3:123456789012:event-bus/default'), PATTERN)).toThrow(
      /"arn:aws:events:.*default" does not match/,
    );
    // `*` is IAM's wildcard, `.` a plain character.
    expect(() => checkDrainBuses(config('capacity-guard-drainXprod'), 'capacity-guard-drain.*')).toThrow(/does not match/);
  });
});
