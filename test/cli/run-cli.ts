// Runs the CLI as a user does: `node cli/voiso-sec.js ...` in a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Standard input for the CLI: one body per line, each ended by a newline. */
export const lines = (...bodies: string[]): string => `${bodies.join('\n')}\n`;

export const REPO_ROOT = join(__dirname, '..', '..');
const ENTRY = join(REPO_ROOT, 'cli', 'voiso-sec.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** An environment with no way to AWS credentials and its own state directory. */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(tmpdir(), 'voiso-sec-home-')),
    AWS_CONFIG_FILE: '/nonexistent/voiso-sec-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/voiso-sec-test-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    VOISO_SEC_HOME: mkdtempSync(join(tmpdir(), 'voiso-sec-state-')),
    ...extra,
  };
  return env;
}

export function runCli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? isolatedEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningLocal {
  readonly env: NodeJS.ProcessEnv;
  readonly process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `voiso-sec local` and resolves once it has printed its endpoints. */
export function startLocal(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<RunningLocal> {
  const env = isolatedEnv(extraEnv);
  const child = spawn(process.execPath, [ENTRY, 'local', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Queue URL:')) {
        resolve({
          env,
          process: child,
          output: () => output,
          stop: async () => {
            child.kill('SIGINT');
            return closed;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    closed.then((code) => reject(new Error(`local exited early (${code}): ${output}`)));
  });
}
