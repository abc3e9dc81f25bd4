import Fluent

/// Students assigned to a Tier II or III intervention (with a goal, dates and
/// the responsible pair), and the daily Check-In/Check-Out point cards.
struct M0020CreateEnrolments: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("enrolments")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("intervention_id", .uuid, .required, .references("interventions", "id"))
            .field("goal", .double, .required)
            .field("start_on", .string, .required)
            .field("review_on", .string, .required)
            .field("teacher_id", .uuid, .references("accounts", "id"))
            .field("youthworker_id", .uuid, .references("accounts", "id"))
            .field("expectations", .string, .required)
            .field("periods", .int, .required)
            .field("status", .string, .required)
            .field("fading_on", .string)
            .field("ended_on", .string)
            .field("exit_reason", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("enrolments_student", on: "enrolments", columns: ["student_id"])
        try await database.createIndex("enrolments_intervention", on: "enrolments", columns: ["intervention_id"])
        try await database.schema("point_cards")
            .id()
            .field("enrolment_id", .uuid, .required, .references("enrolments", "id"))
            .field("date", .string, .required)
            .field("ratings", .string, .required)
            .field("earned", .int, .required)
            .field("possible", .int, .required)
            .field("recorded_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "enrolment_id", "date")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("point_cards").delete()
        try await database.schema("enrolments").delete()
    }
}
