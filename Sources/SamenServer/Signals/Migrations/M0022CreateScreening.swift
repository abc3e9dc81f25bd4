import Fluent
import Foundation
import SamenCore
import SQLKit

/// Screening: instruments (a definition stored as JSON, versioned: a round
/// keeps the version it used), rounds, one rating per student and round, and
/// the rating's scale scores kept beside it so dashboards count in SQL.
/// Also stores the example instrument shipped with Samen.
struct M0022CreateScreening: AsyncMigration {
    /// The example instrument's fixed id, so every installation refers to it alike.
    static let exampleID = UUID(uuidString: "5A3E0000-0000-4000-8000-00000000E001")!

    func prepare(on database: Database) async throws {
        try await database.schema("screening_instruments")
            .id()
            .field("region_id", .uuid, .references("regions", "id"))
            .field("school_id", .uuid, .references("schools", "id"))
            .field("name", .string, .required)
            .field("version", .int, .required)
            .field("definition", .string, .required)
            .field("previous_id", .uuid)
            .field("archived_at", .datetime)
            .field("created_by", .uuid, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("screening_rounds")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("instrument_id", .uuid, .required, .references("screening_instruments", "id"))
            .field("name", .string, .required)
            .field("informant", .string, .required)
            .field("opens_on", .string, .required)
            .field("closes_on", .string, .required)
            .field("school_year", .string, .required)
            .field("created_by", .uuid, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("screening_rounds_school", on: "screening_rounds", columns: ["school_id", "opens_on"])
        try await database.schema("screening_ratings")
            .id()
            .field("round_id", .uuid, .required, .references("screening_rounds", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("rater_id", .uuid, .required, .references("accounts", "id"))
            .field("answers", .string, .required)
            .field("rated_at", .datetime, .required)
            .unique(on: "round_id", "student_id")
            .create()
        try await database.schema("screening_scores")
            .id()
            .field("rating_id", .uuid, .required, .references("screening_ratings", "id"))
            .field("round_id", .uuid, .required, .references("screening_rounds", "id"))
            .field("student_id", .uuid, .required, .references("students", "id"))
            .field("scale", .string, .required)
            .field("kind", .string, .required)
            .field("score", .double)
            .field("band", .string)
            .field("at_risk", .int, .required)
            .create()
        try await database.createIndex("screening_scores_round", on: "screening_scores", columns: ["round_id", "scale"])
        try await database.createIndex("screening_scores_student", on: "screening_scores", columns: ["student_id"])
        let definition = String(decoding: try JSONEncoder().encode(ScreeningInstrument.example), as: UTF8.self)
        try await (database as! any SQLDatabase).insert(into: "screening_instruments")
            .columns("id", "name", "version", "definition", "created_at")
            .values(SQLBind(Self.exampleID), SQLBind(ScreeningInstrument.example.name), SQLBind(1), SQLBind(definition), SQLBind(Date()))
            .run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("screening_scores").delete()
        try await database.schema("screening_ratings").delete()
        try await database.schema("screening_rounds").delete()
        try await database.schema("screening_instruments").delete()
    }
}
