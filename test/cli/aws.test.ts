// The deployed-stack side of the CLI with stubbed AWS clients: stack outputs, the Voiso
// connection values, and how setup mistakes become one-line usage errors.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { requireOutput, stackOutputs } from '../../cli/aws';
import { connectionInfo } from '../../cli/commands/connection-info';
import { CommandFailure, describeAwsSetupError, UsageError } from '../../cli/errors';

const cloudFormation = mockClient(CloudFormationClient);
const secrets = mockClient(SecretsManagerClient);

const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'VoisoSec',
      CreationTime: new Date(0),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
        OutputKey,
        OutputValue,
      })),
    },
  ],
});

const OUTPUTS = {
  EventsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/VoisoSec-Events',
  VoisoCredentialsSecretName: 'VoisoSec/voiso-credentials',
};

describe('deployed stack access', () => {
  beforeEach(() => {
    cloudFormation.reset();
    secrets.reset();
  });

  it('reads the outputs of the named stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Prod' }).resolves(stackWith(OUTPUTS));

    const outputs = await stackOutputs({ stack: 'Prod', region: 'eu-west-1' });

    expect(outputs).toEqual(OUTPUTS);
  });

  it('turns an unknown stack into a usage error naming it', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }),
      );

    await expect(stackOutputs({ stack: 'Nope', region: 'eu-west-1' })).rejects.toThrow(
      new UsageError('Stack "Nope" not found in eu-west-1: deploy it, or pass --stack/--region'),
    );
  });

  it('names a missing output', () => {
    expect(() => requireOutput({}, 'EventsTableName', 'Old')).toThrow(
      'Stack "Old" has no output EventsTableName',
    );
  });

  it('returns the three values Voiso asks for', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    secrets.on(GetSecretValueCommand, { SecretId: OUTPUTS.VoisoCredentialsSecretName }).resolves({
      SecretString: JSON.stringify({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t' }),
    });

    const info = await connectionInfo({ region: 'eu-west-1' });

    expect(info).toEqual({
      queueUrl: OUTPUTS.EventsQueueUrl,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 's3cr3t',
    });
  });

  it('fails clearly when the secret is not the expected key pair', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });

    await expect(connectionInfo({ region: 'eu-west-1' })).rejects.toThrow(CommandFailure);
  });

  it.each([
    ['CredentialsProviderError', 'No AWS credentials found'],
    ['ExpiredTokenException', 'session has expired'],
    ['QueueDoesNotExist', 'The queue does not exist'],
  ])('explains %s in one line', (name, text) => {
    const error = Object.assign(new Error('x'), { name });

    expect(describeAwsSetupError(error)).toContain(text);
  });
});
