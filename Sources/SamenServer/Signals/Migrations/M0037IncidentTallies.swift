import Fluent
import SQLKit

/// Incidents counted per school, school year and status, kept by the database itself: a trigger on `incidents`
/// adds and subtracts as rows are written, moved between statuses or removed, whatever writes them (the app, an
/// import, retention). The region's page reads these counts instead of counting millions of incidents on every
/// view (counting a year of a 3,000,000-incident region took 270–400 ms on PostgreSQL).
///
/// A count is spread over `slots` rows (a striped counter): an incident adds to the slot its id hashes to, so
/// transactions recording incidents of one school at once do not queue on one row lock until each commits (with
/// a single row, PostgreSQL's incident writes fell from about 470 to 290 a second). SQLite writes one at a time
/// anyway and uses slot 0. The count is the sum over the slots; a subtraction is an upsert too, so a slot may go
/// below zero and the sum stays right whatever slot the count started in.
struct M0037IncidentTallies: AsyncMigration {
    static let slots = 32

    func prepare(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        try await sql.raw("""
            CREATE TABLE incident_tallies (school_id UUID NOT NULL, school_year TEXT NOT NULL, status TEXT NOT NULL, slot SMALLINT NOT NULL,
                                           n BIGINT NOT NULL, PRIMARY KEY (school_id, school_year, status, slot))
            """).run()
        try await sql.raw(SQLQueryString(Self.recount(postgres: postgres))).run()
        func change(_ row: String, _ delta: String) -> String {
            "INSERT INTO incident_tallies (school_id, school_year, status, slot, n) VALUES (\(row).school_id, \(row).school_year, \(row).status, "
                + "\(Self.slot(of: "\(row).id", postgres: postgres)), \(delta)) ON CONFLICT (school_id, school_year, status, slot) DO UPDATE SET n = incident_tallies.n + \(delta);"
        }
        let add = change("NEW", "1"), subtract = change("OLD", "-1")
        if postgres {
            try await sql.raw("""
                CREATE FUNCTION incident_tally() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: subtract) END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN \(unsafeRaw: add) END IF;
                  RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER incidents_tally AFTER INSERT OR DELETE OR UPDATE OF school_id, school_year, status ON incidents
                FOR EACH ROW EXECUTE FUNCTION incident_tally()
                """).run()
        } else {
            try await sql.raw("CREATE TRIGGER incidents_tally_insert AFTER INSERT ON incidents BEGIN \(unsafeRaw: add) END").run()
            try await sql.raw("CREATE TRIGGER incidents_tally_delete AFTER DELETE ON incidents BEGIN \(unsafeRaw: subtract) END").run()
            try await sql.raw("""
                CREATE TRIGGER incidents_tally_update AFTER UPDATE OF school_id, school_year, status ON incidents BEGIN \(unsafeRaw: subtract) \(unsafeRaw: add) END
                """).run()
        }
    }

    /// The slot an incident counts in: its id hashed on PostgreSQL, 0 on SQLite.
    static func slot(of id: String, postgres: Bool) -> String {
        postgres ? "CAST(hashtextextended(CAST(\(id) AS TEXT), 0) & \(slots - 1) AS SMALLINT)" : "0"
    }

    /// Counts every incident into the (empty) tallies, each in its slot.
    static func recount(postgres: Bool) -> String {
        """
        INSERT INTO incident_tallies (school_id, school_year, status, slot, n)
        SELECT school_id, school_year, status, \(slot(of: "id", postgres: postgres)) AS slot, COUNT(*) FROM incidents
        GROUP BY 1, 2, 3, 4
        """
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER incidents_tally ON incidents").run()
            try await sql.raw("DROP FUNCTION incident_tally()").run()
        } else {
            for name in ["incidents_tally_insert", "incidents_tally_delete", "incidents_tally_update"] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: name)").run()
            }
        }
        try await sql.raw("DROP TABLE incident_tallies").run()
    }
}
