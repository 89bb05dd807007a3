// The soak's fault injection is reproducible from its seed: which call meets which fault
// depends on the seed, the invocation (its batch) and the call, never on how concurrent
// invocations and retries interleave (two pollers share the injector).
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { intercept } from '../../bench/support/aws-clients';
import {
  DEFAULT_FAULT_RATES,
  decisionRandom,
  FaultInjector,
  invocationFaults,
} from '../../bench/support/faults';
import { dynamoDbClient } from '../../bench/support/handlers';

const RATES = { ...DEFAULT_FAULT_RATES, throttle: 0.3, serverError: 0.2 };

/** A client answered in memory (every call succeeds unless a fault is injected). */
function faultyClient(seed: number) {
  const client = dynamoDbClient('http://127.0.0.1:1');
  intercept(client, 'answer', 'backend', async () => ({}));
  const injector = new FaultInjector(seed, RATES).attachDynamoDb(client);
  return { client, injector };
}

/** The calls of one invocation: which keys it writes and reads, each once or twice. */
const callsOf = (name: string) =>
  Array.from({ length: 12 }, (_, i) => ({ pk: `CC#${name}`, sk: `s${i % 8}` }));

/**
 * Runs invocations `a` and `b` at once, each call of one after a delay set by `pace` (so the
 * two interleave differently), and returns, per invocation, the calls that met a fault.
 */
async function faultsMet(seed: number, pace: (invocation: string, call: number) => number) {
  const { client, injector } = faultyClient(seed);
  const met: Record<string, string[]> = { a: [], b: [] };
  await Promise.all(
    ['a', 'b'].map((name) =>
      injector.run(invocationFaults(`batch ${name}`, true), async () => {
        for (const [i, key] of callsOf(name).entries()) {
          await new Promise((resolve) => setTimeout(resolve, pace(name, i)));
          const command =
            i % 2 === 0
              ? new PutItemCommand({
                  TableName: 't',
                  Item: { pk: { S: key.pk }, sk: { S: key.sk } },
                })
              : new GetItemCommand({
                  TableName: 't',
                  Key: { pk: { S: key.pk }, sk: { S: key.sk } },
                });
          try {
            await client.send(command as PutItemCommand);
          } catch (error) {
            met[name]?.push(`${i} ${(error as Error).name}`);
          }
        }
      }),
    ),
  );
  client.destroy();
  return met;
}

describe('soak fault injection', () => {
  it('meets the same faults for the same seed however the invocations interleave', async () => {
    // Act
    const aFirst = await faultsMet(42, (invocation) => (invocation === 'a' ? 0 : 3));
    const bFirst = await faultsMet(42, (invocation) => (invocation === 'b' ? 0 : 3));
    const jumbled = await faultsMet(42, (_invocation, call) => (call * 7) % 5);
    // Assert
    expect(bFirst).toEqual(aFirst);
    expect(jumbled).toEqual(aFirst);
    // The rates are high enough that a run this size meets faults in both invocations.
    expect(aFirst.a?.length).toBeGreaterThan(0);
    expect(aFirst.b?.length).toBeGreaterThan(0);
  });

  it('meets other faults for another seed', async () => {
    // Act
    const one = await faultsMet(1, () => 0);
    const two = await faultsMet(2, () => 0);
    // Assert
    expect(two).not.toEqual(one);
  });

  it('draws each decision from a stream of its own', () => {
    // Act
    const draws = (seed: number, ...about: string[]) => {
      const random = decisionRandom(seed, ...about);
      return [random.next(), random.next()];
    };
    // Assert
    expect(draws(7, 'batch', 'crash')).toEqual(draws(7, 'batch', 'crash'));
    expect(draws(7, 'batch', 'crash')).not.toEqual(draws(8, 'batch', 'crash'));
    expect(draws(7, 'batch', 'crash')).not.toEqual(draws(7, 'other batch', 'crash'));
  });
});
