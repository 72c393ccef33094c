/** Cold-start wiring of the spot functions: the core's deps plus EC2, DetachInstances, the event bus and the pool store. */
import { createAutoScalingClient, createDynamoDbClient, createEc2Client, createEventBridgeClient } from '../aws/clients';
import { createDetachAdapter } from '../aws/detach-adapter';
import { createEc2Adapter } from '../aws/ec2-adapter';
import { createEventBusAdapter } from '../aws/event-bus-adapter';
import { createPoolSignalStore } from '../aws/pool-signal-store';
import type { SpotDeps } from '../spot/deps';
import { ConfigError } from '../vocabulary/errors';
import { lambdaDeps } from './deps';

/** The DynamoDB table of account-wide capacity signals per pool (serverless.yml creates it). */
export const SIGNALS_TABLE_VARIABLE = 'CAPACITY_GUARD_SIGNALS_TABLE';

export function lambdaSpotDeps(env: NodeJS.ProcessEnv = process.env): SpotDeps {
  const signalsTable = env[SIGNALS_TABLE_VARIABLE];
  if (!signalsTable) throw new ConfigError(`${SIGNALS_TABLE_VARIABLE} is not set: it names the DynamoDB table of capacity signals per pool`);
  return {
    ...lambdaDeps(env),
    ec2: createEc2Adapter(createEc2Client()),
    detach: createDetachAdapter(createAutoScalingClient()),
    eventBus: createEventBusAdapter(createEventBridgeClient()),
    poolSignals: createPoolSignalStore(createDynamoDbClient(), signalsTable),
  };
}
