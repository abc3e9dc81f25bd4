import Fluent

struct M0012CreateLoginFailures: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("login_failures")
            .id()
            .field("username", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.createIndex("login_failures_username", on: "login_failures", columns: ["username", "at"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("login_failures").delete()
    }
}
