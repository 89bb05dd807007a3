// What the handler logs: counts, message ids and problems, never message content or e-mail
// addresses (SPEC: nothing secret or personal in logs beyond what an operator needs).
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';
import { createHandler } from '../../lambda/ingest/create-handler';
import type { Logger } from '../../lambda/ports/telemetry';
import { sqsEvent, sqsRecord, voisoEvent } from '../../lambda/testing/factories';
import { CapturingAlertPublisher, InMemoryEventStore } from '../../lambda/testing/memory-ports';

function recordingLogger(): { logger: Logger; lines: () => string } {
  const calls: unknown[][] = [];
  const record = (...args: unknown[]) => {
    calls.push(args);
  };
  return {
    logger: { debug: record, info: record, warn: record, error: record },
    lines: () => JSON.stringify(calls),
  };
}

describe('ingest logs', () => {
  it('name the problem of a quarantined message without its content', async () => {
    // Prepare
    const { logger, lines } = recordingLogger();
    const handler = createHandler({
      // Ports that always work: logging is what is under test.
      store: new InMemoryEventStore(),
      alerts: new CapturingAlertPublisher(),
      config: DEFAULT_INGEST_CONFIG,
      logger,
    });
    const secretInCount = sqsRecord(
      voisoEvent('app_login/incorrect_password', {
        params: { user: 'maria@acme.com', count: 'hunter2' },
      }),
    );
    const secretInTimestamp = sqsRecord(
      voisoEvent('app_login/deleted_user', { timestamp: 'hunter3 maria@acme.com' }),
    );
    // Act
    const response = await handler(sqsEvent(secretInCount, secretInTimestamp));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const logged = lines();
    expect(logged).toContain('params.count: expected a non-negative integer');
    expect(logged).toContain('timestamp: invalid');
    expect(logged).not.toMatch(/hunter|maria/);
  });
});
