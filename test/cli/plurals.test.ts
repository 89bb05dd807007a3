// Every count a person reads says "1 message" and "2 messages", never "1 messages": each
// message is checked for 0, 1 and 2.
import { batchLine } from '../../cli/commands/local';
import { redriveDoneText, redriveStartText } from '../../cli/commands/redrive';
import { notSentFailure, sendSummary } from '../../cli/commands/send';
import { formatSimulation, type SimulationResult } from '../../cli/commands/simulate';
import { plural } from '../../cli/terminal';

const URL = 'http://127.0.0.1:1/000000000000/q';

describe('plural', () => {
  it.each([
    [0, '0 messages'],
    [1, '1 message'],
    [2, '2 messages'],
  ])('%i message(s)', (n, text) => {
    expect(plural(n, 'message')).toBe(text);
  });

  it('takes an irregular plural', () => {
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('messages for 0, 1 and 2', () => {
  const simulation = (n: number): SimulationResult => ({
    summary: {
      sent: n,
      stored: n,
      duplicates: n,
      quarantined: n,
      deadLettered: n,
      alerts: n,
      rejected: n,
    },
    stored: [],
    incidents: [],
    alerts: [],
    quarantined: [],
    deadLettered: [],
    rejected: Array.from({ length: n }, (_, i) => ({ line: i + 1, reason: 'is too big' })),
  });

  it.each([
    [
      0,
      'Sent 0 messages: 0 stored, 0 duplicates, 0 quarantined, 0 dead-lettered; 0 alerts published.',
      undefined,
    ],
    [
      1,
      'Sent 1 message: 1 stored, 1 duplicate, 1 quarantined, 1 dead-lettered; 1 alert published.',
      'Not sent: 1 line SQS would refuse (listed below).',
    ],
    [
      2,
      'Sent 2 messages: 2 stored, 2 duplicates, 2 quarantined, 2 dead-lettered; 2 alerts published.',
      'Not sent: 2 lines SQS would refuse (listed below).',
    ],
  ])('simulate, %i', (n, summary, refused) => {
    const text = formatSimulation(simulation(n)).split('\n');

    expect(text[0]).toBe(summary);
    if (refused === undefined) expect(text[1]).toBe('');
    else expect(text[1]).toBe(refused);
  });

  it.each([
    [0, 0, `Sent 0 messages to ${URL}`, '0 messages not sent'],
    [1, 1, `Sent 1 message to ${URL}`, '1 message not sent'],
    [2, 2, `Sent 2 messages to ${URL}`, '2 messages not sent'],
    [0, 1, `Sent 0 of 1 message to ${URL}`, ''],
    [1, 2, `Sent 1 of 2 messages to ${URL}`, ''],
  ])('send, %i of %i', (sent, total, summary, failure) => {
    expect(sendSummary(sent, total, URL)).toBe(summary);
    if (failure) expect(notSentFailure(sent).message).toBe(failure);
  });

  it.each([
    [0, 'Moving about 0 messages', 'Redrive complete: 0 messages moved.'],
    [1, 'Moving about 1 message ', 'Redrive complete: 1 message moved.'],
    [2, 'Moving about 2 messages', 'Redrive complete: 2 messages moved.'],
  ])('redrive, %i', (n, start, done) => {
    expect(redriveStartText(n)).toContain(start);
    expect(redriveDoneText(n)).toBe(done);
  });

  const outcome = { stored: 0, duplicates: 0, quarantined: 0, retried: 0, deadLettered: 0 };

  it.each([
    [{ ...outcome, duplicates: 1 }, 5, 'batch of 1 message: 1 duplicate'],
    [{ ...outcome, duplicates: 2 }, 5, 'batch of 2 messages: 2 duplicates'],
    [
      { ...outcome, deadLettered: 1 },
      1,
      'batch of 1 message: 1 dead-lettered after 1 failed receive',
    ],
    [
      { ...outcome, stored: 2, retried: 1, deadLettered: 2 },
      2,
      'batch of 5 messages: 2 stored, 1 failed, to be retried, 2 dead-lettered after 2 failed receives',
    ],
  ])("local's batch line: %j with maxReceiveCount %i", (counts, maxReceiveCount, text) => {
    expect(batchLine(counts, maxReceiveCount, new Date(0))).toBe(
      `[1970-01-01T00:00:00.000Z] ${text}`,
    );
  });
});
