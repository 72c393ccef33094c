/**
 * A discrete-event simulation on a virtual clock: a queue of timed events, run in time order
 * (ties in the order they were scheduled, so a run is reproducible). Before each event the world
 * is moved on to the event's time through `advanceTo`, which lets the fake AWS boot instances and
 * retry launches second by second.
 */
export type EventAction = () => void | Promise<void>;

interface Queued {
  at: number;
  seq: number;
  label: string;
  run: EventAction;
}

export class Simulation {
  private readonly queue: Queued[] = [];
  private seq = 0;
  private current: number;

  constructor(
    start: number,
    private readonly advanceTo: (ms: number) => void | Promise<void>,
  ) {
    this.current = start;
  }

  /** Virtual now, epoch milliseconds. */
  now(): number {
    return this.current;
  }

  at(ms: number, label: string, run: EventAction): void {
    const event: Queued = { at: Math.max(ms, this.current), seq: this.seq++, label, run };
    // Binary search for the insertion point: (at, seq) order.
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.queue[middle]!;
      if (other.at < event.at || (other.at === event.at && other.seq < event.seq)) low = middle + 1;
      else high = middle;
    }
    this.queue.splice(low, 0, event);
  }

  after(delayMs: number, label: string, run: EventAction): void {
    this.at(this.current + delayMs, label, run);
  }

  /** `run` every `intervalMs`, the first time at `firstAt`, until the simulation ends. */
  every(firstAt: number, intervalMs: number, label: string, run: EventAction): void {
    const tick = async () => {
      await run();
      this.at(this.current + intervalMs, label, tick);
    };
    this.at(firstAt, label, tick);
  }

  /** Runs every event due before `end`, then moves the world to `end`. */
  async runUntil(end: number): Promise<void> {
    while (this.queue.length > 0 && this.queue[0]!.at < end) {
      const event = this.queue.shift()!;
      if (event.at > this.current) {
        await this.advanceTo(event.at);
        this.current = event.at;
      }
      await event.run();
    }
    if (end > this.current) {
      await this.advanceTo(end);
      this.current = end;
    }
  }
}
