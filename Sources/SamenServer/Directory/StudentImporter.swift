import Fluent
import Foundation
import SamenCore
import SQLKit
import SQLiteKit
import Vapor

/// What an import did.
public struct ImportReport: Content, Sendable, Equatable {
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var groups_created: [String]
    public var guardians_added: Int
    public var ignored_columns: [String]
    public var encoding: String
}

/// Imports a student export into one school: all or nothing. A file with
/// any bad row writes nothing and throws every problem; importing the same
/// file again changes nothing (students are matched on student number).
/// Students missing from the file are left as they are.
struct StudentImporter {
    let db: Database

    func run(bytes: [UInt8], schoolID: UUID, today: LocalDate = .today()) async throws -> ImportReport {
        let file = StudentImportRules.read(bytes: bytes, today: today)
        guard file.problems.isEmpty else { throw ImportRejected(problems: file.problems) }
        return try await db.transaction { db in
            try await write(file, schoolID: schoolID, today: today, on: db)
        }
    }

    private func write(_ file: StudentImportFile, schoolID: UUID, today: LocalDate, on db: Database) async throws -> ImportReport {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            // A 64 MB page cache for this connection: the default 2 MB makes a
            // large import spill and re-read index pages thousands of times.
            try await sql.raw("PRAGMA cache_size = -65536").run()
        }
        var report = ImportReport(created: 0, updated: 0, unchanged: 0, groups_created: [], guardians_added: 0,
                                  ignored_columns: file.ignoredColumns, encoding: file.encoding.rawValue)
        let year = try await DirectoryService(db: db).currentYear(for: schoolID, on: db, today: today)

        // Groups by name, creating the missing ones in the current school year.
        var groupIDs: [String: UUID] = [:]
        for group in try await SchoolGroup.query(on: db).filter(\.$schoolYear.$id == year.id!).all() {
            groupIDs[group.name.lowercased()] = group.id!
        }
        var newGroups: [SchoolGroup] = []
        for record in file.records where groupIDs[record.group.lowercased()] == nil {
            let group = SchoolGroup(id: UUID(), schoolID: schoolID, schoolYearID: year.id!, name: record.group, level: "")
            groupIDs[record.group.lowercased()] = group.id!
            newGroups.append(group)
            report.groups_created.append(record.group)
        }
        if !newGroups.isEmpty { try await newGroups.create(on: db) }

        // Existing students of the school, by number.
        struct Existing { var id: UUID; var values: [String?]; var groupID: UUID? }
        var existing: [String: Existing] = [:]
        let rows = try await sql.select()
            .columns("id", "number", "first_name", "particle", "last_name", "birth_date", "group_id", "enrolled_on", "left_on")
            .from("students").where("school_id", .equal, SQLBind(schoolID)).all()
        for row in rows {
            let number = try row.decode(column: "number", as: String.self)
            existing[number] = Existing(id: try row.decode(column: "id", as: UUID.self), values: [
                try row.decode(column: "first_name", as: String.self), try row.decode(column: "particle", as: String.self),
                try row.decode(column: "last_name", as: String.self), try row.decode(column: "birth_date", as: String.self),
                try row.decode(column: "enrolled_on", as: String?.self), try row.decode(column: "left_on", as: String?.self),
            ], groupID: try row.decode(column: "group_id", as: UUID?.self))
        }
        // Guardians already linked to the school's students, to add only new ones.
        var knownGuardians: [UUID: Set<String>] = [:]
        let guardianRows = try await sql.select().column(SQLColumn("student_id", table: "sg")).column(SQLColumn("name", table: "gd"))
            .from(SQLAlias(SQLIdentifier("student_guardians"), as: SQLIdentifier("sg")))
            .join(SQLAlias(SQLIdentifier("guardians"), as: SQLIdentifier("gd")), method: SQLJoinMethod.inner,
                  on: SQLColumn("id", table: "gd"), .equal, SQLColumn("guardian_id", table: "sg"))
            .join(SQLAlias(SQLIdentifier("students"), as: SQLIdentifier("st")), method: SQLJoinMethod.inner,
                  on: SQLColumn("id", table: "st"), .equal, SQLColumn("student_id", table: "sg"))
            .where(SQLColumn("school_id", table: "st"), .equal, SQLBind(schoolID)).all()
        for row in guardianRows {
            knownGuardians[try row.decode(column: "student_id", as: UUID.self), default: []]
                .insert(try row.decode(column: "name", as: String.self).lowercased())
        }

        let now = Date()
        var rng = SystemRandomNumberGenerator()
        var ids = TimeOrderedIDs(using: &rng)
        var studentRows: [[any Encodable & Sendable]] = []
        var guardianRowsToInsert: [[any Encodable & Sendable]] = []
        var linkRows: [[any Encodable & Sendable]] = []
        func addGuardians(_ record: StudentRecord, of studentID: UUID) {
            for guardian in record.guardians where !(knownGuardians[studentID]?.contains(guardian.name.lowercased()) ?? false) {
                let guardianID = ids.next()
                guardianRowsToInsert.append([guardianID, guardian.name, guardian.email, ""])
                linkRows.append([ids.next(), studentID, guardianID, "guardian"])
                knownGuardians[studentID, default: []].insert(guardian.name.lowercased())
                report.guardians_added += 1
            }
        }
        var newStudents: [StudentRecord] = []
        for record in file.records {
            let groupID = groupIDs[record.group.lowercased()]!
            let name = record.name
            let values: [String?] = [name.first, name.particle, name.last, record.birthDate.iso, record.enrolled?.iso, record.left?.iso]
            guard let current = existing[record.number] else {
                newStudents.append(record)
                continue
            }
            if current.values == values && current.groupID == groupID {
                report.unchanged += 1
            } else {
                report.updated += 1
                try await sql.update("students")
                    .set("first_name", to: SQLBind(name.first)).set("particle", to: SQLBind(name.particle))
                    .set("last_name", to: SQLBind(name.last)).set("sort_name", to: SQLBind(name.sortKey))
                    .set("search_text", to: SQLBind(name.searchText)).set("birth_date", to: SQLBind(record.birthDate.iso))
                    .set("group_id", to: SQLBind(groupID)).set("enrolled_on", to: SQLBind(record.enrolled?.iso))
                    .set("left_on", to: SQLBind(record.left?.iso)).set("updated_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(current.id)).run()
            }
            addGuardians(record, of: current.id)
        }
        // New students in name order with time-ordered ids: the primary key
        // and the (school, name) index then grow at their ends instead of
        // splitting pages all over the tree.
        let ordered = newStudents.map { (record: $0, name: $0.name, key: $0.name.sortKey) }.sorted { $0.key < $1.key }
        for (record, name, sortKey) in ordered {
            let studentID = ids.next()
            report.created += 1
            studentRows.append([studentID, schoolID, groupIDs[record.group.lowercased()]!, record.number, name.first, name.particle,
                                name.last, sortKey, name.searchText, record.birthDate.iso, record.enrolled?.iso,
                                record.left?.iso, Pseudonym.make(using: &rng), now, now])
            addGuardians(record, of: studentID)
        }
        try await sql.bulkInsert("students", columns: ["id", "school_id", "group_id", "number", "first_name", "particle", "last_name",
                                                      "sort_name", "search_text", "birth_date", "enrolled_on", "left_on", "pseudonym",
                                                      "created_at", "updated_at"], rows: studentRows)
        try await sql.bulkInsert("guardians", columns: ["id", "name", "email", "phone"], rows: guardianRowsToInsert)
        try await sql.bulkInsert("student_guardians", columns: ["id", "student_id", "guardian_id", "relation"], rows: linkRows)
        return report
    }
}

extension SQLDatabase {
    /// Multi-row INSERTs in chunks that stay under both engines' limit on bound values.
    func bulkInsert(_ table: String, columns: [String], rows: [[any Encodable & Sendable]]) async throws {
        guard !rows.isEmpty else { return }
        let chunk = max(1, 30_000 / columns.count)
        var start = 0
        if let sqlite = self as? any SQLiteDatabase {
            // SQLite: the statement text is written once per chunk size and the
            // values become SQLite data directly; SQLKit's generic serialising
            // and encoding of 1.5 million binds took an eighth of an import.
            let encoder = SQLiteDataEncoder()
            let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            while start < rows.count {
                let slice = rows[start..<min(start + chunk, rows.count)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * columns.count)
                for row in slice {
                    for value in row {
                        if let text = value as? String {
                            binds.append(.text(text))
                        } else if let id = value as? UUID {
                            binds.append(.text(id.uuidString)) // what SQLiteKit's encoder writes for a UUID
                        } else {
                            binds.append(try encoder.encode(value))
                        }
                    }
                }
                let statement = head + Array(repeating: tuple, count: slice.count).joined(separator: ", ")
                _ = try await sqlite.query(statement, binds)
                start += chunk
            }
            return
        }
        while start < rows.count {
            let insert = self.insert(into: table).columns(columns)
            for row in rows[start..<min(start + chunk, rows.count)] { insert.values(row) }
            try await insert.run()
            start += chunk
        }
    }
}

/// UUIDs in increasing order (the layout of UUID version 7: 48 bits of
/// milliseconds, then a counter from a random start), so that rows inserted
/// in one batch land at the end of their primary-key index.
struct TimeOrderedIDs {
    private var counter: UInt64
    private let millis: UInt64
    private let randomHigh: UInt16

    init<G: RandomNumberGenerator>(using rng: inout G) {
        millis = UInt64(Date().timeIntervalSince1970 * 1000) & 0xFFFF_FFFF_FFFF
        randomHigh = UInt16.random(in: 0...0x0FFF, using: &rng)
        counter = UInt64.random(in: 0...(1 << 40), using: &rng)
    }

    mutating func next() -> UUID {
        counter += 1
        let c = counter & 0x3FFF_FFFF_FFFF_FFFF // 62 bits after the variant
        let m = millis
        return UUID(uuid: (
            UInt8(m >> 40 & 0xFF), UInt8(m >> 32 & 0xFF), UInt8(m >> 24 & 0xFF), UInt8(m >> 16 & 0xFF),
            UInt8(m >> 8 & 0xFF), UInt8(m & 0xFF),
            0x70 | UInt8(randomHigh >> 8 & 0x0F), UInt8(randomHigh & 0xFF),
            0x80 | UInt8(c >> 56 & 0x3F), UInt8(c >> 48 & 0xFF), UInt8(c >> 40 & 0xFF), UInt8(c >> 32 & 0xFF),
            UInt8(c >> 24 & 0xFF), UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)))
    }
}
