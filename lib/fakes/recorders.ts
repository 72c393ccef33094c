/** Test and simulator stand-ins for the ports that only record (log, metrics, notifier, fold store). */
import type { FoldEntry, FoldStore } from '../ports/fold-store';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { Notifier, RunReport } from '../ports/notifier';
import type { Notable } from '../notify/notable';
import type { QueuePort, ReceivedRecord } from '../ports/queue';

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Keeps every line, for tests that read what a run logged. */
export class RecordingLog implements Log {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; extra: Record<string, unknown> }[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]): void {
    this.lines.push({ level: 'debug', message, extra: Object.assign({}, ...extra) });
  }
  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.lines.push({ level: 'info', message, extra: Object.assign({}, ...extra) });
  }
  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.lines.push({ level: 'warn', message, extra: Object.assign({}, ...extra) });
  }
  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.lines.push({ level: 'error', message, extra: Object.assign({}, ...extra) });
  }
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

export const noNotifier: Notifier = { async notify() {} };

export class RecordingNotifier implements Notifier {
  readonly reports: RunReport<Notable>[] = [];
  async notify(report: RunReport<Notable>): Promise<void> {
    this.reports.push(report);
  }
}

export class MemoryFoldStore implements FoldStore {
  readonly entries = new Map<string, FoldEntry>();
  async read(keys: readonly string[]): Promise<Map<string, FoldEntry>> {
    return new Map(keys.flatMap((key) => (this.entries.has(key) ? [[key, { ...this.entries.get(key)! }] as const] : [])));
  }
  async write(changes: ReadonlyMap<string, FoldEntry | null>, expected: ReadonlyMap<string, FoldEntry>): Promise<string[]> {
    const lost: string[] = [];
    for (const [key, entry] of changes) {
      if (entry === null) {
        this.entries.delete(key);
        continue;
      }
      if (JSON.stringify(this.entries.get(key)) !== JSON.stringify(expected.get(key))) {
        lost.push(key);
        continue;
      }
      this.entries.set(key, { ...entry });
    }
    return lost;
  }
  async open(key: string, entry: FoldEntry, nowMs: number): Promise<{ opened: true; previous: FoldEntry | null } | { opened: false; current: FoldEntry }> {
    const current = this.entries.get(key);
    if (current && nowMs < current.windowEndsMs) return { opened: false, current: { ...current } };
    this.entries.set(key, { ...entry });
    return { opened: true, previous: current ? { ...current } : null };
  }
}

/** A QueuePort that records which records were to come back soon. */
export class RecordingQueue implements QueuePort {
  readonly retried: ReceivedRecord[] = [];
  async retrySoon(records: readonly ReceivedRecord[]): Promise<void> {
    this.retried.push(...records);
  }
}
