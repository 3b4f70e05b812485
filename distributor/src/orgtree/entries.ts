import { z } from 'zod';

/**
 * The shape of each entry of the org files. The patterns are the database's own CHECK constraints, so
 * a file that passes here never fails on insert.
 */
const text = (what: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${what} is missing`
        : `${what} must be text (put it in quotes if it looks like a number or a date)`,
  });

const pattern = (what: string, regex: RegExp, hint: string) =>
  text(what).regex(regex, { error: (issue) => `${what} ${JSON.stringify(issue.input)} is not valid: ${hint}` });

const length = (what: string, max: number) =>
  text(what).trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

export const UNIT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const UNIT_KIND = /^[a-z][a-z_]{0,31}$/;
const ROLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const unitCode = pattern(
  'code',
  UNIT_CODE,
  'use letters, digits, "_", "." or "-", up to 64, starting with a letter or digit',
);
export const unitName = length('name', 200);
export const unitKind = pattern(
  'kind',
  UNIT_KIND,
  'use one lowercase word such as store, area or region ("_" allowed)',
);

const permission = z.enum(['see_rows', 'see_contacts', 'admin', 'receive_reports'], {
  error: (issue) =>
    `unknown permission ${JSON.stringify(issue.input)}: use see_rows, see_contacts, admin or receive_reports`,
});

export const roleEntry = z.strictObject({
  name: pattern('name', ROLE_NAME, 'use lowercase letters, digits and "_", starting with a letter'),
  description: text('description').optional(),
  permissions: z
    .array(permission, { error: 'permissions must be a list, e.g. [see_rows, receive_reports]' })
    .optional(),
});

export const unitEntry = z.strictObject({
  code: unitCode,
  name: unitName,
  kind: unitKind,
  parent: text('parent').nullable().optional(),
});

const mappingEntry = z.strictObject({
  unit: text('unit'),
  role: text('role'),
});

const mappings = z.array(mappingEntry, { error: 'mappings must be a list of {unit: CODE, role: NAME}' }).optional();

export const personEntry = z.strictObject({
  login: length('login', 200),
  email: text('email')
    .trim()
    .regex(EMAIL, { error: (issue) => `bad email ${JSON.stringify(issue.input)}: expected name@domain.tld` })
    .nullable()
    .optional(),
  name: text('name').max(200, 'name must be at most 200 characters').optional(),
  mappings,
});

export const teamEntry = z.strictObject({
  name: length('name', 200),
  mappings,
});
