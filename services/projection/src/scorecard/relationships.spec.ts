import { actionScore, colour } from './relationships';

describe('the relationship scorecard', () => {
  it('scores action from the mean share of the evidence, at the documented thresholds', () => {
    expect(actionScore([95, 85])).toBe(3); // mean 90
    expect(actionScore([89.9])).toBe(2);
    expect(actionScore([75])).toBe(2);
    expect(actionScore([74.9, 75])).toBe(1);
    expect(actionScore([50])).toBe(1);
    expect(actionScore([49.9])).toBe(0);
    expect(actionScore([null, 100])).toBe(3); // a figure with no case behind it does not count
    expect(actionScore([null])).toBeNull();
    expect(actionScore([])).toBeNull();
  });

  it('colours the total as the grid does: 5-6 green, 3-4 amber, 0-2 red', () => {
    expect([[3, 3], [3, 2], [2, 2], [3, 0], [1, 1], [0, 0]].map(([a, f]) => colour(a!, f!))).toEqual(['green', 'green', 'amber', 'amber', 'red', 'red']);
    expect(colour(3, null)).toBeNull();
    expect(colour(null, 3)).toBeNull();
  });
});
