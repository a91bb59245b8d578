import { nameKey } from '../../../platform/text.ts';
import type { Department } from '../departments.ts';
import type { HolderKind } from '../tables.ts';
import { addFte, mostNamedOrganisation } from './context.ts';
import type { ImportContext } from './context.ts';
import {
  findPreviousImport,
  refuseEndingMost,
  warnOfReplacedReturn,
} from './guards.ts';
import { syncHolders } from './holders.ts';
import { clearLeaversJobs } from './leavers.ts';
import { endPostsNotIn, findOrAddPosts, savePost } from './post-changes.ts';
import type { PostValues } from './post-changes.ts';
import { breakReportingLoops } from './reporting.ts';
import type { SeniorRow, SkippedRow } from './rows.ts';

// A senior file is one organisation's return: every post in it belongs to
// the department most rows name, even a row that names another body
// (references are unique within a return). Posts are the unit; whoever
// holds them is a separate, many-to-many link.

/** One post of the file, from one row or from several (a job share). */
interface PostPlan {
  first: SeniorRow;
  rows: SeniorRow[];
  holderKind: HolderKind;
  fte: number | null;
  holders: Set<number>;
}

// Fields a repeated row of a post must agree on, with their column names.
const SAME_IN_EVERY_ROW: [keyof SeniorRow, string][] = [
  ['jobTitle', 'Job Title'],
  ['grade', 'Grade'],
  ['organisation', 'Organisation'],
  ['unit', 'Unit'],
  ['reportsTo', 'Reports to Senior Post'],
  ['jobFunction', 'Job/Team Function'],
  ['phone', 'Contact Phone'],
  ['email', 'Contact E-mail'],
  ['payFloor', 'Actual Pay Floor'],
  ['payCeiling', 'Actual Pay Ceiling'],
  ['professionalGroup', 'Professional/Occupational Group'],
];

/** Applies a senior file's rows to the directory. */
export async function applySeniorFile(
  ctx: ImportContext,
  rows: SeniorRow[],
  skipped: SkippedRow[],
): Promise<void> {
  const parents = new Map<string, string>();
  for (const row of rows) {
    if (row.organisation && row.parentDepartment) {
      const key = nameKey(row.organisation);
      if (!parents.has(key) && nameKey(row.parentDepartment) !== key) {
        parents.set(key, row.parentDepartment);
      }
    }
  }
  const body = (name: string) =>
    ctx.department(name, parents.get(nameKey(name)) ?? null);
  const returnName = mostNamedOrganisation(rows);
  if (returnName === null) {
    return;
  }
  const department = await body(returnName);
  ctx.report.department = department.name;
  const previous = await findPreviousImport(ctx, department.id);

  const plans = planPosts(ctx, rows);
  const skippedReferences = new Set(
    skipped.flatMap((row) => row.reference ?? []),
  );
  // A post whose row was skipped is still in the return: leave it as it is.
  const inReturn = new Set([...plans.keys(), ...skippedReferences]);
  refuseEndingMost(
    ctx,
    await countEnding(ctx, department.id, inReturn),
    'posts',
    department.name,
  );
  // A holder belongs to their own organisation, which may not be the
  // return's (a post seconded from another department).
  const holderOf = await syncHolders(ctx, rows, async (row) =>
    row.organisation ? (await body(row.organisation)).id : department.id,
  );
  for (const plan of plans.values()) {
    for (const row of plan.rows) {
      const personId = holderOf.get(row);
      if (personId !== undefined) {
        plan.holders.add(personId);
      }
    }
  }

  const values = new Map<string, PostValues>();
  for (const [reference, plan] of plans) {
    values.set(reference, await postValues(ctx, department, plan));
  }
  const saved = await findOrAddPosts(ctx, department.id, values);
  const managers = await resolveManagers(
    ctx,
    department,
    plans,
    saved,
    skippedReferences,
  );
  for (const [reference, plan] of plans) {
    const post = saved.get(reference);
    const planned = values.get(reference);
    if (post && planned) {
      planned.reports_to_post_id = managers.get(reference) ?? null;
      await savePost(ctx, post, planned, plan.holders);
    }
  }
  await endPostsNotIn(ctx, department.id, inReturn);
  await clearLeaversJobs(ctx);
  warnOfReplacedReturn(ctx, previous);
}

/** How many of the department's active posts a return without them ends. */
async function countEnding(
  ctx: ImportContext,
  departmentId: number,
  inReturn: Set<string>,
): Promise<{ ending: number; active: number }> {
  const active = await ctx.db
    .selectFrom('posts')
    .select('reference')
    .where('department_id', '=', departmentId)
    .where('status', '=', 'active')
    .execute();
  const ending = active.filter((post) => !inReturn.has(post.reference));
  return { ending: ending.length, active: active.length };
}

function planPosts(
  ctx: ImportContext,
  rows: SeniorRow[],
): Map<string, PostPlan> {
  const plans = new Map<string, PostPlan>();
  for (const row of rows) {
    const plan = plans.get(row.reference);
    if (!plan) {
      plans.set(row.reference, {
        first: row,
        rows: [row],
        holderKind: row.holderKind,
        fte: row.fte,
        holders: new Set(),
      });
      continue;
    }
    // The same post on several rows is shared: the FTE adds up and every
    // named holder holds it. The first row's other details stand.
    plan.rows.push(row);
    if (row.fte !== null) {
      plan.fte = addFte(plan.fte ?? 0, row.fte);
    }
    const differ = SAME_IN_EVERY_ROW.filter(
      ([field]) => row[field] !== plan.first[field],
    ).map(([, column]) => column);
    if (row.holderKind === 'named') {
      plan.holderKind = 'named';
    } else if (
      plan.first.holderKind !== 'named' &&
      row.holderKind !== plan.first.holderKind
    ) {
      differ.push('Name');
    }
    if (differ.length > 0) {
      ctx.warn(
        `line ${row.line}: post ${row.reference} repeats line ` +
          `${plan.first.line} with a different ${differ.join(', ')}; ` +
          `the first row's values are kept`,
      );
    }
  }
  return plans;
}

async function postValues(
  ctx: ImportContext,
  department: Department,
  plan: PostPlan,
): Promise<PostValues> {
  const row = plan.first;
  return {
    organisation: row.organisation,
    unit_id: await ctx.unitId(department.id, row.unit),
    job_title: row.jobTitle,
    job_function: row.jobFunction,
    grade: row.grade,
    holder_kind: plan.holderKind,
    reports_to_reference: row.reportsTo,
    reports_to_post_id: null,
    fte: plan.fte,
    phone: row.phone,
    email: row.email,
    pay_floor: row.payFloor,
    pay_ceiling: row.payCeiling,
    professional_group: row.professionalGroup,
  };
}

/**
 * The post each post reports to, within the return. A reference to a
 * post the return does not have is kept as written, with a warning, and
 * the post is shown at the top; so is the post that closes a loop.
 */
async function resolveManagers(
  ctx: ImportContext,
  department: Department,
  plans: Map<string, PostPlan>,
  saved: Map<string, { id: number }>,
  skippedReferences: Set<string>,
): Promise<Map<string, number>> {
  const managerOf = new Map<string, string>();
  const outside = new Map<string, number>();
  for (const [reference, plan] of plans) {
    const manager = plan.first.reportsTo;
    if (manager === null) {
      continue;
    }
    if (saved.has(manager)) {
      managerOf.set(reference, manager);
      continue;
    }
    // The manager's own row was skipped; the post is still there.
    const kept = skippedReferences.has(manager)
      ? await ctx.db
          .selectFrom('posts')
          .select('id')
          .where('department_id', '=', department.id)
          .where('reference', '=', manager)
          .where('status', '=', 'active')
          .executeTakeFirst()
      : undefined;
    if (kept) {
      outside.set(reference, kept.id);
    } else {
      ctx.warn(
        `line ${plan.first.line}: post ${reference} reports to post ` +
          `${manager}, which is not in ${department.name}; ` +
          `it is shown as a top post`,
      );
    }
  }
  for (const { cut, loop } of breakReportingLoops(managerOf)) {
    const line = plans.get(cut)?.first.line ?? 0;
    ctx.warn(
      `line ${line}: post ${cut} closes a reporting loop ` +
        `(${[...loop, loop[0]].join(' → ')}); it is shown as a top post`,
    );
  }
  const result = new Map(outside);
  for (const [reference, manager] of managerOf) {
    const id = saved.get(manager)?.id;
    if (id !== undefined) {
      result.set(reference, id);
    }
  }
  return result;
}
