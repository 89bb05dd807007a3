// `query` against tables at every stage of an index upgrade: events stored by earlier releases
// (every severity in bySeverity, pairs without severities) and events stored now (sparse, keys
// only) are found by the same queries, whichever indexes the table has at that moment.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type FilterOptions, planQuery } from '../../../../cli/commands/query/plan';
import { queryPartitions } from '../../../../cli/commands/query/read';
import { sortKeyBounds } from '../../../../cli/commands/query/time-range';
import { INDEX_UPGRADE_STEPS, indexesAtStep } from '../../../../contract/table';
import { toAttributes } from '../../../../lambda/adapters/item-codec';
import {
  createEventsTable,
  type RunningDynalite,
  startDynalite,
} from '../../../../lambda/testing/dynalite';
import { sqsEvent, sqsRecord, voisoEvent } from '../../../../lambda/testing/factories';
import { createHarness } from '../../../support/ingest-harness';

const DAY = { from: new Date('2020-10-10T00:00:00Z'), to: new Date('2020-10-11T00:00:00Z') };

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** An event as releases before the pair-and-severity index stored it. */
const legacyItem = (callcenter: string, severity: string, event: string) => ({
  pk: `CC#${callcenter}`,
  sk: `2020-10-10T09:00:00.000000000Z#legacy-${event}`,
  kind: 'event',
  eventId: `legacy-${event}`,
  callcenter,
  timestamp: '2020-10-10T09:00:00Z',
  time: '2020-10-10T09:00:00.000000000Z',
  type: 'app_login',
  event,
  params: { user: 'old@acme.com' },
  severity,
  rules: [],
  recognised: true,
  alertDue: false,
  receivedAt: '2020-10-10T09:00:01.000Z',
  messageId: `m-${event}`,
  subjectKey: 'USER#old@acme.com',
  pairKey: `PAIR#app_login#${event}`,
  severityKey: `SEV#${severity}`,
});

async function tableAtStep(step: number | undefined) {
  const tableName = await createEventsTable(db.client, undefined, indexesAtStep(step));
  // A call center that sent nothing since the upgrade: its events are not in the registry.
  for (const item of [
    legacyItem('dormant', 'high', 'unauthorized_ip'),
    legacyItem('dormant', 'info', 'successful_login'),
  ]) {
    await db.client.send(new PutItemCommand({ TableName: tableName, Item: toAttributes(item) }));
  }
  const h = await createHarness(db, undefined, undefined, tableName);
  const response = await h.handler(
    sqsEvent(
      sqsRecord(voisoEvent('app_login/successful_login')),
      sqsRecord(voisoEvent('app_login/unauthorized_ip')),
      sqsRecord(voisoEvent('user/user_added')),
    ),
  );
  expect(response.batchItemFailures).toEqual([]);
  return async (filters: FilterOptions) => {
    const result = await queryPartitions(
      db.client,
      tableName,
      planQuery(filters, DAY),
      sortKeyBounds(DAY),
      100,
      () => undefined,
    );
    return result.items.map((i) => `${i.callcenter}/${i.event}`).sort();
  };
}

const steps = [
  ['the legacy indexes only (step 0)', 0],
  ['both layouts (step 3)', 3],
  ['the new indexes and the legacy severity index (step 6)', 6],
  ['the new indexes only', INDEX_UPGRADE_STEPS.length],
] as const;

describe.each(steps)('query on a table with %s', (_, step) => {
  it('finds old and new events by severity, pair, user and for everything', async () => {
    // Prepare
    const query = await tableAtStep(step);
    const oldHigh = step < INDEX_UPGRADE_STEPS.length ? ['dormant/unauthorized_ip'] : [];
    const oldAll = step < INDEX_UPGRADE_STEPS.length ? ['dormant/successful_login'] : [];
    // Act + Assert
    expect(await query({ severity: 'high' })).toEqual(['acme/unauthorized_ip', ...oldHigh].sort());
    expect(await query({ type: 'app_login', event: 'successful_login' })).toEqual(
      // The old login is in the pair index under its old key (backfilled, or the legacy index).
      ['acme/successful_login', 'dormant/successful_login'],
    );
    expect(await query({ user: 'old@acme.com' })).toEqual([
      'dormant/successful_login',
      'dormant/unauthorized_ip',
    ]);
    expect(await query({})).toEqual(
      [
        'acme/successful_login',
        'acme/unauthorized_ip',
        'acme/user_added',
        ...oldHigh,
        ...oldAll,
      ].sort(),
    );
  });
});

describe('query on a new table', () => {
  it('keeps logins below the floor out of the pair index and still finds them', async () => {
    // Prepare
    const tableName = await createEventsTable(db.client);
    const h = await createHarness(db, undefined, undefined, tableName);
    await h.handler(sqsEvent(sqsRecord(voisoEvent('app_login/successful_login'))));
    // Act
    const items = await h.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'CC#acme' } },
    });
    const byLogin = await queryPartitions(
      db.client,
      tableName,
      planQuery({ type: 'app_login', event: 'successful_login' }, DAY),
      sortKeyBounds(DAY),
      100,
      () => undefined,
    );
    // Assert
    expect(items[0]).not.toHaveProperty('pairKey');
    expect(items[0]).toHaveProperty('subjectKey', 'USER#john@acme.com');
    expect(byLogin.items.map((i) => i.event)).toEqual(['successful_login']);
  });
});
