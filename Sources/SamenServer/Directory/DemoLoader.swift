import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// Stores the generated demo region. Loads only into an empty database:
/// a database that already holds schools is left exactly as it is.
public enum DemoLoader {
    public enum Outcome: Sendable, Equatable {
        case loaded(schools: Int, students: Int, accounts: Int)
        case skippedExistingData
    }

    public static func load(into app: Application, seed: UInt64 = 2026, size: DemoRegion.Size = .full,
                            today: LocalDate = .today()) async throws -> Outcome {
        let demo = DemoRegion.generate(seed: seed, size: size, schoolYear: .containing(today))
        // One hash for all demo logins: they share the password "demo".
        let hash = try await app.password.async.hash(DemoRegion.demoPassword).get()
        return try await app.db.transaction { db in
            let schools = try await School.query(on: db).count()
            let accounts = try await Account.query(on: db).count()
            if schools > 0 || accounts > 0 { return .skippedExistingData }
            try await store(demo, passwordHash: hash, on: db)
            return .loaded(schools: demo.schools.count, students: demo.students.count, accounts: demo.people.count)
        }
    }

    static func store(_ demo: DemoRegion, passwordHash: String, on db: Database) async throws {
        let sql = db as! any SQLDatabase
        try await Region(id: demo.region.id, name: demo.region.name, municipalities: demo.region.municipalities).create(on: db)
        try await Organisation(id: demo.organisation.id, regionID: demo.region.id, name: demo.organisation.name).create(on: db)
        try await demo.schools.map { School(id: $0.id, regionID: demo.region.id, code: $0.code, name: $0.name, type: $0.type, city: $0.city) }.create(on: db)
        var yearBySchool: [UUID: UUID] = [:]
        let years = demo.schools.map { school -> SchoolYear in
            let year = SchoolYear(id: UUID(), schoolID: school.id, period: demo.schoolYear)
            yearBySchool[school.id] = year.id
            return year
        }
        try await years.create(on: db)
        try await demo.groups.map { SchoolGroup(id: $0.id, schoolID: $0.schoolID, schoolYearID: yearBySchool[$0.schoolID]!, name: $0.name, level: $0.level) }
            .create(on: db)
        let now = Date()
        try await sql.bulkInsert("accounts", columns: ["id", "username", "password_hash", "role", "first_name", "particle", "last_name", "email",
                                                      "language", "active", "region_id", "organisation_id", "created_at"],
                                 rows: demo.people.map { p in
                                     [p.id, p.username, p.isDemoLogin ? passwordHash : nil, p.role.rawValue, p.name.first, p.name.particle, p.name.last,
                                      p.email, "nl", true, p.role == .region ? demo.region.id : nil, p.organisationID, now] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("account_schools", columns: ["id", "account_id", "school_id"],
                                 rows: demo.people.flatMap { p in p.schoolIDs.map { [UUID(), p.id, $0] as [any Encodable & Sendable] } })
        try await sql.bulkInsert("group_staff", columns: ["id", "group_id", "account_id", "is_mentor"],
                                 rows: demo.teaching.map { [UUID(), $0.groupID, $0.personID, $0.isMentor] as [any Encodable & Sendable] })
        try await sql.bulkInsert("students", columns: ["id", "school_id", "group_id", "number", "first_name", "particle", "last_name",
                                                      "sort_name", "search_text", "birth_date", "enrolled_on", "left_on", "pseudonym",
                                                      "created_at", "updated_at"],
                                 rows: demo.students.map { s in
                                     [s.id, s.schoolID, s.groupID, s.number, s.name.first, s.name.particle, s.name.last, s.name.sortKey,
                                      s.name.searchText, s.birthDate.iso, s.enrolled.iso, nil as String?, s.pseudonym, now, now] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("guardians", columns: ["id", "name", "email", "phone"],
                                 rows: demo.guardians.map { [$0.id, $0.name, $0.email, $0.phone] as [any Encodable & Sendable] })
        try await sql.bulkInsert("student_guardians", columns: ["id", "student_id", "guardian_id", "relation"],
                                 rows: demo.links.map { [UUID(), $0.studentID, $0.guardianID, $0.relation] as [any Encodable & Sendable] })
    }
}
