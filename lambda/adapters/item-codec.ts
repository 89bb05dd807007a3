// Items <-> DynamoDB attribute values, the same way everywhere (adapter, CLI, benchmarks).
// Voiso may send numbers beyond 2^53 in extra params: JSON.parse has already rounded them, and
// the SDK's default is to throw on them, which would fail a whole batch over one field. They
// are stored as parsed (DynamoDB keeps 38 digits; the core rejects what DynamoDB cannot hold)
// and read back as plain numbers.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export const toAttributes = (item: object): Record<string, AttributeValue> =>
  // convertClassInstanceToMap: a param named `constructor` makes a plain object look like a
  // class instance to the SDK, which would otherwise refuse it.
  marshall(item, {
    removeUndefinedValues: true,
    allowImpreciseNumbers: true,
    convertClassInstanceToMap: true,
  });

/** Untyped, as the SDK's unmarshall: callers assert the item shape they stored. */
export const fromAttributes = (
  raw: Record<string, AttributeValue>,
): ReturnType<typeof unmarshall> =>
  unmarshall(raw, { wrapNumbers: (text: string) => Number(text) });
