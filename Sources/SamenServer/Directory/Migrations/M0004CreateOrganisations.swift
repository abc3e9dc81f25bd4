import Fluent

struct M0004CreateOrganisations: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("organisations")
            .id()
            .field("region_id", .uuid, .required, .references("regions", "id"))
            .field("name", .string, .required)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("organisations").delete()
    }
}
