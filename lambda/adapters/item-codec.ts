// Items <-> DynamoDB attribute values, the same way everywhere (adapter, CLI, benchmarks).
// Voiso may send numbers beyond 2^53 in extra params: JSON.parse has already rounded them, and
// the SDK's default is to throw on them, which would fail a whole batch over one field. They
// are stored as parsed (DynamoDB keeps 38 digits; the core rejects what DynamoDB cannot hold)
// and read back as plain numbers. An event's `detections` is a string set, so UpdateItem can ADD
// to it idempotently; it reads back as a sorted array.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** Attributes stored as DynamoDB string sets (never empty: an empty set cannot be stored). */
const STRING_SETS = ['detections'] as const;

export const toAttributes = (item: object): Record<string, AttributeValue> => {
  // convertClassInstanceToMap: a param named `constructor` makes a plain object look like a
  // class instance to the SDK, which would otherwise refuse it.
  const attributes = marshall(item, {
    removeUndefinedValues: true,
    allowImpreciseNumbers: true,
    convertClassInstanceToMap: true,
  });
  for (const name of STRING_SETS) {
    const value = (item as Record<string, unknown>)[name];
    if (!Array.isArray(value)) continue;
    if (value.length === 0) delete attributes[name];
    else attributes[name] = { SS: [...new Set(value.map(String))] };
  }
  return attributes;
};

/** Untyped, as the SDK's unmarshall: callers assert the item shape they stored. */
export const fromAttributes = (
  raw: Record<string, AttributeValue>,
): ReturnType<typeof unmarshall> => {
  const item = unmarshall(raw, { wrapNumbers: (text: string) => Number(text) });
  for (const name of STRING_SETS) {
    const value = item[name];
    if (value instanceof Set) item[name] = [...value].map(String).sort();
  }
  return item;
};
