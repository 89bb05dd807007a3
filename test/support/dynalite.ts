// An in-memory DynamoDB (dynalite) on a random loopback port, for tests and local runs.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventsTableDefinition } from '../../lambda/adapters/table-schema';

// dynalite ships no types; this is the part of its API used here.
type DynaliteServer = import('node:http').Server;
const dynalite = require('dynalite') as (options: { createTableMs: number }) => DynaliteServer;

export interface RunningDynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<RunningDynalite> {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  const server = dynalite({ createTableMs: 0 });
  // Idle keep-alive sockets must outlive the SDK's reuse of them, or a later call gets ECONNRESET.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

let tableCounter = 0;

/** Creates a fresh events table (same layout as the stack's) and returns its name. */
export async function createEventsTable(client: DynamoDBClient, name?: string): Promise<string> {
  tableCounter++;
  const tableName = name ?? `events-${process.pid}-${tableCounter}`;
  await client.send(new CreateTableCommand(eventsTableDefinition(tableName)));
  return tableName;
}
