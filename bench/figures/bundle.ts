// The ingest Lambda's bundle, built as the stack builds it (esbuild: bundle everything including
// the AWS SDK, minify, node platform, cjs), and its cold-start module-load time measured in fresh
// node processes against a bundle of only the bare SDK clients it uses, built the same way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');
export const INGEST_ENTRY = join(ROOT, 'lambda', 'ingest', 'handler.ts');

/** lib/constructs/pipeline-function.ts bundles with NodejsFunction: these are its settings. */
const STACK_SETTINGS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  logLevel: 'silent',
} as const;

const BARE_CLIENTS = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
export const clients = [new DynamoDBClient({}), new SNSClient({})];
`;

export interface BundleFigure {
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  readonly bareClientsBytes: number;
  /** Median module-load time of the ingest bundle, ms. */
  readonly loadMs: number;
  /** Median module-load time of the bare-clients bundle, ms. */
  readonly bareClientsLoadMs: number;
  readonly ratio: number;
  readonly runs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Loads a module in a fresh node process and returns the require time in ms. */
function loadTimeMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const output = execFileSync(process.execPath, ['--no-warnings', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      EVENTS_TABLE_NAME: 'events',
      ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:critical',
      POWERTOOLS_SERVICE_NAME: 'VoisoSec',
      POWERTOOLS_METRICS_NAMESPACE: 'VoisoSec',
    },
    encoding: 'utf8',
  });
  return Number(output);
}

export async function measureBundle(runs: number): Promise<BundleFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'voiso-sec-bundle-'));
  try {
    const ingest = join(dir, 'ingest', 'index.js');
    const bare = join(dir, 'bare', 'index.js');
    await build({ ...STACK_SETTINGS, entryPoints: [INGEST_ENTRY], outfile: ingest });
    await build({
      ...STACK_SETTINGS,
      stdin: { contents: BARE_CLIENTS, resolveDir: ROOT, loader: 'ts' },
      outfile: bare,
    });
    const ingestTimes: number[] = [];
    const bareTimes: number[] = [];
    // Interleaved, so a noisy neighbour slows both sides alike.
    for (let run = 0; run < runs; run++) {
      bareTimes.push(loadTimeMs(bare));
      ingestTimes.push(loadTimeMs(ingest));
    }
    const loadMs = median(ingestTimes);
    const bareClientsLoadMs = median(bareTimes);
    return {
      bundleBytes: statSync(ingest).size,
      sourceMapBytes: statSync(`${ingest}.map`).size,
      bareClientsBytes: statSync(bare).size,
      loadMs,
      bareClientsLoadMs,
      ratio: loadMs / bareClientsLoadMs,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
