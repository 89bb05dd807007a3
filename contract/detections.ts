// The detections (attacks that span several events) by id, with their defaults: the
// configuration names them to tune or turn off, the ingest function runs them, the CLI lists
// them. What each one looks at and how it decides lives in lambda/core/detections/.
import type { Severity } from './severity';

export interface DetectionDefaults {
  /** One line for people: what the detection catches. */
  readonly description: string;
  /** Event time window the events must fall in. */
  readonly windowMinutes: number;
  /**
   * What must be reached for an incident; its meaning is the detection's own (`thresholdMeans`).
   * Absent for detections that fire on a sequence, which have no count to reach.
   */
  readonly threshold?: number;
  readonly thresholdMeans?: string;
  readonly severity: Severity;
}

export const DETECTIONS = {
  'brute-force': {
    description:
      'Failed logins for one user in one call center (incorrect_password counts, summed) reach the threshold within the window',
    windowMinutes: 15,
    threshold: 20,
    thresholdMeans: 'failed attempts (the sum of incorrect_password counts)',
    severity: 'critical',
  },
  'brute-force-succeeded': {
    description:
      'A successful_login for a user within the window after an incorrect_password for the same user and call center',
    windowMinutes: 15,
    severity: 'critical',
  },
  'password-spray': {
    description: 'incorrect_password for many distinct users of one call center within the window',
    windowMinutes: 10,
    threshold: 10,
    thresholdMeans: 'distinct users',
    severity: 'critical',
  },
  'repeated-deleted-user': {
    description: 'A deleted user keeps trying to log in (app_login/deleted_user for one user)',
    windowMinutes: 60,
    threshold: 3,
    thresholdMeans: 'attempts',
    severity: 'critical',
  },
  'mass-change': {
    description:
      'One actor (who) deletes, adds or changes the privileges of many users within the window (each kind counted on its own)',
    windowMinutes: 10,
    threshold: 5,
    thresholdMeans: 'changes of one kind',
    severity: 'critical',
  },
  'escalation-then-perimeter': {
    description:
      'A promotion to admin, then an allow-list addition or change by the promoted user or by the promoter within the window',
    windowMinutes: 60,
    severity: 'critical',
  },
  'refused-ip-allowed': {
    description:
      'An allow-list addition or change whose range contains an address refused (app_login/unauthorized_ip) in the same call center within the window before',
    windowMinutes: 1440,
    severity: 'critical',
  },
  'short-lived-account': {
    description: 'A user added and then deleted within the window',
    windowMinutes: 1440,
    severity: 'high',
  },
  'new-source': {
    description:
      "A user's source IP changes to an address not seen for that user within the window; quiet until the user has the threshold's days of history; learns only from ip_changed events (never from refused logins); one level more severe for admins",
    windowMinutes: 43_200,
    threshold: 7,
    thresholdMeans: 'days of history before it alerts',
    severity: 'medium',
  },
} as const satisfies Record<string, DetectionDefaults>;

export type DetectionId = keyof typeof DETECTIONS;
export const DETECTION_IDS = Object.keys(DETECTIONS) as DetectionId[];

export const isDetectionId = (value: string): value is DetectionId =>
  Object.hasOwn(DETECTIONS, value);

/** Minutes of arrival time within which repeats of one rule in one call center are folded. */
export const DEFAULT_FOLDING_WINDOW_MINUTES = 10;
