// Failures the CLI reports as one line. A UsageError is the user's to fix (exit 2); a
// CommandFailure means the command ran and could not do its job (exit 1).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export class UsageError extends Error {
  override name = 'UsageError';
}

export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Errors from the AWS SDK that mean "your setup", not "a bug": credentials, region, access. */
export function describeAwsSetupError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  switch (error.name) {
    case 'CredentialsProviderError':
      return describeMissingCredentials(process.env.AWS_PROFILE);
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return 'Your AWS session has expired: log in again (for example `aws sso login`)';
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
      return 'AWS rejected the credentials: check the profile or access key';
    case 'QueueDoesNotExist':
    case 'AWS.SimpleQueueService.NonExistentQueue':
      return 'The queue does not exist: check --queue-url, --stack and --region';
    case 'ResourceNotFoundException':
      return `Not found: ${error.message} (check --table, --stack and --region)`;
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `AWS denied access: ${error.message}`;
    default:
      break;
  }
  if (/region is missing/i.test(error.message)) {
    // A profile that does not exist has no region either: the profile is the mistake.
    return (
      unknownProfile(process.env.AWS_PROFILE) ??
      'No AWS region set: pass --region or set AWS_REGION'
    );
  }
  return undefined;
}

/** Network errors: the command was right, the endpoint did not answer (exit 1, not 2). */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const codeOf = (value: unknown): string | undefined => {
  const code = (value as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** "Cannot reach …" for a network failure (also inside Node's AggregateError), else undefined. */
export function describeConnectionError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const nested = error instanceof AggregateError ? error.errors : [];
  const failed = [error, (error as { cause?: unknown }).cause, ...nested].find((candidate) =>
    NETWORK_CODES.has(codeOf(candidate) ?? ''),
  );
  if (failed === undefined) return undefined;
  const detail = failed instanceof Error && failed.message !== '' ? failed.message : codeOf(failed);
  return `Cannot reach the endpoint (${detail})`;
}

const configFile = () => process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
const credentialsFile = () =>
  process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');

/** Section names of an AWS ini file: `[profile x]` in config, `[x]` in credentials. */
function profilesIn(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/gm)].map((m) => m[1] ?? '');
}

/** "AWS profile "x" not found …" when a profile was asked for and no AWS file has it. */
function unknownProfile(profile: string | undefined): string | undefined {
  if (profile === undefined || profile === '') return undefined;
  const known = [...profilesIn(configFile()), ...profilesIn(credentialsFile())];
  if (known.includes(profile)) return undefined;
  return `AWS profile "${profile}" not found in ${configFile()} or ${credentialsFile()}: check the name (aws configure list-profiles)`;
}

/** The SDK only says "could not load credentials": name the profile when one was asked for. */
function describeMissingCredentials(profile: string | undefined): string {
  if (profile === undefined || profile === '') {
    return 'No AWS credentials found: set AWS_PROFILE, pass --profile, or configure the default credential chain';
  }
  return (
    unknownProfile(profile) ??
    `AWS profile "${profile}" gave no usable credentials: log in (for example \`aws sso login --profile ${profile}\`) or check its keys`
  );
}
