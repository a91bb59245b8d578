import type { PersonProfile } from './people.ts';

// vCard 4.0, RFC 6350: text values escape backslash, comma, semicolon and
// line breaks (section 3.4); lines longer than 75 octets are folded with
// CRLF and a space, never inside a UTF-8 character (section 3.2).

function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r\n|\r|\n/g, '\\n');
}

function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Splits a display name into family and given names, as well as it can. */
function nameParts(name: string): { family: string; given: string } {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) {
    return { family: name.trim(), given: '' };
  }
  return { family: words.at(-1) ?? '', given: words.slice(0, -1).join(' ') };
}

function vcardTimestamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** A person's contact card; `profileUrl` is the absolute page address. */
export function personVcard(person: PersonProfile, profileUrl: string): string {
  const { family, given } = nameParts(person.name);
  const organisation = [
    person.organisation?.name ?? person.department?.name,
    person.unit?.name,
  ].filter((part): part is string => Boolean(part));
  const lines = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    `FN:${escapeText(person.name)}`,
    `N:${escapeText(family)};${escapeText(given)};;;`,
  ];
  if (person.jobTitle) {
    lines.push(`TITLE:${escapeText(person.jobTitle)}`);
  }
  if (organisation.length > 0) {
    lines.push(`ORG:${organisation.map(escapeText).join(';')}`);
  }
  if (person.email) {
    lines.push(`EMAIL;TYPE=work:${escapeText(person.email)}`);
  }
  if (person.phone) {
    lines.push(`TEL;TYPE=work,voice:${escapeText(person.phone)}`);
  }
  if (person.location) {
    lines.push(`ADR;TYPE=work:;;;${escapeText(person.location)};;;`);
  }
  lines.push(
    `URL:${profileUrl}`,
    `UID:${profileUrl}`,
    `REV:${vcardTimestamp(person.updatedAt)}`,
    'END:VCARD',
  );
  return lines.map(fold).join('\r\n') + '\r\n';
}
