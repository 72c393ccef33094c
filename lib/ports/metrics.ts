/** What the app measures; Powertools Metrics (EMF) in Lambda, an in-memory recorder in tests and the simulator. */
export interface Metrics {
  count(name: string, value?: number): void;
  timing(name: string, milliseconds: number): void;
}

export const noMetrics: Metrics = { count() {}, timing() {} };

export class MetricsRecorder implements Metrics {
  readonly counts = new Map<string, number>();
  readonly timings = new Map<string, number[]>();
  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  timing(name: string, milliseconds: number): void {
    this.timings.set(name, [...(this.timings.get(name) ?? []), milliseconds]);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}
