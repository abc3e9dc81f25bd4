import Fluent
import SQLKit

/// The school's ISF team (members with their part, agreements), its
/// meetings with the agenda generated from the data, the actions agreed,
/// and which meeting a decision on a signal was taken in.
struct M0027CreateTeamsAndMeetings: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("teams")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("hours", .string, .required)
            .field("tiers", .string, .required)
            .field("steering", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "school_id")
            .create()
        try await database.schema("team_members")
            .id()
            .field("team_id", .uuid, .required, .references("teams", "id"))
            .field("account_id", .uuid, .required, .references("accounts", "id"))
            .field("team_role", .string, .required)
            .unique(on: "team_id", "account_id")
            .create()
        try await database.schema("meetings")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("date", .string, .required)
            .field("title", .string, .required)
            .field("minutes", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("meetings_school", on: "meetings", columns: ["school_id", "date"])
        try await database.schema("meeting_items")
            .id()
            .field("meeting_id", .uuid, .required, .references("meetings", "id"))
            .field("position", .int, .required)
            .field("kind", .string, .required)
            .field("signal_id", .uuid, .references("signals", "id"))
            .field("student_id", .uuid, .references("students", "id"))
            .field("enrolment_id", .uuid, .references("enrolments", "id"))
            .field("detail", .string, .required)
            .create()
        try await database.createIndex("meeting_items_meeting", on: "meeting_items", columns: ["meeting_id", "position"])
        try await database.schema("meeting_actions")
            .id()
            .field("meeting_id", .uuid, .required, .references("meetings", "id"))
            .field("text", .string, .required)
            .field("owner_id", .uuid, .required, .references("accounts", "id"))
            .field("due_on", .string, .required)
            .field("done_at", .datetime)
            .field("done_by", .uuid, .references("accounts", "id"))
            .field("created_by", .uuid, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("meeting_actions_meeting", on: "meeting_actions", columns: ["meeting_id"])
        try await database.createIndex("meeting_actions_owner", on: "meeting_actions", columns: ["owner_id", "due_on"])
        try await database.schema("decisions").field("meeting_id", .uuid).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("decisions").deleteField("meeting_id").update()
        for table in ["meeting_actions", "meeting_items", "meetings", "team_members", "teams"] {
            try await database.schema(table).delete()
        }
    }
}
