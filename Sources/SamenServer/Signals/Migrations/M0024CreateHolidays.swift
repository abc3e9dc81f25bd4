import Fluent

/// A school's holidays and days off: periods on which there is no school,
/// so the rules and the figures per school day skip them.
struct M0024CreateHolidays: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("school_holidays")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("name", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("school_holidays_school", on: "school_holidays", columns: ["school_id", "starts_on"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("school_holidays").delete()
    }
}
