#!/usr/bin/env node
// The CDK app: reads the one configuration from context, validates it, and builds the stack.
// cdk-nag runs on every synth, so a finding nobody acknowledged fails `cdk synth`/`cdk deploy`.
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import {
  CONFIG_CONTEXT_KEY,
  ConfigurationError,
  configurationWarnings,
  parseConfig,
} from '../contract/config';
import { VoisoSecStack } from '../lib/voiso-sec-stack';

const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName') ?? 'VoisoSec';
if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
  console.error('Context "stackName" must be a CloudFormation stack name (letters, digits, -).');
  process.exit(1);
}

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY));
} catch (error) {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const stack = new VoisoSecStack(app, stackName, {
  stackName,
  description: 'voiso-sec: receives, stores and alerts on Voiso security events',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  config,
});
for (const warning of configurationWarnings(config)) {
  Annotations.of(stack).addWarning(`${CONFIG_CONTEXT_KEY} context: ${warning}`);
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
