-- One user's entries dated the same local day sum to at most 24 hours
-- (a running timer counts once it is stopped). Held by the database so that
-- concurrent requests cannot pass it together: each insert or edit takes a
-- transaction-scoped lock on its (user, day) before it sums, so a second
-- writer waits for the first to commit and then sees its row.
CREATE FUNCTION "time_entries_daily_limit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
BEGIN
  IF NEW."duration" IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('time_entries_daily_limit:' || NEW."user_id"::text || ':' || NEW."date"::text, 0));
  SELECT COALESCE(SUM("duration"), 0) INTO total
    FROM "time_entries"
   WHERE "user_id" = NEW."user_id" AND "date" = NEW."date";
  IF total > 86400 THEN
    RAISE EXCEPTION 'new row for relation "time_entries" violates constraint "time_entries_daily_limit"'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entries_daily_limit', TABLE = 'time_entries',
            DETAIL = format('%s seconds on %s', total, NEW."date");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "time_entries_daily_limit"
  AFTER INSERT OR UPDATE OF "duration", "date", "user_id" ON "time_entries"
  FOR EACH ROW EXECUTE FUNCTION "time_entries_daily_limit"();
