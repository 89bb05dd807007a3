// `voiso-sec connection-info` keeps Voiso's secret access key off the screen unless asked:
// the command as a user runs it, in process, with stubbed CloudFormation and Secrets Manager.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../cli/main';

const cloudFormation = mockClient(CloudFormationClient);
const secrets = mockClient(SecretsManagerClient);

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/VoisoSec-Events';

/** Runs the CLI in this process and returns what it printed on standard output. */
async function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(['connection-info', '--region', 'eu-west-1', ...args]);
    return { code, stdout };
  } finally {
    write.mockRestore();
  }
}

describe('connection-info', () => {
  beforeEach(() => {
    cloudFormation.reset();
    secrets.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'VoisoSec',
          CreationTime: new Date(0),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'EventsQueueUrl', OutputValue: QUEUE_URL },
            { OutputKey: 'VoisoCredentialsSecretName', OutputValue: 'VoisoSec/voiso' },
          ],
        },
      ],
    });
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET }),
    });
  });

  it('hides the secret access key by default', async () => {
    const { code, stdout } = await run();

    expect(code).toBe(0);
    expect(stdout).toContain(QUEUE_URL);
    expect(stdout).toContain('AKIAEXAMPLE');
    expect(stdout).toContain('Access Key Secret: ******** (hidden; add --reveal to print it)');
    expect(stdout).not.toContain(SECRET);
    expect(stdout).not.toContain(SECRET.slice(-8));
  });

  it('prints the secret with --reveal', async () => {
    const { code, stdout } = await run('--reveal');

    expect(code).toBe(0);
    expect(stdout).toContain(`Access Key Secret: ${SECRET}`);
  });

  it('leaves the secret out of --json unless --reveal is given', async () => {
    const hidden = await run('--json');
    const revealed = await run('--json', '--reveal');

    expect(JSON.parse(hidden.stdout)).toEqual({ queueUrl: QUEUE_URL, accessKeyId: 'AKIAEXAMPLE' });
    expect(hidden.stdout).not.toContain(SECRET);
    expect(JSON.parse(revealed.stdout)).toEqual({
      queueUrl: QUEUE_URL,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: SECRET,
    });
  });
});
