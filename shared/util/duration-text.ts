/** `45s`, `6m 3s`, `2h 5m`, `3d 4h`: a duration for people, to the two largest units. */
export const durationText = (totalSeconds: number): string => {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const units: [string, number][] = [
    ['d', Math.floor(seconds / 86_400)],
    ['h', Math.floor(seconds / 3600) % 24],
    ['m', Math.floor(seconds / 60) % 60],
    ['s', seconds % 60],
  ];
  const first = units.findIndex(([, value]) => value > 0);
  if (first < 0) return '0s';
  return units
    .slice(first, first + 2)
    .filter(([, value]) => value > 0)
    .map(([unit, value]) => `${value}${unit}`)
    .join(' ');
};
