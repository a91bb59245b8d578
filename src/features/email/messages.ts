import type { OutgoingEmail } from '../../platform/mail.ts';
import type { DeliverableNotification } from '../notifications/service.ts';
import { unsubscribeUrl } from './unsubscribe.ts';
import type { UnsubscribeScope } from './unsubscribe.ts';
import type { DigestFrequency } from './tables.ts';

// The e-mails themselves: plain text and HTML with the same words, every
// value from people escaped in the HTML, and the one-click unsubscribe
// headers of RFC 8058 (RFC 2369's List-Unsubscribe with an https address,
// and List-Unsubscribe-Post saying a POST to it is enough).

/** What every message needs from the configuration. */
export interface EmailSite {
  publicUrl: URL;
  /** Signs unsubscribe links. */
  secret: string;
}

export interface Recipient {
  id: number;
  displayName: string;
  email: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function absolute(site: EmailSite, path: string): string {
  return new URL(path, site.publicUrl).href;
}

interface Parts {
  subject: string;
  intro: string;
  items: { summary: string; url: string }[];
  scope: UnsubscribeScope;
  stopLabel: string;
}

function compose(
  site: EmailSite,
  to: Recipient,
  parts: Parts,
  messageId: string,
): OutgoingEmail {
  const unsubscribe = unsubscribeUrl(
    site.publicUrl,
    site.secret,
    to.id,
    parts.scope,
  );
  const settings = absolute(site, '/account/email');
  const text = [
    `Hello ${to.displayName},`,
    '',
    parts.intro,
    '',
    ...parts.items.flatMap((item) => [`- ${item.summary}`, `  ${item.url}`]),
    '',
    '--',
    `${parts.stopLabel}: ${unsubscribe}`,
    `Choose which e-mails you get: ${settings}`,
    '',
  ].join('\n');
  const list = parts.items
    .map(
      (item) =>
        `<li><a href="${escapeHtml(item.url)}">` +
        `${escapeHtml(item.summary)}</a></li>`,
    )
    .join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(parts.subject)}</title></head>`,
    '<body style="font-family: system-ui, Arial, sans-serif">',
    `<p>Hello ${escapeHtml(to.displayName)},</p>`,
    `<p>${escapeHtml(parts.intro)}</p>`,
    `<ul>\n${list}\n</ul>`,
    '<hr>',
    `<p><a href="${escapeHtml(unsubscribe)}">` +
      `${escapeHtml(parts.stopLabel)}</a> · ` +
      `<a href="${escapeHtml(settings)}">` +
      'Choose which e-mails you get</a></p>',
    '</body></html>',
  ].join('\n');
  return {
    to: to.email,
    subject: parts.subject,
    text,
    html,
    messageId,
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    },
  };
}

const KIND_LABELS: Record<string, string> = {
  mention: 'mentions of you',
  reply: 'replies to you',
  watched: 'new content in what you watch',
  invitation: 'invitations',
  request: 'requests to join',
  accepted_answer: 'accepted answers',
  page_changed: 'changed pages',
};

/** One notification, sent as it happens. */
export function notificationEmail(
  site: EmailSite,
  to: Recipient,
  notification: DeliverableNotification,
  messageId: string,
): OutgoingEmail {
  const label = KIND_LABELS[notification.kind] ?? 'these notifications';
  return compose(
    site,
    to,
    {
      subject: notification.summary,
      intro: 'There is something new for you on CivilMedia:',
      items: [
        {
          summary: notification.summary,
          url: absolute(site, notification.url),
        },
      ],
      scope: notification.kind,
      stopLabel: `Stop e-mails about ${label}`,
    },
    messageId,
  );
}

/** Everything since the last digest, oldest first. */
export function digestEmail(
  site: EmailSite,
  to: Recipient,
  frequency: DigestFrequency,
  notifications: DeliverableNotification[],
  messageId: string,
): OutgoingEmail {
  const period = frequency === 'daily' ? 'daily' : 'weekly';
  const count = notifications.length;
  return compose(
    site,
    to,
    {
      subject: `Your ${period} CivilMedia digest: ${count} new ${
        count === 1 ? 'notification' : 'notifications'
      }`,
      intro: `Since your last ${period} digest:`,
      items: notifications.map((n) => ({
        summary: n.summary,
        url: absolute(site, n.url),
      })),
      scope: frequency,
      stopLabel: `Stop ${period} digests`,
    },
    messageId,
  );
}
