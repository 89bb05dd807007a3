// Step 1, pure: classify every record. Events are keyed by content (call center, normalised
// time, content hash), so identical events in one batch collapse into one group; a malformed
// message becomes a quarantine item keyed by its message id; a classification bug fails only
// its own record.
import type { SQSRecord } from 'aws-lambda';
import type { DetectionSettings } from '../../../contract/config';
import type { Severity } from '../../../contract/severity';
import { buildEventItem, buildQuarantineItem, keyString } from '../../core/items';
import { classifyMessage } from '../../core/message';
import { type EventGroup, errorKind, type QuarantineGroup, type RecordFailure } from '../batch';

export interface PlanContext {
  readonly receivedAt: Date;
  readonly retentionDays: number;
  readonly detection: DetectionSettings;
  readonly severityIndexFrom?: Severity;
}

export interface BatchPlan {
  /** One group per distinct event, in the order of its first record. */
  readonly events: readonly EventGroup[];
  /** One group per quarantine item (same message id twice in a batch is one item). */
  readonly quarantines: readonly QuarantineGroup[];
  readonly failures: readonly RecordFailure[];
}

function sentAt(record: SQSRecord, fallback: Date): Date {
  const millis = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(millis) && millis > 0 ? new Date(millis) : fallback;
}

/**
 * Which IAM identity sent the message (an access key's user id, `AIDA…`, or a role session),
 * as SQS reports it: set by SQS, not by the sender. Bounded, since it becomes an attribute.
 */
function senderIdOf(record: SQSRecord): string | undefined {
  const id = record.attributes?.SenderId;
  return typeof id === 'string' && id !== '' ? id.slice(0, 256) : undefined;
}

/** Adds a record to its group, creating the group on its first record. */
function collect<G extends { records: SQSRecord[] }>(
  groups: Map<string, G>,
  key: string,
  create: () => G,
  record: SQSRecord,
): void {
  const group = groups.get(key) ?? create();
  group.records.push(record);
  groups.set(key, group);
}

type Collecting<G> = G & { records: SQSRecord[] };

export function planBatch(records: readonly SQSRecord[], context: PlanContext): BatchPlan {
  const { receivedAt, retentionDays, detection, severityIndexFrom } = context;
  const events = new Map<string, Collecting<EventGroup>>();
  const quarantines = new Map<string, Collecting<QuarantineGroup>>();
  const failures: RecordFailure[] = [];
  for (const record of records) {
    const itemContext = {
      messageId: record.messageId,
      senderId: senderIdOf(record),
      receivedAt,
      retentionDays,
      severityIndexFrom,
    };
    const body = typeof record.body === 'string' ? record.body : String(record.body);
    try {
      const verdict = classifyMessage(body, detection);
      if (verdict.kind === 'malformed') {
        const item = buildQuarantineItem(body, verdict.reason, {
          ...itemContext,
          sentAt: sentAt(record, receivedAt),
        });
        const key = keyString(item);
        collect(
          quarantines,
          key,
          () => ({ key, item, problem: verdict.problem, records: [] }),
          record,
        );
      } else {
        const item = buildEventItem(verdict.normalised, verdict.classification, itemContext);
        const key = keyString(item);
        collect(events, key, () => ({ key, item, records: [] }), record);
      }
    } catch (error) {
      // A bug in classification must not poison the batch: fail this record, keep going.
      // Only the error's kind and where it was thrown: its message may quote the body.
      failures.push({
        messageId: record.messageId,
        reason: `classification error: ${errorKind(error)}`,
      });
    }
  }
  return { events: [...events.values()], quarantines: [...quarantines.values()], failures };
}
