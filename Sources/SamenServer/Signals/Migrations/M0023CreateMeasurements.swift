import Fluent

/// Tier III progress measured as one figure a day (a count, a duration, a
/// percentage or a rating) beside the point card: the enrolment says what
/// is measured and the goal; `measurements` hold the days.
struct M0023CreateMeasurements: AsyncMigration {
    func prepare(on database: Database) async throws {
        // Empty for the point cards of existing enrolments. One column a statement: SQLite adds one at a time.
        for (name, type) in [("monitoring", DatabaseSchema.DataType.string), ("measure", .string), ("goal_value", .double), ("direction", .string),
                             ("scale_max", .int)] {
            try await database.schema("enrolments").field(FieldKey(stringLiteral: name), type).update()
        }
        try await database.schema("measurements")
            .id()
            .field("enrolment_id", .uuid, .required, .references("enrolments", "id"))
            .field("date", .string, .required)
            .field("value", .double, .required)
            .field("recorded_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "enrolment_id", "date")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("measurements").delete()
        for field in ["monitoring", "measure", "goal_value", "direction", "scale_max"] {
            try await database.schema("enrolments").deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}
