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
//
// Hardening switches (see the README's "Security: what the stack promises"): the previous key can
// be made Inactive, the secret can be closed to everyone but named administrators and readers,
// and the queue can refuse sends from anyone but Voiso's users.
import {
  Annotations,
  DefaultStackSynthesizer,
  Fn,
  SecretValue,
  Stack,
  Validations,
} from 'aws-cdk-lib';
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
  /**
   * Sets the previous slot's access key Inactive: one deploy cuts off the key Voiso no longer
   * uses (after a leak: bump, paste the new key into Voiso, then deactivate). Turn it off again
   * before the next bump, or that bump makes the key Voiso still uses Inactive. @default false
   */
  readonly deactivatePrevious?: boolean;
  /**
   * Deny sqs:SendMessage on the queue to every principal but Voiso's users and `administrators`.
   * @default false
   */
  readonly restrictSenders?: boolean;
  /**
   * ARNs (wildcards allowed) of the account's administrators for this deployment. They may read
   * the secret and, with `restrictSenders`, send to the queue (`voiso-sec redrive`). @default []
   */
  readonly administrators?: readonly string[];
  /** ARNs (wildcards allowed) of other principals that may read the secret. @default [] */
  readonly secretReaders?: readonly string[];
}

/** Warning ids, so a deployment (or a test) can acknowledge one knowingly. */
export const VOISO_ACCESS_WARNINGS = {
  anySourceAddress: 'voiso-sec:voisoKeyUsableFromAnyAddress',
  previousKeyInactive: 'voiso-sec:previousVoisoKeyInactive',
  nothingToDeactivate: 'voiso-sec:noPreviousVoisoKey',
  secretReadableByAccount: 'voiso-sec:voisoSecretReadableByAccount',
  sendersWithoutAdministrators: 'voiso-sec:restrictedSendersWithoutAdministrators',
} as const;

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
    const administrators = props.administrators ?? [];
    const secretReaders = props.secretReaders ?? [];
    for (const arn of [...administrators, ...secretReaders]) {
      if (!/^arn:[^:]+:iam::[0-9]{12}:/.test(arn)) {
        throw new Error(`VoisoAccess: "${arn}" is not an IAM principal ARN`);
      }
    }
    const stack = Stack.of(this);

    const slot = (
      userId: string,
      keyId: string,
      serial: number,
      status: iam.AccessKeyStatus | undefined,
    ): VoisoKeySlot => {
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
      // A customer-managed queue key must also let Voiso encrypt what it sends, but only through
      // SQS, for this queue: the key is useless with Voiso's credentials anywhere else.
      const queueKey = props.queue.encryptionMasterKey;
      if (queueKey) {
        user.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'EncryptThroughSqsForTheEventsQueueOnly',
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: [queueKey.keyArn],
            conditions: {
              StringEquals: {
                'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}`,
                'kms:EncryptionContext:aws:sqs:arn': props.queue.queueArn,
              },
            },
          }),
        );
      }
      const accessKey = new iam.AccessKey(this, keyId, { user, serial, status });
      return { user, accessKey, serial };
    };
    const latestOdd = keySerial % 2 === 1 ? keySerial : keySerial - 1;
    const latestEven = keySerial % 2 === 0 ? keySerial : keySerial - 1;
    const activeIsA = keySerial === latestOdd;
    // Only the previous slot is ever deactivated; the active key is always Active (left unset,
    // as before the switch existed, so deployed keys see no change).
    const statusOf = (isActive: boolean) =>
      !isActive && props.deactivatePrevious ? iam.AccessKeyStatus.INACTIVE : undefined;
    // Slot A keeps the construct ids of the single-key design, so upgrading a deployment at an
    // odd serial (the default 1) keeps the key Voiso already has.
    const slotA = slot('User', 'AccessKey', latestOdd, statusOf(activeIsA));
    const slotB =
      latestEven >= 2
        ? slot('SlotBUser', 'SlotBAccessKey', latestEven, statusOf(!activeIsA))
        : undefined;
    this.active = activeIsA || slotB === undefined ? slotA : slotB;
    this.previous = this.active === slotA ? slotB : slotA;
    this.warnAboutKeys(props, ranges);

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

    this.restrictSecretReads(administrators, secretReaders);
    if (props.restrictSenders) this.restrictSenders(props.queue, administrators);
  }

  /** Every Voiso user (both key slots). */
  get users(): iam.User[] {
    return [this.active.user, ...(this.previous ? [this.previous.user] : [])];
  }

  private warnAboutKeys(props: VoisoAccessProps, ranges: readonly string[]): void {
    const annotations = Annotations.of(this);
    if (ranges.length === 0) {
      annotations.addWarningV2(
        VOISO_ACCESS_WARNINGS.anySourceAddress,
        "voisoSourceIpRanges is empty: Voiso's access key works from any address on the internet, so a leaked key can be used from anywhere. Ask Voiso for its egress ranges and set voisoSourceIpRanges.",
      );
    }
    if (props.deactivatePrevious && this.previous) {
      annotations.addWarningV2(
        VOISO_ACCESS_WARNINGS.previousKeyInactive,
        `deactivatePreviousVoisoKey is on: the key of serial ${this.previous.serial} is Inactive and only serial ${this.active.serial}'s key (the one in the secret) works. Set it back to false before the next voisoKeySerial bump, or that bump makes the key Voiso still uses Inactive.`,
      );
    }
    if (props.deactivatePrevious && !this.previous) {
      annotations.addWarningV2(
        VOISO_ACCESS_WARNINGS.nothingToDeactivate,
        'deactivatePreviousVoisoKey has no effect at voisoKeySerial 1: there is no previous key.',
      );
    }
  }

  /**
   * Denies GetSecretValue to every principal whose ARN is not allowed. The account root is always
   * allowed (it can never be locked out, and is the break-glass), and so is CloudFormation's
   * execution role, which deploys this stack; CloudFormation updates the secret with
   * PutSecretValue/UpdateSecret, which the policy does not touch, nor does it touch
   * Get/Put/DeleteResourcePolicy, so a wrong ARN can be corrected by a deploy.
   */
  private restrictSecretReads(administrators: readonly string[], readers: readonly string[]) {
    if (administrators.length === 0 && readers.length === 0) {
      Annotations.of(this.credentials).addWarningV2(
        VOISO_ACCESS_WARNINGS.secretReadableByAccount,
        "Voiso's secret has no resource policy: any principal of this account whose IAM policy allows secretsmanager:GetSecretValue on it can read Voiso's key. Set administrators (and secretReaders) to deny everyone else.",
      );
      return;
    }
    const stack = Stack.of(this);
    const allowed: string[] = [
      `arn:${stack.partition}:iam::${stack.account}:root`,
      ...cloudFormationExecutionRole(stack),
      ...administrators,
      ...readers,
    ];
    const { policyDependable } = this.credentials.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyAdministratorsAndNamedReadersReadVoisoKey',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': allowed } },
      }),
    );
    // Secrets Manager then also refuses any later policy that would open the secret widely.
    if (policyDependable instanceof secretsmanager.ResourcePolicy) {
      (policyDependable.node.defaultChild as secretsmanager.CfnResourcePolicy).blockPublicPolicy =
        true;
    }
  }

  /** Only Voiso's users (and the administrators, who redrive) may send to the queue. */
  private restrictSenders(queue: sqs.IQueue, administrators: readonly string[]): void {
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyVoisoSendsSecurityEvents',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: {
          ArnNotLike: {
            'aws:PrincipalArn': [...this.users.map((user) => user.userArn), ...administrators],
          },
        },
      }),
    );
    if (administrators.length === 0) {
      Annotations.of(this).addWarningV2(
        VOISO_ACCESS_WARNINGS.sendersWithoutAdministrators,
        'restrictSendersToVoiso is on and administrators is empty: only Voiso can send to the events queue, so `voiso-sec redrive` (a message move task that sends as you) and `voiso-sec send` are refused. Add your administrator role to administrators.',
      );
    }
  }
}

/** CloudFormation's execution role from `cdk bootstrap`, when the stack deploys with it. */
function cloudFormationExecutionRole(stack: Stack): string[] {
  return stack.synthesizer instanceof DefaultStackSynthesizer
    ? [Fn.sub(stack.synthesizer.cloudFormationExecutionRoleArn)]
    : [];
}
