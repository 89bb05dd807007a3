// The operator commands' table reads under the keys-only, sparse index layout and at every step of
// an index upgrade: `query --ip` gets the params it checks (fetched from the table), `status` the
// newest event's receive time and call center, `backtest` every call center with events, and
// `explain` an event by its id without a call center. Against dynalite, items written by the
// ingest handler and, for the legacy steps, by an earlier release.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { readStoredEvents } from '../../cli/backtest/read-table';
import { planQuery } from '../../cli/commands/query/plan';
import { queryPartitions } from '../../cli/commands/query/read';
import { sortKeyBounds } from '../../cli/commands/query/time-range';
import { findEvent, TableReader } from '../../cli/explain/find';
import { newestEvent } from '../../cli/status/checks';
import { INDEX_UPGRADE_STEPS, indexesAtStep } from '../../contract/table';
import { toAttributes } from '../../lambda/adapters/item-codec';
import {
  createEventsTable,
  type RunningDynalite,
  startDynalite,
} from '../../lambda/testing/dynalite';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { createHarness } from '../support/ingest-harness';

const DAY = { from: new Date('2020-10-10T00:00:00Z'), to: new Date('2020-10-11T00:00:00Z') };
const RECEIVED = '2024-05-06T07:08:10.000Z';

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** An event as releases before the registry stored it: every index key, all attributes. */
const legacyItem = {
  pk: 'CC#dormant',
  sk: '2020-10-10T23:00:00.000000000Z#legacy-ip',
  kind: 'event',
  eventId: 'legacy-ip',
  callcenter: 'dormant',
  timestamp: '2020-10-10T23:00:00Z',
  time: '2020-10-10T23:00:00.000000000Z',
  type: 'app_login',
  event: 'unauthorized_ip',
  params: { user: 'old@acme.com', access_group: 'agent', ip: '192.0.2.9' },
  severity: 'high',
  rules: [],
  recognised: true,
  alertDue: true,
  receivedAt: '2020-10-10T23:00:01.000Z',
  messageId: 'm-legacy',
  subjectKey: 'USER#old@acme.com',
  pairKey: 'PAIR#app_login#unauthorized_ip',
  severityKey: 'SEV#high',
};

/** A table at an upgrade step, holding the legacy event and three events stored now. */
async function tableAtStep(step: number | undefined) {
  const tableName = await createEventsTable(db.client, undefined, indexesAtStep(step));
  await db.client.send(
    new PutItemCommand({ TableName: tableName, Item: toAttributes(legacyItem) }),
  );
  const h = await createHarness(db, undefined, undefined, tableName);
  const response = await h.handler(
    sqsEvent(
      sqsRecord(voisoEvent('app_login/successful_login')),
      sqsRecord(voisoEvent('app_login/unauthorized_ip')),
      sqsRecord(voisoEvent('user/user_added', { callcenter: 'globex' })),
    ),
  );
  expect(response.batchItemFailures).toEqual([]);
  return tableName;
}

const steps = [
  ['the legacy indexes only (step 0)', 0],
  ['the new indexes and the legacy severity index (step 6)', 6],
  ['the new indexes only', INDEX_UPGRADE_STEPS.length],
] as const;

describe.each(steps)('operator reads on a table with %s', (_, step) => {
  const legacyIndexed = step < INDEX_UPGRADE_STEPS.length;
  let tableName: string;
  beforeAll(async () => {
    tableName = await tableAtStep(step);
  });

  it('query --ip checks the params of the items the pair index only holds the keys of', async () => {
    // Act
    const result = await queryPartitions(
      db.client,
      tableName,
      planQuery({ ip: '8.8.8.0/24' }, DAY),
      sortKeyBounds(DAY),
      100,
      () => undefined,
    );
    // Assert
    expect(result.items.map((i) => [i.callcenter, i.event, i.params])).toEqual([
      [
        'acme',
        'unauthorized_ip',
        { user: 'john@acme.com', access_group: 'supervisor', ip: '8.8.8.8' },
      ],
    ]);
  });

  it('status finds the newest event with its receive time and call center', async () => {
    // Act
    const newest = await newestEvent(db.client, tableName);
    // Assert: the legacy event is newer, and found while the table has the old severity index.
    expect(newest).toEqual(
      legacyIndexed
        ? {
            time: '2020-10-10T23:00:00.000000000Z',
            receivedAt: legacyItem.receivedAt,
            callcenter: 'dormant',
          }
        : {
            time: '2020-10-10T10:11:12.120000000Z',
            receivedAt: RECEIVED,
            callcenter: expect.any(String),
          },
    );
  });

  it('backtest finds every call center with events and reads their events', async () => {
    // Act
    const read = await readStoredEvents(db.client, tableName, DAY, { now: DAY.to });
    // Assert
    const dormant = legacyIndexed ? ['CC#dormant'] : [];
    expect(read.callcenters).toEqual(['CC#acme', ...dormant, 'CC#globex']);
    expect(read.events).toHaveLength(3 + dormant.length);
  });

  it('explain finds an event by its id without a call center', async () => {
    // Prepare
    const reader = new TableReader(db.client, tableName);
    const [stored] = await new TableReader(db.client, tableName).query(
      { keyName: 'pk', keyValue: 'CC#globex' },
      sortKeyBounds(DAY),
    );
    // Act
    const found = await findEvent(reader, String(stored?.eventId), { range: DAY }, undefined);
    const old = await findEvent(reader, 'legacy-ip', { range: DAY }, undefined);
    // Assert
    expect(found?.item.event).toBe('user_added');
    expect(found?.via).toContain("every call center's partition");
    expect(old?.item.callcenter).toBe(legacyIndexed ? 'dormant' : undefined);
  });
});
