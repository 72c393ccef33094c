/** The lease in memory, on the world's clock: for scenarios, the simulator and the bench. */
import type { LockPort } from '../ports/lock';

export class FakeLock implements LockPort {
  private holder: string | null = null;
  private expiresAt = 0;
  acquisitions = 0;
  /** While set, every call throws it (the lease table is unavailable). */
  down: Error | null = null;

  constructor(private readonly now: () => Date) {}

  async tryAcquire(holder: string, ttlMs: number): Promise<boolean> {
    if (this.down) throw this.down;
    const now = this.now().getTime();
    if (this.holder !== null && this.holder !== holder && this.expiresAt > now) return false;
    this.holder = holder;
    this.expiresAt = now + ttlMs;
    this.acquisitions += 1;
    return true;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    if (this.down) throw this.down;
    const now = this.now().getTime();
    if (this.holder !== holder || this.expiresAt <= now) return false;
    this.expiresAt = now + ttlMs;
    return true;
  }

  /** For the chaos suite's referee: does `holder` hold an unexpired lease now? */
  heldBy(holder: string): boolean {
    return this.holder === holder && this.expiresAt > this.now().getTime();
  }

  async release(holder: string): Promise<void> {
    if (this.down) throw this.down;
    if (this.holder === holder) this.holder = null;
  }
}
