// Seeded fault injection at the SDK-client level, so the production adapters meet the failures
// AWS really produces: DynamoDB throttling, 5xx and UnprocessedItems, SNS whole-call failures and
// per-entry `Failed`, permanent store failures for chosen items, and a crash of the invocation
// (every later call fails and the handler's answer is thrown away, as when Lambda times out or
// the process dies). Faults are scoped to one invocation through AsyncLocalStorage, because the
// poller runs several invocations at once.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AttributeValue,
  InternalServerError,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { InternalErrorException } from '@aws-sdk/client-sns';
import { intercept, type SdkClient } from './aws-clients';
import type { Random } from './random';

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

/** The fault state of one handler invocation. */
export interface InvocationFaults {
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
export const invocationFaults = (transient: boolean, crashAt?: CrashPoint): InvocationFaults => ({
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
    private readonly random: Random,
    private readonly rates: FaultRates,
    /** Items whose every write fails (a fault no retry can fix: they must end in the DLQ). */
    private readonly isPermanentlyFailing: (item: Item) => boolean = () => false,
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

  private roll(rate: number): boolean {
    const faults = this.scope.getStore();
    return faults?.transient === true && this.random.chance(rate);
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
      if (this.roll(this.rates.throttle)) {
        this.note('throttle');
        throw new ProvisionedThroughputExceededException({
          message: 'Injected: the level of configured provisioned throughput was exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (this.roll(this.rates.serverError)) {
        this.note('serverError');
        throw new InternalServerError({
          message: 'Injected: internal server error',
          $metadata: { httpStatusCode: 500 },
        });
      }
      if (command !== 'BatchWriteItem') return proceed(input);
      return this.batchWrite(input, proceed);
    });
    return this;
  }

  private async batchWrite(
    input: Record<string, unknown>,
    proceed: (input: Record<string, unknown>) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const requests = input.RequestItems as Record<string, WriteRequest[]>;
    const sent: Record<string, WriteRequest[]> = {};
    const held: Record<string, WriteRequest[]> = {};
    const partial = this.roll(this.rates.unprocessed);
    for (const [table, writes] of Object.entries(requests)) {
      for (const write of writes) {
        const item = write.PutRequest?.Item;
        let hold = false;
        if (item !== undefined && this.isPermanentlyFailing(item)) {
          this.note('permanent');
          hold = true;
        } else if (partial && this.random.chance(0.5)) {
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
      if (this.roll(this.rates.snsCallFailure)) {
        this.note('snsCallFailure');
        throw new InternalErrorException({
          message: 'Injected: internal error',
          $metadata: { httpStatusCode: 500 },
        });
      }
      if (command !== 'PublishBatch') return proceed(input);
      type Entry = { Id: string };
      const entries = input.PublishBatchRequestEntries as Entry[];
      const failing = entries.filter(() => this.roll(this.rates.snsEntryFailure));
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
