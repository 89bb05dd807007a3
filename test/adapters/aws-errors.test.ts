// Which AWS failures the store retries: throttling, 5xx, timeouts and dropped connections may
// succeed on the next try; validation, permission and other 4xx errors never will.
import {
  isTransientAwsError,
  PermanentStoreError,
  TransientStoreError,
  toStoreError,
} from '../../lambda/adapters/aws-errors';

/** An error shaped as the SDK v3 throws them. */
function sdkError(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: {}, ...fields });
}

describe('isTransientAwsError', () => {
  it.each([
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
  ])('retries %s (by name, whatever its status)', (name) => {
    expect(isTransientAwsError(sdkError(name, { $metadata: { httpStatusCode: 400 } }))).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])(
    'retries a dropped connection (%s, by its code)',
    (code) => {
      expect(isTransientAwsError(Object.assign(new Error('socket'), { code }))).toBe(true);
      expect(isTransientAwsError(sdkError(code))).toBe(true);
    },
  );

  it.each([500, 502, 503, 599])('retries any HTTP %i', (status) => {
    expect(
      isTransientAwsError(sdkError('Whatever', { $metadata: { httpStatusCode: status } })),
    ).toBe(true);
  });

  it('retries what the SDK marks retryable', () => {
    expect(isTransientAwsError(sdkError('Odd', { $retryable: { throttling: false } }))).toBe(true);
    expect(isTransientAwsError(sdkError('Odd', { $retryable: undefined }))).toBe(false);
  });

  it.each([
    ['a validation error', sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['access denied', sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 403 } })],
    [
      'a missing table',
      sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } }),
    ],
    ['HTTP 499', sdkError('ClientClosed', { $metadata: { httpStatusCode: 499 } })],
    ['a status that is not a number', sdkError('Odd', { $metadata: { httpStatusCode: '503' } })],
    ['a name that only contains a transient one', sdkError('NotThrottlingException')],
    ['a code that is not a string', Object.assign(new Error('x'), { code: 104 })],
    ['a plain error', new Error('boom')],
    ['a string', 'ThrottlingException'],
    ['null', null],
    ['undefined', undefined],
  ])('does not retry %s', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe('toStoreError', () => {
  it('wraps a transient SDK error as TransientStoreError, keeping it as the cause', () => {
    // Prepare
    const cause = sdkError('ThrottlingException');
    // Act
    const error = toStoreError(cause);
    // Assert
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(error.name).toBe('TransientStoreError');
    expect(error.message).toBe('ThrottlingException: ThrottlingException happened');
    expect(error.cause).toBe(cause);
  });

  it('wraps anything else as PermanentStoreError', () => {
    // Act
    const error = toStoreError(sdkError('ValidationException'));
    const thrownString = toStoreError('not an error');
    // Assert
    expect(error).toBeInstanceOf(PermanentStoreError);
    expect(error.name).toBe('PermanentStoreError');
    expect(error.message).toBe('ValidationException: ValidationException happened');
    expect(thrownString).toBeInstanceOf(PermanentStoreError);
    expect(thrownString.message).toBe('not an error');
    expect(thrownString.cause).toBe('not an error');
  });

  it('returns a store error as it is', () => {
    // Prepare
    const transient = new TransientStoreError('t');
    const permanent = new PermanentStoreError('p');
    // Act / Assert
    expect(toStoreError(transient)).toBe(transient);
    expect(toStoreError(permanent)).toBe(permanent);
  });
});
