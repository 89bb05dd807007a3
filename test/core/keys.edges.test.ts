// Key builders the table tests do not reach, and canonical JSON where a value is absent.
import { canonicalJson, incidentPartition, severityKey } from '../../lambda/core/keys';

describe('keys of the older indexes and of incident months', () => {
  it('builds the severity partition of releases before the pair-and-severity index', () => {
    expect(severityKey('high')).toBe('SEV#high');
  });

  it('names the incident partition by month, whatever precision the time has', () => {
    expect(incidentPartition('2025-06-02T08:00:00.000000000Z')).toBe('INCIDENTS#2025-06');
    expect(incidentPartition('2025-06')).toBe('INCIDENTS#2025-06');
  });
});

describe('canonicalJson', () => {
  it('leaves out absent properties and writes an absent value as null', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, 2] })).toBe('{"b":1,"c":[null,2]}');
    expect(canonicalJson(undefined)).toBe('null');
  });
});
