const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its hyphenated form (every id of the service): anything else names nothing and never reaches the database. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}
