import Fluent

/// Positive recognitions ("compliments"): one student, one expectation met.
struct M0015CreateRecognitions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("recognitions")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_year", .string, .required)
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("date", .string, .required)
            .field("minute", .int, .required)
            .field("weekday", .int, .required)
            .field("expectation_id", .uuid, .required, .references("labels", "id"))
            .field("note", .string, .required)
            .field("staff_id", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("recognitions_student", on: "recognitions", columns: ["student_id", "date"])
        try await database.createIndex("recognitions_school_year", on: "recognitions", columns: ["school_id", "school_year", "date"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("recognitions").delete()
    }
}
