// An in-memory (or on-disk) DynamoDB, dynalite, on a loopback port, with a client for it: for
// the tests, the fuzzer and the local pipeline's emulators.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IndexLayout } from '../../contract/table';
import { eventsTableDefinition } from '../adapters/table-schema';

// dynalite ships no types; this is the part of its API used here.
type DynaliteServer = import('node:http').Server;
const dynalite = require('dynalite') as (options: {
  createTableMs: number;
  path?: string;
}) => DynaliteServer;

export interface DynaliteOptions {
  /** Loopback port to listen on. @default 0 (any free port) */
  readonly port?: number;
  /** Directory for dynalite's data. @default in memory */
  readonly dataDir?: string;
  /**
   * Idle keep-alive sockets must outlive the SDK's reuse of them, or a later call gets
   * ECONNRESET (Node's default is 5 s). @default 120_000
   */
  readonly keepAliveTimeoutMs?: number;
  /** Credentials of the client; dynalite checks no signature. @default test/test */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface RunningDynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Destroys the client and closes the server; a second call does nothing. */
  stop(): Promise<void>;
}

export async function startDynalite(options: DynaliteOptions = {}): Promise<RunningDynalite> {
  const server = dynalite({
    createTableMs: 0,
    ...(options.dataDir !== undefined && { path: options.dataDir }),
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    client,
    stop: () => {
      stopped ??= new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return stopped;
    },
  };
}

let tableCounter = 0;

/**
 * Creates a fresh events table (same layout as the stack's, or the indexes given, e.g. a
 * deployed table's before its upgrade) and returns its name.
 */
export async function createEventsTable(
  client: DynamoDBClient,
  name?: string,
  indexes?: readonly IndexLayout[],
): Promise<string> {
  tableCounter++;
  const tableName = name ?? `events-${process.pid}-${tableCounter}`;
  await client.send(new CreateTableCommand(eventsTableDefinition(tableName, indexes)));
  return tableName;
}
