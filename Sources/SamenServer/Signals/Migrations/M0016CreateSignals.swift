import Fluent

/// Signals raised by the decision rules (one per student, rule and period),
/// the team's decisions on them, and each school's rule thresholds.
struct M0016CreateSignals: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("signals")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("rule", .string, .required)
            .field("period", .string, .required)
            .field("fired_on", .string, .required)
            .field("figures", .string, .required)
            .field("due_by", .string)
            .field("status", .string, .required)
            .field("raised_at", .datetime, .required)
            .unique(on: "student_id", "rule", "period")
            .create()
        try await database.createIndex("signals_school_status", on: "signals", columns: ["school_id", "status", "raised_at"])
        try await database.schema("decisions")
            .id()
            .field("signal_id", .uuid, .required, .references("signals", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("decision", .string, .required)
            .field("tier_before", .int, .required)
            .field("tier_after", .int, .required)
            .field("review_by", .string)
            .field("note", .string, .required)
            .field("decided_by", .uuid, .required, .references("accounts", "id"))
            .field("owner_id", .uuid, .references("accounts", "id"))
            .field("decided_at", .datetime, .required)
            .create()
        try await database.createIndex("decisions_student", on: "decisions", columns: ["student_id", "decided_at"])
        try await database.createIndex("decisions_signal", on: "decisions", columns: ["signal_id", "decided_at"])
        try await database.schema("rule_settings")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("thresholds", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "school_id")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("rule_settings").delete()
        try await database.schema("decisions").delete()
        try await database.schema("signals").delete()
    }
}
