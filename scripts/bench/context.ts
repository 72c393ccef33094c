/** What the aggregator (scripts/bench.ts) hands every bench module. */
export interface BenchContext {
  /** A running moto server, reset between modules. */
  motoEndpoint: string;
  /** Launch-failure events for the failover timing (`--events`). */
  events: number;
  /** Fresh Node processes per function for the cold-import median (`--imports`). */
  imports: number;
}

export type BenchFigures = Record<string, number>;
