import { describe, expect, it } from '@jest/globals';

import { headerLabel, quoted, singleHeader } from './headers.js';

describe('singleHeader', () => {
  it('reads a header whatever the case of its name, trimmed, with empty meaning absent', () => {
    expect(singleHeader({ 'X-Grafana-User': ' alice ' }, 'x-grafana-user')).toBe('alice');
    expect(singleHeader({ 'x-grafana-user': '' }, 'x-grafana-user')).toBeUndefined();
    expect(singleHeader({ 'x-grafana-user': ['alice'] }, 'x-grafana-user')).toBe('alice');
    expect(singleHeader({}, 'x-grafana-user')).toBeUndefined();
  });

  it('refuses a header sent twice, under one name or two spellings', () => {
    expect(() => singleHeader({ 'x-grafana-id': ['a', 'b'] }, 'x-grafana-id')).toThrow(
      /^X-Grafana-Id was sent more than once/,
    );
    expect(() => singleHeader({ 'x-grafana-id': 'a', 'X-Grafana-Id': 'b' }, 'x-grafana-id')).toThrow(/more than once/);
  });
});

describe('messages', () => {
  it('label headers as Grafana spells them', () => {
    expect(headerLabel('x-orgscope-key')).toBe('X-Orgscope-Key');
  });

  it('quote request values short and printable', () => {
    expect(quoted('bob')).toBe("'bob'");
    expect(quoted('a\nb')).toBe("'a?b'");
    expect(quoted('x'.repeat(200))).toHaveLength(83);
  });
});
