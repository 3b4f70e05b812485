// The masks of customer contact details, the same rules as orgscope.mask_name, mask_phone and
// mask_email in the scoped-facts migration. PostgreSQL's left() and right() count characters, so
// these work on code points, not UTF-16 units.

export function maskName(value: string | null): string | null {
  if (value === null) return null;
  return `${Array.from(value).slice(0, 1).join('')}***`;
}

export function maskPhone(value: string | null): string | null {
  if (value === null) return null;
  const chars = Array.from(value);
  if (chars.length <= 4) return '****';
  // repeat() in PostgreSQL gives '' for a negative count, where JavaScript would throw.
  const hidden = '*'.repeat(Math.max(0, chars.length - 7));
  return chars.slice(0, 3).join('') + hidden + chars.slice(-4).join('');
}

export function maskEmail(value: string | null): string | null {
  if (value === null) return null;
  const domain = value.split('@')[1] ?? '';
  return `${Array.from(value).slice(0, 1).join('')}***@${domain}`;
}
