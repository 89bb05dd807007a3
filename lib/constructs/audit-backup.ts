// Immutable audit copies: a daily AWS Backup of the events table into a vault with Vault Lock, for
// customers whose auditors need copies that nobody in the account (the pipeline included) can
// rewrite or delete early. Point-in-time recovery stays on; this is the second, locked line.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface AuditBackupProps {
  /** The table to copy every day. */
  readonly table: dynamodb.ITable;
  /** Days each daily recovery point is kept; also the vault lock's minimum retention. */
  readonly retentionDays: number;
  /**
   * `governance`: principals with backup:DeleteBackupVaultLockConfiguration may remove the lock.
   * `compliance`: after a 3-day grace period the lock is immutable; no one, not even the account
   * root or AWS, can shorten a recovery point's retention, delete it early or remove the lock.
   */
  readonly vaultLock: 'governance' | 'compliance';
}

/** Days AWS Backup leaves a compliance-mode lock changeable; 3 is its minimum. */
const COMPLIANCE_GRACE_DAYS = 3;

export class AuditBackup extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: AuditBackupProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(
        `AuditBackup: retentionDays must be a positive integer, got ${props.retentionDays}`,
      );
    }
    const stackName = Stack.of(this).stackName;
    const retention = Duration.days(props.retentionDays);

    this.vault = new backup.BackupVault(this, 'Vault', {
      // Vault and plan names are required; derived from the stack so two stacks never clash.
      backupVaultName: `${stackName}-events`,
      // Recovery points are the audit copies: the vault outlives the stack (a locked vault with
      // recovery points cannot be deleted anyway).
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: retention,
        changeableFor:
          props.vaultLock === 'compliance' ? Duration.days(COMPLIANCE_GRACE_DAYS) : undefined,
      },
    });

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${stackName}-events`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'DailyEventsTable',
          // 03:00 UTC, outside most call centers' busiest hours.
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: retention,
        }),
      ],
    });
    const selection = this.plan.addSelection('EventsTable', {
      resources: [backup.BackupResource.fromDynamoDbTable(props.table)],
      // Restores are done by people deliberately, not by this role.
      allowRestores: false,
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's role uses the AWS-managed AWSBackupServiceRolePolicyForBackup, the documented policy for backup jobs; AWS keeps it in step with the services Backup calls, and the selection limits the role to the events table.",
    });
  }
}
