import Fluent
import SQLKit

/// The directory's version: a number the database moves on whenever students, groups or schools are written,
/// whoever writes them (this app, another instance, an import, retention). Lists keep students in memory for as
/// long as it stands (`StudentListCache`). It moves inside the writing transaction, so it becomes visible together
/// with the change, never before it.
///
/// PostgreSQL counts once per statement (a row-level trigger would update the one row once per student, and
/// within one transaction each update of the same row walks a longer chain of its versions); SQLite has only
/// row-level triggers and updates the row in place.
struct M0038DirectoryVersion: AsyncMigration {
    static let tables = ["students", "school_groups", "schools"]

    func prepare(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE TABLE directory_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)").run()
        try await sql.raw("INSERT INTO directory_version (id, version) VALUES (1, 1)").run()
        let bump = "UPDATE directory_version SET version = version + 1 WHERE id = 1;"
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN \(unsafeRaw: bump) RETURN NULL; END $$
                """).run()
            for table in Self.tables {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_directory_version AFTER INSERT OR UPDATE OR DELETE ON \(unsafeRaw: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()
                    """).run()
            }
        } else {
            for table in Self.tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER \(unsafeRaw: table)_directory_version_\(unsafeRaw: event.lowercased()) AFTER \(unsafeRaw: event) ON \(unsafeRaw: table)
                        BEGIN \(unsafeRaw: bump) END
                        """).run()
                }
            }
        }
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            for table in Self.tables {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: table)_directory_version ON \(unsafeRaw: table)").run()
            }
            try await sql.raw("DROP FUNCTION directory_changed()").run()
        } else {
            for table in Self.tables {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER \(unsafeRaw: table)_directory_version_\(unsafeRaw: event)").run()
                }
            }
        }
        try await sql.raw("DROP TABLE directory_version").run()
    }
}
