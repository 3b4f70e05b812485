import type { Random } from './random.js';

// Common Chinese family names and given-name characters, for customers and mystery shoppers.
const FAMILY_NAMES = Array.from(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文',
);
const GIVEN_CHARS = Array.from(
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红燕飞鹏辉鑫宇浩然子涵梓萱一诺欣怡晨阳思雨佳琪俊博文轩天佑雅婷志强建国海燕晓东丹丹凯乐',
);

// Prefixes of mainland mobile numbers (China Mobile, Unicom, Telecom), all 11 digits long.
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '176',
  '177',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];

const MAIL_DOMAINS = [
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'foxmail.com',
  'outlook.com',
  'gmail.com',
  'aliyun.com',
];
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const PINYIN_SYLLABLES = [
  'wang',
  'li',
  'zhang',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhao',
  'wu',
  'zhou',
  'xu',
  'sun',
  'ma',
  'zhu',
  'hu',
  'guo',
  'lin',
  'gao',
  'luo',
  'xiao',
  'ming',
  'hua',
  'jie',
  'fang',
  'na',
  'lei',
  'yu',
  'hao',
  'xin',
  'yi',
  'chen',
  'jun',
  'tao',
  'qi',
  'yan',
  'ting',
];

/** A Chinese full name: one family name and one or two given-name characters. */
export function chineseName(random: Random): string {
  const given = random.chance(0.7) ? random.pick(GIVEN_CHARS) + random.pick(GIVEN_CHARS) : random.pick(GIVEN_CHARS);
  return random.pick(FAMILY_NAMES) + given;
}

/** A mainland mobile number such as 13812345678. */
export function mobileNumber(random: Random): string {
  return random.pick(MOBILE_PREFIXES) + String(random.int(0, 99_999_999)).padStart(8, '0');
}

/** An email address the way Chinese customers write them: QQ numbers, pinyin, or letters and digits. */
export function emailAddress(random: Random): string {
  const domain = random.pick(MAIL_DOMAINS);
  if (domain === 'qq.com') return `${random.int(10_000, 3_999_999_999)}@qq.com`;
  const base = random.chance(0.7) ? random.pick(PINYIN_SYLLABLES) + random.pick(PINYIN_SYLLABLES) : letters(random, 6);
  const suffix = random.chance(0.6) ? String(random.int(1, 9999)) : '';
  return `${base}${suffix}@${domain}`;
}

function letters(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += LATIN[random.int(0, LATIN.length - 1)];
  return text;
}
