import pg from "pg";
import { quoteIdent } from "./index.js";

/**
 * Creates (once) the database, and for a service its schema and its own login role, limited to that
 * schema: the role owns its schema and has no privilege on any other. Run with an admin connection.
 */
export async function provisionDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await client.query(`create database ${quoteIdent(database)}`);
  } finally {
    await client.end();
  }
}

export async function provisionServiceSchema(
  dbUrl: string,
  opts: { schema: string; role: string; password?: string },
) {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const role = quoteIdent(opts.role);
  const schema = quoteIdent(opts.schema);
  try {
    const { rowCount } = await client.query("select 1 from pg_roles where rolname = $1", [opts.role]);
    if (!rowCount) await client.query(`create role ${role} login`);
    if (opts.password) await client.query(`alter role ${role} password ${pg.escapeLiteral(opts.password)}`);
    await client.query(`create schema if not exists ${schema} authorization ${role}`);
    await client.query(`alter schema ${schema} owner to ${role}`);
    // Nobody but owners may create in public; the service role reaches nothing outside its schema.
    await client.query("revoke create on schema public from public");
    await client.query(`revoke all on schema public from ${role}`);
    await client.query(`alter role ${role} set search_path = ${schema}`);
    const { rows } = await client.query("select current_database() as db");
    await client.query(`grant connect on database ${quoteIdent(rows[0].db)} to ${role}`);
  } finally {
    await client.end();
  }
}
