import type { Alert } from '../../lambda/core/alert-format';
import type { AlertPublisher, PublishOutcome } from '../../lambda/ports/alert-publisher';
// The local pipeline's AlertPublisher: no SNS emulator exists, so alerts are kept in process
// and handed to listeners (the terminal, and a Slack webhook when one is given).

export type AlertListener = (alert: Alert) => void | Promise<void>;

export class CapturingAlertPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  private readonly listeners: AlertListener[] = [];

  onAlert(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  async publish(alerts: readonly Alert[]): Promise<PublishOutcome> {
    for (const alert of alerts) {
      this.published.push(alert);
      for (const listener of this.listeners) {
        // A listener's trouble (Slack down) must not look like an SNS failure to the handler.
        try {
          await listener(alert);
        } catch {
          // listeners report their own errors
        }
      }
    }
    return { failed: [] };
  }
}
