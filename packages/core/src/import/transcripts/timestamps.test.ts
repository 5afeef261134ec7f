import { describe, expect, it } from 'vitest';
import { parseClockOrSeconds, parseCueTime } from './timestamps';

describe('timestamps', () => {
  it('reads caption cue times strictly', () => {
    expect(parseCueTime('00:00:01.200')).toBe(1.2);
    expect(parseCueTime('01:02:03.004')).toBe(3723.004);
    expect(parseCueTime('02:03.500')).toBe(123.5);
    expect(parseCueTime('123:00:00,000')).toBe(442800);
    for (const bad of ['00:00:7.250', '00:60:00.000', '00:00:61.000', '00:00:01', '1.5', '00:00:01.2', ''])
      expect(parseCueTime(bad)).toBeUndefined();
  });

  it('reads CSV times as seconds or clock times, range-checked', () => {
    expect(parseClockOrSeconds('75.5')).toBe(75.5);
    expect(parseClockOrSeconds(' 00:01:15 ')).toBe(75);
    expect(parseClockOrSeconds('1:15')).toBe(75);
    expect(parseClockOrSeconds('00:09:025')).toBe(565);
    expect(parseClockOrSeconds('1:02:03,25')).toBe(3723.25);
    for (const bad of ['0:1:2:3', '00:61:00', '00:00:75', '-3', 'soon', '1e3'])
      expect(parseClockOrSeconds(bad)).toBeUndefined();
  });
});
