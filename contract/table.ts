// The events table's physical layout: the stack declares it, the ingest function writes it, the
// CLI queries it, the local emulator creates it. Names only; no AWS types.
import type { Severity } from './severity';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * The attributes an event item carries for the indexes (lambda/core/items.ts writes them). Each
 * is present only when the event belongs in that index: an item is in an index only if it has
 * the index's key attribute, and DynamoDB bills one write (per 1 KB of projected entry, at least
 * one) for every index an item is in, so fewer entries matter more than smaller ones.
 */
export const INDEX_KEY_ATTRIBUTES = {
  /** `USER#<user>`: the user the event is about (`params.user`), else the user who acted (`params.who`). */
  user: 'subjectKey',
  /** `USER#<who>`: the user who acted, only when the event is about another user. */
  actingUser: 'actorKey',
  /** `PAIR#<type>#<event>#<severity>`: the pair and the severity (see SEVERITY_INDEX_FLOOR_PAIRS). */
  pairSeverity: 'pairKey',
  /** `SEV#<severity>`: written by releases before the pair-and-severity index; read only. */
  legacySeverity: 'severityKey',
} as const;

export type IndexProjection = 'KEYS_ONLY' | 'ALL';

export interface IndexLayout {
  readonly name: string;
  readonly partitionKey: string;
  /** KEYS_ONLY: the entry holds the keys, the query fetches the items (BatchGetItem). */
  readonly projection: IndexProjection;
}

/**
 * The global secondary indexes. Each uses the table's `sk` (normalised time + event id) as its
 * sort key, so every query path is a time-range query. Entries hold keys only: a query reads at
 * most a page of keys and fetches the items it keeps, while every event's index copies stay a
 * tenth of the item's size.
 */
export const INDEXES = {
  /** A user's events, as the subject or, for events without a subject, as the actor. */
  byUser: { name: 'byUser', partitionKey: INDEX_KEY_ATTRIBUTES.user, projection: 'KEYS_ONLY' },
  /** A user's events as the actor on someone else (the rest are in byUser). */
  byActingUser: {
    name: 'byActingUser',
    partitionKey: INDEX_KEY_ATTRIBUTES.actingUser,
    projection: 'KEYS_ONLY',
  },
  /**
   * One (type, event) pair at one severity. A pair query reads its five severities; a severity
   * query reads that severity of every pair the table has seen, so one severity is spread over
   * as many partitions as there are pairs and is never one hot partition.
   */
  byPairSeverity: {
    name: 'byPairSeverity',
    partitionKey: INDEX_KEY_ATTRIBUTES.pairSeverity,
    projection: 'KEYS_ONLY',
  },
} as const satisfies Record<string, IndexLayout>;

/**
 * The indexes of releases before this layout (every attribute projected, a severity index with
 * every event in it). A deployed table keeps them until it is upgraded one index per deployment
 * (README, "Upgrading the table's indexes"); `bySeverity` is the only path by severity to the
 * events stored before the upgrade, so it stays until they expire.
 */
export const LEGACY_INDEXES = {
  bySubject: { name: 'bySubject', partitionKey: INDEX_KEY_ATTRIBUTES.user, projection: 'ALL' },
  byActor: { name: 'byActor', partitionKey: INDEX_KEY_ATTRIBUTES.actingUser, projection: 'ALL' },
  byPair: { name: 'byPair', partitionKey: INDEX_KEY_ATTRIBUTES.pairSeverity, projection: 'ALL' },
  bySeverity: {
    name: 'bySeverity',
    partitionKey: INDEX_KEY_ATTRIBUTES.legacySeverity,
    projection: 'ALL',
  },
} as const satisfies Record<string, IndexLayout>;

export type IndexName =
  | (typeof INDEXES)[keyof typeof INDEXES]['name']
  | (typeof LEGACY_INDEXES)[keyof typeof LEGACY_INDEXES]['name'];

/** The legacy index on the same attribute, which answers the same query while the table has it. */
export const LEGACY_TWIN: Readonly<Record<string, string>> = {
  [INDEXES.byUser.name]: LEGACY_INDEXES.bySubject.name,
  [INDEXES.byActingUser.name]: LEGACY_INDEXES.byActor.name,
  [INDEXES.byPairSeverity.name]: LEGACY_INDEXES.byPair.name,
};

/**
 * The order in which a deployed table moves from the legacy indexes to these, one index per
 * deployment (CloudFormation creates or deletes one global secondary index per update). Step n
 * has the changes 1..n applied; `bySeverity` goes last, once the events stored before the
 * upgrade have expired (or are no longer needed by severity).
 */
export const INDEX_UPGRADE_STEPS = [
  { add: INDEXES.byUser.name },
  { add: INDEXES.byActingUser.name },
  { add: INDEXES.byPairSeverity.name },
  { remove: LEGACY_INDEXES.bySubject.name },
  { remove: LEGACY_INDEXES.byActor.name },
  { remove: LEGACY_INDEXES.byPair.name },
  { remove: LEGACY_INDEXES.bySeverity.name },
] as const;

/** The indexes a table has at an upgrade step (undefined: a table created with this layout). */
export function indexesAtStep(step: number | undefined): IndexLayout[] {
  if (step === undefined) return Object.values(INDEXES);
  const present = new Map<string, IndexLayout>(
    Object.values(LEGACY_INDEXES).map((index) => [index.name, index]),
  );
  const byName = new Map<string, IndexLayout>(
    Object.values(INDEXES).map((index) => [index.name, index]),
  );
  for (const change of INDEX_UPGRADE_STEPS.slice(0, step)) {
    if ('add' in change) present.set(change.add, byName.get(change.add) as IndexLayout);
    else present.delete(change.remove);
  }
  return [...present.values()];
}

/**
 * Pairs so frequent that their low-severity events are kept out of the pair-and-severity index
 * (below `severityIndexFrom`, contract/config.ts): a successful login is about two thirds of a
 * Voiso stream. A query for such a pair, or by a severity below the floor, reads the call
 * centers' partitions of the table instead, where the pair is most of what is read anyway.
 */
export const SEVERITY_INDEX_FLOOR_PAIRS: readonly (readonly [string, string])[] = [
  ['app_login', 'successful_login'],
];

/** The default of `severityIndexFrom`. */
export const DEFAULT_SEVERITY_INDEX_FROM: Severity = 'medium';

/**
 * One partition of small items naming every call center and pair the table has stored events of
 * (and, for a pair, the severity it is indexed from): what a query enumerates to read "every
 * call center" or "every pair". Written once per call center and pair by each function instance.
 */
export const REGISTRY_PARTITION = 'REGISTRY';

/** TTL attribute (epoch seconds); absent when retention is 0 (keep forever). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Item kinds sharing the table (single-table design; each kind has its own key prefix, see
 * lambda/core/keys.ts): Voiso events and quarantined messages (the audit trail), and the
 * pipeline's own records: alert claims, incidents, detection state, folding windows and the
 * registry of call centers and pairs.
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
  registry: 'registry',
} as const;

export type ItemKind = (typeof ITEM_KINDS)[keyof typeof ITEM_KINDS];
