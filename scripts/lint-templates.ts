// Lints the CloudFormation templates `cdk synth` writes, in every configuration shape the tests
// use (defaults, every option, customer-managed keys), with cfn-lint, the CloudFormation
// project's own linter. Synth runs through the CDK CLI exactly as `cdk deploy` would (cdk.json,
// its feature flags, cdk-nag). Any cfn-lint error fails, and so does any warning not listed in
// KNOWN_WARNINGS with its reason. Run by `.ci/run` after `npm test`: `npm run lint:templates`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONFIG_CONTEXT_KEY } from '../contract/config';
import { CONFIGURATION_SHAPES } from '../test/infra/support';

const ROOT = path.join(__dirname, '..');
const STACK = 'VoisoSec';

/** Warnings that are CDK's to fix, not ours: rule id to the reason it is accepted. */
const KNOWN_WARNINGS: Readonly<Record<string, string>> = {
  W3005:
    "aws-cdk-lib's Function adds DependsOn on its role although Role is already a GetAtt; the redundant dependency is harmless.",
};

interface Finding {
  readonly rule: string;
  readonly line: string;
}

function fail(message: string): never {
  console.error(`lint-templates: ${message}`);
  process.exit(1);
}

function requireCfnLint(): string {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail(
      'cfn-lint is not installed or not on PATH. Install it with `pip install cfn-lint` (https://github.com/aws-cloudformation/cfn-lint) and run again.',
    );
  }
  return probe.stdout.trim();
}

function synth(context: Record<string, unknown>, outdir: string, region: string): string {
  const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  const result = spawnSync(
    cdk,
    ['synth', '--quiet', '-c', `${CONFIG_CONTEXT_KEY}=${JSON.stringify(context)}`, '-o', outdir],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_REGION: region } },
  );
  if (result.status !== 0) {
    fail(`cdk synth failed:\n${result.stdout}\n${result.stderr}`);
  }
  return path.join(outdir, `${STACK}.template.json`);
}

function lint(template: string, region: string): { findings: Finding[]; status: number } {
  const result = spawnSync(
    'cfn-lint',
    ['--format', 'parseable', '--regions', region, '--', template],
    { encoding: 'utf8' },
  );
  // parseable: file:line:column:endLine:endColumn:rule:message
  const findings = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ rule: line.split(':')[5] ?? '?', line }));
  return { findings, status: result.status ?? 1 };
}

function main(): void {
  const version = requireCfnLint();
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const workdir = mkdtempSync(path.join(tmpdir(), 'voiso-sec-lint-'));
  console.log(`${version}, region ${region}, ${CONFIGURATION_SHAPES.length} configurations`);
  let failed = false;
  try {
    CONFIGURATION_SHAPES.forEach(([name, context], index) => {
      const template = synth(context, path.join(workdir, String(index)), region);
      const { findings, status } = lint(template, region);
      const errors = findings.filter((f) => f.rule.startsWith('E'));
      const warnings = findings.filter((f) => f.rule.startsWith('W'));
      const unknown = warnings.filter((f) => KNOWN_WARNINGS[f.rule] === undefined);
      const known = warnings.length - unknown.length;
      // cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; other
      // bits (or a status without findings to explain it) mean cfn-lint itself failed.
      const broken = (status & ~(2 | 4 | 8)) !== 0 || (status !== 0 && findings.length === 0);
      const ok = errors.length === 0 && unknown.length === 0 && !broken;
      console.log(
        `${ok ? 'ok  ' : 'FAIL'} ${name}: ${errors.length} errors, ${warnings.length} warnings (${known} known)`,
      );
      for (const finding of [...errors, ...unknown]) console.log(`     ${finding.line}`);
      if (broken) console.log(`     cfn-lint exited with status ${status}`);
      failed ||= !ok;
    });
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
  for (const [rule, reason] of Object.entries(KNOWN_WARNINGS)) {
    console.log(`known ${rule}: ${reason}`);
  }
  if (failed) fail('cfn-lint found problems (above)');
}

main();
