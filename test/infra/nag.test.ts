// cdk-nag v3 inside jest: the AwsSolutions and Serverless packs find nothing unacknowledged in
// any configuration shape, and every acknowledgement carries a reason a reviewer can weigh.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildStack, CONFIGURATION_SHAPES, fullContext } from './support';

function findings(scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
      ),
  );
}

function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag', () => {
  it.each(CONFIGURATION_SHAPES)('reports no unacknowledged finding with %s', (_name, context) => {
    const { app } = buildStack(context);

    expect(findings(app)).toEqual([]);
  });

  it('would report a finding that nobody acknowledged', () => {
    const app = new App();
    const stack = new Stack(app, 'Plain');
    new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    expect(findings(app)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS4 at Plain\/Unencrypted/)]),
    );
  });

  it('gives every acknowledgement a specific reason', () => {
    const { app } = buildStack(fullContext({ customerManagedKey: true }));

    const acknowledged = acknowledgements(app);

    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { reason } of acknowledged) {
      expect(reason.length).toBeGreaterThan(60);
    }
  });
});
