// How long a group's state outlives its batch: two windows of the detection as configured, plus
// a day for late events.
import { DEFAULT_DETECTION_SETTINGS, parseDetectionSettings } from '../../../contract/config';
import { DETECTIONS } from '../../../contract/detections';
import { stateRetainMs } from '../../../lambda/core/detections/engine';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

describe('stateRetainMs', () => {
  it('is two default windows and a day', () => {
    const window = DETECTIONS['brute-force'].windowMinutes;
    expect(stateRetainMs(DEFAULT_DETECTION_SETTINGS, 'brute-force')).toBe(
      2 * window * MINUTE + DAY,
    );
  });

  it('follows a configured window', () => {
    const settings = parseDetectionSettings({
      detections: { 'brute-force': { windowMinutes: 7 } },
    });
    expect(stateRetainMs(settings, 'brute-force')).toBe(14 * MINUTE + DAY);
  });
});
