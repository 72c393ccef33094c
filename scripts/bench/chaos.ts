/** The chaos suite (lib/sim/chaos.ts) over 30 seeds on the fakes: the fault-injection figures. */
import { runChaos } from '../../lib/sim/chaos';
import type { BenchFigures } from './context';

export const CHAOS_SEEDS = Array.from({ length: 30 }, (_, index) => index + 1);

export async function benchChaos(seeds: readonly number[] = CHAOS_SEEDS): Promise<BenchFigures> {
  return { ...(await runChaos(seeds)) };
}
