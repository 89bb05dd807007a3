// Seeded fault injection at the SDK-client level, so the production adapters meet the failures
// AWS really produces: DynamoDB throttling, 5xx and UnprocessedItems, SNS whole-call failures and
// per-entry `Failed`, permanent store failures for chosen items, and a crash of the invocation
// (every later call fails and the handler's answer is thrown away, as when Lambda times out or
// the process dies). Faults are scoped to one invocation through AsyncLocalStorage, because the
// poller runs several invocations at once.
//
// Reproducible from the seed: no generator is shared. Every call draws from its own stream,
// derived from the seed, the invocation (its batch: which messages, at which receive count), the
// call (its command and the keys it touches, with run-specific parts such as SQS message ids and
// clock times made stable) and how often the same call came before in that invocation (retries).
// So which call meets which fault does not depend on how the pollers and retries interleave.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  InternalServerError,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { InternalErrorException } from '@aws-sdk/client-sns';
import { intercept, type SdkClient } from './aws-clients';
import { type Random, seededRandom } from './random';

export interface FaultRates {
  /** Per DynamoDB command: ProvisionedThroughputExceededException. */
  readonly throttle: number;
  /** Per DynamoDB command: InternalServerError (HTTP 500). */
  readonly serverError: number;
  /** Per BatchWriteItem: part of the request comes back as UnprocessedItems, unwritten. */
  readonly unprocessed: number;
  /** Per PublishBatch: the whole call fails (HTTP 500). */
  readonly snsCallFailure: number;
  /** Per PublishBatch entry: reported in `Failed`, not published. */
  readonly snsEntryFailure: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = {
  throttle: 0.05,
  serverError: 0.03,
  unprocessed: 0.1,
  snsCallFailure: 0.05,
  snsEntryFailure: 0.05,
};

/** Where an invocation dies, if it does: right after its first effect of that kind succeeded. */
export type CrashPoint = 'after-store' | 'after-publish';

/** A generator of its own for one decision: the seed, then what is being decided about. */
export function decisionRandom(seed: number, ...about: readonly string[]): Random {
  const digest = createHash('sha256')
    .update(JSON.stringify([seed, ...about]))
    .digest();
  return seededRandom(digest.readUInt32LE(0));
}

/** The fault state of one handler invocation. */
export interface InvocationFaults {
  /** What the invocation is, stably across runs: its batch (see decisionRandom). */
  readonly key: string;
  /** Calls seen in this invocation, by call identity: a retry is the next occurrence. */
  readonly calls: Map<string, number>;
  /** Transient faults may be injected (permanent ones always apply). */
  readonly transient: boolean;
  readonly crashAt?: CrashPoint;
  crashed: boolean;
  /** Alert entry ids SNS accepted during this invocation. */
  readonly accepted: string[];
  /** A DynamoDB fault hit this invocation after SNS accepted some of its alerts. */
  faultAfterPublish: boolean;
}

/** A fresh fault state for one invocation. */
export const invocationFaults = (
  key: string,
  transient: boolean,
  crashAt?: CrashPoint,
): InvocationFaults => ({
  key,
  calls: new Map(),
  transient,
  ...(crashAt !== undefined && { crashAt }),
  crashed: false,
  accepted: [],
  faultAfterPublish: false,
});

/** Thrown into the handler once its invocation has "died"; nothing after that takes effect. */
export class InvocationCrash extends Error {
  override name = 'InvocationCrash';
}

export type InjectedFault =
  | 'throttle'
  | 'serverError'
  | 'unprocessed'
  | 'permanent'
  | 'snsCallFailure'
  | 'snsEntryFailure'
  | 'crash';

type Item = Record<string, AttributeValue>;

export class FaultInjector {
  readonly injected = new Map<InjectedFault, number>();
  private readonly scope = new AsyncLocalStorage<InvocationFaults>();

  constructor(
    private readonly seed: number,
    private readonly rates: FaultRates,
    /** Items whose every write fails (a fault no retry can fix: they must end in the DLQ). */
    private readonly isPermanentlyFailing: (item: Item) => boolean = () => false,
    /** Text of a request made the same in every run (SQS message ids, clock times replaced). */
    private readonly stable: (text: string) => string = (text) => text,
  ) {}

  /** Runs one invocation under the given fault state. */
  run<T>(faults: InvocationFaults, invocation: () => Promise<T>): Promise<T> {
    return this.scope.run(faults, invocation);
  }

  count(fault: InjectedFault): number {
    return this.injected.get(fault) ?? 0;
  }

  private note(fault: InjectedFault, n = 1): void {
    this.injected.set(fault, this.count(fault) + n);
    const faults = this.scope.getStore();
    if (faults === undefined || n === 0) return;
    // Only a DynamoDB fault after a publish can cost the `sent` mark; a failed publish cannot.
    const storeFault =
      fault !== 'snsCallFailure' && fault !== 'snsEntryFailure' && fault !== 'crash';
    if (storeFault && faults.accepted.length > 0) faults.faultAfterPublish = true;
  }

  /**
   * The generator of one call: seeded by the invocation, the call's identity (command and the
   * keys or entry ids it carries, made stable) and its occurrence in the invocation. Outside an
   * invocation no transient fault is injected, so no draw is needed.
   */
  private callRandom(command: string, input: Record<string, unknown>): Random | undefined {
    const faults = this.scope.getStore();
    if (faults === undefined) return undefined;
    const identity = `${command} ${this.stable(callSubject(input))}`;
    const occurrence = faults.calls.get(identity) ?? 0;
    faults.calls.set(identity, occurrence + 1);
    return decisionRandom(this.seed, faults.key, identity, String(occurrence));
  }

  private roll(random: Random | undefined, rate: number): boolean {
    // Drawn whether or not faults may be injected, so each later draw stays the same.
    const hit = random?.chance(rate) === true;
    return hit && this.scope.getStore()?.transient === true;
  }

  private checkAlive(): void {
    if (this.scope.getStore()?.crashed) throw new InvocationCrash('the invocation has crashed');
  }

  private crashIfAt(point: CrashPoint): void {
    const faults = this.scope.getStore();
    if (faults?.crashAt === point && !faults.crashed) {
      faults.crashed = true;
      this.note('crash');
    }
  }

  attachDynamoDb(client: SdkClient): this {
    intercept(client, 'benchFaultsDynamoDb', 'fault', async (command, input, proceed) => {
      this.checkAlive();
      const random = this.callRandom(command, input);
      if (this.roll(random, this.rates.throttle)) {
        this.note('throttle');
        throw new ProvisionedThroughputExceededException({
          message: 'Injected: the level of configured provisioned throughput was exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (this.roll(random, this.rates.serverError)) {
        this.note('serverError');
        throw new InternalServerError({
          message: 'Injected: internal server error',
          $metadata: { httpStatusCode: 500 },
        });
      }
      if (command !== 'BatchWriteItem') return proceed(input);
      return this.batchWrite(input, proceed, random);
    });
    return this;
  }

  private async batchWrite(
    input: Record<string, unknown>,
    proceed: (input: Record<string, unknown>) => Promise<Record<string, unknown>>,
    random: Random | undefined,
  ): Promise<Record<string, unknown>> {
    const requests = input.RequestItems as Record<string, WriteRequest[]>;
    const sent: Record<string, WriteRequest[]> = {};
    const held: Record<string, WriteRequest[]> = {};
    const partial = this.roll(random, this.rates.unprocessed);
    for (const [table, writes] of Object.entries(requests)) {
      for (const write of writes) {
        const item = write.PutRequest?.Item;
        let hold = false;
        if (item !== undefined && this.isPermanentlyFailing(item)) {
          this.note('permanent');
          hold = true;
        } else if (partial && random?.chance(0.5)) {
          this.note('unprocessed');
          hold = true;
        }
        const bucket = hold ? held : sent;
        bucket[table] = [...(bucket[table] ?? []), write];
      }
    }
    const output =
      Object.keys(sent).length > 0 ? await proceed({ ...input, RequestItems: sent }) : {};
    this.crashIfAt('after-store');
    const unprocessed = (output.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>;
    for (const [table, writes] of Object.entries(held)) {
      unprocessed[table] = [...(unprocessed[table] ?? []), ...writes];
    }
    return { ...output, UnprocessedItems: unprocessed };
  }

  attachSns(client: SdkClient): this {
    intercept(client, 'benchFaultsSns', 'fault', async (command, input, proceed) => {
      this.checkAlive();
      const random = this.callRandom(command, input);
      if (this.roll(random, this.rates.snsCallFailure)) {
        this.note('snsCallFailure');
        throw new InternalErrorException({
          message: 'Injected: internal error',
          $metadata: { httpStatusCode: 500 },
        });
      }
      if (command !== 'PublishBatch') return proceed(input);
      type Entry = { Id: string };
      const entries = input.PublishBatchRequestEntries as Entry[];
      const failing = entries.filter(() => this.roll(random, this.rates.snsEntryFailure));
      this.note('snsEntryFailure', failing.length);
      const kept = entries.filter((entry) => !failing.includes(entry));
      const output =
        kept.length > 0
          ? await proceed({ ...input, PublishBatchRequestEntries: kept })
          : { Successful: [], Failed: [] };
      const successful = (output.Successful ?? []) as Entry[];
      this.scope.getStore()?.accepted.push(...successful.map((entry) => entry.Id));
      this.crashIfAt('after-publish');
      const failed = failing.map((entry) => ({
        Id: entry.Id,
        Code: 'InternalError',
        SenderFault: false,
        Message: 'Injected: per-entry failure',
      }));
      return { ...output, Failed: [...((output.Failed ?? []) as unknown[]), ...failed] };
    });
    return this;
  }
}

/**
 * What a request is about, in a form that does not depend on attribute values the clock sets:
 * the keys it reads or writes (pk and sk), the entry ids it publishes, or the partition it
 * queries; in request order, which is the adapter's and so the same in every run.
 */
function callSubject(input: Record<string, unknown>): string {
  const keyOf = (item: Item | undefined) => `${item?.pk?.S ?? ''}|${item?.sk?.S ?? ''}`;
  const parts: string[] = [];
  const requestItems = input.RequestItems as Record<string, unknown> | undefined;
  for (const request of Object.values(requestItems ?? {})) {
    if (Array.isArray(request)) {
      for (const write of request as WriteRequest[]) {
        parts.push(keyOf(write.PutRequest?.Item ?? write.DeleteRequest?.Key));
      }
    } else {
      for (const key of (request as { Keys?: Item[] }).Keys ?? []) parts.push(keyOf(key));
    }
  }
  if (input.Item !== undefined) parts.push(keyOf(input.Item as Item));
  if (input.Key !== undefined) parts.push(keyOf(input.Key as Item));
  for (const entry of (input.PublishBatchRequestEntries ?? []) as { Id?: string }[]) {
    parts.push(entry.Id ?? '');
  }
  if (input.ExpressionAttributeValues !== undefined && input.KeyConditionExpression !== undefined) {
    parts.push(JSON.stringify(input.ExpressionAttributeValues));
  }
  return parts.join(',');
}
