// The READMEs show commands people copy: every `voiso-sec` command and option they show must
// exist, and the top-level README must lead to the CLI's reference and say which Node to use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../cli/main';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CLI_README = readFileSync(join(ROOT, 'cli', 'README.md'), 'utf8');

/** `voiso-sec <command> --a --b` invocations in code blocks (commands and their output). */
function invocations(markdown: string): { command: string; options: string[] }[] {
  const blocks = [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n/g, ' ').split('\n'))
    .flatMap((line) => [...line.matchAll(/voiso-sec ([a-z-]+)((?: [^|#;]*)?)/g)])
    .map((m) => ({
      command: m[1] ?? '',
      options: [...(m[2] ?? '').matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((o) => o[1] ?? ''),
    }));
}

describe('README', () => {
  const program = buildProgram();

  it.each([
    ['README.md', README],
    ['cli/README.md', CLI_README],
  ])('%s shows only commands and options that exist', (_, markdown) => {
    const shown = invocations(markdown);

    expect(shown.length).toBeGreaterThan(0);
    for (const { command, options } of shown) {
      const cmd = program.commands.find((c) => c.name() === command);
      expect([command, cmd === undefined ? 'missing' : 'exists']).toEqual([command, 'exists']);
      const known = new Set([
        ...(cmd?.options.map((o) => o.long) ?? []),
        ...program.options.map((o) => o.long),
        '--help',
      ]);
      for (const option of options)
        expect([command, option, known.has(option)]).toEqual([command, option, true]);
    }
  });

  it('links the CLI reference (exit codes, the JSON schema)', () => {
    expect(README).toContain('[cli/README.md](cli/README.md)');
    expect(CLI_README).toContain('Exit codes:');
    expect(CLI_README).toContain('## `simulate --json`');
  });

  it('recommends Node 22, and says why', () => {
    expect(README).toMatch(/Node\.js 22 or later is recommended[^.]*January 2027/);
  });

  it('shows how to see the alerts a file would produce and how to look for an IP', () => {
    expect(README).toContain('To see which alerts a file of your own would produce');
    expect(README).toContain('npx voiso-sec query --type app_login --event ip_changed');
  });
});
