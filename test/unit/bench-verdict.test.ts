import { describe, expect, it } from 'vitest';
import { atMost, measurement, ratioAtLeast, ratioAtMost, reportOnly } from '#local/bench/measurement.ts';

const ratio = (value: number, spread: [number, number] | null, target = ratioAtMost(0.2)) =>
  measurement({ metric: 'm', value, unit: 'ms', baseline: 100, spread, target });

describe('a bench verdict', () => {
  it('is met or missed by the value when nothing was measured twice', () => {
    expect(measurement({ metric: 'm', value: 12, unit: 'calls', target: atMost(12) })).toMatchObject({
      verdict: 'met',
      pass: true,
    });
    expect(measurement({ metric: 'm', value: 13, unit: 'calls', target: atMost(12) })).toMatchObject({
      verdict: 'missed',
      pass: false,
    });
    expect(ratio(21, null)).toMatchObject({ ratio: 0.21, verdict: 'missed', pass: false });
  });

  it('is met only when the whole interval of a paired ratio meets the target', () => {
    expect(ratio(17, [0.16, 0.19])).toMatchObject({ verdict: 'met', pass: true });
    expect(ratio(17, [0.16, 0.2])).toMatchObject({ verdict: 'met', pass: true });
  });

  it('is within the noise when the interval holds the target, on either side of its median', () => {
    // The ingest import ratio of two runs: the median below the target in one, above it in the next.
    expect(ratio(19.56, [0.1749, 0.2117])).toMatchObject({ verdict: 'within-noise', pass: true });
    expect(ratio(20.39, [0.1816, 0.2179])).toMatchObject({ verdict: 'within-noise', pass: true });
  });

  it('is missed when the whole interval misses, whatever the median', () => {
    expect(ratio(23, [0.21, 0.25])).toMatchObject({ verdict: 'missed', pass: false });
    expect(ratio(40, [0.45, 0.55], ratioAtLeast(0.6))).toMatchObject({ verdict: 'missed', pass: false });
    expect(ratio(65, [0.55, 0.7], ratioAtLeast(0.6))).toMatchObject({ verdict: 'within-noise' });
  });

  it('is met for a value reported without a target', () => {
    expect(measurement({ metric: 'm', value: 1, unit: 's', target: reportOnly })).toMatchObject({
      target: '—',
      verdict: 'met',
    });
  });
});
