import Fluent

struct M0010CreateGuardians: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("guardians")
            .id()
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .create()
        try await database.schema("student_guardians")
            .id()
            .field("student_id", .uuid, .required, .references("students", "id", onDelete: .cascade))
            .field("guardian_id", .uuid, .required, .references("guardians", "id", onDelete: .cascade))
            .field("relation", .string, .required)
            .unique(on: "student_id", "guardian_id")
            .create()
        try await database.createIndex("student_guardians_guardian", on: "student_guardians", columns: ["guardian_id"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("student_guardians").delete()
        try await database.schema("guardians").delete()
    }
}
