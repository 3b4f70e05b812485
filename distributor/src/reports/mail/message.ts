import type { Scope } from '../../scope/types.js';

/** What one email carries. Built per recipient from the render of their scope. */
export interface ReportEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  png?: Buffer;
  pdf?: Buffer;
  pdfName: string;
}

export interface EmailFacts {
  from: string;
  recipient: { name: string; email: string };
  title: string;
  scope: Scope;
  /** The fire time, shown to the reader in the schedule's time zone. */
  fireTime: Date;
  timeZone: string;
  dashboardLink: string;
  messageId: string;
  png?: Buffer;
  pdf?: Buffer;
}

export const INLINE_IMAGE_CID = 'dashboard@orgscope';

/** The email of one recipient. Names their own scope only: nothing in it comes from another group. */
export function composeReportEmail(facts: EmailFacts): ReportEmail {
  const when = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: facts.timeZone,
  }).format(facts.fireTime);
  const greeting = facts.recipient.name || facts.recipient.email;
  const image = facts.png
    ? `<p><img src="cid:${INLINE_IMAGE_CID}" alt="${escapeHtml(facts.title)}" style="max-width:100%"></p>`
    : '';
  const attached = facts.pdf ? '<p>The full dashboard is attached as a PDF.</p>' : '';
  const html = [
    `<p>Hello ${escapeHtml(greeting)},</p>`,
    `<p>Here is <b>${escapeHtml(facts.title)}</b> for <b>${escapeHtml(facts.scope.summary)}</b>, as of ${escapeHtml(when)}.</p>`,
    image,
    attached,
    `<p><a href="${escapeHtml(facts.dashboardLink)}">Open the live dashboard</a></p>`,
  ].join('\n');
  const text = `Hello ${greeting},\n\n${facts.title} for ${facts.scope.summary}, as of ${when}.\n\nLive dashboard: ${facts.dashboardLink}\n`;
  return {
    from: facts.from,
    to: facts.recipient.email,
    subject: `${facts.title}: ${facts.scope.summary}`,
    html,
    text,
    messageId: facts.messageId,
    png: facts.png,
    pdf: facts.pdf,
    pdfName: `${slug(facts.title)}-${facts.fireTime.toISOString().slice(0, 10)}.pdf`,
  };
}

/** The same Message-ID for the same (occurrence, recipient) on every attempt, so resends can be recognised. */
export function reportMessageId(occurrenceId: string, personId: number, from: string): string {
  const domain = from.split('@')[1] ?? 'orgscope.local';
  return `<report.${occurrenceId}.${personId}@${domain}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'report'
  );
}
