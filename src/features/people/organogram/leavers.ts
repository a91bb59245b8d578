import type { FieldChange } from '../history.ts';
import type { ImportContext } from './context.ts';

// Someone a return no longer names has left their post, but not
// necessarily the organisation: their department stays, and so does their
// account (deactivating people belongs to the identity provider). What
// goes is the job the organograms gave them, so that the directory and
// its search stop showing them in a post somebody else now holds.

// People per query when leavers are looked up.
const BATCH = 200;

const JOB_COLUMNS = ['job_title', 'grade', 'unit_id'] as const;

/**
 * Clears the job title, grade and unit of each person this import took
 * off a post who now holds no active post, when the organograms added
 * them; records each change and queues them for the search index.
 */
export async function clearLeaversJobs(ctx: ImportContext): Promise<void> {
  // TODO: people whom an import before this check left holding no post
  // keep their old job title, grade and unit until a return names them.
  const ids = [...ctx.peopleUnlinked].sort((a, b) => a - b);
  for (let at = 0; at < ids.length; at += BATCH) {
    const leavers = await ctx.db
      .selectFrom('people')
      .select(['id', ...JOB_COLUMNS])
      .where('id', 'in', ids.slice(at, at + BATCH))
      .where('source', '=', 'organogram')
      .where(({ exists, not, selectFrom }) =>
        not(
          exists(
            selectFrom('post_holders as h')
              .innerJoin('posts as p', 'p.id', 'h.post_id')
              .select('h.post_id')
              .whereRef('h.person_id', '=', 'people.id')
              .where('p.status', '=', 'active'),
          ),
        ),
      )
      .orderBy('id')
      .execute();
    for (const person of leavers) {
      const fields: Record<string, FieldChange> = {};
      for (const column of JOB_COLUMNS) {
        if (person[column] !== null) {
          fields[column] = [person[column], null];
        }
      }
      if (Object.keys(fields).length === 0) {
        continue;
      }
      await ctx.db
        .updateTable('people')
        .set({
          job_title: null,
          grade: null,
          unit_id: null,
          updated_at: ctx.now,
        })
        .where('id', '=', person.id)
        .execute();
      await ctx.record('person', person.id, 'updated', fields);
      ctx.report.jobDetailsCleared += 1;
      ctx.peopleToReindex.add(person.id);
    }
  }
}
