import Fluent

/// A school's label lists (behaviour, location, motivation, action,
/// expectation). Shipped labels carry a code, so adding the defaults twice
/// adds nothing; labels are archived, never deleted.
struct M0013CreateLabels: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("labels")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("kind", .string, .required)
            .field("code", .string)
            .field("text_nl", .string, .required)
            .field("text_en", .string, .required)
            .field("position", .int, .required)
            .field("archived", .bool, .required)
            .unique(on: "school_id", "kind", "code")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("labels").delete()
    }
}
