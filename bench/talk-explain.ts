// Asks the database how it runs the queries of one page of a category's
// thread list: the very queries listThreads sends, caught on their way
// out by a Kysely plugin, so the plan shown is the plan the page gets.
import { CompiledQuery, createQueryId } from 'kysely';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Actor } from '../src/access/actor.ts';
import type { Db } from '../src/database.ts';
import { listThreads } from '../src/features/talk/threads.ts';
import { dialectOf } from '../src/platform/db/dialect.ts';

class QueryCatcher implements KyselyPlugin {
  readonly caught: RootOperationNode[] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.caught.push(args.node);
    return args.node;
  }

  async transformResult(
    args: PluginTransformResultArgs,
  ): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Each query of the page, then its plan, as lines of text. */
export async function explainCategoryPage(
  db: Db,
  actor: Actor,
  categoryId: number,
  page: { page: number; pageSize: number; offset: number },
): Promise<string[]> {
  const catcher = new QueryCatcher();
  await listThreads(db.withPlugin(catcher), actor, { categoryId }, page);
  const postgres = dialectOf(db) === 'postgres';
  const lines = [`query plans, category page ${page.page}:`];
  for (const node of catcher.caught) {
    const query = db.getExecutor().compileQuery(node, createQueryId());
    const explain = postgres
      ? `explain (analyze, costs off, timing off) ${query.sql}`
      : `explain query plan ${query.sql}`;
    const result = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(explain, [...query.parameters]),
    );
    lines.push(`  ${query.sql.replace(/\s+/g, ' ').slice(0, 150)} …`);
    for (const row of result.rows) {
      const text = postgres ? row['QUERY PLAN'] : row.detail;
      lines.push(`    ${String(text)}`);
    }
  }
  return lines;
}
