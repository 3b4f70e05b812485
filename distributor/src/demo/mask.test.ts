import { describe, expect, it } from '@jest/globals';

import { maskEmail, maskName, maskPhone } from './mask.js';

describe('contact masks', () => {
  it('keep the family name of a Chinese name', () => {
    expect(maskName('张伟')).toBe('张***');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('keep the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('1234')).toBe('****');
    expect(maskPhone('123456')).toBe('1233456');
  });

  it('keep the first letter and the domain of an email address', () => {
    expect(maskEmail('wangfang88@163.com')).toBe('w***@163.com');
    expect(maskEmail('no-domain')).toBe('n***@');
  });

  it('leave a missing value missing', () => {
    expect([maskName(null), maskPhone(null), maskEmail(null)]).toEqual([null, null, null]);
  });
});
