import type pg from 'pg';

import { ADMIN_CONTACTS } from './sql.js';

/** Tells a viewer who is mapped to nothing that they see no rows, and whom to ask. */
export async function unmappedMessage(admin: pg.Pool, login: string): Promise<string> {
  const { rows } = await admin.query<{ login: string; name: string; email: string | null }>(ADMIN_CONTACTS);
  const contacts = rows.map((r) => `${r.name || r.login}${r.email ? ` <${r.email}>` : ''}`);
  const whom = contacts.length > 0 ? contacts.join(', ') : 'your Orgscope administrator';
  return `Your Grafana login "${login}" is not mapped to any org unit, so Orgscope shows you no rows. Ask ${whom} to map you.`;
}
