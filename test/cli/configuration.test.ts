// `simulate` and `local` run as the deployment is configured: cdk.json's "voiso-sec" context
// (the current directory's, or --config's), with --detection-config replacing detection only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulationResult } from '../../cli/commands/simulate';
import { UsageError } from '../../cli/errors';
import { loadLocalConfiguration } from '../../cli/local/ingest-config';
import { voisoEventBody } from '../../lambda/testing/factories';
import { lines, runCli, startLocal } from './run-cli';

/** A directory holding a cdk.json with the given "voiso-sec" context. */
function projectWith(context: Record<string, unknown> | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'voiso-sec-project-'));
  const cdkJson = {
    app: 'npx tsx bin/app.ts',
    ...(context !== undefined && { context: { 'voiso-sec': context } }),
  };
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify(cdkJson));
  return dir;
}

function detectionFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'voiso-sec-detection-')), 'detection.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const LOGIN_IS_CRITICAL = { severityOverrides: { 'app_login/successful_login': 'critical' } };

describe('loadLocalConfiguration', () => {
  it('uses the defaults when there is no cdk.json', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'voiso-sec-empty-'));

    const configuration = loadLocalConfiguration({ cwd });

    expect(configuration.source).toMatch(/^defaults/);
    expect(configuration.eventSource).toEqual({
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      functionTimeoutSeconds: 30,
      visibilityTimeoutSeconds: 181,
    });
  });

  it("reads the current directory's cdk.json and derives the visibility timeout as deployed", () => {
    const cwd = projectWith({
      batchSize: 10,
      maxBatchingWindowSeconds: 4,
      maxReceiveCount: 2,
      functionTimeoutSeconds: 60,
      retentionDays: 0,
      alertThreshold: 'critical',
    });

    const configuration = loadLocalConfiguration({ cwd });

    expect(configuration.source).toContain(join(cwd, 'cdk.json'));
    expect(configuration.eventSource).toEqual({
      batchSize: 10,
      maxBatchingWindowSeconds: 4,
      maxReceiveCount: 2,
      functionTimeoutSeconds: 60,
      visibilityTimeoutSeconds: 6 * 60 + 4,
    });
    expect(configuration.ingest.retentionDays).toBe(0);
    expect(configuration.ingest.detection.alertThreshold).toBe('critical');
  });

  it('prefers --config to the current directory', () => {
    const cwd = projectWith({ maxReceiveCount: 2 });
    const other = join(projectWith({ maxReceiveCount: 7 }), 'cdk.json');

    const configuration = loadLocalConfiguration({ cwd, config: other });

    expect(configuration.eventSource.maxReceiveCount).toBe(7);
    expect(configuration.source).toContain(other);
  });

  it('lets --detection-config replace the detection settings and nothing else', () => {
    const cwd = projectWith({ alertThreshold: 'critical', maxReceiveCount: 3 });
    const file = detectionFile({ alertThreshold: 'low' });

    const configuration = loadLocalConfiguration({ cwd, detectionConfig: file });

    expect(configuration.ingest.detection.alertThreshold).toBe('low');
    expect(configuration.eventSource.maxReceiveCount).toBe(3);
    expect(configuration.detectionSource).toBe(file);
  });

  it.each([
    ['a setting the stack rejects', { maxReceiveCount: 0 }, 'maxReceiveCount'],
    ['an unknown severity', { alertThreshold: 'urgent' }, 'alertThreshold'],
  ])('rejects %s as a usage error naming the file and key', (_, context, key) => {
    const cwd = projectWith(context);

    const load = () => loadLocalConfiguration({ cwd });

    expect(load).toThrow(UsageError);
    expect(load).toThrow(join(cwd, 'cdk.json'));
    expect(load).toThrow(key);
  });

  it('says when --config does not exist', () => {
    expect(() => loadLocalConfiguration({ config: '/nonexistent/cdk.json' })).toThrow(
      '--config: cannot read /nonexistent/cdk.json (ENOENT)',
    );
  });
});

describe('simulate with a cdk.json', () => {
  const parse = (stdout: string) => JSON.parse(stdout) as SimulationResult;

  it("alerts by the current directory's cdk.json settings", async () => {
    const cwd = projectWith(LOGIN_IS_CRITICAL);

    const run = await runCli(['simulate', '--input', '-', '--json'], {
      cwd,
      input: lines(voisoEventBody('app_login/successful_login')),
    });

    expect(run.code).toBe(0);
    const result = parse(run.stdout);
    expect(result.stored[0]?.severity).toBe('critical');
    expect(result.alerts.map((a) => a.topic).sort()).toEqual(['alerts', 'critical']);
  });

  it('dead-letters after the configured number of receives', async () => {
    const cwd = projectWith({ maxReceiveCount: 1 });
    const failing = voisoEventBody('app_login/successful_login', {
      params: { user: 'unlucky@example.com' },
    });

    const run = await runCli(
      ['simulate', '--input', '-', '--json', '--visibility-timeout', '1'].concat(
        '--inject-faults',
        'store:unlucky@:1',
      ),
      { cwd, input: lines(failing) },
    );

    // One failure is enough: with the default 5 receives the retry would have stored it.
    const result = parse(run.stdout);
    expect(result.summary).toMatchObject({ sent: 1, stored: 0, deadLettered: 1 });
  });

  it('lets --detection-config override the detection part of cdk.json', async () => {
    const cwd = projectWith(LOGIN_IS_CRITICAL);
    const file = detectionFile({});

    const run = await runCli(['simulate', '--input', '-', '--json', '--detection-config', file], {
      cwd,
      input: lines(voisoEventBody('app_login/successful_login')),
    });

    expect(parse(run.stdout).stored[0]?.severity).toBe('info');
  });

  it('exits 2 on an invalid cdk.json configuration', async () => {
    const cwd = projectWith({ batchSize: 'lots' });

    const run = await runCli(['simulate', '--input', '-'], {
      cwd,
      input: lines(voisoEventBody('app_login/successful_login')),
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('batchSize');
  });
});

describe('local with a cdk.json', () => {
  it('names the configuration file and deploys the derived visibility timeout', async () => {
    const dir = projectWith({ functionTimeoutSeconds: 10, maxBatchingWindowSeconds: 2 });
    const local = await startLocal(['--config', join(dir, 'cdk.json')]);

    await local.stop();

    expect(local.output()).toContain(`Configuration:     ${join(dir, 'cdk.json')}`);
    expect(local.output()).toContain('visibility timeout 62 s');
  });
});
