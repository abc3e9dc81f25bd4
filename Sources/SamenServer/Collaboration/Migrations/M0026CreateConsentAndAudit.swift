import Fluent
import SamenCore
import SQLKit

/// Consent records per student and purpose, and the audit trail: entries
/// chained by hash, append-only (triggers refuse changes and deletions on
/// both databases), with a one-row head holding the last number and hash.
struct M0026CreateConsentAndAudit: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("consents")
            .id()
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("purpose", .string, .required)
            .field("organisation_id", .uuid, .references("organisations", "id"))
            .field("programme", .string, .required)
            .field("given_by", .string, .required)
            .field("guardian_id", .uuid, .references("guardians", "id"))
            .field("given_on", .string, .required)
            .field("expires_on", .string)
            .field("parts", .string, .required)
            .field("note", .string, .required)
            .field("recorded_by", .uuid, .required, .references("accounts", "id"))
            .field("recorded_at", .datetime, .required)
            .field("withdrawn_at", .datetime)
            .field("withdrawn_by", .uuid, .references("accounts", "id"))
            .field("withdrawal_note", .string)
            .create()
        try await database.createIndex("consents_student", on: "consents", columns: ["student_id", "purpose"])
        try await database.createIndex("consents_organisation", on: "consents", columns: ["organisation_id", "purpose"])

        try await database.schema("audit_entries")
            .field("seq", .int64, .identifier(auto: false))
            .field("at_ms", .int64, .required)
            .field("actor_id", .uuid)
            .field("actor", .string, .required)
            .field("role", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .string, .required)
            .field("student_id", .uuid)
            .field("purpose", .string, .required)
            .field("client", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.createIndex("audit_entries_student", on: "audit_entries", columns: ["student_id", "seq"])
        try await database.createIndex("audit_entries_record", on: "audit_entries", columns: ["record_id"])
        try await database.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, \(bind: AuditChain.genesis))").run()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END").run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END").run()
        } else {
            try await sql.raw("""
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()").run()
        }
    }

    func revert(on database: Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name != "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries").run()
            try await sql.raw("DROP FUNCTION IF EXISTS audit_entries_append_only()").run()
        }
        try await database.schema("audit_head").delete()
        try await database.schema("audit_entries").delete()
        try await database.schema("consents").delete()
    }
}
