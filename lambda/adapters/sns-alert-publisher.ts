// The AlertPublisher on SNS: PublishBatch (10 entries, 256 KiB per call) per topic, one
// message per protocol so e-mail gets text and programmatic subscribers get the JSON document.
// Per-entry failures and whole-call errors both come back as failed alert ids, never thrown.
import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { AlertTopic } from '../../contract/alerts';
import type { Alert } from '../core/alert-format';
import type { AlertPublisher, PublishOutcome } from '../ports/alert-publisher';
import { packBatches } from './batching';

export const MAX_PUBLISH_BATCH = 10;
/** SNS's limit for one message and for the sum of a PublishBatch call. */
export const MAX_PUBLISH_BYTES = 256 * 1024;
/** Left for attributes, subject and request framing. */
const SIZE_MARGIN = 8 * 1024;

export interface SnsAlertPublisherOptions {
  readonly client: SNSClient;
  readonly topics: Readonly<Record<AlertTopic, string>>;
  readonly onError?: (error: Error, topic: AlertTopic) => void;
}

/** The per-protocol message: every JSON-speaking protocol gets the AlertDocument. */
export function alertMessage(alert: Alert): string {
  let documentJson = JSON.stringify(alert.document);
  let text = alert.text;
  // Six copies of a large event can pass SNS's 256 KiB; the table keeps the full params anyway.
  if (documentJson.length * 6 + text.length > MAX_PUBLISH_BYTES - SIZE_MARGIN) {
    documentJson = JSON.stringify({
      ...alert.document,
      params: { omitted: 'params too large for an SNS message; see the events table' },
    });
    text = `${text.slice(0, 4096)}\n\n(truncated: the full event is in the events table)`;
  }
  return JSON.stringify({
    default: documentJson,
    email: text,
    'email-json': documentJson,
    lambda: documentJson,
    sqs: documentJson,
    https: documentJson,
    http: documentJson,
  });
}

function entry(alert: Alert): PublishBatchRequestEntry {
  return {
    Id: alert.id,
    Subject: alert.subject,
    Message: alertMessage(alert),
    MessageStructure: 'json',
    MessageAttributes: Object.fromEntries(
      Object.entries(alert.attributes).map(([name, value]) => [
        name,
        { DataType: 'String', StringValue: value },
      ]),
    ),
  };
}

const entryBytes = (e: PublishBatchRequestEntry): number =>
  Buffer.byteLength(e.Message ?? '', 'utf8') + Buffer.byteLength(e.Subject ?? '', 'utf8') + 1024;

/** Packs entries into calls of at most 10 entries and 256 KiB. */
const pack = (entries: readonly PublishBatchRequestEntry[]): PublishBatchRequestEntry[][] =>
  packBatches(entries, {
    maxEntries: MAX_PUBLISH_BATCH,
    maxBytes: MAX_PUBLISH_BYTES,
    sizeOf: entryBytes,
  });

export class SnsAlertPublisher implements AlertPublisher {
  private readonly client: SNSClient;
  private readonly topics: Readonly<Record<AlertTopic, string>>;
  private readonly onError: (error: Error, topic: AlertTopic) => void;

  constructor(options: SnsAlertPublisherOptions) {
    this.client = options.client;
    this.topics = options.topics;
    this.onError = options.onError ?? (() => undefined);
  }

  async publish(alerts: readonly Alert[]): Promise<PublishOutcome> {
    const calls: Promise<string[]>[] = [];
    for (const topic of ['alerts', 'critical'] as const) {
      const entries = alerts.filter((alert) => alert.topic === topic).map(entry);
      for (const batch of pack(entries)) calls.push(this.publishBatch(topic, batch));
    }
    const failed = (await Promise.all(calls)).flat();
    return { failed };
  }

  private async publishBatch(
    topic: AlertTopic,
    batch: PublishBatchRequestEntry[],
  ): Promise<string[]> {
    const ids = batch.map((e) => e.Id ?? '');
    try {
      const response = await this.client.send(
        new PublishBatchCommand({
          TopicArn: this.topics[topic],
          PublishBatchRequestEntries: batch,
        }),
      );
      // Only an explicit success counts: an entry in neither list is treated as failed.
      const succeeded = new Set((response.Successful ?? []).map((s) => s.Id));
      const failed = ids.filter((id) => !succeeded.has(id));
      if (failed.length > 0) {
        const codes = [...new Set((response.Failed ?? []).map((f) => f.Code ?? 'unknown'))];
        this.onError(
          new Error(`PublishBatch: ${failed.length} entries failed (${codes.join(', ')})`),
          topic,
        );
      }
      return failed;
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)), topic);
      return ids;
    }
  }
}
