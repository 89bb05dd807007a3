// The README's cost and performance tables are generated, never typed: they must be exactly what
// the last recorded bench run (bench/results/latest.json, `npm run bench -- --readme`) renders to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MARKERS,
  type RecordedFigures,
  renderCost,
  renderPerformance,
  section,
} from '../../bench/figures/report';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const recorded = JSON.parse(
  readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8'),
) as RecordedFigures;

describe("the README's generated sections", () => {
  it('hold the cost the last recorded bench run computed', () => {
    expect(section(README, MARKERS.cost)).toBe(renderCost(recorded).trim());
  });

  it('hold the performance the last recorded bench run measured', () => {
    expect(section(README, MARKERS.performance)).toBe(renderPerformance(recorded).trim());
  });

  it('record the three volumes and both configurations', () => {
    expect(
      recorded.monthlyCost.map((m) => `${m.configuration}/${m.eventsPerMonth}`).sort(),
    ).toEqual(
      [
        'default/150000',
        'default/3000000',
        'default/30000000',
        'observed/150000',
        'observed/3000000',
        'observed/30000000',
      ].sort(),
    );
  });
});
