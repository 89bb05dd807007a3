import { GetItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
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

/** Documented events new to the table most of the time: any of 12 pairs at any second of a day. */
const freshVoiso = fc
  .tuple(fc.constantFrom(...DOCUMENTED_PAIRS), fc.integer({ min: 0, max: 86_399 }))
  .map(([pair, second]) =>
    JSON.stringify(
      voisoEvent(pair, { timestamp: new Date(Date.UTC(2024, 4, 6, 0, 0, second)).toISOString() }),
    ),
  );

/** A batch that carries some of its bodies twice (the same event in two records). */
const batchWithRepeats = fc
  .array(fc.oneof(body, freshVoiso, freshVoiso), { minLength: 1, maxLength: 8 })
  .chain((bodies) =>
    fc
      .shuffledSubarray(bodies, { maxLength: Math.min(4, bodies.length) })
      .map((again) => [...bodies, ...again]),
  );

/** Every quarantine the factories' records can make: SQS's SentTimestamp is in May 2024. */
const QUARANTINES = {
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': { S: 'QUARANTINE#2024-05' } },
};

/** An error as the SDK throws it for a failed DynamoDB call. */
const injected = (name: string, status: number) =>
  Object.assign(new Error(`Injected: ${name}`), { name, $metadata: { httpStatusCode: status } });

/**
 * Sends the first half of a batch request on and answers the rest as unprocessed, as DynamoDB
 * does under load: `RequestItems` is `{ table: WriteRequest[] }` or `{ table: { Keys } }`.
 */
async function holdBack<R extends { output: unknown }>(
  input: Record<string, unknown>,
  field: 'RequestItems',
  unprocessed: 'UnprocessedItems' | 'UnprocessedKeys',
  send: (input: Record<string, unknown>) => Promise<R>,
): Promise<R> {
  const [table, request] = Object.entries(input[field] as Record<string, unknown>)[0] ?? [];
  if (table === undefined) return send(input);
  const writes = Array.isArray(request);
  const all = (writes ? request : (request as { Keys: unknown[] }).Keys) as unknown[];
  const cut = Math.ceil(all.length / 2);
  const wrap = (part: unknown[]) => (writes ? part : { ...(request as object), Keys: part });
  const result = await send({ ...input, [field]: { [table]: wrap(all.slice(0, cut)) } });
  const output = result.output as Record<string, unknown>;
  const rest = all.slice(cut);
  return {
    ...result,
    output: { ...output, [unprocessed]: rest.length > 0 ? { [table]: wrap(rest) } : {} },
  } as R;
}

/** Whether a BatchWriteItem puts an item written for one of these message ids. */
function writesAny(input: Record<string, unknown>, messageIds: ReadonlySet<string>): boolean {
  const tables = Object.values(input.RequestItems as Record<string, WriteRequest[]>);
  return tables.some((writes) =>
    writes.some((w) => messageIds.has(w.PutRequest?.Item?.messageId?.S ?? '')),
  );
}

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

  it('ends every record stored, quarantined or failed under DynamoDB and SNS faults, as the table shows', async () => {
    const h = await createHarness(db);
    // Faults at the store's client, below the adapter, so its retries meet them: throttling,
    // 5xx, a permanent validation error, and BatchWriteItem/BatchGetItem answering part of the
    // request as unprocessed. Each DynamoDB call draws its fate from the property's stream.
    let storeFaults: Iterator<number> = [][Symbol.iterator]();
    /** Records whose items DynamoDB refuses whenever they are in a write (a poisoned item). */
    let poisoned = new Set<string>();
    h.storeClient.middlewareStack.add(
      (next, context) => async (args) => {
        const fate = storeFaults.next().value ?? 9;
        const input = args.input as Record<string, unknown>;
        if (context.commandName === 'BatchWriteItemCommand' && writesAny(input, poisoned)) {
          throw injected('ValidationException', 400);
        }
        if (fate === 0) throw injected('ProvisionedThroughputExceededException', 400);
        if (fate === 1) throw injected('InternalServerError', 500);
        if (fate === 2) throw injected('ValidationException', 400);
        if (fate === 3 && context.commandName === 'BatchWriteItemCommand') {
          return holdBack(input, 'RequestItems', 'UnprocessedItems', (part) =>
            next({ ...args, input: part }),
          );
        }
        if (fate === 3 && context.commandName === 'BatchGetItemCommand') {
          return holdBack(input, 'RequestItems', 'UnprocessedKeys', (part) =>
            next({ ...args, input: part }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectStoreFaults' },
    );
    /** Alert entries SNS accepted over the whole run: `<alert key>-<topic>`. */
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        batchWithRepeats,
        fc.infiniteStream(fc.boolean()),
        // From one DynamoDB call in twenty to one in two meets a fault (fates 0 to 3).
        fc.constantFrom(80, 20, 8),
        fc.infiniteStream(fc.nat({ max: 79 })),
        fc.infiniteStream(fc.nat({ max: 5 })),
        async (bodies, snsOk, spread, dynamoFates, poison) => {
          // Prepare
          storeFaults = {
            next: () => {
              const drawn = dynamoFates.next().value ?? spread;
              return { done: false, value: drawn < spread / 2 ? drawn % 4 : 9 };
            },
          };
          h.sns.reset();
          h.sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
            const entries = input.PublishBatchRequestEntries ?? [];
            const ok = entries.filter(() => snsOk.next().value !== false);
            for (const entry of ok) accepted.add(String(entry.Id));
            return {
              Successful: ok.map((e) => ({ Id: e.Id, MessageId: 'm' })),
              Failed: entries
                .filter((e) => !ok.includes(e))
                .map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
            };
          });
          const records = bodies.map((b) => sqsRecord(b));
          poisoned = new Set(
            records.flatMap((r) => (poison.next().value === 0 ? [r.messageId] : [])),
          );
          for (const key of Object.keys(h.outcomes) as (keyof typeof h.outcomes)[])
            h.outcomes[key].length = 0;
          // Act
          const response = await h.handler(sqsEvent(...records));
          // Assert: where each record ended, read from the table (faults off for the reads).
          storeFaults = [][Symbol.iterator]();
          poisoned = new Set();
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          const reported = new Map<string, string>();
          for (const item of h.outcomes.stored)
            reported.set(item.messageId, `${item.pk}\u0000${item.sk}`);
          for (const d of h.outcomes.duplicates) reported.set(d.messageId, `${d.pk}\u0000${d.sk}`);
          const quarantines = new Map(
            (await h.query(QUARANTINES)).map((item) => [String(item.messageId), item]),
          );
          for (const record of records) {
            const quarantine = quarantines.get(record.messageId);
            const outcomes = [
              failed.has(record.messageId),
              reported.has(record.messageId),
              quarantine !== undefined,
            ];
            expect(outcomes.filter(Boolean)).toHaveLength(1);
            if (quarantine) {
              expect(quarantine.body).toBe(record.body.replace(/\p{Cs}/gu, '\ufffd'));
              expect(String(quarantine.reason)).not.toBe('');
            }
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
              // Success means the alert, if one was due, reached SNS on each of its topics.
              const item = fromAttributes(got.Item ?? {});
              if (item.alertDue) {
                expect(accepted).toContain(`${item.eventId}-alerts`);
                if (item.severity === 'critical')
                  expect(accepted).toContain(`${item.eventId}-critical`);
              }
            }
          }
          // The observer says nothing the table contradicts.
          expect(h.outcomes.quarantined.map((q) => q.messageId).sort()).toEqual(
            records
              .map((r) => r.messageId)
              .filter((id) => quarantines.has(id))
              .sort(),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
