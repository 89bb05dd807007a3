// The test setup (quiet-known-warnings.ts) keeps known-harmless noise out of test output, and
// only that: other warnings and other stderr text still get through.
import { SQSClient } from '@aws-sdk/client-sqs';
import { withoutBundlingNotices } from './quiet-known-warnings';

describe('test output', () => {
  afterEach(() => jest.restoreAllMocks());

  it("has no AWS SDK Node-version warning (the SDK's own switch is on)", async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const client = new SQSClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });

    // The SDK checks the Node version when it first resolves a client's configuration.
    await client.config.region();
    client.destroy();

    const texts = emitWarning.mock.calls.map(([warning]) => String(warning));
    expect(texts.filter((text) => text.includes('NodeVersionSupportWarning'))).toEqual([]);
  });

  it("drops CDK's 'Bundling asset' line and nothing else", () => {
    const written: unknown[] = [];
    const write = withoutBundlingNotices((chunk) => written.push(chunk) > 0);

    write('Bundling asset VoisoSecTest/Ingest/Function/Code/Stage...\n');
    write('a real problem\n');
    write(Buffer.from('bytes'));

    expect(written).toEqual(['a real problem\n', Buffer.from('bytes')]);
  });
});
