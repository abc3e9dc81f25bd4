import Fluent
import SQLKit

/// Personal links for a staff wave: one row per link, holding only the token's hash, the school (and its type)
/// and role the researcher made it for, the pairing key derived from their label (empty without one), and the
/// one response the link takes. No name, account or label is stored.
struct M0035WavePersonalLinks: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("wave_personal_links")
            .id()
            .field("wave_id", .uuid, .required, .references("waves", "id"))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_type", .string, .required)
            .field("role", .string, .required)
            .field("token_hash", .string, .required)
            .field("pair_key", .string, .required)
            .field("answers", .string)
            .field("complete", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.createIndex("wave_personal_links_wave", on: "wave_personal_links", columns: ["wave_id", "complete"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("wave_personal_links").delete()
    }
}
