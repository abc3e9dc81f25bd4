import Fluent

struct M0001CreateRegions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("regions")
            .id()
            .field("name", .string, .required)
            .field("municipalities", .string, .required)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("regions").delete()
    }
}
