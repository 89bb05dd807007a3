// Reading a function's environment at cold start: a missing or blank variable is a
// ConfigurationError naming it, so a broken deployment fails before it touches any event.
import { ConfigurationError } from '../contract/config';

export const environmentError = (what: string, problem: string) =>
  new ConfigurationError(`${what} environment`, [problem]);

export function requiredVariable(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw environmentError(what, `${name}: required`);
  return value;
}
