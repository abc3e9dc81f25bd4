import Fluent

/// Measurement waves: a questionnaire version put to the staff of chosen schools over a period,
/// optionally the follow-up of a baseline; invitations inside Samen (which school and role, whether
/// started and completed, for the response rate); responses carrying school type, role and a pairing
/// key, never a name.
struct M0032CreateWaves: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("waves")
            .id()
            .field("owner_id", .uuid, .required, .references("accounts", "id"))
            .field("questionnaire_id", .uuid, .required, .references("questionnaires", "id"))
            .field("name", .string, .required)
            .field("opens_on", .string, .required)
            .field("closes_on", .string, .required)
            .field("baseline_id", .uuid)
            .field("chain_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("wave_invitations")
            .id()
            .field("wave_id", .uuid, .required, .references("waves", "id"))
            .field("account_id", .uuid, .required, .references("accounts", "id"))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("completed_at", .datetime)
            .unique(on: "wave_id", "account_id")
            .create()
        try await database.createIndex("wave_invitations_account", on: "wave_invitations", columns: ["account_id"])
        try await database.schema("wave_responses")
            .id()
            .field("wave_id", .uuid, .required, .references("waves", "id"))
            .field("invitation_id", .uuid, .required, .references("wave_invitations", "id"))
            .field("school_type", .string, .required)
            .field("role", .string, .required)
            .field("link_key", .string, .required)
            .field("answers", .string, .required)
            .field("complete", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "invitation_id")
            .create()
        try await database.createIndex("wave_responses_wave", on: "wave_responses", columns: ["wave_id", "complete"])
    }

    func revert(on database: Database) async throws {
        for table in ["wave_responses", "wave_invitations", "waves"] { try await database.schema(table).delete() }
    }
}
