// Where a running `voiso-sec local` tells the other commands (`send --local`, `query --local`,
// `redrive --local`, `connection-info --local`) how to reach it: a small JSON file under
// .voiso-sec/ in the working directory, or under $VOISO_SEC_HOME. One running pipeline owns
// the file (its pid is in it): a second one is refused, and only the owner deletes it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectionSettings } from '../../contract/config';
import { UsageError } from '../errors';
import type { LocalResources } from './emulators';

export interface LocalState extends LocalResources {
  readonly pid: number;
  /** The detection settings the pipeline runs with, and where they came from (`status`, `explain`). */
  readonly detection?: DetectionSettings;
  readonly configuration?: string;
}

export const stateDir = (): string =>
  process.env.VOISO_SEC_HOME ?? join(process.cwd(), '.voiso-sec');
export const stateFile = () => join(stateDir(), 'local.json');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid written in the state file, if there is a readable one. */
function ownerPid(): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(stateFile(), 'utf8')) as Partial<LocalState>;
    return typeof pid === 'number' && Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Throws when another live process owns the state file; a stale file is fair game. */
export function assertNoOtherLocal(): void {
  const pid = ownerPid();
  if (pid === undefined || pid === process.pid || !alive(pid)) return;
  throw new UsageError(
    `Another voiso-sec local is running (pid ${pid}; it owns ${stateFile()}): stop it first, ` +
      'or give this one its own state directory with VOISO_SEC_HOME=<dir> (and the same ' +
      'VOISO_SEC_HOME for the commands that use it)',
  );
}

/**
 * Claims the state file for this process. The file is created exclusively, so of two pipelines
 * that start at once only one wins; a file left by a process that has died is replaced.
 */
export function writeLocalState(state: LocalState): void {
  mkdirSync(stateDir(), { recursive: true });
  const text = `${JSON.stringify(state, null, 2)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(stateFile(), text, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      assertNoOtherLocal();
      rmSync(stateFile(), { force: true });
    }
  }
}

/** Deletes the state file only if this process (or `pid`) owns it. */
export function clearLocalState(pid: number = process.pid): void {
  if (ownerPid() === pid) rmSync(stateFile(), { force: true });
}

export function readLocalState(): LocalState {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(stateFile(), 'utf8')) as LocalState;
  } catch {
    throw new UsageError('No local pipeline is running: start one with `voiso-sec local`');
  }
  if (!alive(state.pid)) {
    throw new UsageError(
      `The local pipeline that wrote ${stateFile()} has stopped: start it again with \`voiso-sec local\``,
    );
  }
  return state;
}
