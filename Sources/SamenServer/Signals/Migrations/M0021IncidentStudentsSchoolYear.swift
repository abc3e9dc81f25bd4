import Fluent
import SQLKit

/// The incident's school year on each of its student links, with an index,
/// so the rules read one student's incidents of this year without visiting
/// those of earlier years (a student with many incidents made recording
/// slow). Kept in step: an edit rewrites the links.
struct M0021IncidentStudentsSchoolYear: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("incident_students").field("school_year", .string).update()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("UPDATE incident_students SET school_year = (SELECT i.school_year FROM incidents i WHERE i.id = incident_students.incident_id)").run()
        }
        try await database.createIndex("incident_students_student_year", on: "incident_students", columns: ["student_id", "school_year"])
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "incident_students_student").run() }
    }

    func revert(on database: Database) async throws {
        try await database.createIndex("incident_students_student", on: "incident_students", columns: ["student_id"])
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "incident_students_student_year").run() }
        try await database.schema("incident_students").deleteField("school_year").update()
    }
}
