// Shared by the two Prisma CLI configs: the JS schema engine over node-postgres.
// The connection is given as separate fields (not a connection string) so that
// the adapter can derive a shadow database from it, and the pool closes fast so
// the CLI exits as soon as it is done.
import { PrismaPg } from '@prisma/adapter-pg';

// The JS schema engine's driver adapter cannot map pg_catalog's `name` (OID 19)
// and `"char"` (OID 18) columns (prisma/orm#27403). Both travel as text, so we
// relabel them before the adapter maps column types: `name` as text, `"char"` as
// text too but then reported as a Character column, which is what the engine
// reads constraint types (CHECK, EXCLUDE) as.
const TEXT_OID = 25;
const CHARACTER_COLUMN = 6; // ColumnTypeEnum.Character
const charColumns = new WeakMap<object, number[]>();
let patched = false;

type Result = { fields?: { dataTypeID: number }[]; rows: unknown[]; columnTypes?: number[] };
type Queryable = {
  performIO: (...args: unknown[]) => Promise<Result>;
  queryRaw: (...args: unknown[]) => Promise<Result>;
};

function readCatalogTypes(adapter: object): void {
  if (patched) return;
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as Queryable;
  const performIO = queryable.performIO;
  queryable.performIO = async function (this: unknown, ...args: unknown[]) {
    const result = await performIO.apply(this, args);
    const chars: number[] = [];
    (result.fields ?? []).forEach((field, i) => {
      if (field.dataTypeID === 18) chars.push(i);
      if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = TEXT_OID;
    });
    if (chars.length > 0) charColumns.set(result.rows, chars);
    return result;
  };
  const queryRaw = queryable.queryRaw;
  queryable.queryRaw = async function (this: unknown, ...args: unknown[]) {
    const result = await queryRaw.apply(this, args);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes![i] = CHARACTER_COLUMN;
    return result;
  };
  patched = true;
}

export function adapterFor(url: string | undefined) {
  return async () => {
    if (!url) {
      throw new Error('No database URL: set DATABASE_URL (main) or CLIENT_DATABASE_URL (client).');
    }
    const u = new URL(url);
    const factory = new PrismaPg({
      host: u.hostname,
      port: u.port ? Number(u.port) : 5432,
      user: decodeURIComponent(u.username || 'postgres'),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.slice(1)),
      idleTimeoutMillis: 100,
      allowExitOnIdle: true,
    });
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      readCatalogTypes(adapter);
      return adapter;
    };
    return factory;
  };
}
