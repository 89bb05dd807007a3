import {
  alertSubject,
  buildAlerts,
  maskEmails,
  toSubjectText,
} from '../../lambda/core/alert-format';
import { eventItemOf, voisoEvent } from '../../lambda/testing/factories';

const item = eventItemOf;

describe('alert format', () => {
  it('keeps the subject under 100 printable ASCII characters (SNS: fewer than 100)', () => {
    // Act
    const subject = alertSubject(
      item(voisoEvent('app_login/deleted_user', { callcenter: `x\u202e${'y'.repeat(250)}` })),
    );
    // Assert
    expect(subject).toHaveLength(99);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('sends critical events to both topics with unique entry ids', () => {
    // Act
    const alerts = buildAlerts(
      item(voisoEvent('app_login/incorrect_password', { params: { count: 11 } })),
    );
    // Assert
    expect(alerts.map((a) => a.topic)).toEqual(['alerts', 'critical']);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(2);
    expect(alerts[0]?.attributes.rule).toBe('incorrect-password-burst');
    expect(alerts[0]?.document.summary).toBe('11 failed logins for john@acme.com (supervisor)');
  });

  it('defangs links and drops link markup from subjects and e-mail text', () => {
    // Prepare
    const hostile = item(
      voisoEvent('app_login/unauthorized_ip', {
        callcenter: '<http://e.example|x> www.e.example',
        params: { user: 'https://evil.example/login', ip: '8.8.8.8' },
      }),
    );
    // Act
    const [alert] = buildAlerts(hostile);
    // Assert
    expect(alert?.subject).toBe(
      '[HIGH] ?http[:]//e.example|x? www[.]e.example: unauthorized_ip https[:]//evil.example/login 8.8.8.8',
    );
    expect(alert?.text).not.toMatch(/https?:\/\/|www\./);
    expect(alert?.text).toContain('"https[:]//evil.example/login"');
    // The JSON document is data for programs, kept as received.
    expect(alert?.document.kind === 'event' && alert.document.params.user).toBe(
      'https://evil.example/login',
    );
  });

  it('makes message attribute values acceptable to SNS', () => {
    // Act
    const [alert] = buildAlerts(
      item(voisoEvent('app_login/deleted_user', { callcenter: 'acme\u0000\u0007\uFFFF' })),
    );
    // Assert
    expect(alert?.attributes.callcenter).toBe('acme\uFFFD\uFFFD\uFFFD');
  });

  it('masks e-mail addresses for logs', () => {
    expect(maskEmails('user alice@acme.com failed')).toBe('user a***@acme.com failed');
    expect(toSubjectText('a\r\nb\tc')).toBe('a b c');
  });
});
