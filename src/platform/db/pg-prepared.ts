// PostgreSQL statements kept prepared per connection, as the SQLite side
// keeps its own (database.ts). Kysely sends every query as an unnamed
// statement, which PostgreSQL parses and plans afresh each time; on the
// app's pages planning cost more than running (the header's unread count
// planned in 1.7 ms and ran in 0.5). A named statement is parsed once per
// connection, and after five runs PostgreSQL may keep one generic plan.
import pg from 'pg';

/** Named statements each connection keeps before dropping the oldest. */
export const PREPARED_PER_CONNECTION = 200;

// Only these are worth naming; `begin`, `commit`, savepoints and schema
// changes go unnamed as before.
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

// A list of values, `in ($2, $3, …)`, stays unnamed too. Its generic plan
// cannot see the values and assumes an average-sized space or group: the
// 500 KB wiki page's 500 link titles, looked up in the 5,000-page space,
// took 4 ms planned each time and 60 ms on the kept generic plan. A list
// is also a new text at each length, so naming it would gain little.
const VALUE_LIST = /\bin \(\$\d+, \$\d+/i;

/** What pg keeps of a connection's parsed statements (pg 8 internals). */
interface ParsedStatements {
  parsedStatements: Record<string, string>;
}

type QueryArguments = Parameters<pg.Client['query']>;

/**
 * A pg client that names each data statement it sends by its text, so
 * the server keeps it parsed. The least recently used statement is
 * deallocated once the connection holds PREPARED_PER_CONNECTION, which
 * bounds the server's memory however many texts the app sends.
 */
export class PreparingClient extends pg.Client {
  private readonly names = new Map<string, string>();
  private counter = 0;

  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (
      typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      args.length === 2 &&
      PREPARABLE.test(text) &&
      !VALUE_LIST.test(text)
    ) {
      const name = this.nameFor(text);
      const running = super.query({
        name,
        text,
        values,
      } as never) as Promise<pg.QueryResult>;
      return running.catch((error: unknown) => {
        // A column added while this statement was kept (a migration run by
        // a newer release beside this one) changes what `select *` returns,
        // which PostgreSQL refuses for a kept statement. This call fails;
        // the next one prepares the statement afresh.
        if (
          (error as { code?: string }).code === '0A000' &&
          this.names.get(text) === name
        ) {
          this.names.delete(text);
          this.forget(name);
        }
        throw error;
      }) as never;
    }
    return super.query(...(args as QueryArguments)) as never;
  }

  private nameFor(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) {
      this.names.delete(text);
      this.names.set(text, known);
      return known;
    }
    // Names are never reused on a connection: a deallocation that failed
    // leaves only an unused statement behind, never a clash.
    this.counter += 1;
    const name = `cm_${this.counter}`;
    this.names.set(text, name);
    if (this.names.size > PREPARED_PER_CONNECTION) {
      const [oldestText, oldest] = this.names.entries().next().value as [
        string,
        string,
      ];
      this.names.delete(oldestText);
      this.forget(oldest);
    }
    return name;
  }

  private forget(name: string): void {
    const connection = (this as unknown as { connection: ParsedStatements })
      .connection;
    if (connection.parsedStatements[name] === undefined) {
      return;
    }
    delete connection.parsedStatements[name];
    // Queued behind whatever the connection is running; a failure (in an
    // aborted transaction, say) leaves the statement unused on the server.
    super.query(`deallocate ${name}`).catch(() => undefined);
  }
}
