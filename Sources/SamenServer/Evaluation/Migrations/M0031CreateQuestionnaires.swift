import Fluent

/// Questionnaires of the evaluation line: each row one version of a family
/// (the shipped ones have no owner), the definition as its JSON.
struct M0031CreateQuestionnaires: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("questionnaires")
            .id()
            .field("family_id", .uuid, .required)
            .field("version", .int, .required)
            .field("code", .string, .required)
            .field("definition", .string, .required)
            .field("owner_id", .uuid, .references("accounts", "id"))
            .field("based_on_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "family_id", "version")
            .create()
        try await database.createIndex("questionnaires_owner", on: "questionnaires", columns: ["owner_id", "code"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("questionnaires").delete()
    }
}
