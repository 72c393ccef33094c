/** A clock that only moves when told: scenarios and the simulator own time. */
import { parseDuration } from '../config/duration';

export class FakeClock {
  private ms: number;
  constructor(start: string | Date) {
    this.ms = new Date(start).getTime();
  }
  now = (): Date => new Date(this.ms);
  iso(): string {
    return new Date(this.ms).toISOString();
  }
  /** "90s", "3m", or milliseconds. */
  advance(by: string | number): void {
    const ms = typeof by === 'number' ? by : parseDuration(by);
    if (ms === null || ms < 0) throw new Error(`cannot advance the clock by ${JSON.stringify(by)}`);
    this.ms += ms;
  }
}
