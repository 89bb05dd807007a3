// What one invocation did to each record, for the local simulator, the soak and tests.
import type { Alert } from '../core/alert-format';
import type { EventItem, ItemKey } from '../core/items';

export interface QuarantineReport {
  readonly messageId: string;
  readonly body: string;
  readonly reason: string;
}

export interface DuplicateReport extends ItemKey {
  readonly messageId: string;
}

export interface IngestObserver {
  onStored?(item: EventItem): void;
  onDuplicate?(key: DuplicateReport): void;
  onQuarantined?(report: QuarantineReport): void;
  onFailed?(messageId: string, reason: string): void;
  onAlertPublished?(alert: Alert): void;
}
