// An item's size as DynamoDB counts it against its 400 KB limit, from the rules in the developer
// guide ("DynamoDB item sizes and formats"): attribute names and string values in UTF-8 bytes,
// numbers by significant digits, 1 byte for a boolean or null, 3 bytes per list or map plus 1 per
// element. dynalite counts JavaScript string length instead (a 4-byte character counts 2), so a
// write that dynalite accepts is no proof; the tests measure with this.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { toAttributes } from '../adapters/item-codec';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * "1 byte per two significant digits, plus 1 byte", the way DynamoDB stores them (base-100
 * digits, so an even digit count may need one more byte depending on the exponent), plus 1 for a
 * negative sign: rounded up where the rule says "approximately".
 */
function numberSize(text: string): number {
  const negative = text.startsWith('-');
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '');
  const digits = Math.max(mantissa.replace(/^0+/, '').replace(/0+$/, '').length, 1);
  return 1 + Math.ceil(digits / 2) + (digits % 2 === 0 ? 1 : 0) + (negative ? 1 : 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueSize(v), 0);
  }
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  throw new Error('unknown attribute value type');
}

/** Bytes the item counts against MAX_ITEM_BYTES, as it would be written (same marshalling). */
export function dynamoItemSize(item: object): number {
  return Object.entries(toAttributes(item)).reduce(
    (sum, [name, value]) => sum + utf8(name) + valueSize(value),
    0,
  );
}
