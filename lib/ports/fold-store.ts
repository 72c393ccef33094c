/**
 * Where notification folding keeps its counts between invocations. ASG tags do not fit (an
 * incident spans groups and clusters, and tags cannot compare-and-set), so in Lambda this is the
 * writers' lease table (lib/aws/dynamodb-fold-store.ts); in tests and the simulator, memory.
 */
export interface FoldEntry {
  /** Occurrences inside the window end here (epoch ms). */
  windowEndsMs: number;
  /** Occurrences counted, not sent, since the last one sent. */
  folded: number;
}

export interface FoldStore {
  read(keys: readonly string[]): Promise<Map<string, FoldEntry>>;
  /**
   * Writes each change (null clears the key) unless the entry differs from `expected` (what
   * `read` returned; absent = must not exist), i.e. another run changed it meanwhile.
   * Returns the keys whose write lost that race.
   */
  write(changes: ReadonlyMap<string, FoldEntry | null>, expected: ReadonlyMap<string, FoldEntry>): Promise<string[]>;
  /**
   * Opens `entry` (a new window) under `key` unless a window is open at `nowMs`, in one write: the first
   * occurrence of an incident, the common case, then costs one call instead of a read and a write.
   * Opened: what was there before (an ended window, whose count the message carries) or null.
   * Not opened: the open window (the incident is a repeat, to fold). Optional: a store without it is
   * read, then written.
   */
  open?(key: string, entry: FoldEntry, nowMs: number): Promise<{ opened: true; previous: FoldEntry | null } | { opened: false; current: FoldEntry }>;
}
