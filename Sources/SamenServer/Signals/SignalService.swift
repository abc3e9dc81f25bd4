import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct DecisionJSON: Content, Sendable {
    var id: UUID
    var decision: String
    var tier_before: Int
    var tier_after: Int
    var review_by: String?
    var note: String
    var decided_by: String
    var owner: String?
    var decided_at: Date
}

/// A signal: which rule fired for which student, on which figures.
struct SignalJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var student_id: UUID
    var student: String
    var number: String
    var group: String?
    var rule: String
    var period: String
    var fired_on: String
    var figures: [String]
    /// The rule's finding in words, in the asker's language.
    var message: String
    var due_by: String?
    var status: String
    var raised_at: Date
    /// The student's tier now (from the latest recorded decision; 1 without one).
    var tier: Int
    /// The review date of the latest decision.
    var review_by: String?
    var decisions: [DecisionJSON]?
}

/// Runs the decision rules over a school's data and stores what fires as
/// signals: one per student, rule and period, so running again raises nothing twice.
struct RuleEngine {
    let sql: any SQLDatabase
    /// The Fluent database, for transactions; nil on the incident batcher's own connection (which manages its own).
    private let fluent: (any Database)?

    init(db: any Database) {
        fluent = db
        sql = db as! any SQLDatabase
    }

    init(sql: any SQLDatabase) {
        fluent = nil
        self.sql = sql
    }

    /// The school's thresholds, or the defaults.
    func thresholds(schoolID: UUID) async throws -> DecisionThresholds {
        guard let json = try await sql.select().column("thresholds").from("rule_settings").where("school_id", .equal, SQLBind(schoolID))
            .first(decodingColumn: "thresholds", as: String.self) else { return DecisionThresholds() }
        return (try? JSONDecoder().decode(DecisionThresholds.self, from: Data(json.utf8))) ?? DecisionThresholds()
    }

    func saveThresholds(_ thresholds: DecisionThresholds, schoolID: UUID, now: Date = Date()) async throws {
        let json = String(decoding: try JSONEncoder().encode(thresholds), as: UTF8.self)
        guard let fluent else { preconditionFailure("thresholds are saved through a Fluent database") }
        try await fluent.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.delete(from: "rule_settings").where("school_id", .equal, SQLBind(schoolID)).run()
            try await sql.insert(into: "rule_settings").columns("id", "school_id", "thresholds", "updated_at")
                .values(SQLBind(UUID()), SQLBind(schoolID), SQLBind(json), SQLBind(now)).run()
        }
    }

    /// Evaluates the incident rules for a school's current school year (for
    /// some students, or all); returns how many new signals were raised.
    @discardableResult
    func evaluate(schoolID: UUID, studentIDs: [UUID]? = nil, today: LocalDate = .today(), now: Date = Date()) async throws -> Int {
        try await insert(try await incidentFindings(schoolID: schoolID, studentIDs: studentIDs, today: today), schoolID: schoolID, now: now)
    }

    /// The incident rules' findings not raised yet, for some students or all
    /// (a new incident's are read inside its write, so it counts itself).
    func incidentFindings(schoolID: UUID, studentIDs: [UUID]? = nil,
                          today: LocalDate = .today()) async throws -> [(student: UUID, finding: RuleFinding)] {
        if let studentIDs, studentIDs.isEmpty { return [] }
        let thresholds = try await thresholds(schoolID: schoolID)
        let year = SchoolYearPeriod.containing(today)
        // A few students: from their links (index on student and year). The whole school: from the
        // school's incidents of the year (the dashboard's index), then their links.
        let query: SQLQueryString
        if let studentIDs {
            query = """
                SELECT x.student_id, i.date FROM incident_students x JOIN incidents i ON i.id = x.incident_id
                WHERE x.student_id IN (\(binds: studentIDs)) AND x.school_year = \(bind: year.name) AND i.school_id = \(bind: schoolID)
                AND i.status = 'complete' AND i.date <= \(bind: today.iso)
                """
        } else {
            query = """
                SELECT x.student_id, i.date FROM incidents i JOIN incident_students x ON x.incident_id = i.id
                WHERE i.school_id = \(bind: schoolID) AND i.school_year = \(bind: year.name) AND i.status = 'complete' AND i.date <= \(bind: today.iso)
                """
        }
        var dates: [UUID: [LocalDate]] = [:]
        for row in try await sql.raw(query).all() {
            guard let date = LocalDate(iso: try row.decode(column: "date", as: String.self)) else { continue }
            dates[try row.decode(column: "student_id", as: UUID.self), default: []].append(date)
        }
        var findings: [(UUID, RuleFinding)] = []
        for (student, list) in dates {
            for finding in IncidentRules.findings(incidentDates: list, year: year, today: today, thresholds) { findings.append((student, finding)) }
        }
        return try await unraised(findings)
    }

    /// Stores findings as open signals, skipping those already raised
    /// (read first, so a run that finds nothing new writes nothing); returns how many are new.
    func raise(_ findings: [(student: UUID, finding: RuleFinding)], schoolID: UUID, now: Date) async throws -> Int {
        try await insert(try await unraised(findings), schoolID: schoolID, now: now)
    }

    /// The findings whose signal (student, rule, period) does not exist yet.
    func unraised(_ findings: [(student: UUID, finding: RuleFinding)]) async throws -> [(student: UUID, finding: RuleFinding)] {
        guard !findings.isEmpty else { return [] }
        var existing = Set<String>()
        let students = Array(Set(findings.map(\.student)))
        for chunk in stride(from: 0, to: students.count, by: 500) {
            for row in try await sql.select().columns("student_id", "rule", "period").from("signals")
                .where("student_id", .in, SQLBind.group(Array(students[chunk..<min(chunk + 500, students.count)]))).all() {
                existing.insert("\(try row.decode(column: "student_id", as: UUID.self))|\(try row.decode(column: "rule", as: String.self))|\(try row.decode(column: "period", as: String.self))")
            }
        }
        return findings.filter { !existing.contains("\($0.student)|\($0.finding.rule.rawValue)|\($0.finding.period)") }
    }

    /// Writes findings as open signals; one raised meanwhile by another request is kept once (unique index).
    func insert(_ fresh: [(student: UUID, finding: RuleFinding)], schoolID: UUID, now: Date) async throws -> Int {
        for chunk in stride(from: 0, to: fresh.count, by: 500) {
            let insert = sql.insert(into: "signals").columns("id", "school_id", "student_id", "rule", "period", "fired_on", "figures", "due_by", "status", "raised_at")
            for (student, finding) in fresh[chunk..<min(chunk + 500, fresh.count)] {
                let figures = String(decoding: try JSONEncoder().encode(finding.figures), as: UTF8.self)
                insert.values(SQLBind(UUID()), SQLBind(schoolID), SQLBind(student), SQLBind(finding.rule.rawValue), SQLBind(finding.period),
                              SQLBind(finding.date.iso), SQLBind(figures), SQLBind(finding.dueBy?.iso), SQLBind(SignalStatus.open.rawValue), SQLBind(now))
            }
            // Another request may have raised the same signal meanwhile: the unique index keeps one.
            try await insert.ignoringConflicts(with: ["student_id", "rule", "period"]).run()
        }
        return fresh.count
    }

}

/// Signals and the team's decisions, within the scope of the person asking.
struct SignalService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The WHERE clause limiting signals (alias `sg`, student `st`) to a viewer's scope.
    static func scope(_ viewer: Viewer) -> SQLQueryString? {
        switch AccessPolicy.studentScope(viewer.role) {
        case .all: return "1 = 1"
        case .ownSchools:
            guard !viewer.schoolIDs.isEmpty else { return nil }
            return "sg.school_id IN (\(binds: Array(viewer.schoolIDs)))"
        case .ownGroups:
            guard !viewer.groupIDs.isEmpty else { return nil }
            return "st.group_id IN (\(binds: Array(viewer.groupIDs)))"
        case .consentOrCase:
            let students = viewer.consentedStudents(for: .signals)
            guard !students.isEmpty else { return nil }
            return "sg.student_id IN (\(binds: students))"
        case .none: return nil
        }
    }

    struct Filter {
        var schoolID: UUID?
        var studentID: UUID?
        var statuses: [SignalStatus] = []
        /// Only signals whose latest decision is to be reviewed on or before this date.
        var reviewDueBy: LocalDate?
        var limit = 200
    }

    static let latestReview: SQLQueryString = "(SELECT d.review_by FROM decisions d WHERE d.signal_id = sg.id ORDER BY d.decided_at DESC LIMIT 1)"
    static let currentTier: SQLQueryString = "(SELECT d.tier_after FROM decisions d WHERE d.student_id = sg.student_id ORDER BY d.decided_at DESC LIMIT 1)"

    /// Signals within scope: open ones oldest first (they have waited longest), others by review date.
    func list(for viewer: Viewer, filter: Filter, language: Language) async throws -> [SignalJSON] {
        guard var condition = Self.scope(viewer) else { return [] }
        if let school = filter.schoolID { condition += " AND sg.school_id = \(bind: school)" }
        if let student = filter.studentID { condition += " AND sg.student_id = \(bind: student)" }
        if !filter.statuses.isEmpty { condition += " AND sg.status IN (\(binds: filter.statuses.map(\.rawValue)))" }
        if let due = filter.reviewDueBy { condition += " AND " + Self.latestReview + " <= \(bind: due.iso)" }
        let rows = try await sql.raw("""
            SELECT sg.id, sg.school_id, sg.student_id, sg.rule, sg.period, sg.fired_on, sg.figures, sg.due_by, sg.status, sg.raised_at,
                   st.number, st.first_name, st.particle, st.last_name, g.name AS group_name,
                   \(Self.latestReview) AS review_by, \(Self.currentTier) AS tier
            FROM signals sg JOIN students st ON st.id = sg.student_id LEFT JOIN school_groups g ON g.id = st.group_id
            WHERE \(condition)
            ORDER BY CASE WHEN sg.status = 'open' THEN 0 ELSE 1 END, CASE WHEN sg.status = 'open' THEN sg.fired_on ELSE \(Self.latestReview) END, sg.id
            LIMIT \(literal: min(max(1, filter.limit), 1000))
            """).all()
        return try rows.map { try signal($0, language: language) }
    }

    /// How many signals within scope match the filter.
    func count(for viewer: Viewer, filter: Filter) async throws -> Int {
        guard var condition = Self.scope(viewer) else { return 0 }
        if let school = filter.schoolID { condition += " AND sg.school_id = \(bind: school)" }
        if !filter.statuses.isEmpty { condition += " AND sg.status IN (\(binds: filter.statuses.map(\.rawValue)))" }
        if let due = filter.reviewDueBy { condition += " AND " + Self.latestReview + " <= \(bind: due.iso)" }
        return try await sql.raw("SELECT COUNT(*) AS n FROM signals sg JOIN students st ON st.id = sg.student_id WHERE " + condition)
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    func signal(_ row: SQLRow, language: Language) throws -> SignalJSON {
        let rule = try row.decode(column: "rule", as: String.self)
        let figures = (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "figures", as: String.self).utf8))) ?? []
        let finding = RuleFinding.Rule(rawValue: rule).map {
            RuleFinding(rule: $0, date: LocalDate(iso: (try? row.decode(column: "fired_on", as: String.self)) ?? "") ?? .today(), figures: figures)
        }
        let name = PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                              last: try row.decode(column: "last_name", as: String.self))
        return SignalJSON(
            id: try row.decode(column: "id", as: UUID.self), school_id: try row.decode(column: "school_id", as: UUID.self),
            student_id: try row.decode(column: "student_id", as: UUID.self), student: name.display,
            number: try row.decode(column: "number", as: String.self), group: try row.decode(column: "group_name", as: String?.self),
            rule: rule, period: try row.decode(column: "period", as: String.self), fired_on: try row.decode(column: "fired_on", as: String.self),
            figures: figures, message: finding.map { Catalogue.text($0.key, language, $0.displayFigures(language)) } ?? rule,
            due_by: try row.decode(column: "due_by", as: String?.self), status: try row.decode(column: "status", as: String.self),
            raised_at: try row.decode(column: "raised_at", as: Date.self), tier: try row.decode(column: "tier", as: Int?.self) ?? 1,
            review_by: try row.decode(column: "review_by", as: String?.self), decisions: nil)
    }

    /// One signal with its decisions, if in scope; 404 otherwise.
    func signal(_ id: UUID, for viewer: Viewer, language: Language) async throws -> SignalJSON {
        guard let scope = Self.scope(viewer),
              let row = try await sql.raw("""
                SELECT sg.id, sg.school_id, sg.student_id, sg.rule, sg.period, sg.fired_on, sg.figures, sg.due_by, sg.status, sg.raised_at,
                       st.number, st.first_name, st.particle, st.last_name, g.name AS group_name,
                       \(Self.latestReview) AS review_by, \(Self.currentTier) AS tier
                FROM signals sg JOIN students st ON st.id = sg.student_id LEFT JOIN school_groups g ON g.id = st.group_id
                WHERE sg.id = \(bind: id) AND \(scope)
                """).first() else { throw SamenError.notFound }
        var signal = try signal(row, language: language)
        signal.decisions = try await decisions(signalID: id)
        return signal
    }

    func decisions(signalID: UUID) async throws -> [DecisionJSON] {
        try await sql.raw("""
            SELECT d.id, d.decision, d.tier_before, d.tier_after, d.review_by, d.note, d.decided_at,
                   a.first_name, a.particle, a.last_name, o.first_name AS o_first, o.particle AS o_particle, o.last_name AS o_last
            FROM decisions d JOIN accounts a ON a.id = d.decided_by LEFT JOIN accounts o ON o.id = d.owner_id
            WHERE d.signal_id = \(bind: signalID) ORDER BY d.decided_at DESC
            """).all().map { row in
            let owner = try row.decode(column: "o_first", as: String?.self).map { first in
                PersonName(first: first, particle: (try? row.decode(column: "o_particle", as: String.self)) ?? "",
                           last: (try? row.decode(column: "o_last", as: String.self)) ?? "").display
            }
            return DecisionJSON(id: try row.decode(column: "id", as: UUID.self), decision: try row.decode(column: "decision", as: String.self),
                                tier_before: try row.decode(column: "tier_before", as: Int.self), tier_after: try row.decode(column: "tier_after", as: Int.self),
                                review_by: try row.decode(column: "review_by", as: String?.self), note: try row.decode(column: "note", as: String.self),
                                decided_by: PersonName(first: try row.decode(column: "first_name", as: String.self),
                                                       particle: try row.decode(column: "particle", as: String.self),
                                                       last: try row.decode(column: "last_name", as: String.self)).display,
                                owner: owner, decided_at: try row.decode(column: "decided_at", as: Date.self))
        }
    }

    /// The student's tier: the latest decision's, else Tier I. Only a recorded decision changes it.
    func tier(studentID: UUID) async throws -> Tier {
        let n = try await sql.raw("SELECT d.tier_after FROM decisions d WHERE d.student_id = \(bind: studentID) ORDER BY d.decided_at DESC LIMIT 1")
            .first(decodingColumn: "tier_after", as: Int.self)
        return n.flatMap(Tier.init(rawValue:)) ?? .one
    }

    /// Records the team's decision on a signal and moves the signal on.
    func decide(_ signal: SignalJSON, _ fields: DecisionFields, ownerID: UUID?, by user: CurrentUser, meetingID: UUID? = nil,
                now: Date = Date()) async throws -> UUID {
        if let ownerID {
            let staff = try await sql.select().column("account_id").from("account_schools")
                .where("account_id", .equal, SQLBind(ownerID)).where("school_id", .equal, SQLBind(signal.school_id)).first()
            guard staff != nil else { throw SamenError.invalid("decision_bad_owner", field: "owner_id") }
        }
        let id = UUID()
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            let before = try await SignalService(db: db).tier(studentID: signal.student_id)
            try await sql.insert(into: "decisions")
                .columns("id", "signal_id", "student_id", "decision", "tier_before", "tier_after", "review_by", "note", "decided_by", "owner_id",
                         "decided_at", "meeting_id")
                .values(SQLBind(id), SQLBind(signal.id), SQLBind(signal.student_id), SQLBind(fields.kind.rawValue), SQLBind(before.rawValue),
                        SQLBind(fields.tierAfter.rawValue), SQLBind(fields.reviewBy?.iso), SQLBind(fields.note), SQLBind(user.accountID),
                        SQLBind(ownerID), SQLBind(now), SQLBind(meetingID))
                .run()
            try await sql.update("signals").set("status", to: SQLBind(fields.kind.signalStatus.rawValue)).where("id", .equal, SQLBind(signal.id)).run()
            // Deciding to fade starts the fading path of the student's running Check-In/Check-Out.
            if fields.kind == .fade {
                try await sql.update("enrolments").set("fading_on", to: SQLBind(LocalDate.today(now: now).iso))
                    .where("student_id", .equal, SQLBind(signal.student_id)).where("status", .equal, SQLBind("active"))
                    .where("fading_on", .is, SQLLiteral.null).run()
            }
        }
        return id
    }
}

extension Request {
    var signals: SignalService { SignalService(db: db) }
    var rules: RuleEngine { RuleEngine(db: db) }
}
