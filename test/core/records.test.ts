// The pipeline's own records as items: their keys, what each keeps, when they expire, and the
// conversions between epoch milliseconds and the normalised time text.
import type { DetectionState, Incident } from '../../lambda/core/detections/engine';
import {
  alertRecord,
  foldedItem,
  foldItem,
  incidentItem,
  normalisedTime,
  stateItem,
  stateOf,
  timeMs,
} from '../../lambda/core/records';

const MS = Date.UTC(2024, 4, 6, 7, 8, 9, 123);

describe('times', () => {
  it('writes epoch ms as the normalised time, and reads it back to the millisecond', () => {
    expect(normalisedTime(MS)).toBe('2024-05-06T07:08:09.123000000Z');
    expect(timeMs('2024-05-06T07:08:09.123999999Z')).toBe(MS);
    expect(timeMs(normalisedTime(MS))).toBe(MS);
  });
});

describe('detection state items', () => {
  const state: DetectionState = {
    detection: 'brute-force',
    callcenter: 'acme#1',
    group: 'user:john',
    since: MS,
    observations: [{ id: 'e1', t: MS, n: '2024-05-06T07:08:09.123000000Z' }],
    incidents: [{ id: 'inc-1', start: MS, end: MS, alerted: false }],
    version: 3,
  };

  it('keeps everything the state holds, keyed by detection, call center and group', () => {
    // Act
    const item = stateItem(state, 4, MS + 1_999);
    // Assert
    expect(item).toEqual({
      pk: 'DETECT#brute-force#acme%231#user:john',
      sk: 'STATE',
      kind: 'detection-state',
      detection: 'brute-force',
      callcenter: 'acme#1',
      group: 'user:john',
      since: MS,
      observations: state.observations,
      incidents: state.incidents,
      version: 4,
      expiresAt: Math.floor((MS + 1_999) / 1000),
    });
    expect(stateOf(item, MS)).toEqual({ ...state, version: 4 });
  });

  it('reads an item DynamoDB has not removed yet as no state once it expired', () => {
    // Prepare
    const item = stateItem(state, 4, 10_000);
    // Act / Assert
    expect(stateOf(item, 9_999)).toBeDefined();
    expect(stateOf(item, 10_000)).toBeUndefined();
  });
});

describe('incident items', () => {
  const incident: Incident = {
    id: 'inc-1',
    detection: 'new-source',
    callcenter: 'acme',
    group: 'user:john',
    groupedBy: 'user',
    key: '198.51.100.7',
    start: MS,
    end: MS + 60_000,
    severity: 'high',
    measure: 1,
    threshold: 7,
    windowMinutes: 43_200,
    values: ['198.51.100.7'],
    eventIds: ['e1'],
    eventCount: 1,
    suppressed: false,
  };

  it('is filed by the month and time it began, with all an audit needs', () => {
    // Act
    const item = incidentItem(incident, true, new Date(MS + 5), 1_900_000_000);
    // Assert
    expect(item).toEqual({
      pk: 'INCIDENTS#2024-05',
      sk: '2024-05-06T07:08:09.123000000Z#inc-1',
      kind: 'incident',
      incidentId: 'inc-1',
      detection: 'new-source',
      callcenter: 'acme',
      group: 'user:john',
      groupedBy: 'user',
      key: '198.51.100.7',
      start: '2024-05-06T07:08:09.123000000Z',
      end: '2024-05-06T07:09:09.123000000Z',
      severity: 'high',
      measure: 1,
      threshold: 7,
      windowMinutes: 43_200,
      values: ['198.51.100.7'],
      eventIds: ['e1'],
      eventCount: 1,
      suppressed: false,
      alertDue: true,
      detectedAt: new Date(MS + 5).toISOString(),
      expiresAt: 1_900_000_000,
    });
  });

  it('leaves out a key, threshold and expiry it does not have', () => {
    // Prepare
    const { key: _key, threshold: _threshold, ...sequence } = incident;
    // Act
    const item = incidentItem(sequence, false, new Date(MS), undefined);
    // Assert
    expect(item).not.toHaveProperty('key');
    expect(item).not.toHaveProperty('threshold');
    expect(item).not.toHaveProperty('expiresAt');
    expect(item.alertDue).toBe(false);
  });
});

describe('alert records', () => {
  const fields = {
    alertKey: 'e1',
    alertKind: 'event' as const,
    callcenter: 'acme',
    rule: 'deleted-user-login',
    severity: 'high' as const,
    subject: { pk: 'CC#acme', sk: 't#e1' },
  };

  it('is one item per alert key, one version past the one read', () => {
    // Act
    const record = alertRecord(
      fields,
      { state: 'folded', topicsSent: [], owners: ['m1'], leaseUntil: 0, foldWindow: 'win-1' },
      2,
      new Date(MS),
      1_900_000_000,
    );
    // Assert
    expect(record).toEqual({
      pk: 'ALERT#e1',
      sk: 'ALERT',
      kind: 'alert',
      ...fields,
      state: 'folded',
      topicsSent: [],
      owners: ['m1'],
      leaseUntil: 0,
      foldWindow: 'win-1',
      version: 3,
      updatedAt: new Date(MS).toISOString(),
      expiresAt: 1_900_000_000,
    });
  });

  it('has no fold window or expiry unless given', () => {
    // Act
    const record = alertRecord(
      fields,
      { state: 'claimed', topicsSent: ['alerts'], owners: ['m1'], leaseUntil: 5 },
      0,
      new Date(MS),
      undefined,
    );
    // Assert
    expect(record).not.toHaveProperty('foldWindow');
    expect(record).not.toHaveProperty('expiresAt');
    expect(record.version).toBe(1);
  });
});

describe('folding items', () => {
  const window = {
    callcenter: 'acme',
    rule: 'deleted-user-login',
    severity: 'high' as const,
    windowId: 'win-1',
    opensAt: MS,
    closesAt: MS + 600_000,
    pending: [],
  };
  const retain = 86_400_000;
  const expiry = Math.floor((MS + 600_000 + retain) / 1000);

  it('keys the open window by call center, rule and severity, and keeps it past its close', () => {
    expect(foldItem(window, 4, retain)).toEqual({
      pk: 'FOLD',
      sk: 'acme#deleted-user-login#high',
      kind: 'fold',
      ...window,
      version: 5,
      expiresAt: expiry,
    });
  });

  it('lists the windows waiting for their summary, and keeps the item past the last one', () => {
    // Prepare
    const pending = [
      {
        windowId: 'win-1',
        type: 'app_login',
        event: 'deleted_user',
        openedBy: 'e0',
        opensAt: MS,
        closesAt: MS + 600_000,
      },
      {
        windowId: 'win-2',
        type: 'app_login',
        event: 'deleted_user',
        openedBy: 'e9',
        opensAt: MS + 600_000,
        closesAt: MS + 1_200_000,
      },
    ];
    // Act
    const item = foldItem({ ...window, pending }, 0, retain);
    // Assert
    expect(item.pending).toEqual(pending);
    expect(item.expiresAt).toBe(Math.floor((MS + 1_200_000 + retain) / 1000));
  });

  it('files each folded alert under its window', () => {
    // Act
    const item = foldedItem(
      {
        windowId: 'win-1',
        eventId: 'e2',
        eventKey: { pk: 'CC#acme', sk: 't#e2' },
        time: '2024-05-06T07:08:09.123000000Z',
        who: 'john',
      },
      MS + 600_000,
      retain,
    );
    // Assert
    expect(item).toEqual({
      pk: 'FOLDED#win-1',
      sk: 'e2',
      kind: 'folded',
      windowId: 'win-1',
      eventId: 'e2',
      eventKey: { pk: 'CC#acme', sk: 't#e2' },
      time: '2024-05-06T07:08:09.123000000Z',
      who: 'john',
      expiresAt: expiry,
    });
  });
});
