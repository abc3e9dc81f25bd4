import Fluent

struct M0005CreateAccounts: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("accounts")
            .id()
            .field("username", .string, .required)
            .field("password_hash", .string)
            .field("role", .string, .required)
            .field("first_name", .string, .required)
            .field("particle", .string, .required)
            .field("last_name", .string, .required)
            .field("email", .string, .required)
            .field("language", .string, .required)
            .field("active", .bool, .required)
            .field("region_id", .uuid, .references("regions", "id"))
            .field("organisation_id", .uuid, .references("organisations", "id"))
            .field("created_at", .datetime)
            .unique(on: "username")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("accounts").delete()
    }
}
