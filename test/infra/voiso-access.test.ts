// Voiso's key slots: bumping the serial replaces one slot's key and leaves the other, which holds
// the key Voiso is using now, valid until the next bump. The secret always holds the newest key.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { VoisoAccess } from '../../lib/constructs/voiso-access';
import { newApp, TEST_ENV } from './support';

interface KeySlot {
  readonly logicalId: string;
  readonly serial: unknown;
  readonly user: unknown;
}

function synthAt(keySerial: number, sourceIpRanges?: readonly string[]) {
  const stack = new Stack(newApp(), 'VoisoAccessTest', { env: TEST_ENV });
  const queue = new sqs.Queue(stack, 'Queue');
  new VoisoAccess(stack, 'VoisoAccess', {
    queue,
    keySerial,
    ...(sourceIpRanges !== undefined && { sourceIpRanges }),
  });
  const template = Template.fromStack(stack);
  const keys: KeySlot[] = Object.entries(template.findResources('AWS::IAM::AccessKey')).map(
    ([logicalId, key]) => ({
      logicalId,
      serial: key.Properties.Serial,
      user: key.Properties.UserName,
    }),
  );
  const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
  const secretText = JSON.stringify(secrets.map((s) => s.Properties.SecretString));
  /** Logical ids of the access keys the secret's value is built from. */
  const inSecret = keys.map((k) => k.logicalId).filter((id) => secretText.includes(`"${id}"`));
  const queueId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  return { template, keys, inSecret, queueId };
}

const bySerial = (keys: readonly KeySlot[]) =>
  [...keys].sort((a, b) => Number(a.serial) - Number(b.serial));

describe("Voiso's access key slots", () => {
  it('has one key at serial 1, and the secret holds it', () => {
    // act
    const { keys, inSecret } = synthAt(1);

    // assert
    expect(keys.map((k) => k.serial)).toEqual([1]);
    expect(inSecret).toEqual([keys[0]?.logicalId]);
  });

  it('adds a second key at serial 2, keeps the first, and the secret moves to the new one', () => {
    // prepare
    const first = synthAt(1).keys[0];

    // act
    const { keys, inSecret } = synthAt(2);

    // assert
    const [previous, active] = bySerial(keys);
    expect(keys.map((k) => k.serial).sort()).toEqual([1, 2]);
    expect(previous).toEqual(first);
    expect(active?.user).not.toEqual(previous?.user);
    expect(inSecret).toEqual([active?.logicalId]);
  });

  it('replaces the older slot at serial 3 and keeps serial 2 valid', () => {
    // prepare
    const atTwo = bySerial(synthAt(2).keys);

    // act
    const { keys, inSecret } = synthAt(3);

    // assert
    const [previous, active] = bySerial(keys);
    expect(keys.map((k) => k.serial).sort()).toEqual([2, 3]);
    expect(previous).toEqual(atTwo[1]);
    expect(active?.logicalId).toBe(atTwo[0]?.logicalId);
    expect(inSecret).toEqual([active?.logicalId]);
  });

  it('gives each slot its own user with only sqs:SendMessage on the queue', () => {
    // prepare
    const { template, keys, queueId } = synthAt(2);

    // act
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));

    // assert
    expect(template.findResources('AWS::IAM::User')).toEqual(
      Object.fromEntries(keys.map((k) => [(k.user as { Ref: string }).Ref, expect.anything()])),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const attachedTo = policies.flatMap((p) => p.Properties.Users).map((u) => JSON.stringify(u));
    expect(attachedTo.sort()).toEqual(keys.map((k) => JSON.stringify(k.user)).sort());
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      // The whole statement: one action, on this queue's ARN only, from anywhere (no ranges given).
      expect(statement).toEqual({
        Sid: 'SendVoisoSecurityEvents',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      });
    }
  });

  it("limits each slot to Voiso's source ranges when they are given", () => {
    // prepare
    const ranges = ['203.0.113.0/24', '2001:db8::/32'];

    // act
    const { template, queueId } = synthAt(2, ranges);

    // assert
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement).toEqual({
        Sid: 'SendVoisoSecurityEvents',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        Condition: { IpAddress: { 'aws:SourceIp': ranges } },
      });
    }
  });
});
