// The events table's physical layout, shared by the ingest adapter, the CLI's queries and the
// local emulator. The CDK stack (lib/) declares the same names; test/contract.test.ts holds
// them together, since lib/ and lambda/ never import each other.

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * Global secondary indexes. Each uses the table's `sk` (normalised time + event id) as its
 * sort key, so every query path is a time-range query.
 */
export const INDEXES = {
  /** The user an event is about (`params.user`). */
  bySubject: { name: 'bySubject', partitionKey: 'subjectKey' },
  /** The user who acted (`params.who`). */
  byActor: { name: 'byActor', partitionKey: 'actorKey' },
  /** The (type, event) pair. */
  byPair: { name: 'byPair', partitionKey: 'pairKey' },
  /** The severity. */
  bySeverity: { name: 'bySeverity', partitionKey: 'severityKey' },
} as const;

/** TTL attribute (epoch seconds); absent when retention is 0 (keep forever). */
export const TTL_ATTRIBUTE = 'expiresAt';
