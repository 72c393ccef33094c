/**
 * The one place where spot-interruption handling (issue 3) plugs into the simulator's
 * capacity-guard run: interruption warnings go to this handler, as the spot function would get
 * them. Undefined until issue 3 lands; the run then says "spot handling not wired yet".
 */
import type { SpotHandler } from './run';

// TODO(issue 3): e.g. async (events, world) => { await handleSpotEvents(events.map(e => asSqsRecord(e)), world.deps); }
export const spotHandler: SpotHandler | undefined = undefined;
