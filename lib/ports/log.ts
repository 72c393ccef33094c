/** What lib needs from a logger: Powertools Logger fits it, so does a console shim. */
export interface Log {
  debug(message: string, ...extra: object[]): void;
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
