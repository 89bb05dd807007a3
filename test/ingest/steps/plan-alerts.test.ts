// Step 4: which alerts the batch claims. Event alerts: done when sent or folded, busy when
// another live invocation holds them, finished (never folded) when claimed before, and otherwise
// sent at once or folded into the window open for their rule. Incident alerts: claimed when new
// and due; a recorded one not known done is claimed, found done, or busy, by its record.
import { parseDetectionSettings } from '../../../contract/config';
import {
  type DetectionState,
  emptyState,
  type GroupOutcome,
  type Incident,
  type IncidentOutcome,
} from '../../../lambda/core/detections/engine';
import { FOLD_RETAIN_MS } from '../../../lambda/core/folding';
import type { EventItem } from '../../../lambda/core/items';
import { type AlertRecord, alertRecord, foldedItem, foldItem } from '../../../lambda/core/records';
import type { EventGroup } from '../../../lambda/ingest/batch';
import {
  type ClaimContext,
  incidentDue,
  planEventAlerts,
  planIncidentAlerts,
} from '../../../lambda/ingest/steps/plan-alerts';
import { type BatchState, foldFields } from '../../../lambda/ingest/steps/read-batch';
import { sqsRecord } from '../../../lambda/testing/factories';
import { eventItem } from './fixtures';

const NOW = new Date('2024-05-06T07:08:10.000Z');
const NOW_MS = NOW.getTime();
const folding = parseDetectionSettings({});
const unfolded = parseDetectionSettings({ foldingWindowMinutes: 0 });

const context = (detection = folding): ClaimContext => ({
  now: NOW,
  claimNowMs: NOW_MS,
  leaseUntil: NOW_MS + 20_000,
  expiresAt: 1_900_000_000,
  detection,
});

const groupOf = (item: EventItem, ids = [item.messageId]): EventGroup => ({
  key: item.sk,
  item,
  records: ids.map((messageId) => sqsRecord('x', { messageId })),
});

function state(groups: EventGroup[], extra: Partial<BatchState> = {}): BatchState {
  return {
    existing: new Map(),
    absent: groups,
    readable: groups,
    alertRecords: new Map(),
    folds: new Map(),
    groups: new Map(),
    failures: [],
    ...extra,
  };
}

const recordOf = (item: EventItem, change: Partial<AlertRecord>): AlertRecord => ({
  ...alertRecord(
    {
      alertKey: item.eventId,
      alertKind: 'event',
      callcenter: item.callcenter,
      rule: item.rules[0] ?? 'none',
      severity: item.severity,
      subject: { pk: item.pk, sk: item.sk },
    },
    { state: 'claimed', topicsSent: [], owners: ['other'], leaseUntil: NOW_MS + 60_000 },
    0,
    NOW,
    undefined,
  ),
  ...change,
});

/** Two alert-worthy events of one rule (deleted-user-login, high) for two users. */
const two = () => [
  eventItem('app_login/deleted_user', { params: { user: 'a@acme.com' } }, 'm-a'),
  eventItem(
    'app_login/deleted_user',
    { timestamp: '2020-10-10T10:11:13Z', params: { user: 'b@acme.com' } },
    'm-b',
  ),
];

describe('planEventAlerts', () => {
  it('claims a new alert to send, held by its records until the invocation ends', () => {
    // Prepare
    const [item] = two();
    if (!item) throw new Error('fixture');
    // Act
    const plan = planEventAlerts(state([groupOf(item, ['m-a', 'm-a2'])]), context(unfolded));
    // Assert
    expect(plan.records).toEqual([
      alertRecord(
        {
          alertKey: item.eventId,
          alertKind: 'event',
          callcenter: 'acme',
          rule: 'deleted-user-login',
          severity: 'high',
          subject: { pk: item.pk, sk: item.sk },
        },
        { state: 'claimed', topicsSent: [], owners: ['m-a', 'm-a2'], leaseUntil: NOW_MS + 20_000 },
        0,
        NOW,
        1_900_000_000,
      ),
    ]);
    expect(plan.sends).toEqual([
      { record: plan.records[0], carriers: ['m-a', 'm-a2'], subject: { kind: 'event', item } },
    ]);
    expect(plan).toMatchObject({ folded: [], opens: [], failures: [] });
  });

  it('claims nothing for an event that is not alert-worthy, or whose alert was sent or folded', () => {
    // Prepare
    const login = eventItem('app_login/successful_login');
    const [sent, folded] = two();
    if (!sent || !folded) throw new Error('fixture');
    const records = new Map([
      [sent.eventId, recordOf(sent, { state: 'sent' })],
      [folded.eventId, recordOf(folded, { state: 'folded' })],
    ]);
    // Act
    const plan = planEventAlerts(
      state([groupOf(login), groupOf(sent), groupOf(folded)], { alertRecords: records }),
      context(),
    );
    // Assert
    expect(plan.records).toEqual([]);
    expect(plan.failures).toEqual([]);
  });

  it('writes again the place of an alert folded before, in the window its record names', () => {
    // Prepare: a redelivery of an alert whose record says it was folded into win-1.
    const [, folded] = two();
    if (!folded) throw new Error('fixture');
    const records = new Map([
      [folded.eventId, recordOf(folded, { state: 'folded', foldWindow: 'win-1' })],
    ]);
    // Act
    const plan = planEventAlerts(state([groupOf(folded)], { alertRecords: records }), context());
    // Assert: the same membership as when it folded, kept a window and a retention from now.
    expect(plan.folded).toEqual([
      foldedItem(
        {
          windowId: 'win-1',
          eventId: folded.eventId,
          eventKey: { pk: folded.pk, sk: folded.sk },
          time: folded.time,
          who: 'b@acme.com',
        },
        NOW_MS + folding.foldingWindowMinutes * 60_000,
        FOLD_RETAIN_MS,
      ),
    ]);
    expect(plan).toMatchObject({ records: [], sends: [], opens: [], failures: [] });
  });

  it('fails the records of an alert another live invocation holds', () => {
    // Prepare
    const [item] = two();
    if (!item) throw new Error('fixture');
    // Act
    const plan = planEventAlerts(
      state([groupOf(item, ['m-a', 'm-a2'])], {
        alertRecords: new Map([[item.eventId, recordOf(item, {})]]),
      }),
      context(),
    );
    // Assert
    expect(plan.records).toEqual([]);
    expect(plan.failures).toEqual([
      { messageId: 'm-a', reason: 'alert claimed by another invocation' },
      { messageId: 'm-a2', reason: 'alert claimed by another invocation' },
    ]);
  });

  it('finishes an alert claimed before, keeping the topics it reached, and never folds it', () => {
    // Prepare: a window is open for its rule, and its earlier claim was released.
    const [item] = two();
    if (!item) throw new Error('fixture');
    const previous = recordOf(item, { state: 'partial', topicsSent: ['alerts'], version: 3 });
    const open = foldItem(
      {
        ...foldFields(item),
        windowId: 'win-open',
        opensAt: NOW_MS - 1,
        closesAt: NOW_MS + 60_000,
        pending: [],
      },
      0,
      0,
    );
    // Act
    const plan = planEventAlerts(
      state([groupOf(item)], {
        alertRecords: new Map([[item.eventId, previous]]),
        folds: new Map([[JSON.stringify([item.callcenter, 'deleted-user-login', 'high']), open]]),
      }),
      context(),
    );
    // Assert
    expect(plan.records).toHaveLength(1);
    expect(plan.records[0]).toMatchObject({
      state: 'claimed',
      topicsSent: ['alerts'],
      version: 4,
      owners: ['m-a'],
    });
    expect(plan.sends).toHaveLength(1);
    expect(plan.folded).toEqual([]);
  });

  it('alerts on the stored item when the event exists already', () => {
    // Prepare
    const [item] = two();
    if (!item) throw new Error('fixture');
    const stored = { ...item, messageId: 'first-delivery' };
    // Act
    const plan = planEventAlerts(
      state([groupOf(item)], { existing: new Map([[item.sk, stored]]), absent: [] }),
      context(unfolded),
    );
    // Assert
    expect(plan.sends[0]?.subject).toEqual({ kind: 'event', item: stored });
  });

  it('sends the first alert of a rule, opens a window, and folds the next into it', () => {
    // Prepare
    const [a, b] = two();
    if (!a || !b) throw new Error('fixture');
    // Act
    const plan = planEventAlerts(state([groupOf(b), groupOf(a)]), context());
    // Assert: the earlier event (a) goes out; b is folded, with who it is about.
    expect(plan.sends.map((s) => s.record.alertKey)).toEqual([a.eventId]);
    expect(plan.opens).toHaveLength(1);
    const windowId = plan.opens[0]?.windowId;
    expect(plan.opens[0]).toMatchObject({ opensAt: NOW_MS, closesAt: NOW_MS + 10 * 60_000 });
    expect(plan.opens[0]?.pending).toHaveLength(1);
    expect(plan.opens[0]?.pending[0]).toMatchObject({
      windowId,
      openedBy: a.eventId,
      type: 'app_login',
      event: 'deleted_user',
    });
    const folded = plan.records.find((r) => r.alertKey === b.eventId);
    expect(folded).toMatchObject({
      state: 'folded',
      owners: ['m-b'],
      leaseUntil: 0,
      foldWindow: windowId,
      version: 1,
      topicsSent: [],
    });
    expect(plan.folded).toEqual([
      expect.objectContaining({
        windowId,
        eventId: b.eventId,
        eventKey: { pk: b.pk, sk: b.sk },
        time: b.time,
        who: 'b@acme.com',
      }),
    ]);
    expect(plan.folded[0]).not.toHaveProperty('value');
  });

  it('names the address a folded alert is about, the range changed to before the address', () => {
    // Prepare
    const first = eventItem(
      'allowed_ip/ip_changed',
      { params: { who: 'x', from: '1.1.1.1', to: '10.0.0.0/8' } },
      'm1',
    );
    const changed = eventItem(
      'allowed_ip/ip_changed',
      {
        timestamp: '2020-10-10T10:11:13Z',
        params: { who: 'y', from: '1.1.1.1', to: '10.0.0.0/8' },
      },
      'm2',
    );
    const added = eventItem(
      'allowed_ip/ip_added',
      { timestamp: '2020-10-10T10:11:14Z', params: { ip: '10.1.0.0/24' } },
      'm3',
    );
    // Act
    const plan = planEventAlerts(
      state([groupOf(first), groupOf(changed), groupOf(added)]),
      context(),
    );
    // Assert
    expect(plan.folded.map((f) => [f.who, f.value])).toEqual([['y', '10.0.0.0/8']]);
    const addedFolded = planEventAlerts(
      state([groupOf(eventItem('allowed_ip/ip_added', {}, 'm4')), groupOf(added)]),
      context(),
    ).folded;
    expect(addedFolded.map((f) => [f.who, f.value])).toEqual([['admin@acme.com', '10.1.0.0/24']]);
  });
});

// ---------------------------------------------------------------------------------------------

const incident = (overrides: Partial<Incident> = {}): Incident => ({
  id: 'inc-1',
  detection: 'repeated-deleted-user',
  callcenter: 'acme',
  group: 'user:old',
  groupedBy: 'user',
  start: 0,
  end: 60_000,
  severity: 'critical',
  measure: 3,
  threshold: 3,
  windowMinutes: 60,
  values: [],
  eventIds: ['e1', 'e2', 'e3'],
  eventCount: 3,
  suppressed: false,
  ...overrides,
});

const outcomeWith = (
  found: Partial<IncidentOutcome>[],
  incidents = [{ id: 'inc-1', start: 0, end: 60_000, alerted: false }],
): GroupOutcome => {
  const state: DetectionState = {
    ...emptyState('repeated-deleted-user', 'acme', 'user:old'),
    incidents,
  };
  return {
    state,
    changed: false,
    incidents: found.map((f) => ({
      incident: incident(),
      status: 'new',
      unconfirmed: false,
      batchEventIds: ['e3'],
      earlierEvents: [],
      ...f,
    })),
  };
};

const carriers = new Map([
  ['e2', ['m2']],
  ['e3', ['m3', 'm3b']],
]);

const incidentRecord = (change: Partial<AlertRecord>): AlertRecord => ({
  ...alertRecord(
    {
      alertKey: 'inc-1',
      alertKind: 'incident',
      callcenter: 'acme',
      rule: 'repeated-deleted-user',
      severity: 'critical',
      subject: { pk: 'p', sk: 's' },
    },
    { state: 'claimed', topicsSent: [], owners: ['other'], leaseUntil: NOW_MS + 60_000 },
    0,
    NOW,
    undefined,
  ),
  ...change,
});

describe('planIncidentAlerts', () => {
  it('claims a new incident that is due, for the records of its events in this batch', () => {
    // Act
    const plan = planIncidentAlerts(
      new Map([['g', outcomeWith([{ batchEventIds: ['e2', 'e3'] }])]]),
      new Map(),
      new Set(),
      carriers,
      context(),
    );
    // Assert
    expect(plan.claims).toHaveLength(1);
    expect(plan.claims[0]?.carriers).toEqual(['m2', 'm3', 'm3b']);
    expect(plan.claims[0]?.record).toMatchObject({
      pk: 'ALERT#inc-1',
      alertKind: 'incident',
      rule: 'repeated-deleted-user',
      severity: 'critical',
      state: 'claimed',
      owners: ['m2', 'm3', 'm3b'],
      leaseUntil: NOW_MS + 20_000,
      version: 1,
      subject: { pk: 'INCIDENTS#1970-01', sk: '1970-01-01T00:00:00.000000000Z#inc-1' },
      expiresAt: 1_900_000_000,
    });
    expect(plan.claims[0]?.subject).toEqual({ kind: 'incident', incident: incident() });
    // Not done yet: the state is unchanged.
    expect(plan.outcomes.get('g')?.state.incidents[0]?.alerted).toBe(false);
  });

  it('marks done, without a claim, an incident that is not due: suppressed or below the threshold', () => {
    for (const quiet of [incident({ suppressed: true }), incident({ severity: 'medium' })]) {
      // Act
      const plan = planIncidentAlerts(
        new Map([['g', outcomeWith([{ incident: quiet }])]]),
        new Map(),
        new Set(),
        carriers,
        context(),
      );
      // Assert
      expect(plan.claims).toEqual([]);
      expect(plan.outcomes.get('g')?.state.incidents[0]?.alerted).toBe(true);
      expect(plan.outcomes.get('g')?.changed).toBe(true);
    }
  });

  it('leaves a known incident alone when its alert is confirmed, or its record could not be read', () => {
    // Act
    const confirmed = planIncidentAlerts(
      new Map([['g', outcomeWith([{ status: 'known', unconfirmed: false }])]]),
      new Map(),
      new Set(),
      carriers,
      context(),
    );
    const unread = planIncidentAlerts(
      new Map([['g', outcomeWith([{ status: 'known', unconfirmed: true }])]]),
      new Map(),
      new Set(['inc-1']),
      carriers,
      context(),
    );
    const notDue = planIncidentAlerts(
      new Map([
        [
          'g',
          outcomeWith([
            { status: 'known', unconfirmed: false, incident: incident({ severity: 'low' }) },
          ]),
        ],
      ]),
      new Map(),
      new Set(),
      carriers,
      context(),
    );
    // Assert
    for (const plan of [confirmed, unread, notDue]) {
      expect(plan.claims).toEqual([]);
      expect(plan.failures).toEqual([]);
      expect(plan.outcomes.get('g')?.changed).toBe(false);
    }
  });

  it('finishes a known incident whose claim lapsed or was released, keeping the topics reached', () => {
    // Prepare
    const released = incidentRecord({ state: 'partial', topicsSent: ['alerts'], version: 2 });
    // Act
    const plan = planIncidentAlerts(
      new Map([['g', outcomeWith([{ status: 'known', unconfirmed: true }])]]),
      new Map([['inc-1', released]]),
      new Set(),
      carriers,
      context(),
    );
    // Assert
    expect(plan.claims[0]?.record).toMatchObject({
      state: 'claimed',
      topicsSent: ['alerts'],
      version: 3,
    });
  });

  it('marks done a known incident whose alert was sent, and fails the records when another holds it', () => {
    // Act
    const sent = planIncidentAlerts(
      new Map([['g', outcomeWith([{ status: 'known', unconfirmed: true }])]]),
      new Map([['inc-1', incidentRecord({ state: 'sent' })]]),
      new Set(),
      carriers,
      context(),
    );
    const busy = planIncidentAlerts(
      new Map([['g', outcomeWith([{ status: 'known', unconfirmed: true }])]]),
      new Map([['inc-1', incidentRecord({})]]),
      new Set(),
      carriers,
      context(),
    );
    // Assert
    expect(sent.claims).toEqual([]);
    expect(sent.outcomes.get('g')?.state.incidents[0]?.alerted).toBe(true);
    expect(busy.claims).toEqual([]);
    expect(busy.failures).toEqual([
      { messageId: 'm3', reason: 'incident alert claimed by another invocation' },
      { messageId: 'm3b', reason: 'incident alert claimed by another invocation' },
    ]);
  });

  it('hands back an outcome with nothing done as it was', () => {
    // Prepare
    const outcome = outcomeWith([{}]);
    // Act
    const plan = planIncidentAlerts(
      new Map([['g', outcome]]),
      new Map(),
      new Set(),
      carriers,
      context(),
    );
    // Assert
    expect(plan.outcomes.get('g')).toBe(outcome);
  });
});

describe('incidentDue', () => {
  it('is due at or above the threshold when not suppressed', () => {
    const high = parseDetectionSettings({ alertThreshold: 'high' });
    expect(incidentDue(incident({ severity: 'high' }), high)).toBe(true);
    expect(incidentDue(incident({ severity: 'medium' }), high)).toBe(false);
    expect(incidentDue(incident({ severity: 'critical', suppressed: true }), high)).toBe(false);
  });
});
