// The deployed-stack side of the CLI with stubbed AWS clients: stack outputs, the Voiso
// connection values, and how setup mistakes become one-line usage errors.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { requireOutput, stackOutputs } from '../../cli/aws';
import { connectionInfo } from '../../cli/commands/connection-info';
import {
  CommandFailure,
  describeAwsSetupError,
  describeConnectionError,
  UsageError,
} from '../../cli/errors';

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

describe('describeConnectionError', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  });

  it.each([
    ['a refused connection', refused],
    ['one inside an AggregateError (Node tries IPv4 and IPv6)', new AggregateError([refused], '')],
    ['one as the cause', Object.assign(new Error('request failed'), { cause: refused })],
  ])('explains %s', (_, error) => {
    expect(describeConnectionError(error)).toBe(
      'Cannot reach the endpoint (connect ECONNREFUSED 127.0.0.1:1)',
    );
  });

  it('leaves other errors alone', () => {
    expect(describeConnectionError(new Error('boom'))).toBeUndefined();
    expect(describeAwsSetupError(refused)).toBeUndefined();
  });
});

describe('a profile that does not exist', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['no credentials', Object.assign(new Error('x'), { name: 'CredentialsProviderError' })],
    ['no region', new Error('Region is missing')],
  ])('is named instead of %s', (_, error) => {
    process.env.AWS_PROFILE = 'nosuchprofile';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';

    expect(describeAwsSetupError(error)).toBe(
      'AWS profile "nosuchprofile" not found in /nonexistent/config or /nonexistent/credentials: check the name (aws configure list-profiles)',
    );
  });
});
