import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct AbsenceJSON: Content, Sendable {
    var id: UUID
    var student_id: UUID
    var student: String
    var number: String
    var date: String
    var hours: Double
    var periods: Int?
    var authorised: Bool
    var reason_code: String
    var exempt: Bool
    var source: String
}

struct AbsenceImportReport: Content, Sendable {
    var rows: Int
    var students: Int
    var signals_raised: Int
    var ignored_columns: [String]
}

/// A student in the thuiszitter register.
struct ThuiszitterJSON: Content, Sendable {
    var signal_id: UUID
    var student_id: UUID
    var student: String
    var group: String?
    var since: String
    /// School days absent without exemption up to today (0 once back at school).
    var school_days_absent: Int
    var back_at_school: Bool
    var status: String
    /// Who carries out the latest decision; nil when no one is working on it yet.
    var working_on_it: String?
    var review_by: String?
}

/// Absence: recorded (all or nothing), read within scope, and turned into
/// DUO-report and thuiszitter signals.
struct AbsenceService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// Stores checked rows for a school: student numbers must belong to it
    /// (else every unknown one is reported and nothing is written). A row for
    /// the same student, day, kind and reason replaces the one stored.
    func store(_ rows: [AbsenceRow], schoolID: UUID, source: String, columnName: String, now: Date = Date()) async throws -> (rows: Int, students: [UUID]) {
        let numbers = Array(Set(rows.map(\.number)))
        var ids: [String: UUID] = [:]
        for chunk in stride(from: 0, to: numbers.count, by: 500) {
            let part = Array(numbers[chunk..<min(chunk + 500, numbers.count)])
            for row in try await sql.select().columns("id", "number").from("students")
                .where("school_id", .equal, SQLBind(schoolID)).where("number", .in, SQLBind.group(part)).all() {
                ids[try row.decode(column: "number", as: String.self)] = try row.decode(column: "id", as: UUID.self)
            }
        }
        let unknown = rows.filter { ids[$0.number] == nil }
        if !unknown.isEmpty {
            throw ImportRejected(problems: unknown.prefix(200).map {
                ImportProblem(line: $0.line, column: columnName, key: "absence_unknown_student", arguments: [$0.number])
            })
        }
        let studentOf = ids
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            for chunk in stride(from: 0, to: rows.count, by: 1000) {
                let insert = sql.insert(into: "absences")
                    .columns("id", "school_id", "student_id", "date", "hours", "periods", "authorised", "reason_code", "exempt", "source", "created_at")
                for row in rows[chunk..<min(chunk + 1000, rows.count)] {
                    insert.values(SQLBind(UUID()), SQLBind(schoolID), SQLBind(studentOf[row.number]!), SQLBind(row.date.iso), SQLBind(row.hours),
                                  SQLBind(row.periods), SQLBind(row.authorised), SQLBind(row.reason), SQLBind(row.isExempt), SQLBind(source), SQLBind(now))
                }
                try await insert.onConflict(with: ["student_id", "date", "authorised", "reason_code"]) {
                    $0.set(excludedValueOf: "hours").set(excludedValueOf: "periods").set(excludedValueOf: "source")
                }.run()
            }
        }
        return (rows.count, Array(Set(rows.map { ids[$0.number]! })))
    }

    struct Filter {
        var schoolID: UUID?
        var studentID: UUID?
        var from: LocalDate?
        var to: LocalDate?
        var page = 1
        var perPage = 50
    }

    /// Absence records within the viewer's scope, newest first.
    func list(for viewer: Viewer, filter: Filter) async throws -> Page<AbsenceJSON> {
        let page = min(max(1, filter.page), 100_000)
        let perPage = min(max(1, filter.perPage), 500)
        var condition: SQLQueryString
        switch AccessPolicy.studentScope(viewer.role) {
        case .all: condition = "1 = 1"
        case .ownSchools:
            guard !viewer.schoolIDs.isEmpty else { return Page(items: [], total: 0, page: page, per_page: perPage) }
            condition = "a.school_id IN (\(binds: Array(viewer.schoolIDs)))"
        case .ownGroups:
            guard !viewer.groupIDs.isEmpty else { return Page(items: [], total: 0, page: page, per_page: perPage) }
            condition = "s.group_id IN (\(binds: Array(viewer.groupIDs)))"
        case .consentOrCase:
            let students = viewer.consentedStudents(for: .absence)
            guard !students.isEmpty else { return Page(items: [], total: 0, page: page, per_page: perPage) }
            condition = "a.student_id IN (\(binds: students))"
        case .none:
            return Page(items: [], total: 0, page: page, per_page: perPage)
        }
        if let school = filter.schoolID { condition += " AND a.school_id = \(bind: school)" }
        if let student = filter.studentID { condition += " AND a.student_id = \(bind: student)" }
        if let from = filter.from { condition += " AND a.date >= \(bind: from.iso)" }
        if let to = filter.to { condition += " AND a.date <= \(bind: to.iso)" }
        let from: SQLQueryString = " FROM absences a JOIN students s ON s.id = a.student_id WHERE "
        let total = try await sql.raw("SELECT COUNT(*) AS n" + from + condition).first(decodingColumn: "n", as: Int.self) ?? 0
        let rows = try await sql.raw("""
            SELECT a.id, a.student_id, a.date, a.hours, a.periods, a.authorised, a.reason_code, a.exempt, a.source,
                   s.number, s.first_name, s.particle, s.last_name
            """ + from + condition + " ORDER BY a.date DESC, s.sort_name, a.id LIMIT \(literal: perPage) OFFSET \(literal: (page - 1) * perPage)").all()
        let items = try rows.map { row in
            AbsenceJSON(id: try row.decode(column: "id", as: UUID.self), student_id: try row.decode(column: "student_id", as: UUID.self),
                        student: PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                            last: try row.decode(column: "last_name", as: String.self)).display,
                        number: try row.decode(column: "number", as: String.self), date: try row.decode(column: "date", as: String.self),
                        hours: try row.decode(column: "hours", as: Double.self), periods: try row.decode(column: "periods", as: Int?.self),
                        authorised: try row.decode(column: "authorised", as: Bool.self), reason_code: try row.decode(column: "reason_code", as: String.self),
                        exempt: try row.decode(column: "exempt", as: Bool.self), source: try row.decode(column: "source", as: String.self))
        }
        return Page(items: items, total: total, page: page, per_page: perPage)
    }

    /// The thuiszitter register of a school: every thuiszitter signal not
    /// closed, with the school days absent until today and who works on it.
    func thuiszitters(schoolID: UUID, today: LocalDate = .today()) async throws -> [ThuiszitterJSON] {
        let rows = try await sql.raw("""
            SELECT sg.id, sg.student_id, sg.figures, sg.status, st.first_name, st.particle, st.last_name, g.name AS group_name,
                   \(SignalService.latestReview) AS review_by,
                   (SELECT o.first_name || ' ' || CASE WHEN o.particle = '' THEN '' ELSE o.particle || ' ' END || o.last_name
                      FROM decisions d JOIN accounts o ON o.id = d.owner_id WHERE d.signal_id = sg.id ORDER BY d.decided_at DESC LIMIT 1) AS owner
            FROM signals sg JOIN students st ON st.id = sg.student_id LEFT JOIN school_groups g ON g.id = st.group_id
            WHERE sg.school_id = \(bind: schoolID) AND sg.rule = 'thuiszitter' AND sg.status <> 'closed'
            ORDER BY sg.fired_on, st.sort_name
            """).all()
        var result: [ThuiszitterJSON] = []
        let calendar = try await HolidayService(sql: sql).calendar(schoolID: schoolID)
        for row in rows {
            let student = try row.decode(column: "student_id", as: UUID.self)
            let figures = (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "figures", as: String.self).utf8))) ?? []
            let since = figures.count > 1 ? figures[1] : ""
            let days = try await absentSchoolDays(studentID: student, since: LocalDate(iso: since) ?? today, today: today, calendar: calendar)
            result.append(ThuiszitterJSON(
                signal_id: try row.decode(column: "id", as: UUID.self), student_id: student,
                student: PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                    last: try row.decode(column: "last_name", as: String.self)).display,
                group: try row.decode(column: "group_name", as: String?.self), since: since, school_days_absent: days.count,
                back_at_school: !days.stillAbsent, status: try row.decode(column: "status", as: String.self),
                working_on_it: try row.decode(column: "owner", as: String?.self), review_by: try row.decode(column: "review_by", as: String?.self)))
        }
        return result
    }

    /// School days absent (without exemption) from `since` up to today, and
    /// whether the student is still away: absent on today or the school day
    /// before (today's absence is often recorded only at the end of the day).
    func absentSchoolDays(studentID: UUID, since: LocalDate, today: LocalDate, calendar: SchoolCalendar) async throws -> (count: Int, stillAbsent: Bool) {
        let (absent, exempt) = try await days(studentID: studentID, from: since, to: today)
        var day = since, count = 0
        var recent: [Bool] = []
        while day <= today {
            if calendar.isSchoolDay(day) {
                let away = absent.contains(day) && !exempt.contains(day)
                if away { count += 1 }
                recent = Array((recent + [away]).suffix(2))
            }
            day = day.adding(days: 1)
        }
        return (count, recent.contains(true))
    }

    /// Days a student counts as absent (at least 4 hours) and days exempt, in a range.
    func days(studentID: UUID, from: LocalDate, to: LocalDate) async throws -> (absent: Set<LocalDate>, exempt: Set<LocalDate>) {
        try await Self.days(studentID: studentID, from: from, to: to, sql: sql)
    }

    static func days(studentID: UUID, from: LocalDate, to: LocalDate, sql: any SQLDatabase) async throws -> (absent: Set<LocalDate>, exempt: Set<LocalDate>) {
        var hours: [LocalDate: Double] = [:]
        var exempt: Set<LocalDate> = []
        for row in try await sql.raw("""
            SELECT date, hours, exempt FROM absences WHERE student_id = \(bind: studentID) AND date >= \(bind: from.iso) AND date <= \(bind: to.iso)
            """).all() {
            guard let date = LocalDate(iso: try row.decode(column: "date", as: String.self)) else { continue }
            hours[date, default: 0] += try row.decode(column: "hours", as: Double.self)
            if try row.decode(column: "exempt", as: Bool.self) { exempt.insert(date) }
        }
        return (Set(hours.filter { $0.value >= AbsenceRules.absentDayHours }.keys), exempt)
    }
}

extension RuleEngine {
    /// Evaluates the absence rules for a school (some students, or all):
    /// a DUO report for every crossing of the unauthorised-hours threshold
    /// in the current school year, and a thuiszitter flag for who has been
    /// absent every school day of the last four weeks. Only what each rule
    /// needs is read: unauthorised rows for the reports, and the full
    /// history only of students away on enough recent days to be thuiszitters.
    @discardableResult
    func evaluateAbsence(schoolID: UUID, studentIDs: [UUID]? = nil, today: LocalDate = .today(), now: Date = Date()) async throws -> Int {
        if let studentIDs, studentIDs.isEmpty { return 0 }
        let t = try await thresholds(schoolID: schoolID)
        let year = SchoolYearPeriod.containing(today)
        let calendar = try await HolidayService(sql: sql).calendar(schoolID: schoolID)
        let students: SQLQueryString = studentIDs.map { " AND student_id IN (\(binds: $0))" } ?? ""
        var findings: [(UUID, RuleFinding)] = []

        // DUO reports: unauthorised hours from a window before the year's start.
        var unauthorised: [UUID: [AbsenceRecord]] = [:]
        for row in try await sql.raw("""
            SELECT student_id, date, hours FROM absences WHERE school_id = \(bind: schoolID) AND authorised = \(bind: false)
            AND date >= \(bind: year.start.adding(days: -t.absenceWindowDays).iso) AND date <= \(bind: today.iso)
            """ + students).all() {
            guard let date = LocalDate(iso: try row.decode(column: "date", as: String.self)) else { continue }
            unauthorised[try row.decode(column: "student_id", as: UUID.self), default: []]
                .append(AbsenceRecord(date: date, hours: try row.decode(column: "hours", as: Double.self), authorised: false))
        }
        for (student, records) in unauthorised {
            for finding in AbsenceRules.reportFindings(records, calendar: calendar, t) where finding.date >= year.start {
                findings.append((student, finding))
            }
        }

        // Thuiszitters: only students with a non-exempt absence on at least as many days as the rule asks, recently.
        var windowStart = today, counted = 0
        while counted < t.thuiszitterSchoolDays {
            if calendar.isSchoolDay(windowStart) { counted += 1 }
            if counted < t.thuiszitterSchoolDays { windowStart = windowStart.adding(days: -1) }
        }
        let candidates = try await sql.raw("""
            SELECT student_id FROM absences WHERE school_id = \(bind: schoolID) AND exempt = \(bind: false)
            AND date >= \(bind: windowStart.iso) AND date <= \(bind: today.iso)
            """ + students + " GROUP BY student_id HAVING COUNT(DISTINCT date) >= \(bind: t.thuiszitterSchoolDays)")
            .all().map { try $0.decode(column: "student_id", as: UUID.self) }
        if !candidates.isEmpty {
            var births: [UUID: LocalDate] = [:]
            for row in try await sql.select().columns("id", "birth_date").from("students").where("id", .in, SQLBind.group(candidates)).all() {
                births[try row.decode(column: "id", as: UUID.self)] = LocalDate(iso: try row.decode(column: "birth_date", as: String.self))
            }
            for student in candidates {
                // A stretch can go back past the year's start; a year and a half covers any real case.
                let (absent, exempt) = try await AbsenceService.days(studentID: student, from: today.adding(days: -550), to: today, sql: sql)
                if let birth = births[student],
                   let finding = AbsenceRules.thuiszitter(absentDays: absent, exemptDays: exempt, birthDate: birth, today: today, calendar: calendar, t) {
                    findings.append((student, finding))
                }
            }
        }
        return try await raise(findings, schoolID: schoolID, now: now)
    }
}

extension Request {
    var absence: AbsenceService { AbsenceService(db: db) }
}
