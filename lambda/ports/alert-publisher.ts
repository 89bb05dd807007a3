// Where alerts go. SNS in production; the local pipeline and the tests capture them.
import type { Alert } from '../core/alert-format';

export interface PublishOutcome {
  /** Ids of the alerts that were not published (whole-call or per-entry failures). */
  readonly failed: readonly string[];
}

export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<PublishOutcome>;
}
