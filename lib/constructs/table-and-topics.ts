// The grants the ingest function and the summary flush share: the events table's key (when the
// customer manages one) and the alert topics, each next to the environment variable that names
// the topic.
import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { INGEST_ENV } from '../../contract/environment';
import type { PipelineFunction } from './pipeline-function';

export interface AlertTopics {
  readonly alertsTopic: sns.ITopic;
  readonly criticalTopic: sns.ITopic;
}

/** What DynamoDB needs from the caller for a table under a customer-managed key. */
export function grantTableKey(fn: lambda.IFunction, dataKey: kms.IKey | undefined): void {
  dataKey?.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
}

/** The alert topics' ARNs in the function's environment, and publish on each. */
export function grantAlertTopics(pipeline: PipelineFunction, topics: AlertTopics): void {
  const fn = pipeline.function;
  fn.addEnvironment(INGEST_ENV.alertsTopicArn, topics.alertsTopic.topicArn);
  topics.alertsTopic.grantPublish(fn);
  fn.addEnvironment(INGEST_ENV.criticalTopicArn, topics.criticalTopic.topicArn);
  topics.criticalTopic.grantPublish(fn);
  // Only a customer-managed topic key is granted (SNS's AWS-managed key needs no grant).
  if (topics.alertsTopic.masterKey === undefined) return;
  Validations.of(pipeline.role).acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      "Added by topic.grantPublish and limited to the one key that encrypts this stack's topics; SNS needs GenerateDataKey (with or without plaintext) to encrypt each published message.",
  });
}
