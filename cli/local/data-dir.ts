// `local --data-dir`: checked before dynalite opens it, because dynalite reports a directory it
// cannot open only later, as an uncaught "Database is closed" from inside a request.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from '../errors';

interface LevelDatabase {
  open(options?: { createIfMissing?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** The LevelDB that dynalite itself opens (its own dependency, not one of ours). */
const Level = (): (new (location: string) => LevelDatabase) =>
  (
    createRequire(require.resolve('dynalite'))('level') as {
      Level: new (l: string) => LevelDatabase;
    }
  ).Level;

const WHY: Readonly<Record<string, string>> = {
  LEVEL_LOCKED:
    'another process is using it (a second `voiso-sec local` with the same --data-dir?)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'part of the path is a file, not a directory',
  EEXIST: 'it is a file, not a directory',
  ENOSPC: 'no space left on the device',
};

/** Opens (creating if needed) and closes the directory's table store, or throws a UsageError. */
export async function checkDataDir(dir: string): Promise<void> {
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // Missing is fine: it is created.
  }
  if (isFile) throw new UsageError(`--data-dir: ${dir} is a file, not a directory`);
  const db = new (Level())(dir);
  try {
    await db.open({ createIfMissing: true });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      WHY[cause?.code ?? ''] ?? cause?.message ?? (error instanceof Error ? error.message : '');
    throw new UsageError(`--data-dir: cannot keep the table in ${dir}: ${why}`);
  }
  await db.close();
}
