// Staging and prod in one account and region: two stacks synthesize side by side and share
// no physical name, export or derived name.

import { Template } from 'aws-cdk-lib/assertions';
import { createStack, fullContext, newApp, PHYSICAL_NAME_PROPERTIES } from './support';

it('synthesizes two stacks in one app without a name clash', () => {
  // prepare
  const app = newApp();
  const stagingStack = createStack(app, fullContext(), 'VoisoSecStaging');
  const prodStack = createStack(app, fullContext(), 'VoisoSecProd');

  // act
  const assembly = app.synth();
  const staging = { template: Template.fromStack(stagingStack) };
  const prod = { template: Template.fromStack(prodStack) };

  // assert
  expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
    'VoisoSecProd',
    'VoisoSecStaging',
  ]);
  const literalNames = (json: Record<string, { Properties?: Record<string, unknown> }>) =>
    Object.values(json)
      .flatMap((r) => Object.entries(r.Properties ?? {}))
      .filter(([key, value]) => PHYSICAL_NAME_PROPERTIES.includes(key) && typeof value === 'string')
      .map(([, value]) => value as string);
  const stagingNames = literalNames(staging.template.toJSON().Resources);
  const prodNames = literalNames(prod.template.toJSON().Resources);
  expect(stagingNames.filter((name) => prodNames.includes(name))).toEqual([]);
  expect(staging.template.toJSON().Outputs.EventsQueueUrl.Export).toBeUndefined();
});
