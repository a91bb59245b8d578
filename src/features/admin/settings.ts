import type { Db } from '../../database.ts';
import { DEFAULT_TIME_ZONE } from '../../platform/time-zones.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';

/**
 * Settings an administrator changes while the site runs, as opposed to
 * configuration, which is set where it is deployed. Each has a default
 * that holds until someone changes it.
 */
export interface SiteSettings {
  /** Whether people may sign in with an e-mail address and password. */
  localSignIn: boolean;
  /**
   * Whether signed-out visitors may read the content of open groups. Off,
   * the site is an intranet: everything but signing in needs an account.
   */
  publicReading: boolean;
  /**
   * The IANA zone the site's wall-clock times are in: what a scheduled
   * post's date and time mean, whatever the author's browser says.
   */
  timeZone: string;
}

const DEFAULTS: SiteSettings = {
  localSignIn: true,
  publicReading: false,
  timeZone: DEFAULT_TIME_ZONE,
};

type Key = keyof SiteSettings;

/** One setting's current value. */
export async function getSetting<K extends Key>(
  db: Db,
  key: K,
): Promise<SiteSettings[K]> {
  const row = await db
    .selectFrom('site_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as SiteSettings[K]) : DEFAULTS[key];
}

/** Changes a setting and records who changed it, in the caller's transaction. */
export async function setSetting<K extends Key>(
  db: Db,
  key: K,
  value: SiteSettings[K],
  actor: AuditActor,
  now = new Date().toISOString(),
): Promise<void> {
  const before = await getSetting(db, key);
  const row = {
    key,
    value: JSON.stringify(value),
    updated_at: now,
    updated_by: actor.personId,
  };
  await db
    .insertInto('site_settings')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet(row))
    .execute();
  await recordAudit(
    db,
    {
      action: 'setting.changed',
      actor,
      subject: { type: 'setting', id: null },
      details: { key, before, after: value },
    },
    now,
  );
}
