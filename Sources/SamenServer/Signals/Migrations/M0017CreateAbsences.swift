import Fluent

/// Absence records: imported from the student administration or entered
/// by hand. One row per student, day, kind (authorised or not) and reason,
/// so importing the same export twice changes nothing.
struct M0017CreateAbsences: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("absences")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("date", .string, .required)
            .field("hours", .double, .required)
            .field("periods", .int)
            .field("authorised", .bool, .required)
            .field("reason_code", .string, .required)
            .field("exempt", .bool, .required)
            .field("source", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "student_id", "date", "authorised", "reason_code")
            .create()
        try await database.createIndex("absences_school_date", on: "absences", columns: ["school_id", "date"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("absences").delete()
    }
}
