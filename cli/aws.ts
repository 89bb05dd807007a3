// Reaching a deployed stack: client settings from --region/--profile, and the stack's
// resources from its CloudFormation outputs (the stack is the source of truth for names).
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { UsageError } from './errors';

export const DEFAULT_STACK_NAME = 'VoisoSec';

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly stack?: string;
}

/** Settings for any AWS SDK client; the profile goes through the SDK's own credential chain. */
export function awsClientConfig(options: AwsOptions): { region?: string } {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  return options.region ? { region: options.region } : {};
}

export type StackOutputs = Readonly<Record<string, string>>;

export async function stackOutputs(options: AwsOptions): Promise<StackOutputs> {
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  const client = new CloudFormationClient(awsClientConfig(options));
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = result.Stacks?.[0];
    if (!stack) throw new UsageError(`Stack "${stackName}" not found`);
    const outputs: Record<string, string> = {};
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue !== undefined) {
        outputs[output.OutputKey] = output.OutputValue;
      }
    }
    return outputs;
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'ValidationError' &&
      /does not exist/.test(error.message)
    ) {
      const region = await client.config.region().catch(() => 'the current region');
      throw new UsageError(
        `Stack "${stackName}" not found in ${region}: deploy it, or pass --stack/--region`,
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
}

export function requireOutput(outputs: StackOutputs, key: string, stack?: string): string {
  const value = outputs[key];
  if (!value) {
    throw new UsageError(
      `Stack "${stack ?? DEFAULT_STACK_NAME}" has no output ${key}: is it a voiso-sec stack, and up to date?`,
    );
  }
  return value;
}
