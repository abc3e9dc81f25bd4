import Fluent

struct M0009CreateStudents: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("students")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("group_id", .uuid, .references("school_groups", "id"))
            .field("number", .string, .required)
            .field("first_name", .string, .required)
            .field("particle", .string, .required)
            .field("last_name", .string, .required)
            .field("sort_name", .string, .required)
            .field("search_text", .string, .required)
            .field("birth_date", .string, .required)
            .field("enrolled_on", .string)
            .field("left_on", .string)
            .field("pseudonym", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "school_id", "number")
            .unique(on: "pseudonym")
            .create()
        try await database.createIndex("students_school_sort", on: "students", columns: ["school_id", "sort_name"])
        try await database.createIndex("students_group", on: "students", columns: ["group_id", "sort_name"])
    }

    func revert(on database: Database) async throws {
        try await database.schema("students").delete()
    }
}
