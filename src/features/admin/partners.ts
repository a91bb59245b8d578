import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { nameKey } from '../../platform/text.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';

/** A partner body whose staff may be invited as guests. */
export interface PartnerOrganisation {
  id: number;
  name: string;
  domains: string[];
}

// A domain name as e-mail addresses use it: labels of letters, digits and
// hyphens, at least two of them. Internationalised domains are entered in
// their ASCII (xn--) form.
const DOMAIN =
  /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const MAX_DOMAINS = 20;

// Public e-mail services: anyone can have an address at one, so none can
// stand for a partner organisation.
const PUBLIC_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'live.com',
  'live.co.uk',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'gmx.co.uk',
  'mail.com',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'talktalk.net',
]);

/** Every partner, by name, with its domains. */
export async function listPartners(db: Db): Promise<PartnerOrganisation[]> {
  const [partners, domains] = await Promise.all([
    db
      .selectFrom('partner_organisations')
      .select(['id', 'name'])
      .orderBy('name_key')
      .limit(1000)
      .execute(),
    db
      .selectFrom('partner_domains')
      .select(['partner_id', 'domain'])
      .orderBy('domain')
      .limit(20_000)
      .execute(),
  ]);
  return partners.map((partner) => ({
    ...partner,
    domains: domains
      .filter((row) => row.partner_id === partner.id)
      .map((row) => row.domain),
  }));
}

/** The partner whose guests may use this address, if any. */
export async function partnerForEmail(
  db: Db,
  email: string,
): Promise<PartnerOrganisation | undefined> {
  const domain = email.trim().toLowerCase().split('@').pop() ?? '';
  const row = await db
    .selectFrom('partner_domains as d')
    .innerJoin('partner_organisations as p', 'p.id', 'd.partner_id')
    .select(['p.id', 'p.name'])
    .where('d.domain', '=', domain)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  return (await listPartners(db)).find((partner) => partner.id === row.id);
}

/**
 * Checks a partner form: a name and its domains, one per line or comma
 * separated. A domain may belong to one partner only.
 */
export async function readPartner(
  db: Db,
  input: Record<string, unknown>,
  existingId?: number,
): Promise<{ name: string; domains: string[] }> {
  const form = new FieldValidator(input);
  const name = form.text('name', { label: 'Name', max: 200, required: true });
  const domains = form
    .list('domains', {
      label: 'E-mail domains',
      itemLabel: 'domain',
      maxItems: MAX_DOMAINS,
      maxLength: 253,
    })
    .map((domain) => domain.toLowerCase().replace(/^@/, ''));
  const bad = domains.find((domain) => !DOMAIN.test(domain));
  const open = domains.find((domain) => PUBLIC_MAIL.has(domain));
  if (bad) {
    form.fail('domains', `${bad} is not an e-mail domain, like nhs.net`);
  } else if (open) {
    form.fail(
      'domains',
      `${open} is a public e-mail service: anyone can have an address there`,
    );
  } else if (domains.length === 0 && !form.errors.domains) {
    form.fail('domains', 'Enter at least one e-mail domain');
  }
  if (!form.errors.domains) {
    const staff = await memberDomain(db, domains);
    if (staff) {
      form.fail(
        'domains',
        `People at ${staff} are members of this site, so it cannot be a partner's domain`,
      );
    }
  }
  if (name) {
    const clash = await db
      .selectFrom('partner_organisations')
      .select('id')
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    if (clash && clash.id !== existingId) {
      form.fail('name', 'There is already a partner with that name');
    }
  }
  if (domains.length > 0 && !form.errors.domains) {
    const taken = await db
      .selectFrom('partner_domains as d')
      .innerJoin('partner_organisations as p', 'p.id', 'd.partner_id')
      .select(['d.domain', 'p.name', 'p.id'])
      .where('d.domain', 'in', domains)
      .executeTakeFirst();
    if (taken && taken.id !== existingId) {
      form.fail('domains', `${taken.domain} already belongs to ${taken.name}`);
    }
  }
  form.done();
  if (!name) {
    throw new ValidationError({ name: 'Enter a name' });
  }
  return { name, domains };
}

/**
 * The first of `domains` at which someone who is not a guest has their
 * address: the organisation's own domain, which must never be a partner's.
 * Runs when an administrator saves a partner, so a scan is acceptable.
 */
async function memberDomain(
  db: Db,
  domains: string[],
): Promise<string | undefined> {
  for (const domain of domains) {
    const row = await db
      .selectFrom('people')
      .select('id')
      .where('email_key', 'like', `%@${domain}`)
      .where('role', '!=', 'guest')
      .limit(1)
      .executeTakeFirst();
    if (row) {
      return domain;
    }
  }
  return undefined;
}

/** Adds a partner or replaces one's name and domains. */
export async function savePartner(
  db: Db,
  partner: { id?: number; name: string; domains: string[] },
  actor: AuditActor,
  now = new Date().toISOString(),
): Promise<number> {
  let id = partner.id;
  if (id === undefined) {
    const row = await db
      .insertInto('partner_organisations')
      .values({
        name: partner.name,
        name_key: nameKey(partner.name),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  } else {
    await db
      .updateTable('partner_organisations')
      .set({
        name: partner.name,
        name_key: nameKey(partner.name),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await db
      .deleteFrom('partner_domains')
      .where('partner_id', '=', id)
      .execute();
  }
  const partnerId = id;
  await db
    .insertInto('partner_domains')
    .values(
      partner.domains.map((domain) => ({ domain, partner_id: partnerId })),
    )
    .execute();
  await recordAudit(
    db,
    {
      action: 'setting.changed',
      actor,
      subject: { type: 'setting', id: null },
      details: { partner: partner.name, domains: partner.domains },
    },
    now,
  );
  return partnerId;
}

/** Removes a partner; its guests keep their accounts. */
export async function deletePartner(
  db: Db,
  id: number,
  actor: AuditActor,
): Promise<boolean> {
  const row = await db
    .selectFrom('partner_organisations')
    .select('name')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) {
    return false;
  }
  await db.deleteFrom('partner_organisations').where('id', '=', id).execute();
  await recordAudit(db, {
    action: 'setting.changed',
    actor,
    subject: { type: 'setting', id: null },
    details: { partnerRemoved: row.name },
  });
  return true;
}
