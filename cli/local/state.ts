// Where a running `voiso-sec local` tells the other commands (`send --local`, `query --local`,
// `redrive --local`) how to reach it: a small JSON file under .voiso-sec/ in the working
// directory, or under $VOISO_SEC_HOME.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors';
import type { LocalResources } from './emulators';

export interface LocalState extends LocalResources {
  readonly pid: number;
}

export const stateDir = (): string =>
  process.env.VOISO_SEC_HOME ?? join(process.cwd(), '.voiso-sec');
const stateFile = () => join(stateDir(), 'local.json');

export function writeLocalState(state: LocalState): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearLocalState(): void {
  rmSync(stateFile(), { force: true });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function readLocalState(): LocalState {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(stateFile(), 'utf8')) as LocalState;
  } catch {
    throw new UsageError('No local pipeline is running: start one with `voiso-sec local`');
  }
  if (!alive(state.pid)) {
    throw new UsageError(
      'The local pipeline that wrote .voiso-sec/local.json has stopped: start it again with `voiso-sec local`',
    );
  }
  return state;
}
