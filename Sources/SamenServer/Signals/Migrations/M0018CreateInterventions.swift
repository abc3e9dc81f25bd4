import Fluent

/// The pyramid of alignment: each school's interventions, and the workshop
/// sessions in which a team puts the interventions it knows on sticky notes.
struct M0018CreateInterventions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("interventions")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("name", .string, .required)
            .field("tier", .int, .required)
            .field("provider", .string, .required)
            .field("target", .string, .required)
            .field("evidence", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.createIndex("interventions_school", on: "interventions", columns: ["school_id", "tier"])
        try await database.schema("workshops")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("title", .string, .required)
            .field("created_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .create()
        try await database.schema("workshop_notes")
            .id()
            .field("workshop_id", .uuid, .required, .references("workshops", "id"))
            .field("author_id", .uuid, .required, .references("accounts", "id"))
            .field("tier", .int, .required)
            .field("text", .string, .required)
            .field("provider", .string, .required)
            .field("state", .string, .required)
            .field("intervention_id", .uuid, .references("interventions", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("workshop_notes_workshop", on: "workshop_notes", columns: ["workshop_id", "created_at"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("workshop_notes").delete()
        try await database.schema("workshops").delete()
        try await database.schema("interventions").delete()
    }
}
