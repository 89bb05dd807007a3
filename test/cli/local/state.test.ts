// One running `voiso-sec local` owns .voiso-sec/local.json: a second one is refused while the
// owner lives, and a pipeline only ever deletes its own file.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../cli/errors';
import {
  assertNoOtherLocal,
  clearLocalState,
  type LocalState,
  stateFile,
  writeLocalState,
} from '../../../cli/local/state';

const RESOURCES = {
  region: 'us-east-1',
  sqsEndpoint: 'http://127.0.0.1:9324',
  dynamodbEndpoint: 'http://127.0.0.1:8000',
  queueUrl: 'http://127.0.0.1:9324/000000000000/q',
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
  deadLetterQueueUrl: 'http://127.0.0.1:9324/000000000000/dlq',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
  tableName: 'events',
};

/** A pid that is alive and not this process: the test runner's parent. */
const OTHER_LIVE_PID = process.ppid;
/** Beyond any pid Linux hands out (pid_max is at most 2^22). */
const DEAD_PID = 2 ** 22 + 1;

const ownerOnDisk = () => (JSON.parse(readFileSync(stateFile(), 'utf8')) as LocalState).pid;

describe('the local state file', () => {
  const saved = process.env.VOISO_SEC_HOME;
  beforeEach(() => {
    process.env.VOISO_SEC_HOME = mkdtempSync(join(tmpdir(), 'voiso-sec-state-'));
  });
  afterAll(() => {
    process.env.VOISO_SEC_HOME = saved;
  });

  const writeOwnedBy = (pid: number) =>
    writeFileSync(stateFile(), JSON.stringify({ ...RESOURCES, pid }));

  it('is written by the first pipeline', () => {
    writeLocalState({ ...RESOURCES, pid: process.pid });

    expect(ownerOnDisk()).toBe(process.pid);
  });

  it('refuses a second pipeline while its owner is alive, naming the owner', () => {
    writeOwnedBy(OTHER_LIVE_PID);

    expect(assertNoOtherLocal).toThrow(UsageError);
    expect(assertNoOtherLocal).toThrow(`Another voiso-sec local is running (pid ${OTHER_LIVE_PID}`);
    expect(() => writeLocalState({ ...RESOURCES, pid: process.pid })).toThrow(
      `pid ${OTHER_LIVE_PID}`,
    );
    expect(ownerOnDisk()).toBe(OTHER_LIVE_PID);
  });

  it('replaces a file left by a pipeline that has died', () => {
    writeOwnedBy(DEAD_PID);

    writeLocalState({ ...RESOURCES, pid: process.pid });

    expect(ownerOnDisk()).toBe(process.pid);
  });

  it('is deleted by its owner only, never by another pipeline stopping', () => {
    writeOwnedBy(OTHER_LIVE_PID);

    clearLocalState();
    expect(existsSync(stateFile())).toBe(true);

    clearLocalState(OTHER_LIVE_PID);
    expect(existsSync(stateFile())).toBe(false);
  });
});
