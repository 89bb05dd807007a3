// Runs the CLI's local emulators (local-aws-sqs + dynalite) in a child process. In AWS the queue
// and the table do not run on the Lambda's CPU; in one process they would, and the handler
// would be timed together with the emulators' own work. The child prints its endpoints as one
// JSON line and exits when its standard input closes (so it never outlives the benchmark).
import './quiet-sdk';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  LOCAL_CREDENTIALS,
  type LocalResources,
  localResources,
  startEmulators,
} from '../../cli/local/emulators';

export interface RemoteEmulators extends LocalResources {
  readonly sqs: SQSClient;
  /** A client for setup and read-back; handlers get their own, with counters and faults. */
  readonly dynamodb: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts the emulators in a child process; `visibilityTimeoutSeconds` as in startEmulators. */
export async function startEmulatorProcess(
  visibilityTimeoutSeconds: number,
): Promise<RemoteEmulators> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', __filename, String(visibilityTimeoutSeconds)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    },
  );
  const stdout = child.stdout;
  if (stdout === null) throw new Error('emulator process has no stdout');
  const resources = await new Promise<LocalResources>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as LocalResources));
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  const sqs = new SQSClient({
    region: resources.region,
    endpoint: resources.sqsEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const dynamodb = new DynamoDBClient({
    region: resources.region,
    endpoint: resources.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    ...resources,
    sqs,
    dynamodb,
    stop: async () => {
      sqs.destroy();
      dynamodb.destroy();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const emulators = await startEmulators({ visibilityTimeoutSeconds: Number(process.argv[2]) });
  process.stdout.write(`${JSON.stringify(localResources(emulators))}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void emulators.stop().then(() => process.exit(0));
  });
}

if (require.main === module) {
  serve().catch((error: unknown) => {
    process.stderr.write(`emulators failed: ${String(error)}\n`);
    process.exit(1);
  });
}
