import Fluent
import SQLKit

/// Waves for students: a wave's target (staff inside Samen, or students of chosen groups), one anonymous link per
/// chosen group (only its hash kept), and the responses sent through a link: school type and group's school, never
/// a name or an account; a resume key (hashed) lets the same browser save and go on.
struct M0034WaveLinks: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("waves").field("target", .string, .required, .sql(.default("staff"))).update()
        try await database.schema("wave_groups")
            .id()
            .field("wave_id", .uuid, .required, .references("waves", "id"))
            .field("group_id", .uuid, .required, .references("school_groups", "id"))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("token_hash", .string)
            .field("link_made_at", .datetime)
            .unique(on: "wave_id", "group_id")
            .create()
        try await database.createIndex("wave_groups_token", on: "wave_groups", columns: ["token_hash"])
        try await database.schema("wave_link_responses")
            .id()
            .field("wave_id", .uuid, .required, .references("waves", "id"))
            .field("wave_group_id", .uuid, .required, .references("wave_groups", "id"))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_type", .string, .required)
            .field("resume_hash", .string, .required)
            .field("answers", .string, .required)
            .field("complete", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "resume_hash")
            .create()
        try await database.createIndex("wave_link_responses_wave", on: "wave_link_responses", columns: ["wave_id", "complete"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("wave_link_responses").delete()
        try await database.schema("wave_groups").delete()
        try await database.schema("waves").deleteField("target").update()
    }
}
