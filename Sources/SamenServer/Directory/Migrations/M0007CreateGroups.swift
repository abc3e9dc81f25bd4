import Fluent

struct M0007CreateGroups: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("school_groups")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_year_id", .uuid, .required, .references("school_years", "id"))
            .field("name", .string, .required)
            .field("level", .string, .required)
            .unique(on: "school_year_id", "name")
            .create()
        try await database.createIndex("school_groups_school", on: "school_groups", columns: ["school_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("school_groups").delete()
    }
}
