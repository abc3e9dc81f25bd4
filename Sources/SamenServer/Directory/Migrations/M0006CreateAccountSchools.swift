import Fluent

struct M0006CreateAccountSchools: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("account_schools")
            .id()
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .unique(on: "account_id", "school_id")
            .create()
        try await database.createIndex("account_schools_school", on: "account_schools", columns: ["school_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("account_schools").delete()
    }
}
