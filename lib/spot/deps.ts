/** The spot functions' dependencies: the core's, plus EC2, DetachInstances, the event bus and the pool store. */
import type { DetachPort } from '../ports/detach';
import type { Ec2Port } from '../ports/ec2';
import type { EventBusPort } from '../ports/event-bus';
import type { PoolSignalStore } from '../ports/pool-signals';
import type { AppDeps } from '../run/deps';

export interface SpotDeps extends AppDeps {
  ec2: Ec2Port;
  detach: DetachPort;
  eventBus: EventBusPort;
  poolSignals: PoolSignalStore;
}
