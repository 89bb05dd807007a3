// Which AWS SDK failures are worth retrying. A throttle, a 5xx or a network timeout may succeed
// on the next try (SQS redelivers the record); a validation or permission error will not.

export class TransientStoreError extends Error {
  override name = 'TransientStoreError';
}

export class PermanentStoreError extends Error {
  override name = 'PermanentStoreError';
}

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSThrottlingException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** True for throttling, 5xx, timeouts and connection errors. */
export function isTransientAwsError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const shape = error as SdkErrorShape;
  if (shape.$retryable) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (typeof shape.name === 'string' && TRANSIENT_NAMES.has(shape.name)) return true;
  return typeof shape.code === 'string' && TRANSIENT_NAMES.has(shape.code);
}

/** Wraps an SDK error into the typed store error the handler reasons about. */
export function toStoreError(error: unknown): TransientStoreError | PermanentStoreError {
  if (error instanceof TransientStoreError || error instanceof PermanentStoreError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return isTransientAwsError(error)
    ? new TransientStoreError(message, { cause: error })
    : new PermanentStoreError(message, { cause: error });
}
