// `cdk synth` as the CDK CLI runs it: bin/app.ts in its own process, with the context the CLI
// would pass. It warns on configured pairs that match no documented Voiso event, and bundling
// keeps quiet (esbuild's size summary is noise on every synth and test run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'voiso-sec-synth-'));
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'bin/app.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
  });
  const metadata = (): { type: string; data: unknown }[] =>
    JSON.parse(readFileSync(join(outdir, 'VoisoSec.metadata.json'), 'utf8'))['/VoisoSec'];
  return { ...run, metadata };
}

describe('synth', () => {
  let run: ReturnType<typeof synth>;

  beforeAll(() => {
    run = synth({
      'voiso-sec': {
        severityOverrides: { 'app_login/successfull_login': 'high' },
        suppressions: [{ id: 'office', pair: 'allowed_ip/ip_change', ipRange: '203.0.113.0/24' }],
      },
    });
  });

  it('succeeds: an unknown pair is a warning, not an error', () => {
    expect(run.status).toBe(0);
  });

  it('warns on each unknown pair with a "did you mean"', () => {
    const warnings = run
      .metadata()
      .filter((entry) => entry.type === 'aws:cdk:warning')
      .map((entry) => entry.data);

    expect(warnings).toEqual([
      expect.stringContaining(
        'severityOverrides.app_login/successfull_login: "app_login/successfull_login" is not one of the documented Voiso events',
      ),
      expect.stringContaining('suppressions.0.pair: "allowed_ip/ip_change"'),
    ]);
    expect(warnings[0]).toContain('did you mean "app_login/successful_login"?');
    expect(warnings[1]).toContain('did you mean "allowed_ip/ip_changed"?');
  });

  it("bundles without esbuild's size summary", () => {
    expect(run.stderr).not.toContain('⚡ Done');
    expect(run.stderr).not.toMatch(/index\.js\s+\d/);
  });
});
