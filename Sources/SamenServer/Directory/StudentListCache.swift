import Foundation
import NIOConcurrencyHelpers
import SamenCore
import SQLKit
import Vapor

/// The students of each school as lists show them, held in memory for as
/// long as the directory's version stands.
///
/// The database counts every change to students, groups and schools in
/// `directory_version` (triggers, migration M0038), whoever writes it: this
/// instance, another one, an import, retention. A request reads that version
/// with its session (no extra round trip); a list is served from memory while
/// the version it read is the one the memory was filled at, and a newer
/// version empties the memory first. A school's students are read once per
/// version, in one statement, when a list first needs them.
///
/// Why it is safe to serve: the memory is labelled with a version some request
/// read after it was committed, and a school is read into it only after that,
/// so what it holds is at least as new as its label. A request that read an
/// older version gets newer data, as if it had come a moment later. Scope is
/// applied per request (`StudentListing.page`), never cached.
final class StudentListCache: Sendable {
    private struct State {
        var version: Int64 = -1
        var schools: [UUID: [ListedStudent]] = [:]
        /// Every school's students are in `schools`: a school missing there has none.
        var complete = false
        /// The school of each group asked about (a teacher's scope is their groups).
        var groupSchools: [UUID: UUID] = [:]
        /// Several schools' students in list order, by the schools (sorted ids).
        var merged: [[UUID]: [ListedStudent]] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// Merged orders kept per version; beyond this the oldest go first.
    private static let mergedLimit = 32

    /// The students a viewer's list is drawn from, in list order: every student of each school the viewer's
    /// scope (and the school filter) can reach. The caller narrows them to the scope itself.
    func candidates(for viewer: Viewer, schoolID: UUID?, version: Int64, on sql: any SQLDatabase) async throws -> [ListedStudent] {
        let label = state.withLockedValue { state -> Int64 in
            if version > state.version { state = State(version: version) }
            return state.version
        }
        let wanted: Set<UUID>?
        switch AccessPolicy.studentScope(viewer.role) {
        case .none:
            return []
        case .all:
            wanted = schoolID.map { [$0] }
        case .ownSchools, .consentOrCase:
            wanted = viewer.schoolIDs.filter { schoolID == nil || $0 == schoolID }
        case .ownGroups:
            let schools = try await schoolsOf(groups: viewer.groupIDs, label: label, on: sql)
            wanted = schools.filter { schoolID == nil || $0 == schoolID }
        }
        if let wanted, wanted.isEmpty { return [] }
        let schools = try await load(wanted, label: label, on: sql)
        if schools.count == 1 { return schools.values.first! }
        let key = schools.keys.sorted { $0.uuidString < $1.uuidString }
        if let merged = state.withLockedValue({ $0.version == label ? $0.merged[key] : nil }) { return merged }
        let merged = schools.values.joined().sorted(by: StudentListing.precedes)
        state.withLockedValue { state in
            guard state.version == label else { return }
            if state.merged.count >= Self.mergedLimit { state.merged.removeAll() }
            state.merged[key] = merged
        }
        return merged
    }

    /// The students of the wanted schools (nil: every school), from memory or read now.
    private func load(_ wanted: Set<UUID>?, label: Int64, on sql: any SQLDatabase) async throws -> [UUID: [ListedStudent]] {
        var found: [UUID: [ListedStudent]] = [:]
        let missing: Set<UUID>? = state.withLockedValue { state in
            guard state.version == label else { return wanted }
            if let wanted {
                var missing = Set<UUID>()
                for school in wanted {
                    if let students = state.schools[school] { found[school] = students }
                    else if state.complete { found[school] = [] }
                    else { missing.insert(school) }
                }
                return missing
            }
            if state.complete { found = state.schools; return [] }
            return nil
        }
        if let missing, missing.isEmpty { return found }
        let read = try await Self.read(schools: missing, on: sql)
        state.withLockedValue { state in
            guard state.version == label else { return }
            state.schools.merge(read) { _, new in new }
            if missing == nil { state.complete = true }
        }
        found.merge(read) { _, new in new }
        return found
    }

    /// The schools the groups belong to, from memory or read now.
    private func schoolsOf(groups: Set<UUID>, label: Int64, on sql: any SQLDatabase) async throws -> Set<UUID> {
        var schools = Set<UUID>()
        let missing = state.withLockedValue { state -> [UUID] in
            let known = state.version == label ? state.groupSchools : [:]
            return groups.filter { group in
                guard let school = known[group] else { return true }
                schools.insert(school)
                return false
            }
        }
        guard !missing.isEmpty else { return schools }
        let rows = try await sql.raw("SELECT id, school_id FROM school_groups WHERE id IN (\(binds: missing))").all()
        let read = try rows.map { (try $0.uuid("id"), try $0.uuid("school_id")) }
        state.withLockedValue { state in
            guard state.version == label else { return }
            for (group, school) in read { state.groupSchools[group] = school }
        }
        return schools.union(read.map(\.1))
    }

    /// Reads the students of the schools (nil: all), each school's in list order. A school without students
    /// gets an empty list, so it is not read again.
    static func read(schools: Set<UUID>?, on sql: any SQLDatabase) async throws -> [UUID: [ListedStudent]] {
        let condition: SQLQueryString = schools.map { "WHERE s.school_id IN (\(binds: Array($0)))" } ?? ""
        let rows = try await sql.raw("""
            SELECT s.id, s.school_id, s.group_id, s.number, s.first_name, s.particle, s.last_name, s.sort_name, s.search_text,
                   s.birth_date, g.name AS group_name, sc.name AS school_name
            FROM students s LEFT JOIN school_groups g ON g.id = s.group_id JOIN schools sc ON sc.id = s.school_id \(condition)
            """).all()
        var bySchool: [UUID: [ListedStudent]] = [:]
        for school in schools ?? [] { bySchool[school] = [] }
        // Group and school names are shared between the students that carry them.
        var names: [String: String] = [:]
        func shared(_ name: String) -> String {
            if let known = names[name] { return known }
            names[name] = name
            return name
        }
        for row in rows {
            let student = ListedStudent(
                id: try row.uuid("id"), schoolID: try row.uuid("school_id"), groupID: try row.optionalUUID("group_id"),
                number: try row.decode(column: "number", as: String.self),
                name: try row.personName(),
                sortName: try row.decode(column: "sort_name", as: String.self),
                searchText: try row.decode(column: "search_text", as: String.self),
                birthDate: try row.decode(column: "birth_date", as: String.self),
                group: try row.decode(column: "group_name", as: String?.self).map(shared),
                school: shared(try row.decode(column: "school_name", as: String.self)))
            bySchool[student.schoolID, default: []].append(student)
        }
        for (school, students) in bySchool { bySchool[school] = students.sorted(by: StudentListing.precedes) }
        return bySchool
    }

    /// The directory's version as the database has it now (for callers without a session that read it).
    static func currentVersion(on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT version FROM directory_version WHERE id = 1").first(decodingColumn: "version", as: Int64.self) ?? 0
    }
}

struct StudentListCacheKey: StorageKey { typealias Value = StudentListCache }

extension Application {
    var studentLists: StudentListCache {
        get { storage[StudentListCacheKey.self]! }
        set { storage[StudentListCacheKey.self] = newValue }
    }
}
