import { CompiledQuery, Kysely, PostgresDriver, SqliteDriver } from 'kysely';
import type {
  ConnectionProvider,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  Driver,
  QueryCompiler,
  QueryExecutor,
  TransactionSettings,
} from 'kysely';
import { dialectOf } from './dialect.ts';

/** A view of a database that counts the statements sent through it. */
export interface QueryCounter<DB> {
  /** Use this in place of the database: everything run on it is counted. */
  db: Kysely<DB>;
  /** Statements sent since the counter was made or last reset. */
  count(): number;
  /** Their SQL text, in the order they were sent. */
  statements(): string[];
  /** Starts counting from nought again. */
  reset(): void;
}

/**
 * Counts every statement that reaches the database through the returned
 * `db`: query builders, raw `sql`, `executeQuery`, and the BEGIN, COMMIT,
 * ROLLBACK and savepoint statements of transactions, since each of them is
 * a round trip to the server. A statement that fails is counted too. The
 * count covers the whole database, not one request, so measure a page
 * while nothing else runs.
 *
 * The original database stays usable and uncounted; closing the counter's
 * `db` closes nothing (close the original). Schema introspection, which
 * only the migrator uses, runs on the original and is not counted.
 */
export function countQueries<DB>(original: Kysely<DB>): QueryCounter<DB> {
  let sent: string[] = [];
  const record = (query: CompiledQuery) => {
    sent.push(query.sql);
  };

  const executor = original.getExecutor();
  const connections: ConnectionProvider = {
    provideConnection: (consumer) =>
      executor.provideConnection((connection) =>
        consumer(counted(connection, record)),
      ),
  };
  const countedExecutor = executor.withConnectionProvider(connections);
  const driver = new TransactionsOnly(transactionDriverFor(original));
  const dialect = borrowedDialect(original, countedExecutor, driver);
  const db = new Kysely<DB>({
    config: { dialect },
    dialect,
    driver,
    executor: countedExecutor,
  });

  return {
    db,
    count: () => sent.length,
    statements: () => [...sent],
    reset: () => {
      sent = [];
    },
  };
}

/**
 * The connection as the original hands it out, telling `record` of each
 * statement before it is sent. Everything else (PostgreSQL's driver calls
 * private methods on its connections) goes to the connection itself.
 */
function counted(
  connection: DatabaseConnection,
  record: (query: CompiledQuery) => void,
): DatabaseConnection {
  return new Proxy(connection, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (query: CompiledQuery) => {
          record(query);
          return target.executeQuery(query);
        };
      }
      if (property === 'streamQuery') {
        return (query: CompiledQuery, chunkSize?: number) => {
          record(query);
          return target.streamQuery(query, chunkSize);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The statements that begin and end a transaction, as openDatabase's
 * drivers send them. Kysely keeps a database's own driver private, so
 * these are Kysely's drivers for the same dialect, never initialised: they
 * only send statements on the connection they are given.
 */
function transactionDriverFor<DB>(original: Kysely<DB>): Driver {
  const unused = () =>
    Promise.reject(new Error('this driver never opens connections'));
  return dialectOf(original) === 'postgres'
    ? new PostgresDriver({ pool: unused })
    : new ImmediateTransactions({ database: unused });
}

// openDatabase begins SQLite transactions with BEGIN IMMEDIATE
// (sqlite-driver.ts); the counter must not change how they lock. It sends
// one BEGIN IMMEDIATE and, unlike that driver, lets SQLite's busy handler
// wait: counted databases are used by one test at a time.
class ImmediateTransactions extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
  ): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * A driver that only runs transactions' own statements. Kysely gets every
 * connection through the executor's provider, so this one never opens,
 * hands out or closes any.
 */
class TransactionsOnly implements Driver {
  constructor(private readonly statements: Driver) {}

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.reject(new Error('connections come from the original'));
  }

  beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    return this.statements.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.statements.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.statements.rollbackTransaction(connection);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.statements.savepoint?.(connection, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.statements.rollbackToSavepoint?.(connection, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.statements.releaseSavepoint?.(connection, name, compile);
  }

  releaseConnection(): Promise<void> {
    return Promise.reject(new Error('connections go back to the original'));
  }

  // The original owns the connections; only it closes them.
  async destroy(): Promise<void> {}
}

/** The original's dialect, as far as Kysely asks a dialect anything. */
function borrowedDialect<DB>(
  original: Kysely<DB>,
  executor: QueryExecutor,
  driver: Driver,
): Dialect {
  return {
    createAdapter: () => executor.adapter,
    createDriver: () => driver,
    createQueryCompiler: () => ({
      compileQuery: (node, queryId) => executor.compileQuery(node, queryId),
    }),
    createIntrospector: (): DatabaseIntrospector => original.introspection,
  };
}
