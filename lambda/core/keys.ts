// Table keys built so that no two different values can produce the same key: `#` separates
// key parts, so it is escaped inside values (and `%`, the escape character, first).
import { hash } from 'node:crypto';
import { REGISTRY_PARTITION } from '../../contract/table';

/** Escapes `%` as `%25`, then `#` as `%23`: injective, and free of the `#` separator. */
export const encodeKeyPart = (value: string): string =>
  // Most names contain neither character; two lookups are cheaper than two replacements.
  value.includes('%') || value.includes('#')
    ? value.replaceAll('%', '%25').replaceAll('#', '%23')
    : value;

export const callcenterKey = (callcenter: string): string => `CC#${encodeKeyPart(callcenter)}`;
export const userKey = (user: string): string => `USER#${encodeKeyPart(user)}`;
/** The pair's partition in the index of releases before the pair-and-severity index. */
export const pairKey = (type: string, event: string): string =>
  `PAIR#${encodeKeyPart(type)}#${encodeKeyPart(event)}`;
/** One pair at one severity: the byPairSeverity partition an event is indexed under. */
export const pairSeverityKey = (type: string, event: string, severity: string): string =>
  `${pairKey(type, event)}#${severity}`;
/** Written by releases before the pair-and-severity index (bySeverity); read only. */
export const severityKey = (severity: string): string => `SEV#${severity}`;
/** Normalised time first so the sort key orders by time; the id separates equal times. */
export const eventSortKey = (time: string, eventId: string): string => `${time}#${eventId}`;
export const quarantineKey = (sentTime: string): string => `QUARANTINE#${sentTime.slice(0, 7)}`;

// The pipeline's own records. Each kind has its own prefix, so none can collide with an event.

/** One item per alert (event, incident or summary): its claim and delivery state. */
export const alertRecordKey = (alertKey: string) => ({ pk: `ALERT#${alertKey}`, sk: 'ALERT' });

/** One item per (detection, call center, group): the observations its window needs. */
export const detectionStateKey = (detection: string, callcenter: string, group: string) => ({
  pk: `DETECT#${encodeKeyPart(detection)}#${encodeKeyPart(callcenter)}#${encodeKeyPart(group)}`,
  sk: 'STATE',
});

/** Incidents by the month they began, in time order: `query --incidents` reads these. */
export const incidentKey = (startTime: string, incidentId: string) => ({
  pk: `INCIDENTS#${startTime.slice(0, 7)}`,
  sk: `${startTime}#${incidentId}`,
});
export const incidentPartition = (month: string): string => `INCIDENTS#${month.slice(0, 7)}`;

/**
 * The folding of one rule in one call center at one severity. One partition holds them all, so
 * the scheduled flush finds every window waiting for its summary in one Query.
 */
export const FOLD_PARTITION = 'FOLD';
export const foldKey = (callcenter: string, rule: string, severity: string) => ({
  pk: FOLD_PARTITION,
  sk: `${encodeKeyPart(callcenter)}#${encodeKeyPart(rule)}#${severity}`,
});

/** The alerts folded into one window, one item each. */
export const foldedPartition = (windowId: string): string => `FOLDED#${windowId}`;
export const foldedKey = (windowId: string, eventId: string) => ({
  pk: foldedPartition(windowId),
  sk: eventId,
});

/** The registry of call centers and pairs the table has events of (contract/table.ts). */
export const registryCallcenterKey = (callcenter: string) => ({
  pk: REGISTRY_PARTITION,
  sk: callcenterKey(callcenter),
});
export const registryPairKey = (type: string, event: string) => ({
  pk: REGISTRY_PARTITION,
  sk: pairKey(type, event),
});

/** JSON with object keys sorted at every depth, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let text = '';
    // Plain string comparison sort: the same order for the same keys, whatever their insertion order.
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      text += `${text ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
    }
    return `{${text}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The event id: sha256 over the canonical JSON of the normalised content, first 16 bytes in
 * base64url (22 characters, 128 bits). Same event re-sent = same id = same key, which is what
 * makes storage idempotent. The normalised time (not the original string) and the validated
 * params (count as a number) are hashed, so `"4"` and `4`, `Z` and `+00:00` are one event.
 */
export function eventId(
  time: string,
  type: string,
  event: string,
  callcenter: string,
  params: Readonly<Record<string, unknown>>,
): string {
  // One-shot crypto.hash (Node >= 20.12) avoids a Hash object per event.
  // The same text as canonicalJson([time, type, event, callcenter, params]), without the array.
  const canonical = `[${JSON.stringify(time)},${JSON.stringify(type)},${JSON.stringify(event)},${JSON.stringify(callcenter)},${canonicalJson(params)}]`;
  return first16BytesBase64url(hash('sha256', canonical, 'base64url'));
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url of a digest's first 16 bytes, taken from the base64url of the whole digest: asking
 * crypto.hash for a string costs a third of asking for a Buffer, slicing it and encoding that.
 * Characters 0-20 carry bits 0-125 in both encodings; character 21 of the 16-byte encoding
 * holds bits 126-127 followed by four zero bits, i.e. the digest's character 21 with its low
 * four bits cleared. (Pinned by the golden id test in test/core/keys.test.ts.)
 */
function first16BytesBase64url(digest: string): string {
  const lastIndex = BASE64URL.indexOf(digest.charAt(21)) & 0b110000;
  return `${digest.slice(0, 21)}${BASE64URL.charAt(lastIndex)}`;
}
