import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct LabelRef: Content, Sendable { var id: UUID; var text: String }

struct IncidentStudentJSON: Content, Sendable {
    var student_id: UUID
    var name: String
    var number: String
    var group: String?
    var role: String
}

/// An incident as the API and pages show it.
struct IncidentJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var school_year: String
    var date: String
    var time: String
    var behaviour: LabelRef
    var location: LabelRef
    var motivation: LabelRef?
    var action: LabelRef?
    var managed_by: String
    var others_involved: String
    var note: String
    var status: String
    var reporter_id: UUID
    var reporter: String
    var students: [IncidentStudentJSON]
}

/// What is recorded about an incident, checked and ready to store.
struct IncidentInput: Sendable {
    var fields: IncidentFields
    var students: [(id: UUID, role: IncidentRole)]
    var behaviourID: UUID?
    var locationID: UUID?
    var motivationID: UUID?
    var actionID: UUID?
}

/// A recognition as the API and pages show it.
struct RecognitionJSON: Content, Sendable {
    var id: UUID
    var student_id: UUID
    var student: String
    var date: String
    var time: String
    var expectation: LabelRef
    var note: String
    var staff: String
}

/// A checked incident on its way to the database.
struct PendingIncident: Sendable {
    var id: UUID
    var schoolID: UUID
    var input: IncidentInput
    var status: IncidentStatus
    var reporterID: UUID
    var now: Date
}

/// Incidents and recognitions: recorded, read and moved through their
/// workflow, always within the scope of the person asking.
struct IncidentService {
    let db: Database
    /// Writes new incidents in batches on SQLite (see `IncidentBatcher`).
    var batcher: IncidentBatcher? = nil
    var sql: any SQLDatabase { db as! any SQLDatabase }

    struct Filter {
        var schoolID: UUID?
        var studentID: UUID?
        var status: IncidentStatus?
        var from: LocalDate?
        var to: LocalDate?
        var page = 1
        var perPage = 50
    }

    /// The WHERE clause limiting incidents (alias `i`) to a viewer's scope;
    /// nil when the viewer sees none. A teacher sees what they recorded and
    /// what involves a student of their own groups.
    static func scope(_ viewer: Viewer) -> SQLQueryString? {
        switch AccessPolicy.studentScope(viewer.role) {
        case .all:
            return "1 = 1"
        case .ownSchools:
            guard !viewer.schoolIDs.isEmpty else { return nil }
            return "i.school_id IN (\(binds: Array(viewer.schoolIDs)))"
        case .ownGroups:
            var clause: SQLQueryString = "(i.reporter_id = \(bind: viewer.accountID)"
            if !viewer.groupIDs.isEmpty {
                clause += " OR EXISTS (SELECT 1 FROM incident_students x JOIN students xs ON xs.id = x.student_id WHERE x.incident_id = i.id AND xs.group_id IN (\(binds: Array(viewer.groupIDs))))"
            }
            return clause + ")"
        case .consentOrCase, .none:
            return nil
        }
    }

    /// Incidents within the viewer's scope, newest first.
    func list(for viewer: Viewer, filter: Filter, language: Language) async throws -> Page<IncidentJSON> {
        let page = min(max(1, filter.page), 100_000)
        let perPage = min(max(1, filter.perPage), 500)
        guard var condition = Self.scope(viewer) else { return Page(items: [], total: 0, page: page, per_page: perPage) }
        if let school = filter.schoolID { condition += " AND i.school_id = \(bind: school)" }
        if let status = filter.status { condition += " AND i.status = \(bind: status.rawValue)" }
        else { condition += " AND i.status <> 'withdrawn'" }
        if let from = filter.from { condition += " AND i.date >= \(bind: from.iso)" }
        if let to = filter.to { condition += " AND i.date <= \(bind: to.iso)" }
        if let student = filter.studentID {
            condition += " AND EXISTS (SELECT 1 FROM incident_students y WHERE y.incident_id = i.id AND y.student_id = \(bind: student))"
        }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM incidents i WHERE " + condition).first(decodingColumn: "n", as: Int.self) ?? 0
        let ids = try await sql.raw("SELECT i.id FROM incidents i WHERE " + condition
                                    + " ORDER BY i.date DESC, i.minute DESC, i.id LIMIT \(literal: perPage) OFFSET \(literal: (page - 1) * perPage)")
            .all().map { try $0.decode(column: "id", as: UUID.self) }
        return Page(items: try await load(ids, language: language), total: total, page: page, per_page: perPage)
    }

    /// One incident, if the viewer's scope reaches it; 404 otherwise.
    func incident(_ id: UUID, for viewer: Viewer, language: Language) async throws -> IncidentJSON {
        guard let scope = Self.scope(viewer),
              try await sql.raw("SELECT i.id FROM incidents i WHERE i.id = \(bind: id) AND " + scope).first() != nil,
              let incident = try await load([id], language: language).first else { throw SamenError.notFound }
        return incident
    }

    /// Incidents with their labels, reporter and students, in the order of `ids`.
    func load(_ ids: [UUID], language: Language) async throws -> [IncidentJSON] {
        guard !ids.isEmpty else { return [] }
        let text = "text_" + language.rawValue // the label column in the asker's language
        let rows = try await sql.raw("""
            SELECT i.id, i.school_id, i.school_year, i.date, i.minute, i.managed_by, i.others_involved, i.note, i.status, i.reporter_id,
                   b.id AS b_id, b.\(unsafeRaw: text) AS b_text, l.id AS l_id, l.\(unsafeRaw: text) AS l_text,
                   m.id AS m_id, m.\(unsafeRaw: text) AS m_text, a.id AS a_id, a.\(unsafeRaw: text) AS a_text,
                   r.first_name, r.particle, r.last_name
            FROM incidents i
            JOIN labels b ON b.id = i.behaviour_id
            JOIN labels l ON l.id = i.location_id
            LEFT JOIN labels m ON m.id = i.motivation_id
            LEFT JOIN labels a ON a.id = i.action_id
            JOIN accounts r ON r.id = i.reporter_id
            WHERE i.id IN (\(binds: ids))
            """).all()
        let studentRows = try await sql.raw("""
            SELECT x.incident_id, x.role, s.id, s.number, s.first_name, s.particle, s.last_name, g.name AS group_name
            FROM incident_students x JOIN students s ON s.id = x.student_id LEFT JOIN school_groups g ON g.id = s.group_id
            WHERE x.incident_id IN (\(binds: ids))
            """).all()
        var students: [UUID: [IncidentStudentJSON]] = [:]
        for row in studentRows {
            let name = PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                  last: try row.decode(column: "last_name", as: String.self))
            students[try row.decode(column: "incident_id", as: UUID.self), default: []].append(
                IncidentStudentJSON(student_id: try row.decode(column: "id", as: UUID.self), name: name.display,
                                    number: try row.decode(column: "number", as: String.self),
                                    group: try row.decode(column: "group_name", as: String?.self), role: try row.decode(column: "role", as: String.self)))
        }
        func ref(_ row: SQLRow, _ prefix: String) throws -> LabelRef? {
            guard let id = try row.decode(column: prefix + "_id", as: UUID?.self) else { return nil }
            return LabelRef(id: id, text: try row.decode(column: prefix + "_text", as: String.self))
        }
        var byID: [UUID: IncidentJSON] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let reporter = PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                      last: try row.decode(column: "last_name", as: String.self))
            byID[id] = IncidentJSON(
                id: id, school_id: try row.decode(column: "school_id", as: UUID.self), school_year: try row.decode(column: "school_year", as: String.self),
                date: try row.decode(column: "date", as: String.self),
                time: TimeOfDay(minutes: try row.decode(column: "minute", as: Int.self))?.text ?? "",
                behaviour: try ref(row, "b")!, location: try ref(row, "l")!, motivation: try ref(row, "m"), action: try ref(row, "a"),
                managed_by: try row.decode(column: "managed_by", as: String.self), others_involved: try row.decode(column: "others_involved", as: String.self),
                note: try row.decode(column: "note", as: String.self), status: try row.decode(column: "status", as: String.self),
                reporter_id: try row.decode(column: "reporter_id", as: UUID.self), reporter: reporter.display,
                students: (students[id] ?? []).sorted { ($0.role == "involved" ? 0 : 1, $0.name) < ($1.role == "involved" ? 0 : 1, $1.name) })
        }
        return ids.compactMap { byID[$0] }
    }

    // MARK: Recording

    /// The students named, checked in one query: every one exists, lies in
    /// one of `allowed` schools (nil: any), is still enrolled on the date,
    /// and all share one school (that of `expected`, when given). A problem
    /// names the student's place in the list (`students.2`).
    /// `labelIDs` are read in the same query (for `create`'s `labels:`), saving a round trip when an incident is recorded.
    func checkStudents(_ ids: [UUID], on date: LocalDate?, schoolID expected: UUID?, allowed: Set<UUID>? = nil,
                       labelIDs: [UUID] = []) async throws -> (school: UUID, students: [IncidentStudentJSON], labels: [UUID: LabelService.Row]) {
        guard !ids.isEmpty else { throw SamenError.invalid("incident_student_required", field: "students") }
        guard ids.count <= IncidentFields.maxStudents else {
            throw SamenError.invalid("incident_too_many_students", field: "students", [String(IncidentFields.maxStudents)])
        }
        guard Set(ids).count == ids.count else { throw SamenError.invalid("incident_student_twice", field: "students") }
        var found: [UUID: (school: UUID, left: String?, json: IncidentStudentJSON)] = [:]
        var labels: [UUID: LabelService.Row] = [:]
        var query: SQLQueryString = """
            SELECT 's' AS what, s.id, s.school_id, s.left_on, s.number, s.first_name, s.particle, s.last_name, g.name AS group_name
            FROM students s LEFT JOIN school_groups g ON g.id = s.group_id WHERE s.id IN (\(binds: ids))
            """
        if !labelIDs.isEmpty {
            // A label row in the students' columns: left_on says archived, number the kind,
            // first_name and last_name the Dutch and English texts.
            query += """

                UNION ALL SELECT 'l', l.id, l.school_id, CASE WHEN l.archived THEN 'archived' ELSE NULL END, l.kind, l.text_nl, '', l.text_en, NULL
                FROM labels l WHERE l.id IN (\(binds: labelIDs))
                """
        }
        for row in try await sql.raw(query).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            if try row.decode(column: "what", as: String.self) == "l" {
                labels[id] = LabelService.Row(school: try row.decode(column: "school_id", as: UUID.self), kind: try row.decode(column: "number", as: String.self),
                                              archived: try row.decode(column: "left_on", as: String?.self) != nil,
                                              nl: try row.decode(column: "first_name", as: String.self), en: try row.decode(column: "last_name", as: String.self))
                continue
            }
            let name = PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                  last: try row.decode(column: "last_name", as: String.self))
            found[id] = (try row.decode(column: "school_id", as: UUID.self), try row.decode(column: "left_on", as: String?.self),
                         IncidentStudentJSON(student_id: id, name: name.display, number: try row.decode(column: "number", as: String.self),
                                             group: try row.decode(column: "group_name", as: String?.self), role: IncidentRole.involved.rawValue))
        }
        var school = expected
        var students: [IncidentStudentJSON] = []
        for (i, id) in ids.enumerated() {
            let field = ids.count == 1 && expected == nil && allowed == nil ? "students" : "students.\(i)"
            guard let student = found[id], allowed?.contains(student.school) ?? true else { throw SamenError.invalid("incident_student_unknown", field: field) }
            if let left = student.left, let date, left < date.iso { throw SamenError.invalid("incident_student_left", field: field) }
            if school == nil { school = student.school }
            guard student.school == school else { throw SamenError.invalid("incident_students_one_school", field: "students") }
            students.append(student.json)
        }
        return (school!, students, labels)
    }

    /// Stores a new incident with its students; returns its id. A complete
    /// incident's signals are written in the same transaction: one commit,
    /// and the signal is there when the answer is.
    /// `labels`: the chosen labels when already read (by `checkStudents`), else they are read here.
    func create(_ input: IncidentInput, schoolID: UUID, reporterID: UUID, status: IncidentStatus, labels: [UUID: LabelService.Row]? = nil,
                now: Date = Date()) async throws -> (id: UUID, texts: [UUID: (nl: String, en: String)]) {
        let texts: [UUID: (nl: String, en: String)]
        if let labels {
            try Self.requireLabels(input)
            texts = try LabelService.verify(Self.choices(input), rows: labels, schoolID: schoolID)
        } else {
            texts = try await check(input, schoolID: schoolID, current: [])
        }
        let incident = PendingIncident(id: UUID(), schoolID: schoolID, input: input, status: status, reporterID: reporterID, now: now)
        if let batcher, !db.inTransaction { try await batcher.write(incident) } else { try await Self.store([incident], on: db) }
        return (incident.id, texts)
    }

    /// Writes incidents and their students in one transaction, then runs the
    /// incident rules for the students of the complete ones (reading inside
    /// the transaction, so two incidents of one student recorded at once
    /// are both counted).
    static func store(_ incidents: [PendingIncident], on db: any Database) async throws {
        guard !incidents.isEmpty else { return }
        try await db.transaction { db in try await write(incidents, sql: db as! any SQLDatabase) }
    }

    /// The statements of `store`, for a caller that holds the transaction.
    static func write(_ incidents: [PendingIncident], sql: any SQLDatabase) async throws {
        guard !incidents.isEmpty else { return }
        if sql.dialect.name == "postgresql" {
            // Transactions run side by side here: one per student at a time (in a fixed order, so
            // two never wait on each other), so each reads the other's incident before counting.
            for student in Set(incidents.flatMap { $0.input.students.map(\.id) }).sorted(by: { $0.uuidString < $1.uuidString }) {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: student.uuidString), 0))").run()
            }
        }
        let insert = sql.insert(into: "incidents")
            .columns("id", "school_id", "school_year", "date", "minute", "weekday", "behaviour_id", "location_id", "motivation_id", "action_id",
                     "managed_by", "others_involved", "note", "status", "reporter_id", "created_at", "updated_at")
        for p in incidents {
            let f = p.input.fields
            insert.values(SQLBind(p.id), SQLBind(p.schoolID), SQLBind(SchoolYearPeriod.containing(f.date).name), SQLBind(f.date.iso), SQLBind(f.time.minutes),
                          SQLBind(f.date.weekday), SQLBind(p.input.behaviourID!), SQLBind(p.input.locationID!), SQLBind(p.input.motivationID),
                          SQLBind(p.input.actionID), SQLBind(f.managedBy.rawValue), SQLBind(f.others.rawValue), SQLBind(f.note),
                          SQLBind(p.status.rawValue), SQLBind(p.reporterID), SQLBind(p.now), SQLBind(p.now))
        }
        try await insert.run()
        let links = sql.insert(into: "incident_students").columns("id", "incident_id", "student_id", "role", "school_year")
        for p in incidents {
            for student in p.input.students {
                links.values(SQLBind(UUID()), SQLBind(p.id), SQLBind(student.id), SQLBind(student.role.rawValue),
                             SQLBind(SchoolYearPeriod.containing(p.input.fields.date).name))
            }
        }
        try await links.run()
        let engine = RuleEngine(sql: sql)
        let complete = incidents.filter { $0.status == .complete }
        for (school, items) in Dictionary(grouping: complete, by: \.schoolID) {
            let students = Array(Set(items.flatMap { $0.input.students.map(\.id) }))
            _ = try await engine.insert(try await engine.incidentFindings(schoolID: school, studentIDs: students), schoolID: school, now: items[0].now)
        }
    }

    static func insertStudents(_ students: [(id: UUID, role: IncidentRole)], incident: UUID, schoolYear: String, on sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: "incident_students").columns("id", "incident_id", "student_id", "role", "school_year")
        for student in students {
            insert.values(SQLBind(UUID()), SQLBind(incident), SQLBind(student.id), SQLBind(student.role.rawValue), SQLBind(schoolYear))
        }
        try await insert.run()
    }

    static func requireLabels(_ input: IncidentInput) throws {
        guard input.behaviourID != nil else { throw SamenError.invalid("import_required", field: "behaviour_id") }
        guard input.locationID != nil else { throw SamenError.invalid("import_required", field: "location_id") }
    }

    static func choices(_ input: IncidentInput) -> [(field: String, kind: LabelKind, id: UUID?)] {
        [("behaviour_id", .behaviour, input.behaviourID), ("location_id", .location, input.locationID),
         ("motivation_id", .motivation, input.motivationID), ("action_id", .action, input.actionID)]
    }

    @discardableResult
    func check(_ input: IncidentInput, schoolID: UUID, current: Set<UUID>) async throws -> [UUID: (nl: String, en: String)] {
        try Self.requireLabels(input)
        return try await LabelService(db: db).check(Self.choices(input), schoolID: schoolID, keeping: current)
    }

    /// Replaces an incident's fields and students (the school stays).
    func update(_ id: UUID, _ input: IncidentInput, schoolID: UUID, current: IncidentJSON, now: Date = Date()) async throws {
        let currentLabels = Set([current.behaviour.id, current.location.id, current.motivation?.id, current.action?.id].compactMap { $0 })
        try await check(input, schoolID: schoolID, current: currentLabels)
        let f = input.fields
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.update("incidents")
                .set("school_year", to: SQLBind(SchoolYearPeriod.containing(f.date).name)).set("date", to: SQLBind(f.date.iso))
                .set("minute", to: SQLBind(f.time.minutes)).set("weekday", to: SQLBind(f.date.weekday))
                .set("behaviour_id", to: SQLBind(input.behaviourID!)).set("location_id", to: SQLBind(input.locationID!))
                .set("motivation_id", to: SQLBind(input.motivationID)).set("action_id", to: SQLBind(input.actionID))
                .set("managed_by", to: SQLBind(f.managedBy.rawValue)).set("others_involved", to: SQLBind(f.others.rawValue))
                .set("note", to: SQLBind(f.note)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).run()
            try await sql.delete(from: "incident_students").where("incident_id", .equal, SQLBind(id)).run()
            try await Self.insertStudents(input.students, incident: id, schoolYear: SchoolYearPeriod.containing(f.date).name, on: sql)
        }
    }

    /// Moves an incident to `status` if the workflow lets this person; 403 otherwise.
    func move(_ incident: IncidentJSON, to status: IncidentStatus, by user: CurrentUser, now: Date = Date()) async throws {
        guard let from = IncidentStatus(rawValue: incident.status) else { throw SamenError.notFound }
        guard from != status else { return }
        guard IncidentWorkflow.allows(user.role, isReporter: incident.reporter_id == user.accountID, from: from, to: status) else {
            throw SamenError(status: .forbidden, key: "incident_move_forbidden")
        }
        try await sql.update("incidents").set("status", to: SQLBind(status.rawValue)).set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(incident.id)).where("status", .equal, SQLBind(from.rawValue)).run()
    }

    /// The location this person picked most often in their last 20 incidents: the quick form's default.
    func usualLocation(of reporter: UUID, schoolID: UUID) async throws -> UUID? {
        try await sql.raw("""
            SELECT location_id, COUNT(*) AS n FROM (SELECT location_id FROM incidents WHERE reporter_id = \(bind: reporter) AND school_id = \(bind: schoolID)
            ORDER BY created_at DESC LIMIT 20) recent GROUP BY location_id ORDER BY n DESC LIMIT 1
            """).first(decodingColumn: "location_id", as: UUID.self)
    }

    // MARK: Recognitions

    func createRecognition(studentID: UUID, schoolID: UUID, date: LocalDate, time: TimeOfDay, expectationID: UUID, note: String,
                           staffID: UUID, now: Date = Date()) async throws -> UUID {
        try await LabelService(db: db).check([("expectation_id", .expectation, expectationID)], schoolID: schoolID)
        let id = UUID()
        try await sql.insert(into: "recognitions")
            .columns("id", "school_id", "school_year", "student_id", "date", "minute", "weekday", "expectation_id", "note", "staff_id", "created_at")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(SchoolYearPeriod.containing(date).name), SQLBind(studentID), SQLBind(date.iso),
                    SQLBind(time.minutes), SQLBind(date.weekday), SQLBind(expectationID), SQLBind(note), SQLBind(staffID), SQLBind(now))
            .run()
        return id
    }

    /// A student's recognitions, newest first.
    func recognitions(studentID: UUID, language: Language, limit: Int = 50) async throws -> [RecognitionJSON] {
        let text = "text_" + language.rawValue // the label column in the asker's language
        return try await sql.raw("""
            SELECT r.id, r.student_id, r.date, r.minute, r.note, e.id AS e_id, e.\(unsafeRaw: text) AS e_text,
                   s.first_name, s.particle, s.last_name, a.first_name AS a_first, a.particle AS a_particle, a.last_name AS a_last
            FROM recognitions r JOIN labels e ON e.id = r.expectation_id JOIN students s ON s.id = r.student_id JOIN accounts a ON a.id = r.staff_id
            WHERE r.student_id = \(bind: studentID) ORDER BY r.date DESC, r.minute DESC LIMIT \(literal: limit)
            """).all().map { row in
            RecognitionJSON(id: try row.decode(column: "id", as: UUID.self), student_id: try row.decode(column: "student_id", as: UUID.self),
                            student: PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                                last: try row.decode(column: "last_name", as: String.self)).display,
                            date: try row.decode(column: "date", as: String.self),
                            time: TimeOfDay(minutes: try row.decode(column: "minute", as: Int.self))?.text ?? "",
                            expectation: LabelRef(id: try row.decode(column: "e_id", as: UUID.self), text: try row.decode(column: "e_text", as: String.self)),
                            note: try row.decode(column: "note", as: String.self),
                            staff: PersonName(first: try row.decode(column: "a_first", as: String.self), particle: try row.decode(column: "a_particle", as: String.self),
                                              last: try row.decode(column: "a_last", as: String.self)).display)
        }
    }

    /// Students a person may record about in a school, as "Name (group, number)" choices for the quick form.
    func pickable(schoolID: UUID) async throws -> [(id: UUID, label: String, number: String)] {
        try await sql.raw("""
            SELECT s.id, s.number, s.first_name, s.particle, s.last_name, g.name AS group_name
            FROM students s LEFT JOIN school_groups g ON g.id = s.group_id
            WHERE s.school_id = \(bind: schoolID) AND s.left_on IS NULL ORDER BY s.sort_name, s.number
            """).all().map { row in
            let name = PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                  last: try row.decode(column: "last_name", as: String.self))
            let number = try row.decode(column: "number", as: String.self)
            let group = try row.decode(column: "group_name", as: String?.self)
            return (try row.decode(column: "id", as: UUID.self), "\(name.display) (\(group.map { $0 + ", " } ?? "")\(number))", number)
        }
    }
}

extension Request {
    var incidents: IncidentService { IncidentService(db: db, batcher: sqliteIncidentBatcher) }
}
