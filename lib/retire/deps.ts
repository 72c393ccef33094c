/** The retire function's dependencies: the core's, plus EC2 (ages, markets, drain tags), the drain bus, the pool table and the retire port. */
import type { AppDeps } from '../run/deps';
import type { Ec2Port } from '../ports/ec2';
import type { EventBusPort } from '../ports/event-bus';
import type { PoolSignalStore } from '../ports/pool-signals';
import type { RetirePort } from '../ports/retire';

export interface RetireDeps extends AppDeps {
  ec2: Ec2Port;
  eventBus: EventBusPort;
  poolSignals: PoolSignalStore;
  retire: RetirePort;
}
