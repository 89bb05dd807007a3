// Failures the CLI reports as one line. A UsageError is the user's to fix (exit 2); a
// CommandFailure means the command ran and could not do its job (exit 1).

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
      return 'No AWS credentials found: set AWS_PROFILE, pass --profile, or configure the default credential chain';
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
    return 'No AWS region set: pass --region or set AWS_REGION';
  }
  if ('code' in error && (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND')) {
    return `Cannot reach the endpoint (${error.message})`;
  }
  return undefined;
}
