"""Loads the CSV files of `samen bench-region` into a migrated Samen database, in the order written.

    python3 bench/region_load.py postgres DIR POSTGRES_URL PSQL
    python3 bench/region_load.py sqlite DIR DATABASE_FILE

PostgreSQL: psql's \\copy per table, with the table's secondary indexes, unique constraints
and foreign-key triggers off meanwhile and rebuilt after; an empty unquoted field is NULL,
except in the table's NOT NULL columns (FORCE_NOT_NULL), where it is the empty text Samen writes.
SQLite: the sqlite3 shell imports each file into a scratch table and copies it over,
with NULL for the empty fields of nullable columns; one transaction, foreign keys as loaded,
each table's indexes and triggers dropped meanwhile and made again after.
Both: the incident tallies (kept by triggers from then on) are counted once at the end.
"""
import subprocess
import sys
import time
from pathlib import Path


def tables(directory):
    """The files in the order samen bench-region wrote them (its listing, one table per line)."""
    listing = Path(directory) / "tables.txt"
    return [line.split(" ")[0] for line in listing.read_text().splitlines() if line.strip()]


def header(directory, table):
    with open(Path(directory) / f"{table}.csv") as f:
        return f.readline().strip().split(",")


def query(psql, url, sql):
    return subprocess.run([psql, url, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True).stdout.splitlines()


def load_postgres(directory, url, psql):
    """A bulk load as PostgreSQL's manual advises: per table, its secondary indexes and unique constraints dropped and
    its foreign-key triggers off while COPY runs, then rebuilt in one sort each (the generator's rows are consistent)."""
    for table in tables(directory):
        columns = header(directory, table)
        not_null = query(psql, url, f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' AND is_nullable = 'NO'")
        forced = [c for c in columns if c in not_null]
        options = "FORMAT csv, HEADER true" + (f", FORCE_NOT_NULL ({', '.join(forced)})" if forced else "")
        constraints = [line.split("\t") for line in query(psql, url,
            f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype = 'u'")]
        indexes = [line.split("\t") for line in query(psql, url,
            f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '{table}' AND indexname NOT IN (SELECT conname FROM pg_constraint)")]
        before = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}";' for name, _ in constraints] + [f'DROP INDEX "{name}";' for name, _ in indexes]
        after = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition};' for name, definition in constraints] + [f"{d};" for _, d in indexes]
        start = time.time()
        script = "\n".join(["\\set ON_ERROR_STOP 1", "SET maintenance_work_mem = '1GB';", f"ALTER TABLE {table} DISABLE TRIGGER ALL;", *before,
                            f"\\copy {table} ({', '.join(columns)}) FROM '{Path(directory) / (table + '.csv')}' WITH ({options})",
                            *after, f"ALTER TABLE {table} ENABLE TRIGGER ALL;"])
        subprocess.run([psql, url, "-q"], input=script + "\n", text=True, check=True)
        print(f"  {table}: {time.time() - start:.1f} s", flush=True)
    # The incidents went in with their triggers off: count them into the tallies the trigger keeps from now on,
    # each in the slot its id hashes to (as M0037IncidentTallies.recount does).
    subprocess.run([psql, url, "-q", "-c", "TRUNCATE incident_tallies; INSERT INTO incident_tallies (school_id, school_year, status, slot, n) "
                    "SELECT school_id, school_year, status, CAST(hashtextextended(CAST(id AS TEXT), 0) & 31 AS SMALLINT), COUNT(*) FROM incidents "
                    "GROUP BY 1, 2, 3, 4"], check=True)
    subprocess.run([psql, url, "-q", "-c", "VACUUM ANALYZE"], check=True)


def load_sqlite(directory, database):
    script = ["PRAGMA foreign_keys=OFF;", "PRAGMA journal_mode=WAL;", "PRAGMA synchronous=OFF;", "PRAGMA cache_size=-262144;", ".mode csv", "BEGIN;"]
    # Triggers (the incident tallies' upsert per row) are dropped while the rows go in and made again after.
    names = "', '".join(tables(directory))
    triggers = subprocess.run(["sqlite3", "-separator", "\t", database,
                               f"SELECT name, replace(sql, char(10), ' ') FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('{names}')"],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    triggers = [line.split("\t", 1) for line in triggers if line]
    script += [f'DROP TRIGGER "{name}";' for name, _ in triggers]
    for table in tables(directory):
        columns = header(directory, table)
        nullable = subprocess.run(["sqlite3", database, f"SELECT name FROM pragma_table_info('{table}') WHERE \"notnull\" = 0"],
                                  capture_output=True, text=True, check=True).stdout.split()
        values = ", ".join(f"NULLIF({c}, '')" if c in nullable else c for c in columns)
        # The table's own indexes (not those of its constraints) are built after the rows are in, in one sort each.
        indexes = subprocess.run(["sqlite3", "-separator", "\t", database,
                                  f"SELECT name, replace(sql, char(10), ' ') FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"],
                                 capture_output=True, text=True, check=True).stdout.splitlines()
        indexes = [line.split("\t", 1) for line in indexes if line]
        script += [f'DROP INDEX "{name}";' for name, _ in indexes]
        script += [f".import '{Path(directory) / (table + '.csv')}' bench_{table}",
                   f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM bench_{table};",
                   f"DROP TABLE bench_{table};"]
        script += [f"{sql};" for _, sql in indexes]
    script += [f"{sql};" for _, sql in triggers]
    script += ["DELETE FROM incident_tallies;", "INSERT INTO incident_tallies (school_id, school_year, status, slot, n) "
               "SELECT school_id, school_year, status, 0, COUNT(*) FROM incidents GROUP BY school_id, school_year, status;"]
    script += ["COMMIT;", "ANALYZE;", "PRAGMA synchronous=FULL;"]
    subprocess.run(["sqlite3", database], input="\n".join(script) + "\n", text=True, check=True)


if __name__ == "__main__":
    engine, directory = sys.argv[1], sys.argv[2]
    started = time.time()
    if engine == "postgres":
        load_postgres(directory, sys.argv[3], sys.argv[4])
    else:
        load_sqlite(directory, sys.argv[3])
    print(f"loaded in {time.time() - started:.1f} s")
