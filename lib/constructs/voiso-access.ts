// Voiso's way in: an IAM user that may call sqs:SendMessage on the events queue and nothing
// else, and its access key kept in Secrets Manager. Rotation: bump `keySerial` and deploy.
import { Fn, SecretValue, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface VoisoAccessProps {
  /** The queue Voiso sends its events to. */
  readonly queue: sqs.IQueue;
  /**
   * Changing this number replaces the access key: CloudFormation creates the new key, stores it
   * in the secret, then deletes the old one. @default 1
   */
  readonly keySerial?: number;
  /** Voiso's egress ranges; when given, sends from any other address are denied. @default - any address */
  readonly sourceIpRanges?: readonly string[];
}

export class VoisoAccess extends Construct {
  public readonly user: iam.User;
  /** JSON `{ "accessKeyId": "...", "secretAccessKey": "..." }`. */
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
    this.user = new iam.User(this, 'User');
    // Written out rather than queue.grantSendMessages(), which also grants GetQueueAttributes
    // and GetQueueUrl: Voiso needs exactly one action on one resource.
    this.user.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendVoisoSecurityEvents',
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
        conditions: ranges.length > 0 ? { IpAddress: { 'aws:SourceIp': [...ranges] } } : undefined,
      }),
    );
    // A customer-managed queue key must also let Voiso encrypt what it sends.
    props.queue.encryptionMasterKey?.grant(this.user, 'kms:GenerateDataKey', 'kms:Decrypt');

    const accessKey = new iam.AccessKey(this, 'AccessKey', {
      user: this.user,
      serial: keySerial,
    });
    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      description: "Voiso's access key for sending security events to the events queue",
      secretObjectValue: {
        accessKeyId: SecretValue.unsafePlainText(accessKey.accessKeyId),
        secretAccessKey: accessKey.secretAccessKey,
      },
    });
    Validations.of(this.credentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds an IAM access key that Voiso must be given by hand, so a Secrets Manager rotation Lambda cannot complete a rotation; it is rotated by bumping the voisoKeySerial context value (CloudFormation creates the new key and deletes the old one).',
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
