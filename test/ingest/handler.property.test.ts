import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, type PublishBatchCommandInput } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { fromAttributes } from '../../lambda/adapters/item-codec';
import { type RunningDynalite, startDynalite } from '../../lambda/testing/dynalite';
import { DOCUMENTED_PAIRS, sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { acceptEveryEntry, createHarness } from '../support/ingest-harness';

let db: RunningDynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** Voiso-like bodies with one field mutated into something hostile. */
const mutatedVoiso = fc
  .record({
    pair: fc.constantFrom(...DOCUMENTED_PAIRS, 'app_login/new_thing'),
    field: fc.constantFrom(
      'timestamp',
      'type',
      'event',
      'callcenter',
      'params',
      'user',
      'count',
      'ip',
      'to',
      'who',
      // Property names that trip up code treating parsed JSON as ordinary objects.
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
    ),
    value: fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.jsonValue(),
      fc.constant('8.8.8.8'),
      fc.constant('#%#'),
    ),
  })
  .map(({ pair, field, value }) => {
    const event: Record<string, unknown> = { ...voisoEvent(pair) };
    if (['timestamp', 'type', 'event', 'callcenter', 'params'].includes(field))
      event[field] = value;
    else event.params = { ...(event.params as object), [field]: value };
    return JSON.stringify(event);
  });

const body = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  mutatedVoiso,
  fc.constantFrom(...DOCUMENTED_PAIRS).map((pair) => JSON.stringify(voisoEvent(pair))),
);

describe('ingest handler, any input', () => {
  it('fails no record when DynamoDB and SNS are healthy: every input is stored or quarantined', async () => {
    const h = await createHarness(db);
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 12 }), async (bodies) => {
        // Prepare
        h.sns.reset();
        h.sns.on(PublishBatchCommand).callsFake(acceptEveryEntry);
        // Act
        const response = await h.handler(sqsEvent(...bodies.map((b) => sqsRecord(b))));
        // Assert: a failure here would retry a message that can never succeed, into the DLQ.
        expect(response.batchItemFailures).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('ends every record stored, quarantined or failed, and never claims an effect it did not make', async () => {
    const h = await createHarness(db);
    await fc.assert(
      fc.asyncProperty(
        fc.array(body, { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.boolean()),
        async (bodies, snsOk) => {
          // Prepare
          h.sns.reset();
          h.sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
            const entries = input.PublishBatchRequestEntries ?? [];
            const ok = entries.filter(() => snsOk.next().value !== false);
            return {
              Successful: ok.map((e) => ({ Id: e.Id, MessageId: 'm' })),
              Failed: entries
                .filter((e) => !ok.includes(e))
                .map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
            };
          });
          const records = bodies.map((b) => sqsRecord(b));
          for (const key of Object.keys(h.outcomes) as (keyof typeof h.outcomes)[])
            h.outcomes[key].length = 0;
          // Act
          const response = await h.handler(sqsEvent(...records));
          // Assert
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          const reported = new Map<string, string>();
          for (const item of h.outcomes.stored)
            reported.set(item.messageId, `${item.pk}\u0000${item.sk}`);
          for (const d of h.outcomes.duplicates) reported.set(d.messageId, `${d.pk}\u0000${d.sk}`);
          const quarantined = new Set(h.outcomes.quarantined.map((q) => q.messageId));
          for (const record of records) {
            const outcomes = [
              failed.has(record.messageId),
              reported.has(record.messageId),
              quarantined.has(record.messageId),
            ];
            expect(outcomes.filter(Boolean)).toHaveLength(1);
            const key = reported.get(record.messageId);
            if (key) {
              const [pk = '', sk = ''] = key.split('\u0000');
              const got = await db.client.send(
                new GetItemCommand({
                  TableName: h.tableName,
                  Key: marshall({ pk, sk }),
                  ConsistentRead: true,
                }),
              );
              expect(got.Item).toBeDefined();
              // Success means the alert, if one was due, went out.
              const item = fromAttributes(got.Item ?? {});
              if (item.alertDue) {
                const [alert] = await h.alertRecords([String(item.eventId)]);
                expect(alert?.state).toBe('sent');
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
