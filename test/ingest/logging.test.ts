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

  it('never carry a name the sender chose: params are logged by position', async () => {
    // Prepare: an e-mail address as a param name, with values the core refuses.
    const { logger, lines } = recordingLogger();
    const handler = createHandler({
      store: new InMemoryEventStore(),
      alerts: new CapturingAlertPublisher(),
      config: DEFAULT_INGEST_CONFIG,
      logger,
    });
    const records = [
      { 'maria.lopez@acme.com': 'x'.repeat(5_000) },
      { notes: { 'maria.lopez@acme.com': 1e300 } },
      { 'maria.lopez@acme.com\ud800': 1 },
      { 'hunter2@acme.com': ['\ud800'] },
    ].map((params) => sqsRecord(voisoEvent('app_login/deleted_user', { params })));
    // Act
    const response = await handler(sqsEvent(...records));
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const logged = lines();
    expect(logged).toContain('params[2]: longer than 4096 characters');
    expect(logged).toContain('params[2][0]: number out of range');
    expect(logged).toContain('params: property name contains a lone UTF-16 surrogate');
    expect(logged).toContain('params[2][0]: contains a lone UTF-16 surrogate');
    expect(logged).not.toMatch(/maria|hunter|notes/);
  });

  it('never carry what a failing observer quotes from an item', async () => {
    // Prepare
    const { logger, lines } = recordingLogger();
    const handler = createHandler({
      store: new InMemoryEventStore(),
      alerts: new CapturingAlertPublisher(),
      config: DEFAULT_INGEST_CONFIG,
      logger,
      observer: {
        onStored: (item) => {
          throw new Error(`cannot show ${String(item.params.user)}`);
        },
      },
    });
    const record = sqsRecord(
      voisoEvent('app_login/deleted_user', { params: { user: 'maria@acme.com' } }),
    );
    // Act
    await handler(sqsEvent(record));
    // Assert
    expect(lines()).toContain('Ingest observer threw');
    expect(lines()).not.toMatch(/maria|cannot show/);
  });
});
