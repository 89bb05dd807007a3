// Where `voiso-sec local` takes the Slack webhook URL from: a file or the environment first,
// since a command-line argument stays in the shell history and shows in the process list.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSlackWebhook } from '../../cli/commands/local';
import { UsageError } from '../../cli/errors';

const URL = 'https://hooks.slack.com/services/T000/B000/SECRETPART';

function webhookFile(content: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(tmpdir(), 'voiso-sec-webhook-')), 'slack-webhook');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('resolveSlackWebhook', () => {
  it.each([
    ['a file', { slackWebhookFile: webhookFile(`${URL}\n`) }, {}, '--slack-webhook-file'],
    ['the environment', {}, { VOISO_SEC_SLACK_WEBHOOK: ` ${URL}\n` }, 'VOISO_SEC_SLACK_WEBHOOK'],
    ['the command line', { slackWebhook: URL }, {}, '--slack-webhook'],
  ])('reads the URL from %s', (_name, options, env, source) => {
    const warnings: string[] = [];

    const webhook = resolveSlackWebhook(options, env, (line) => warnings.push(line));

    expect(webhook).toEqual({ url: URL, source });
    expect(warnings.join('\n')).not.toContain('SECRETPART');
    if (source === '--slack-webhook') expect(warnings.join()).toContain('shell history');
    else expect(warnings).toEqual([]);
  });

  it('prefers an option to the environment, and returns nothing when neither is there', () => {
    const file = webhookFile(URL);

    expect(
      resolveSlackWebhook({ slackWebhookFile: file }, { VOISO_SEC_SLACK_WEBHOOK: 'x' }, () => {}),
    ).toMatchObject({ source: '--slack-webhook-file' });
    expect(resolveSlackWebhook({}, {}, () => {})).toBeUndefined();
  });

  it('warns when the file is readable by other users', () => {
    const warnings: string[] = [];

    resolveSlackWebhook({ slackWebhookFile: webhookFile(URL, 0o644) }, {}, (line) =>
      warnings.push(line),
    );

    expect(warnings.join()).toContain('chmod 600');
  });

  it.each([
    [{ slackWebhook: URL, slackWebhookFile: webhookFile(URL) }, {}, 'Give the Slack webhook once'],
    [{ slackWebhookFile: '/nonexistent/slack-webhook' }, {}, '--slack-webhook-file: cannot read'],
    [
      {},
      { VOISO_SEC_SLACK_WEBHOOK: 'http://example.com/SECRETPART' },
      'VOISO_SEC_SLACK_WEBHOOK: expected an https://',
    ],
    [
      { slackWebhookFile: webhookFile('not a url') },
      {},
      '--slack-webhook-file: expected an https://',
    ],
  ])('refuses %j %j with a usage error that never shows the URL', (options, env, message) => {
    const attempt = () => resolveSlackWebhook(options, env, () => {});

    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain('SECRETPART');
    }
  });
});
