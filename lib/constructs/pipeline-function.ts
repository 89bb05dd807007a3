// The one wrapper around NodejsFunction: every function in the stack gets the same runtime,
// architecture, bundling, tracing and an explicit log group with a retention, and a role that
// can write only to that log group (no AWS managed policy with logs:* on every group).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PipelineFunctionProps {
  /** Path to the TypeScript entry file; it must export `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Days CloudWatch Logs keeps the function's logs. @default 90 */
  readonly logRetention?: logs.RetentionDays;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** X-Ray active tracing (traces cost $5 a million beyond 100,000 a month). @default false */
  readonly tracing?: boolean;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** Retries of asynchronous invocations (SNS). @default - Lambda's default (2) */
  readonly retryAttempts?: number;
  /** Where failed asynchronous invocations go after their retries. @default - none */
  readonly onFailure?: lambda.IDestination;
  /**
   * How long Lambda keeps retrying an asynchronous event it could not run (throttled, or a
   * system error) before sending it to `onFailure`. @default - Lambda's default (6 hours)
   */
  readonly maxEventAge?: Duration;
}

export class PipelineFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    if (props.memorySize !== undefined && (props.memorySize < 128 || props.memorySize > 10_240)) {
      throw new Error(`PipelineFunction ${id}: memorySize must be 128..10240 MB`);
    }

    // The audit trail of what the pipeline did; kept if the stack is deleted.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: props.tracing === true ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: props.retryAttempts,
      onFailure: props.onFailure,
      maxEventAge: props.maxEventAge,
      bundling: {
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too instead of using the runtime's copy: the deployed code then runs
        // exactly the SDK versions the tests ran, and a runtime SDK update cannot change
        // behaviour under us. The cost is a larger bundle (about 1 MB minified for ingest, a few
        // tens of milliseconds more cold-start parsing).
        externalModules: [],
        target: 'node24',
        // esbuild's warnings and errors only, not its size summary on every synth and test.
        logLevel: LogLevel.WARNING,
      },
    });
    if (props.tracing !== true) {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'Tracing is off unless configured (`tracing: true`): X-Ray bills each trace, and at a trickle every invocation is one; logs and metrics still record every invocation.',
      });
    } else {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing; X-Ray does not support resource-level permissions for them.',
      });
    }
  }
}
