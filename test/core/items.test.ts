// Every key the pipeline writes must fit DynamoDB's limits (partition and index keys 2,048
// bytes, sort keys 1,024), or the write fails for good and the event would end in the DLQ.
import fc from 'fast-check';
import { DEFAULT_DETECTION_SETTINGS } from '../../contract/config';
import type { Severity } from '../../contract/severity';
import { buildEventItem, inPairSeverityIndex } from '../../lambda/core/items';
import { classifyMessage } from '../../lambda/core/message';
import { eventItemOf } from '../../lambda/testing/factories';

const bytes = (text: string | undefined) => Buffer.byteLength(text ?? '', 'utf8');

/**
 * Strings heavy in what grows under key escaping (`#`, `%`) and in 4-byte characters, at most
 * `maxLength` UTF-16 units long: the limit the core counts in, so every generated event is one
 * the core accepts and every case asserts something.
 */
const hostileText = (maxLength: number) =>
  fc.integer({ min: 1, max: maxLength }).chain((length) =>
    fc
      .array(fc.constantFrom('#', '%', 'a', '\u{1F600}', 'é'), {
        minLength: length,
        maxLength: length,
      })
      .map((units) => {
        let text = '';
        for (const unit of units) {
          if (text.length + unit.length > maxLength) break;
          text += unit;
        }
        return text;
      }),
  );

describe('event items', () => {
  it('keep every key within DynamoDB limits for any event the core accepts', () => {
    fc.assert(
      fc.property(
        hostileText(256),
        hostileText(256),
        hostileText(256),
        hostileText(4096),
        hostileText(4096),
        (callcenter, type, event, user, who) => {
          // Prepare: an event of a kind Voiso may add tomorrow, whose params are not schema-bound.
          const body = JSON.stringify({
            timestamp: '2020-10-10T10:11:12.12Z',
            type,
            event,
            callcenter,
            params: { user, who },
          });
          const verdict = classifyMessage(body, DEFAULT_DETECTION_SETTINGS);
          if (verdict.kind !== 'event') throw new Error(`not accepted: ${verdict.reason}`);
          // Act
          const item = buildEventItem(verdict.normalised, verdict.classification, {
            messageId: 'm-1',
            receivedAt: new Date('2020-10-10T10:11:13Z'),
            retentionDays: 365,
          });
          // Assert
          for (const key of [item.pk, item.subjectKey, item.actorKey, item.pairKey]) {
            expect(bytes(key)).toBeLessThanOrEqual(2048);
          }
          expect(bytes(item.sk)).toBeLessThanOrEqual(1024);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('indexes a user name within the field limit and stores a longer one unindexed', () => {
    // Prepare
    const event = (user: string) =>
      JSON.stringify({
        timestamp: '2020-10-10T10:11:12Z',
        type: 'app_login',
        event: 'passkey_registered',
        callcenter: 'acme',
        params: { user },
      });
    const build = (user: string) => {
      const verdict = classifyMessage(event(user), DEFAULT_DETECTION_SETTINGS);
      if (verdict.kind !== 'event') throw new Error(verdict.reason);
      return buildEventItem(verdict.normalised, verdict.classification, {
        messageId: 'm-1',
        receivedAt: new Date('2020-10-10T10:11:13Z'),
        retentionDays: 0,
      });
    };
    // Act
    const short = build('a'.repeat(256));
    const long = build('a'.repeat(257));
    // Assert
    expect(short.subjectKey).toBe(`USER#${'a'.repeat(256)}`);
    expect(long.subjectKey).toBeUndefined();
    expect(long.params.user).toBe('a'.repeat(257));
  });

  describe('index entries: as few as the documented queries allow', () => {
    const item = (pair: string, params: Record<string, unknown>, severityIndexFrom?: 'high') => {
      const [type = '', event = ''] = pair.split('/');
      const built = eventItemOf(
        { timestamp: '2020-10-10T10:11:12Z', type, event, callcenter: 'acme', params },
        {
          messageId: 'm-1',
          receivedAt: new Date('2020-10-10T10:11:13Z'),
          retentionDays: 0,
          ...(severityIndexFrom && { severityIndexFrom }),
        },
      );
      return {
        subjectKey: built.subjectKey,
        actorKey: built.actorKey,
        pairKey: built.pairKey,
        severityKey: built.severityKey,
      };
    };

    it.each([
      [
        'a change by an admin to another user: both users',
        'user/user_added',
        { who: 'admin@acme.com', user: 'ann@acme.com', access_group: 'agent' },
        { subjectKey: 'USER#ann@acme.com', actorKey: 'USER#admin@acme.com' },
      ],
      [
        'a user changing their own password: one user entry',
        'user/password_changed',
        { who: 'ann@acme.com', user: 'ann@acme.com', access_group: 'agent' },
        { subjectKey: 'USER#ann@acme.com', actorKey: undefined },
      ],
      [
        'an allow-list change (an actor, no subject): the actor in the user index',
        'allowed_ip/ip_added',
        { who: 'admin@acme.com', access_group: 'admin', ip: '203.0.113.0/24' },
        { subjectKey: 'USER#admin@acme.com', actorKey: undefined },
      ],
      [
        'an undocumented event with an empty user: who acted, never an empty name',
        'billing/card_changed',
        { user: '', who: 'admin@acme.com' },
        { subjectKey: 'USER#admin@acme.com' },
      ],
    ])('%s', (_, pair, params, users) => {
      expect(item(pair, params)).toMatchObject(users);
    });

    it('keys the pair index by pair and severity, and never writes the legacy severity key', () => {
      expect(
        item('app_login/unauthorized_ip', {
          user: 'ann@acme.com',
          access_group: 'agent',
          ip: '8.8.8.8',
        }),
      ).toMatchObject({ pairKey: 'PAIR#app_login#unauthorized_ip#high', severityKey: undefined });
    });

    it('indexes a login from the floor up, the floor itself included', () => {
      const at = (severity: Severity, severityIndexFrom?: Severity) =>
        inPairSeverityIndex('app_login', 'successful_login', severity, {
          ...(severityIndexFrom && { severityIndexFrom }),
        });
      expect([at('low'), at('medium'), at('high')]).toEqual([false, true, true]);
      expect([at('medium', 'high'), at('high', 'high'), at('critical', 'high')]).toEqual([
        false,
        true,
        true,
      ]);
      expect(inPairSeverityIndex('app_login', 'incorrect_password', 'info', {})).toBe(true);
    });

    it('keeps logins below the floor out of the pair index', () => {
      const login = { user: 'ann@acme.com', access_group: 'agent' };

      expect(item('app_login/successful_login', login).pairKey).toBeUndefined();
      // Another pair at the same severity is indexed whatever the floor.
      expect(
        item(
          'user/password_changed',
          { who: 'a@x.com', user: 'a@x.com', access_group: 'agent' },
          'high',
        ).pairKey,
      ).toBe('PAIR#user#password_changed#low');
    });
  });
});
