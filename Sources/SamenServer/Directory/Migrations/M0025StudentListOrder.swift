import Fluent
import SQLKit

/// The student list is ordered by sort name, then number: with the number in
/// the index the page is read in order and stops after its 50 rows, instead
/// of sorting every student of the school that shares a sort name.
struct M0025StudentListOrder: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "students_school_sort").run()
        try await sql.drop(index: "students_group").run()
        try await database.createIndex("students_school_sort", on: "students", columns: ["school_id", "sort_name", "number"])
        try await database.createIndex("students_group", on: "students", columns: ["group_id", "sort_name", "number"])
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "students_school_sort").run()
        try await sql.drop(index: "students_group").run()
        try await database.createIndex("students_school_sort", on: "students", columns: ["school_id", "sort_name"])
        try await database.createIndex("students_group", on: "students", columns: ["group_id", "sort_name"])
    }
}
