/** What lib needs from a logger: Powertools Logger fits it, so does a console shim. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

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
