// `voiso-sec explain` against a deployed stack, with stubbed clients: the item found through its
// alert record, judged with the configuration the deployed function runs.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { runExplain } from '../../cli/commands/explain';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import { toAttributes } from '../../lambda/adapters/item-codec';
import { buildEventItem } from '../../lambda/core/items';
import { alertRecordKey } from '../../lambda/core/keys';
import { classifyMessage } from '../../lambda/core/message';
import { alertRecord } from '../../lambda/core/records';
import { voisoEventBody } from '../../lambda/testing/factories';

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const dynamodb = mockClient(DynamoDBClient);

const OUTPUTS = { EventsTableName: 'VoisoSec-Events', IngestFunctionName: 'VoisoSec-Ingest' };

function storedEvent() {
  const verdict = classifyMessage(
    voisoEventBody('user/user_deleted', {
      params: { who: 'robot@acme.example', user: 'old@acme.example', access_group: 'admin' },
    }),
    DEFAULT_DETECTION_SETTINGS,
  );
  if (verdict.kind !== 'event') throw new Error(verdict.reason);
  return buildEventItem(verdict.normalised, verdict.classification, {
    messageId: 'm-1',
    receivedAt: new Date('2025-03-14T09:00:01Z'),
    retentionDays: 365,
  });
}

describe('explain on a deployed stack', () => {
  beforeEach(() => {
    for (const client of [cloudFormation, lambda, dynamodb]) client.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'VoisoSec',
          CreationTime: new Date(0),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({
            OutputKey,
            OutputValue,
          })),
        },
      ],
    });
  });

  it('finds an alerted event by its alert record and judges it with the deployed configuration', async () => {
    const item = storedEvent();
    const record = alertRecord(
      {
        alertKey: item.eventId,
        alertKind: 'event',
        callcenter: item.callcenter,
        rule: item.rules[0] ?? 'none',
        severity: item.severity,
        subject: { pk: item.pk, sk: item.sk },
      },
      { state: 'sent', topicsSent: ['alerts'], owners: ['m-1'], leaseUntil: 0 },
      1,
      new Date('2025-03-14T09:00:02Z'),
      undefined,
    );
    dynamodb
      .on(GetItemCommand, { Key: toAttributes(alertRecordKey(item.eventId)) })
      .resolves({ Item: toAttributes(record) });
    dynamodb
      .on(GetItemCommand, { Key: toAttributes({ pk: item.pk, sk: item.sk }) })
      .resolves({ Item: toAttributes(item) });
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'VoisoSec-Ingest' }).resolves({
      Environment: {
        Variables: {
          DETECTION_CONFIG: JSON.stringify({
            suppressions: [{ id: 'robot', actor: 'robot@acme.example' }],
          }),
        },
      },
    });

    const x = await runExplain(item.eventId, { stack: 'VoisoSec', region: 'eu-west-1' });

    if (x.kind !== 'event') throw new Error('expected an event');
    expect(x.configuration).toBe('the deployed function VoisoSec-Ingest (DETECTION_CONFIG)');
    expect(x.stored).toMatchObject({ severity: 'high', alertDue: true });
    // The deployed configuration now suppresses what was alerted when it was stored.
    expect(x.judgement).toMatchObject({ suppressedBy: 'robot', alert: false });
    expect(x.alert).toMatchObject({ state: 'sent', topics: ['alerts'] });
    expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input.TableName).toBe(
      'VoisoSec-Events',
    );
  });

  it('still searches when the deployed configuration may not be read', async () => {
    const item = storedEvent();
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    await expect(
      runExplain(item.eventId, { stack: 'VoisoSec', region: 'eu-west-1', callcenter: 'acme' }),
    ).rejects.toThrow(/^No event .* in call center acme/);
  });
});
