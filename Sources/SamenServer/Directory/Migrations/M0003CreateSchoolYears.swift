import Fluent

struct M0003CreateSchoolYears: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("school_years")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("name", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("school_days", .int)
            .unique(on: "school_id", "name")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("school_years").delete()
    }
}
