// Message bodies for CLI tests, built from the documented Voiso envelope.

export interface VoisoEventOverrides {
  readonly timestamp?: string;
  readonly type?: string;
  readonly event?: string;
  readonly callcenter?: string;
  readonly params?: Record<string, unknown>;
}

export function voisoEvent(overrides: VoisoEventOverrides = {}): string {
  return JSON.stringify({
    timestamp: overrides.timestamp ?? '2025-03-14T08:05:42.12Z',
    type: overrides.type ?? 'app_login',
    event: overrides.event ?? 'successful_login',
    callcenter: overrides.callcenter ?? 'acme',
    params: overrides.params ?? { user: 'john.smith@example.com', access_group: 'supervisor' },
  });
}

export const lines = (...bodies: string[]): string => `${bodies.join('\n')}\n`;
