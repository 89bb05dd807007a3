// Voiso's way in: IAM users that may call sqs:SendMessage on the events queue and nothing else,
// and the newest access key kept in Secrets Manager. Rotation: bump `keySerial` and deploy.
//
// Rotation must not cut Voiso off before the new key is pasted into its integration page, so
// there are two key slots: slot A holds the key of the latest odd serial, slot B the latest even
// one. A bump replaces only the older slot's key; the other slot keeps the key Voiso uses now.
// Each slot is its own user, not a second key of one user: CloudFormation replaces a key by
// creating the new one before deleting the old, so one user would briefly need three keys, and
// IAM allows two per user. At serial 1 only slot A exists: there is no earlier key to keep, and
// a spare live key nobody holds would only be one more secret to leak.
import { Fn, SecretValue, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface VoisoAccessProps {
  /** The queue Voiso sends its events to. */
  readonly queue: sqs.IQueue;
  /**
   * Bumping this number issues a new access key (stored in the secret) in one slot and keeps the
   * previous key valid in the other until the next bump. Never decrease it. @default 1
   */
  readonly keySerial?: number;
  /** Voiso's egress ranges; when given, sends from any other address are denied. @default - any address */
  readonly sourceIpRanges?: readonly string[];
}

/** One user and its one access key. */
export interface VoisoKeySlot {
  readonly user: iam.User;
  readonly accessKey: iam.AccessKey;
  /** The serial this slot's key was issued for. */
  readonly serial: number;
}

export class VoisoAccess extends Construct {
  /** The slot holding the newest key, the one in the secret. */
  public readonly active: VoisoKeySlot;
  /** The slot holding the previous key, still valid until the next bump; none at serial 1. */
  public readonly previous?: VoisoKeySlot;
  /** JSON `{ "accessKeyId": "...", "secretAccessKey": "..." }` of the active key. */
  public readonly credentials: secretsmanager.Secret;
  /** The secret's name without Secrets Manager's random suffix, usable as `--secret-id`. */
  public readonly credentialsSecretName: string;

  constructor(scope: Construct, id: string, props: VoisoAccessProps) {
    super(scope, id);
    const keySerial = props.keySerial ?? 1;
    if (!Number.isInteger(keySerial) || keySerial < 1) {
      throw new Error(`VoisoAccess: keySerial must be a positive integer, got ${keySerial}`);
    }
    const ranges = props.sourceIpRanges ?? [];
    if (ranges.some((range) => !range.includes('/'))) {
      throw new Error('VoisoAccess: sourceIpRanges must be CIDR ranges such as 203.0.113.0/24');
    }

    const slot = (userId: string, keyId: string, serial: number): VoisoKeySlot => {
      const user = new iam.User(this, userId);
      // Written out rather than queue.grantSendMessages(), which also grants GetQueueAttributes
      // and GetQueueUrl: Voiso needs exactly one action on one resource.
      user.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SendVoisoSecurityEvents',
          actions: ['sqs:SendMessage'],
          resources: [props.queue.queueArn],
          conditions:
            ranges.length > 0 ? { IpAddress: { 'aws:SourceIp': [...ranges] } } : undefined,
        }),
      );
      // A customer-managed queue key must also let Voiso encrypt what it sends.
      props.queue.encryptionMasterKey?.grant(user, 'kms:GenerateDataKey', 'kms:Decrypt');
      return { user, accessKey: new iam.AccessKey(this, keyId, { user, serial }), serial };
    };
    const latestOdd = keySerial % 2 === 1 ? keySerial : keySerial - 1;
    const latestEven = keySerial % 2 === 0 ? keySerial : keySerial - 1;
    // Slot A keeps the construct ids of the single-key design, so upgrading a deployment at an
    // odd serial (the default 1) keeps the key Voiso already has.
    const slotA = slot('User', 'AccessKey', latestOdd);
    const slotB = latestEven >= 2 ? slot('SlotBUser', 'SlotBAccessKey', latestEven) : undefined;
    this.active = keySerial === latestOdd || slotB === undefined ? slotA : slotB;
    this.previous = this.active === slotA ? slotB : slotA;

    const accessKey = this.active.accessKey;
    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      description: "Voiso's newest access key for sending security events to the events queue",
      secretObjectValue: {
        accessKeyId: SecretValue.unsafePlainText(accessKey.accessKeyId),
        secretAccessKey: accessKey.secretAccessKey,
      },
    });
    Validations.of(this.credentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds an IAM access key that Voiso must be given by hand, so a Secrets Manager rotation Lambda cannot complete a rotation; it is rotated by bumping the voisoKeySerial context value (CloudFormation issues a new key in the older of two key slots and the key Voiso uses stays valid until it is pasted).',
    });
    // CloudFormation names the secret `<LogicalId>-<random>` and Secrets Manager appends
    // `-<6 chars>` to the ARN; logical ids have no hyphen, so the name is the first two parts.
    const arnName = Fn.select(6, Fn.split(':', this.credentials.secretArn));
    this.credentialsSecretName = Fn.join('-', [
      Fn.select(0, Fn.split('-', arnName)),
      Fn.select(1, Fn.split('-', arnName)),
    ]);
  }
}
