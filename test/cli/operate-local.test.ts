// The operator commands against the local pipeline, called as functions over the real handler,
// dynalite and local-aws-sqs: explain, backtest --local, status --local, query --ip and
// query --incidents, on the two example files stored by the pipeline itself.
import { runBacktest } from '../../cli/commands/backtest';
import { type Explanation, formatExplanation, runExplain } from '../../cli/commands/explain';
import { formatQuery } from '../../cli/commands/query/format';
import { runQuery } from '../../cli/commands/query/run';
import { runSimulation } from '../../cli/commands/simulate';
import { CommandFailure, UsageError } from '../../cli/errors';
import { localStatus } from '../../cli/status/local';
import type { EventItem } from '../../lambda/core/items';
import type { IncidentItem } from '../../lambda/core/records';
import { voisoEventBody } from '../../lambda/testing/factories';
import {
  exampleBodies,
  type OperatePipeline,
  startOperatePipeline,
} from '../support/operate-pipeline';

const ALL_TIME = { from: '2025-01-01T00:00:00Z', to: '2025-12-31T00:00:00Z' };
const NOW = new Date('2025-06-03T00:00:00Z');

describe('operator commands on the local pipeline', () => {
  let local: OperatePipeline;

  const events = async (extra: Record<string, unknown> = {}) =>
    (await runQuery({ local: true, ...ALL_TIME, ...extra })).items as unknown as EventItem[];
  const eventWhere = async (predicate: (e: EventItem) => boolean) => {
    const found = (await events()).find(predicate);
    if (!found) throw new Error('fixture event missing');
    return found;
  };

  beforeAll(async () => {
    local = await startOperatePipeline([
      ...exampleBodies('attack-timeline.jsonl'),
      ...exampleBodies('voiso-events.jsonl'),
    ]);
  });

  afterAll(async () => {
    await local?.stop();
  });

  describe('query --ip', () => {
    const ips = async (ip: string) =>
      (await events({ ip })).map((e) => `${e.callcenter} ${e.type}/${e.event}`).sort();

    it('finds an address as itself and inside an allow-listed range', async () => {
      expect(await ips('198.51.100.23')).toEqual([
        'acme app_login/unauthorized_ip',
        'globex allowed_ip/ip_added',
      ]);
    });

    it('finds addresses and ranges inside a range, in ip, from or to', async () => {
      expect(await ips('203.0.113.0/24')).toEqual([
        'acme app_login/ip_changed',
        'globex allowed_ip/ip_added',
        'initech allowed_ip/ip_added',
        'initech app_login/unauthorized_ip',
      ]);
    });

    it('finds a range change whose new range contains the address', async () => {
      expect(await ips('10.1.2.3')).toEqual(['globex allowed_ip/ip_changed']);
    });

    it('never matches across IP versions', async () => {
      expect(await ips('::ffff:198.51.100.23')).toEqual([]);
    });

    it('combines with --callcenter', async () => {
      expect(
        (await events({ ip: '203.0.113.0/24', callcenter: 'initech' })).map((e) => e.type),
      ).toEqual(['app_login', 'allowed_ip']);
    });

    it('refuses what is not an address or range', async () => {
      await expect(runQuery({ local: true, ip: '203.0.113.0/33' })).rejects.toThrow(UsageError);
    });
  });

  describe('query --incidents', () => {
    it('lists the incidents by the month they began, as table, CSV and JSON', async () => {
      const result = await runQuery({ local: true, incidents: true, ...ALL_TIME });
      const items = result.items as unknown as IncidentItem[];

      expect(items.map((i) => i.detection)).toEqual([
        'new-source',
        'brute-force',
        'brute-force-succeeded',
        'password-spray',
        'repeated-deleted-user',
        'mass-change',
        'escalation-then-perimeter',
        'refused-ip-allowed',
        'short-lived-account',
      ]);
      const table = formatQuery(result, { incidents: true, output: 'table' });
      expect(table).toContain('password-spray');
      expect(table).toContain('10/10');
      const csv = formatQuery(result, { incidents: true, output: 'csv' }).split('\r\n');
      expect(csv[0]).toBe(
        'start,end,severity,detection,callcenter,group,measure,events,alerted,id',
      );
      expect(csv).toHaveLength(10);
      const json = JSON.parse(formatQuery(result, { incidents: true, output: 'json' }));
      expect(json[0]).not.toHaveProperty('pk');
      expect(json[0]).toMatchObject({ kind: 'incident', detection: 'new-source' });
    });

    it('filters by call center and severity', async () => {
      const result = await runQuery({
        local: true,
        incidents: true,
        callcenter: 'initech',
        severity: 'critical',
        ...ALL_TIME,
      });

      expect(result.items.map((i) => i.detection)).toEqual(['refused-ip-allowed']);
    });
  });

  describe('explain', () => {
    it('explains an incident: its detection, what crossed the threshold, its events and alert', async () => {
      const [spray] = (await runQuery({ local: true, incidents: true, ...ALL_TIME })).items.filter(
        (i) => i.detection === 'password-spray',
      ) as unknown as IncidentItem[];
      if (!spray) throw new Error('no password-spray incident');

      const x = await runExplain(spray.incidentId, { local: true }, NOW);

      if (x.kind !== 'incident') throw new Error('expected an incident');
      expect(x.foundVia).toContain('alert record');
      expect(x.incident).toMatchObject({ measure: 10, threshold: 10, windowMinutes: 10 });
      expect(x.events).toHaveLength(12);
      expect(x.events.map((e) => e.time)).toEqual([...x.events.map((e) => e.time)].sort());
      expect(x.alert).toMatchObject({ state: 'sent', topics: ['alerts', 'critical'] });
      expect(formatExplanation(x)).toContain(
        '10 distinct users within 10 min reached the threshold 10',
      );
    });

    it('explains an alerted event: the rules with their evidence, and its incidents', async () => {
      const burst = await eventWhere(
        (e) => e.params.user === 'agent.007@example.com' && e.event === 'incorrect_password',
      );

      const x = await runExplain(burst.eventId, { local: true }, NOW);

      if (x.kind !== 'event') throw new Error('expected an event');
      expect(x.judgement.verdicts).toEqual([
        expect.objectContaining({ id: 'incorrect-password', fired: true }),
        expect.objectContaining({
          id: 'incorrect-password-burst',
          fired: true,
          evidence: { count: 12 },
        }),
        expect.objectContaining({
          id: 'incorrect-password-admin',
          fired: false,
          evidence: { access_group: 'agent' },
        }),
      ]);
      expect(x.judgement).toMatchObject({ severity: 'critical', atOrAboveThreshold: true });
      expect(x.alert).toMatchObject({ state: 'sent', topics: ['alerts', 'critical'] });
    });

    it('says which summary a folded alert went into', async () => {
      const spray = await eventWhere((e) => e.params.user === 'agent12@acme.example');

      const x = await runExplain(spray.eventId, { local: true }, NOW);

      if (x.kind !== 'event') throw new Error('expected an event');
      expect(x.alert.state).toBe('folded');
      expect(x.alert.summary).toMatchObject({ kind: 'summary', state: 'sent' });
      expect(x.alert.summary?.id).toMatch(/^sum-/);
      expect(x.incidents.map((i) => i.detection)).toEqual(['password-spray']);
      expect(formatExplanation(x)).toMatch(/folded into summary sum-\S+ \(window win-/);
    });

    it('finds an event without an alert record in the range given, by call center or not', async () => {
      const login = await eventWhere(
        (e) => e.event === 'successful_login' && e.params.user === 'john.smith@example.com',
      );
      const explain = (extra: Record<string, unknown>) =>
        runExplain(login.eventId, { local: true, ...ALL_TIME, ...extra }, NOW);

      const byRegistry = (await explain({})) as Extract<Explanation, { kind: 'event' }>;
      const byCallcenter = (await explain({ callcenter: 'acme' })) as typeof byRegistry;

      expect(byRegistry.foundVia).toContain("every call center's partition");
      expect(byCallcenter.foundVia).toContain('call center acme');
      expect(byRegistry.alert.state).toBe('none');
      expect(formatExplanation(byRegistry)).toContain('none: info is below the threshold');
    });

    it('judges suppressions field by field with --config', async () => {
      const login = await eventWhere(
        (e) => e.event === 'unauthorized_ip' && e.callcenter === 'acme',
      );
      const config = `${local.home}/suppress.json`;
      require('node:fs').writeFileSync(
        config,
        JSON.stringify({
          suppressions: [
            { id: 'office', callcenter: 'acme', ipRange: '198.51.100.0/24' },
            { id: 'robot', actor: 'robot@acme.example' },
          ],
        }),
      );

      const x = await runExplain(login.eventId, { local: true, config }, NOW);

      if (x.kind !== 'event') throw new Error('expected an event');
      expect(x.judgement.suppressedBy).toBe('office');
      expect(x.judgement.suppressions).toEqual([
        {
          id: 'office',
          matched: true,
          fields: [
            { field: 'callcenter', wanted: 'acme', actual: 'acme', matches: true },
            {
              field: 'ipRange',
              wanted: '198.51.100.0/24',
              actual: 'ip=198.51.100.23',
              matches: true,
            },
          ],
        },
        {
          id: 'robot',
          matched: false,
          fields: [{ field: 'actor', wanted: 'robot@acme.example', matches: false }],
        },
      ]);
    });

    it('fails with a one-line hint when the id is nowhere in the range', async () => {
      await expect(
        runExplain('AAAAAAAAAAAAAAAAAAAAAA', { local: true, ...ALL_TIME }, NOW),
      ).rejects.toThrow(CommandFailure);
      await expect(runExplain('not-an-id', { local: true })).rejects.toThrow(UsageError);
    });
  });

  describe('backtest --local', () => {
    it('replays the stored events into the incidents the pipeline alerted', async () => {
      const stored = (await runQuery({ local: true, incidents: true, ...ALL_TIME }))
        .items as unknown as IncidentItem[];

      const backtest = await runBacktest({ local: true, ...ALL_TIME });

      expect(backtest.document.incidents.map((i) => i.id).sort()).toEqual(
        stored
          .filter((i) => i.alertDue)
          .map((i) => i.incidentId)
          .sort(),
      );
      expect(backtest.context.source).toContain("the local pipeline's table, 4 call centers");
      expect(backtest.document.alerts.total).toBeGreaterThan(backtest.document.incidents.length);
    });

    it('reads only the range asked for', async () => {
      const backtest = await runBacktest({
        local: true,
        from: '2025-03-14T00:00:00Z',
        to: '2025-03-15T00:00:00Z',
      });

      expect(backtest.result.events).toBe(14);
      expect(backtest.document.incidents).toEqual([]);
    });
  });

  describe('status --local', () => {
    it('reports the pipeline, its queues, table and newest event, healthy', async () => {
      const status = await localStatus(NOW);

      expect(status.healthy).toBe(true);
      const byName = Object.fromEntries(status.checks.map((c) => [c.name, c]));
      expect(byName['local pipeline']?.summary).toContain(`pid ${process.pid}`);
      expect(byName.configuration?.summary).toContain('threshold high; 9/9 detections on');
      expect(byName['dead-letter queue']).toMatchObject({ level: 'ok', summary: 'empty' });
      expect(byName['newest event']?.summary).toContain('2025-06-02T18:30:00.000Z');
    });
  });
});

describe('simulate and backtest on the same timeline', () => {
  it('backtest --input lists exactly the incidents simulate alerts', async () => {
    const simulated = await runSimulation({ input: 'examples/attack-timeline.jsonl' });
    const backtest = await runBacktest({ input: 'examples/attack-timeline.jsonl' });

    const alerted = simulated.incidents.filter((i) => i.alerted);
    expect(alerted).toHaveLength(9);
    expect(backtest.document.incidents).toEqual(
      alerted.map(({ id, rule, callcenter, severity, group, start, end, events }) => ({
        id,
        rule,
        callcenter,
        severity,
        group,
        start,
        end,
        events,
      })),
    );
  });

  it('counts a redelivered line once and a malformed one as quarantined', async () => {
    const body = voisoEventBody('app_login/deleted_user', { timestamp: '2025-06-02T10:00:00Z' });
    const { writeFileSync, mkdtempSync } = require('node:fs') as typeof import('node:fs');
    const file = `${mkdtempSync(`${require('node:os').tmpdir()}/bt-`)}/in.jsonl`;
    writeFileSync(file, `${body}\n${body}\nnot json\n`);

    const backtest = await runBacktest({ input: file });

    expect(backtest.result.events).toBe(1);
    expect(backtest.context).toMatchObject({ duplicates: 1, malformed: 1 });
    expect(backtest.document.alerts).toEqual({
      byRule: { 'deleted-user-login': 1 },
      byDay: { '2025-06-02': 1 },
      total: 1,
    });
  });
});
