/** What the runs measure; Powertools Metrics (EMF) in Lambda, an in-memory recorder in tests and the simulator. */
export interface Metrics {
  count(name: string, value?: number): void;
  timing(name: string, milliseconds: number): void;
}
