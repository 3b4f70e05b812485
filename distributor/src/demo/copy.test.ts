import { describe, expect, it } from '@jest/globals';

import { iso, text } from './copy.js';

describe('COPY text', () => {
  it('writes times as ISO 8601 to the second', () => {
    for (const ms of [0, Date.UTC(2025, 5, 30, 7, 5, 9), Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2025, 0, 1)]) {
      expect(iso(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    }
  });

  it('escapes backslashes, tabs and line breaks', () => {
    expect(text('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(text('配送很快')).toBe('配送很快');
    expect(text(null)).toBeNull();
  });
});
