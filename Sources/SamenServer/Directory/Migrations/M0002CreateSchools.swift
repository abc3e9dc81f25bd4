import Fluent

struct M0002CreateSchools: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("schools")
            .id()
            .field("region_id", .uuid, .required, .references("regions", "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("city", .string, .required)
            .field("archived_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("schools").delete()
    }
}
