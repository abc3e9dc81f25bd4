import Fluent

struct M0008CreateGroupStaff: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("group_staff")
            .id()
            .field("group_id", .uuid, .required, .references("school_groups", "id", onDelete: .cascade))
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("is_mentor", .bool, .required)
            .unique(on: "group_id", "account_id")
            .create()
        try await database.createIndex("group_staff_account", on: "group_staff", columns: ["account_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("group_staff").delete()
    }
}
