// `voiso-sec status` for people: one line per check, its level first, details indented.
import { printable } from '../terminal';
import type { CheckLevel, StatusReport } from './checks';

const MARK: Readonly<Record<CheckLevel, string>> = {
  ok: 'ok     ',
  info: '       ',
  warning: 'WARNING',
  problem: 'PROBLEM',
};

export function formatStatus(status: StatusReport): string {
  const width = Math.max(...status.checks.map((c) => c.name.length));
  const lines = [`Status of ${printable(status.target)}:`];
  for (const check of status.checks) {
    lines.push(`  ${MARK[check.level]}  ${check.name.padEnd(width)}  ${printable(check.summary)}`);
    for (const detail of check.details ?? []) {
      lines.push(`  ${' '.repeat(7)}  ${' '.repeat(width)}    ${printable(detail)}`);
    }
  }
  lines.push(
    '',
    status.healthy
      ? 'Healthy: no problem found.'
      : `${status.problems.length === 1 ? '1 problem' : `${status.problems.length} problems`} found.`,
  );
  return lines.join('\n');
}
