import Fluent

/// Cases and referrals: a student's case with its type, lead, organisation,
/// the youth-care worker assigned and the legal basis, and the steps taken
/// with their dates (from which the lead times are measured).
struct M0028CreateCases: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("cases")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("type", .string, .required)
            .field("lead_id", .uuid, .required, .references("accounts", "id"))
            .field("organisation_id", .uuid, .references("organisations", "id"))
            .field("worker_id", .uuid, .references("accounts", "id"))
            .field("basis", .string, .required)
            .field("signal_id", .uuid, .references("signals", "id"))
            .field("note", .string, .required)
            .field("opened_by", .uuid, .required, .references("accounts", "id"))
            .field("opened_at", .datetime, .required)
            .field("closed_on", .string)
            .create()
        try await database.createIndex("cases_school", on: "cases", columns: ["school_id", "closed_on"])
        try await database.createIndex("cases_student", on: "cases", columns: ["student_id"])
        try await database.createIndex("cases_worker", on: "cases", columns: ["worker_id", "closed_on"])
        try await database.schema("case_steps")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("step", .string, .required)
            .field("on_date", .string, .required)
            .field("note", .string, .required)
            .field("recorded_by", .uuid, .required, .references("accounts", "id"))
            .field("recorded_at", .datetime, .required)
            .unique(on: "case_id", "step")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("case_steps").delete()
        try await database.schema("cases").delete()
    }
}
