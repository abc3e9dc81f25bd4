import Fluent
import SQLKit

/// On SQLite the database itself links the audit trail: an entry is refused unless it follows the head (the next
/// number, the head's hash as its previous hash), and the head moves on with every entry written. So a batch is one
/// INSERT that commits on its own (one statement instead of a transaction of four), and no writer, whatever it is,
/// can append an entry that does not link. SQLite runs a row's AFTER trigger before it inserts the next row of the
/// same statement; PostgreSQL runs them at the statement's end, so there the log keeps moving the head itself.
struct M0039AuditChainTriggers: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("""
            CREATE TRIGGER audit_entries_link BEFORE INSERT ON audit_entries
            WHEN NEW.seq <> (SELECT seq FROM audit_head WHERE id = 1) + 1 OR NEW.previous_hash <> (SELECT hash FROM audit_head WHERE id = 1)
            BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: Self.moved)'); END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER audit_entries_head AFTER INSERT ON audit_entries
            BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END
            """).run()
    }

    /// What the database answers an entry that does not follow the head.
    static let moved = "the audit chain has moved on"

    func revert(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("DROP TRIGGER audit_entries_link").run()
        try await sql.raw("DROP TRIGGER audit_entries_head").run()
    }
}
