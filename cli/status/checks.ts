// What `voiso-sec status` reports: checks, each a level and a line for people, and the pieces
// both the deployed and the local status read from the events table.
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DetectionSettings } from '../../contract/config';
import { DETECTION_IDS } from '../../contract/detections';
import { SEVERITIES } from '../../contract/severity';
import { LEGACY_INDEXES, TABLE_KEYS } from '../../contract/table';
import { callcenterKey, quarantineKey, severityKey } from '../../lambda/core/keys';
import { fromLegacyIndex, readRegistry } from '../commands/query/read';
import { describeAwsSetupError, describeConnectionError } from '../errors';
import { duration, plural } from '../terminal';

/** `problem` makes the exit code 1; a `warning` is worth a look but is not a failure. */
export type CheckLevel = 'ok' | 'info' | 'warning' | 'problem';

export interface Check {
  readonly name: string;
  readonly level: CheckLevel;
  readonly summary: string;
  readonly details?: readonly string[];
}

export interface StatusReport {
  /** What was checked: the stack and region, or the local pipeline. */
  readonly target: string;
  readonly healthy: boolean;
  /** The summaries of the checks at level `problem`. */
  readonly problems: readonly string[];
  readonly checks: readonly Check[];
}

export const report = (target: string, checks: readonly Check[]): StatusReport => {
  const problems = checks.filter((c) => c.level === 'problem');
  return {
    target,
    healthy: problems.length === 0,
    problems: problems.map((c) => `${c.name}: ${c.summary}`),
    checks,
  };
};

/** A check that could not run is a problem: health that cannot be seen is not health. */
export async function guarded(name: string, run: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    const result = await run();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    const reason =
      describeAwsSetupError(error) ??
      describeConnectionError(error) ??
      (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return [{ name, level: 'problem', summary: `could not check: ${reason}` }];
  }
}

/** The configuration in one line: threshold, detections on, suppressions, overrides, folding. */
export function configurationLine(detection: DetectionSettings): string {
  const on = DETECTION_IDS.filter((id) => detection.detections[id]?.enabled ?? true).length;
  const overrides = Object.keys(detection.severityOverrides).length;
  return (
    `threshold ${detection.alertThreshold}; ${on}/${DETECTION_IDS.length} detections on; ` +
    `${plural(detection.suppressions.length, 'suppression')}` +
    (overrides > 0 ? `; ${plural(overrides, 'severity override')}` : '') +
    `; folding ${detection.foldingWindowMinutes === 0 ? 'off' : `${detection.foldingWindowMinutes} min`}`
  );
}

export interface NewestEvent {
  /** Normalised event time. */
  readonly time: string;
  /** When the pipeline received it (items of every release carry it). */
  readonly receivedAt?: string;
  readonly callcenter?: string;
}

/**
 * The newest stored event by event time: the last item of each call center's partition of the
 * table (the registry names them; every event is in its call center's partition, with every
 * attribute), one one-item query each, in parallel. A table deployed before the registry also
 * has the severity index of that release, whose five partitions hold the events stored before
 * its upgrade (all attributes projected); it is read too while the table has it.
 */
export async function newestEvent(
  client: DynamoDBClient,
  tableName: string,
): Promise<NewestEvent | undefined> {
  const last = async (partition: { index?: string; keyName: string; keyValue: string }) => {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        ...(partition.index && { IndexName: partition.index }),
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': partition.keyName },
        ExpressionAttributeValues: { ':p': { S: partition.keyValue } },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return result.Items?.[0];
  };
  const registry = await readRegistry(client, tableName);
  const legacy = LEGACY_INDEXES.bySeverity;
  const lasts = await Promise.all([
    ...registry.callcenters.map((callcenter) =>
      last({ keyName: TABLE_KEYS.partition, keyValue: callcenterKey(callcenter) }),
    ),
    ...SEVERITIES.map((severity) =>
      fromLegacyIndex(
        () =>
          last({
            index: legacy.name,
            keyName: legacy.partitionKey,
            keyValue: severityKey(severity),
          }),
        undefined,
      ),
    ),
  ]);
  const items = lasts.filter((item): item is Record<string, AttributeValue> => item !== undefined);
  const sk = (item: Record<string, AttributeValue>) => item[TABLE_KEYS.sort]?.S ?? '';
  const newest = items.sort((a, b) => (sk(a) < sk(b) ? 1 : sk(a) > sk(b) ? -1 : 0))[0];
  if (newest === undefined) return undefined;
  return {
    time: sk(newest).slice(0, 30),
    ...(newest.receivedAt?.S !== undefined && { receivedAt: newest.receivedAt.S }),
    ...(newest.callcenter?.S !== undefined && { callcenter: newest.callcenter.S }),
  };
}

/** Messages quarantined since `from`: a COUNT query on each month partition it spans. */
export async function quarantinedSince(
  client: DynamoDBClient,
  tableName: string,
  from: Date,
  now: Date,
): Promise<number> {
  const months = new Set([quarantineKey(from.toISOString()), quarantineKey(now.toISOString())]);
  const counts = await Promise.all(
    [...months].map(async (pk) => {
      let count = 0;
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#p = :p AND #s >= :from',
            ExpressionAttributeNames: { '#p': TABLE_KEYS.partition, '#s': TABLE_KEYS.sort },
            ExpressionAttributeValues: {
              ':p': { S: pk },
              ':from': { S: `${from.toISOString().slice(0, 23)}000000Z` },
            },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

export async function storedEventsCheck(
  client: DynamoDBClient,
  tableName: string,
  now: Date,
): Promise<Check[]> {
  const [newest, quarantined] = await Promise.all([
    newestEvent(client, tableName),
    quarantinedSince(client, tableName, new Date(now.getTime() - 86_400_000), now),
  ]);
  const age = (time: string) => duration(now.getTime() - Date.parse(`${time.slice(0, 23)}Z`));
  return [
    {
      name: 'newest event',
      level: 'info',
      summary:
        newest === undefined
          ? 'no event stored yet'
          : `${newest.time.slice(0, 23)}Z (event time, ${age(newest.time)} ago)` +
            (newest.callcenter ? ` from ${newest.callcenter}` : '') +
            (newest.receivedAt ? `, received ${newest.receivedAt}` : ''),
    },
    {
      name: 'quarantine',
      level: quarantined > 0 ? 'warning' : 'ok',
      summary:
        quarantined > 0
          ? `${plural(quarantined, 'message')} quarantined in the last 24 h (voiso-sec query --quarantined --since 24h)`
          : 'no message quarantined in the last 24 h',
    },
  ];
}
