// The events table's physical layout: the stack declares it, the ingest function writes it, the
// CLI queries it, the local emulator creates it. Names only; no AWS types.

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

export type IndexLayout = (typeof INDEXES)[keyof typeof INDEXES];

/** TTL attribute (epoch seconds); absent when retention is 0 (keep forever). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Item kinds sharing the table (single-table design; each kind has its own key prefix, see
 * lambda/core/keys.ts): Voiso events and quarantined messages (the audit trail), and the
 * pipeline's own records: alert claims, incidents, detection state and folding windows.
 */
export const ITEM_KINDS = {
  event: 'event',
  quarantine: 'quarantine',
  alert: 'alert',
  incident: 'incident',
  detectionState: 'detection-state',
  fold: 'fold',
  foldWindow: 'fold-window',
  folded: 'folded',
} as const;

export type ItemKind = (typeof ITEM_KINDS)[keyof typeof ITEM_KINDS];
