import Fluent

/// Personal links for guardians (no account): the SHA-256 of the token, the
/// child and guardian it is for, an expiry, and when it was revoked.
struct M0029CreateGuardianLinks: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("guardian_links")
            .id()
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("guardian_id", .uuid, .required, .references("guardians", "id"))
            .field("token_hash", .string, .required)
            .field("created_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.createIndex("guardian_links_student", on: "guardian_links", columns: ["student_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("guardian_links").delete()
    }
}
