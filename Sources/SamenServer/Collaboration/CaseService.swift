import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct CaseStepJSON: Content, Sendable {
    var step: String
    var date: String
    /// Days since the step before (nil for the first).
    var days: Int?
    var note: String
}

struct CaseJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var student_id: UUID
    var student: String
    var type: String
    var lead_id: UUID
    var lead: String
    var organisation: String?
    var worker_id: UUID?
    var worker: String?
    var basis: String
    var signal_id: UUID?
    var note: String
    var closed_on: String?
    var next_step: String?
    var steps: [CaseStepJSON]
}

struct LeadTimeJSON: Content, Sendable {
    var month: String
    var step: String
    var median_days: Double
    var cases: Int
}

/// Cases ("casusregie"): a student's case with a lead, the organisation and
/// youth-care worker involved, the legal basis, and its steps with dates.
struct CaseService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    static let select: SQLQueryString = """
        SELECT c.*, s.first_name, s.particle, s.last_name, l.first_name AS l_first, l.particle AS l_particle, l.last_name AS l_last,
               w.first_name AS w_first, w.particle AS w_particle, w.last_name AS w_last, o.name AS organisation
        FROM cases c JOIN students s ON s.id = c.student_id JOIN accounts l ON l.id = c.lead_id
        LEFT JOIN accounts w ON w.id = c.worker_id LEFT JOIN organisations o ON o.id = c.organisation_id
        """

    /// The cases within the viewer's scope: the school's for staff who see the school, own groups' for
    /// a teacher, assigned ones for a youth-care worker.
    static func scope(_ viewer: Viewer) -> SQLQueryString? {
        switch viewer.role {
        case .admin: return "1 = 1"
        case .leader, .coordinator:
            guard !viewer.schoolIDs.isEmpty else { return nil }
            return "c.school_id IN (\(binds: Array(viewer.schoolIDs)))"
        case .teacher:
            guard !viewer.groupIDs.isEmpty else { return nil }
            return "s.group_id IN (\(binds: Array(viewer.groupIDs)))"
        case .youthworker: return "c.worker_id = \(bind: viewer.accountID)"
        case .region, .researcher: return nil
        }
    }

    func list(for viewer: Viewer, schoolID: UUID? = nil, studentID: UUID? = nil) async throws -> [CaseJSON] {
        guard var condition = Self.scope(viewer) else { return [] }
        if let schoolID { condition += " AND c.school_id = \(bind: schoolID)" }
        if let studentID { condition += " AND c.student_id = \(bind: studentID)" }
        let rows = try await sql.raw(Self.select + " WHERE " + condition + " ORDER BY c.opened_at DESC").all()
        let steps = try await self.steps(caseIDs: try rows.map { try $0.uuid("id") })
        return try rows.map { try caseJSON($0, steps: steps[try $0.uuid("id")] ?? []) }
    }

    func find(_ id: UUID, for viewer: Viewer) async throws -> CaseJSON {
        guard let condition = Self.scope(viewer), let row = try await sql.raw(Self.select + " WHERE c.id = \(bind: id) AND " + condition).first() else {
            throw SamenError.notFound
        }
        return try caseJSON(row, steps: try await steps(caseIDs: [id])[id] ?? [])
    }

    func steps(caseIDs: [UUID]) async throws -> [UUID: [(CaseStepDate, String)]] {
        guard !caseIDs.isEmpty else { return [:] }
        var result: [UUID: [(CaseStepDate, String)]] = [:]
        for row in try await sql.raw("""
            SELECT case_id, step, on_date, note FROM case_steps WHERE case_id IN (\(binds: caseIDs)) ORDER BY on_date, recorded_at
            """).all() {
            guard let step = CaseStep(rawValue: try row.decode(column: "step", as: String.self)),
                  let date = LocalDate(iso: try row.decode(column: "on_date", as: String.self)) else { continue }
            result[try row.uuid("case_id"), default: []].append((CaseStepDate(step: step, date: date), try row.decode(column: "note", as: String.self)))
        }
        return result
    }

    func caseJSON(_ r: SQLRow, steps: [(CaseStepDate, String)]) throws -> CaseJSON {
        func name(_ prefix: String) throws -> String? {
            guard let first = try r.decode(column: prefix + "first", as: String?.self) else { return nil }
            return PersonName(first: first, particle: try r.decode(column: prefix + "particle", as: String?.self) ?? "",
                              last: try r.decode(column: prefix + "last", as: String?.self) ?? "").display
        }
        let type = CaseType(rawValue: try r.decode(column: "type", as: String.self)) ?? .support
        var previous: LocalDate? = nil
        let stepLines = steps.map { taken, note -> CaseStepJSON in
            defer { previous = taken.date }
            return CaseStepJSON(step: taken.step.rawValue, date: taken.date.iso, days: previous.map { taken.date.dayNumber - $0.dayNumber }, note: note)
        }
        return CaseJSON(
            id: try r.uuid("id"), school_id: try r.uuid("school_id"), student_id: try r.uuid("student_id"),
            student: PersonName(first: try r.decode(column: "first_name", as: String.self), particle: try r.decode(column: "particle", as: String.self),
                                last: try r.decode(column: "last_name", as: String.self)).display,
            type: type.rawValue, lead_id: try r.uuid("lead_id"), lead: try name("l_") ?? "", organisation: try r.decode(column: "organisation", as: String?.self),
            worker_id: try r.optionalUUID("worker_id"), worker: try name("w_"), basis: try r.decode(column: "basis", as: String.self),
            signal_id: try r.optionalUUID("signal_id"), note: try r.decode(column: "note", as: String.self),
            closed_on: try r.decode(column: "closed_on", as: String?.self),
            next_step: CaseRules.next(type, taken: steps.map(\.0.step))?.rawValue, steps: stepLines)
    }

    /// Opens a case: its first step (the signal or request) on the day given.
    func open(_ fields: CaseFields, studentID: UUID, schoolID: UUID, signalID: UUID?, by accountID: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "cases")
                .columns("id", "school_id", "student_id", "type", "lead_id", "organisation_id", "worker_id", "basis", "signal_id", "note", "opened_by", "opened_at")
                .values(SQLBind(id), SQLBind(schoolID), SQLBind(studentID), SQLBind(fields.type.rawValue), SQLBind(fields.leadID), SQLBind(fields.organisationID),
                        SQLBind(fields.workerID), SQLBind(fields.basis.rawValue), SQLBind(signalID), SQLBind(fields.note), SQLBind(accountID), SQLBind(now))
                .run()
            try await CaseService(db: db).insertStep(caseID: id, step: .signal, date: fields.openedOn, note: "", by: accountID, now: now)
        }
        return id
    }

    private func insertStep(caseID: UUID, step: CaseStep, date: LocalDate, note: String, by accountID: UUID, now: Date) async throws {
        try await sql.insert(into: "case_steps").columns("id", "case_id", "step", "on_date", "note", "recorded_by", "recorded_at")
            .values(SQLBind(UUID()), SQLBind(caseID), SQLBind(step.rawValue), SQLBind(date.iso), SQLBind(note), SQLBind(accountID), SQLBind(now)).run()
    }

    /// Records the case's next step; the last one closes it.
    func record(_ step: CaseStep, on date: LocalDate, note: String, case c: CaseJSON, by accountID: UUID, today: LocalDate = .today(),
                now: Date = Date()) async throws {
        let type = CaseType(rawValue: c.type) ?? .support
        let taken = c.steps.compactMap { s in CaseStep(rawValue: s.step).flatMap { st in LocalDate(iso: s.date).map { CaseStepDate(step: st, date: $0) } } }
        if let problem = CaseRules.check(type, step: step, date: date, taken: taken, today: today).first {
            if problem.key == "case_step_out_of_order" && c.closed_on != nil { throw SamenError(status: .conflict, key: "case_closed") }
            throw SamenError.invalid(problem.key, field: problem.field, problem.arguments)
        }
        if note.count > 1000 { throw SamenError.invalid("import_too_long", field: "note", ["1000"]) }
        try await db.transaction { db in
            let service = CaseService(db: db)
            try await service.insertStep(caseID: c.id, step: step, date: date, note: note, by: accountID, now: now)
            if step == .closed {
                try await service.sql.update("cases").set("closed_on", to: SQLBind(date.iso)).where("id", .equal, SQLBind(c.id)).run()
            }
        }
    }

    /// Median days per step and per month the step was reached, for a school's cases (the last 12 months).
    func leadTimes(schoolID: UUID, today: LocalDate = .today()) async throws -> [LeadTimeJSON] {
        let ids = try await sql.raw("SELECT id, type FROM cases WHERE school_id = \(bind: schoolID)").all().map { try $0.uuid("id") }
        let steps = try await self.steps(caseIDs: ids)
        let since = String(today.adding(days: -365).iso.prefix(7))
        let medians = CaseRules.medianLeadTimes(steps.values.map { $0.map(\.0) })
        return medians.filter { $0.key > since }.flatMap { month, steps in
            steps.map { LeadTimeJSON(month: month, step: $0.key.rawValue, median_days: $0.value.median, cases: $0.value.n) }
        }.sorted { ($0.month, CaseStep.allCases.firstIndex(of: CaseStep(rawValue: $0.step)!)!) < ($1.month, CaseStep.allCases.firstIndex(of: CaseStep(rawValue: $1.step)!)!) }
    }

    /// Who may lead a case at a school (its coordinators, leaders and teachers, and linked youth-care workers),
    /// and which youth-care workers may be assigned.
    func people(schoolID: UUID) async throws -> (leads: [(UUID, String)], workers: [(UUID, String)]) {
        let all = try await TeamService(db: db).candidates(schoolID: schoolID)
        return (all.filter { $0.role != "teacher" }.map { ($0.id, $0.name) }, all.filter { $0.role == "youthworker" }.map { ($0.id, $0.name) })
    }
}

extension Request {
    var cases: CaseService { CaseService(db: db) }
}
