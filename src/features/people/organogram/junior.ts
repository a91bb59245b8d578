import type { Selectable } from 'kysely';
import { nameKey } from '../../../platform/text.ts';
import type { FieldChange } from '../history.ts';
import type { JuniorTeamsTable } from '../tables.ts';
import { addFte, diffColumns, mostNamedOrganisation } from './context.ts';
import type { ImportContext } from './context.ts';
import { refuseEndingMost } from './guards.ts';
import type { JuniorRow, SkippedRow } from './rows.ts';

// A junior file counts the staff below the senior posts, without names:
// each row is some FTE of one grade and job title reporting to a senior
// post. Rows alike in every detail but the FTE are one team, so a team
// is keyed by those details under its senior post.

type TeamRow = Selectable<JuniorTeamsTable>;
type TeamValues = Pick<
  TeamRow,
  | 'grade'
  | 'job_title'
  | 'unit_id'
  | 'professional_group'
  | 'payscale_min'
  | 'payscale_max'
  | 'fte'
>;

interface TeamPlan {
  seniorPostId: number;
  teamKey: string;
  first: JuniorRow;
  fte: number;
}

/** What makes two rows the same team: the row without its FTE, folded. */
export function teamKey(row: JuniorRow): string {
  return [
    nameKey(row.grade),
    nameKey(row.jobTitle),
    nameKey(row.unit ?? ''),
    nameKey(row.professionalGroup ?? ''),
    row.payscaleMin ?? '',
    row.payscaleMax ?? '',
  ].join('|');
}

// Rows per query when posts or teams are looked up or added in bulk.
const BATCH = 200;

/** The ids of the department's posts that the rows report to. */
async function findPostIds(
  ctx: ImportContext,
  departmentId: number,
  rows: JuniorRow[],
): Promise<Map<string, number>> {
  const references = [...new Set(rows.map((row) => row.seniorReference))];
  const ids = new Map<string, number>();
  for (let at = 0; at < references.length; at += BATCH) {
    const posts = await ctx.db
      .selectFrom('posts')
      .select(['id', 'reference'])
      .where('department_id', '=', departmentId)
      .where('reference', 'in', references.slice(at, at + BATCH))
      .execute();
    for (const post of posts) {
      ids.set(post.reference, post.id);
    }
  }
  return ids;
}

/** Applies a junior file's rows to the teams under the senior posts. */
export async function applyJuniorFile(
  ctx: ImportContext,
  rows: JuniorRow[],
  skipped: SkippedRow[],
): Promise<void> {
  const returnName = mostNamedOrganisation(rows);
  if (returnName === null) {
    return;
  }
  // Junior staff hang off senior posts, so a department that has none yet
  // is not created here: every row would be skipped anyway.
  const department = await ctx.db
    .selectFrom('departments')
    .select(['id', 'name'])
    .where('name_key', '=', nameKey(returnName))
    .executeTakeFirst();
  ctx.report.department = department?.name ?? returnName;

  const seniorPosts = department
    ? await findPostIds(ctx, department.id, rows)
    : new Map<string, number>();
  const plans = new Map<string, TeamPlan>();
  for (const row of rows) {
    const postId = seniorPosts.get(row.seniorReference) ?? null;
    if (postId === null) {
      skipped.push({
        line: row.line,
        reason:
          `senior post ${row.seniorReference} is not in the directory for ` +
          `${ctx.report.department}`,
      });
      continue;
    }
    const key = teamKey(row);
    const planKey = `${postId}:${key}`;
    const plan = plans.get(planKey);
    if (plan) {
      plan.fte = addFte(plan.fte, row.fte);
    } else {
      plans.set(planKey, {
        seniorPostId: postId,
        teamKey: key,
        first: row,
        fte: row.fte,
      });
    }
  }
  skipped.sort((a, b) => a.line - b.line);
  if (!department || plans.size === 0) {
    return;
  }
  refuseEndingMost(
    ctx,
    await countEnding(ctx, department.id, new Set(plans.keys())),
    'junior teams',
    department.name,
  );

  const kept = await saveTeams(ctx, department.id, [...plans.values()]);
  await endTeamsNotIn(ctx, department.id, kept);
}

/** How many of the department's active teams a file without them ends. */
async function countEnding(
  ctx: ImportContext,
  departmentId: number,
  planned: Set<string>,
): Promise<{ ending: number; active: number }> {
  const active = await ctx.db
    .selectFrom('junior_teams as j')
    .innerJoin('posts as p', 'p.id', 'j.senior_post_id')
    .select(['j.senior_post_id', 'j.team_key'])
    .where('p.department_id', '=', departmentId)
    .where('j.status', '=', 'active')
    .execute();
  const ending = active.filter(
    (team) => !planned.has(`${team.senior_post_id}:${team.team_key}`),
  );
  return { ending: ending.length, active: active.length };
}

/** Adds or updates each planned team; returns the ids of all of them. */
async function saveTeams(
  ctx: ImportContext,
  departmentId: number,
  plans: TeamPlan[],
): Promise<Set<number>> {
  const existing = new Map<string, TeamRow>();
  const postIds = [...new Set(plans.map((plan) => plan.seniorPostId))];
  for (let at = 0; at < postIds.length; at += BATCH) {
    const rows = await ctx.db
      .selectFrom('junior_teams')
      .selectAll()
      .where('senior_post_id', 'in', postIds.slice(at, at + BATCH))
      .execute();
    for (const row of rows) {
      existing.set(`${row.senior_post_id}:${row.team_key}`, row);
    }
  }

  const kept = new Set<number>();
  const added: { plan: TeamPlan; values: TeamValues }[] = [];
  for (const plan of plans) {
    const row = plan.first;
    const values: TeamValues = {
      grade: row.grade,
      job_title: row.jobTitle,
      unit_id: await ctx.unitId(departmentId, row.unit),
      professional_group: row.professionalGroup,
      payscale_min: row.payscaleMin,
      payscale_max: row.payscaleMax,
      fte: plan.fte,
    };
    const before = existing.get(`${plan.seniorPostId}:${plan.teamKey}`);
    if (before) {
      await updateTeam(ctx, before, values);
      kept.add(before.id);
    } else {
      added.push({ plan, values });
    }
  }
  for (let at = 0; at < added.length; at += BATCH) {
    const batch = added.slice(at, at + BATCH);
    const rows = await ctx.db
      .insertInto('junior_teams')
      .values(
        batch.map(({ plan, values }) => ({
          ...values,
          senior_post_id: plan.seniorPostId,
          team_key: plan.teamKey,
          created_at: ctx.now,
          updated_at: ctx.now,
        })),
      )
      .returning(['id', 'senior_post_id', 'team_key'])
      .execute();
    const ids = new Map(
      rows.map((row) => [`${row.senior_post_id}:${row.team_key}`, row.id]),
    );
    for (const { plan, values } of batch) {
      const id = ids.get(`${plan.seniorPostId}:${plan.teamKey}`);
      if (id === undefined) {
        continue;
      }
      const fields: Record<string, FieldChange> = {
        senior_post_id: [null, plan.seniorPostId],
      };
      for (const [column, value] of Object.entries(values)) {
        if (value !== null) {
          fields[column] = [null, value];
        }
      }
      await ctx.record('junior_team', id, 'created', fields);
      ctx.report.juniorTeams.created += 1;
      kept.add(id);
    }
  }
  return kept;
}

async function updateTeam(
  ctx: ImportContext,
  before: TeamRow,
  values: TeamValues,
): Promise<void> {
  const diff = diffColumns(before, values);
  const update: Record<string, unknown> = {};
  for (const [column, [, value]] of Object.entries(diff)) {
    update[column] = value;
  }
  const reopened = before.status === 'ended';
  if (reopened) {
    diff.status = ['ended', 'active'];
    update.status = 'active';
  }
  if (Object.keys(diff).length === 0) {
    return;
  }
  await ctx.db
    .updateTable('junior_teams')
    .set({ ...update, updated_at: ctx.now })
    .where('id', '=', before.id)
    .execute();
  const change = reopened ? 'reopened' : 'updated';
  await ctx.record('junior_team', before.id, change, diff);
  ctx.report.juniorTeams[change] += 1;
}

/** Ends the department's active teams that this file no longer counts. */
async function endTeamsNotIn(
  ctx: ImportContext,
  departmentId: number,
  kept: Set<number>,
): Promise<void> {
  for (let after = 0; ;) {
    const page = await ctx.db
      .selectFrom('junior_teams as j')
      .innerJoin('posts as p', 'p.id', 'j.senior_post_id')
      .select('j.id')
      .where('p.department_id', '=', departmentId)
      .where('j.status', '=', 'active')
      .where('j.id', '>', after)
      .orderBy('j.id')
      .limit(500)
      .execute();
    if (page.length === 0) {
      return;
    }
    after = page[page.length - 1]?.id ?? after;
    for (const team of page.filter((row) => !kept.has(row.id))) {
      await ctx.db
        .updateTable('junior_teams')
        .set({ status: 'ended', updated_at: ctx.now })
        .where('id', '=', team.id)
        .execute();
      await ctx.record('junior_team', team.id, 'ended', {
        status: ['active', 'ended'],
      });
      ctx.report.juniorTeams.ended += 1;
    }
  }
}
