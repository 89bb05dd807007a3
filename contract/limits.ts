// Size limits the queue, the function and the table must agree on, so that whatever SQS accepts
// is stored or quarantined, never lost, and every item fits DynamoDB.

/**
 * The largest message body the events queue accepts (its MaximumMessageSize, in bytes; SQS
 * counts UTF-8). Every body up to it is stored as an event or quarantined whole; the stack sets
 * the queue to it, and `simulate`/`local` give their emulated queue the same limit.
 */
export const MAX_MESSAGE_BYTES = 262_144;

/**
 * DynamoDB's item size limit: the UTF-8 bytes of every attribute name and value, plus the
 * overheads of its size rules (numbers by significant digits, 1 byte per list or map element,
 * 3 per list or map). Not the JavaScript string length: a character may take up to 4 bytes.
 */
export const MAX_ITEM_BYTES = 409_600;
