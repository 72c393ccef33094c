/**
 * The one place where spot-interruption handling plugs into the simulator's capacity-guard run:
 * interruption warnings go to the spot function's real code, as SQS records, as the spot function
 * would get them (lib/sim/world.ts deliverSpotEvents).
 */
import type { SpotHandler } from './run';

export const spotHandler: SpotHandler = async (events, world) => {
  await world.deliverSpotEvents([...events]);
};
