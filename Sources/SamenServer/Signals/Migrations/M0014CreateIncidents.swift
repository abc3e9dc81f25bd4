import Fluent

/// Incidents (office referrals). Date, minute of the day, weekday and school
/// year are stored apart, so every dashboard figure is a plain SQL aggregate
/// on SQLite and PostgreSQL alike.
struct M0014CreateIncidents: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("incidents")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_year", .string, .required)
            .field("date", .string, .required)
            .field("minute", .int, .required)
            .field("weekday", .int, .required)
            .field("behaviour_id", .uuid, .required, .references("labels", "id"))
            .field("location_id", .uuid, .required, .references("labels", "id"))
            .field("motivation_id", .uuid, .references("labels", "id"))
            .field("action_id", .uuid, .references("labels", "id"))
            .field("managed_by", .string, .required)
            .field("others_involved", .string, .required)
            .field("note", .string, .required)
            .field("status", .string, .required)
            .field("reporter_id", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.createIndex("incidents_school_year", on: "incidents", columns: ["school_id", "school_year", "date"])
        try await database.createIndex("incidents_reporter", on: "incidents", columns: ["reporter_id", "created_at"])
        try await database.schema("incident_students")
            .id()
            .field("incident_id", .uuid, .required, .references("incidents", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("role", .string, .required)
            .unique(on: "incident_id", "student_id")
            .create()
        try await database.createIndex("incident_students_student", on: "incident_students", columns: ["student_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("incident_students").delete()
        try await database.schema("incidents").delete()
    }
}
