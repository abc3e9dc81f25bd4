import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct TeamMemberJSON: Content, Sendable {
    var account_id: UUID
    var name: String
    var role: String
    var team_role: String
}

struct TeamJSON: Content, Sendable {
    var school_id: UUID
    var hours: String
    var tiers: [Int]
    var steering: String
    var members: [TeamMemberJSON]
}

struct AgendaItemJSON: Content, Sendable {
    var id: UUID
    var position: Int
    var kind: String
    var signal_id: UUID?
    var student_id: UUID?
    var enrolment_id: UUID?
    /// The student's name, or their pseudonym for a youth-care worker without consent to see them.
    var student: String?
    var detail: String
}

struct ActionJSON: Content, Sendable {
    var id: UUID
    var meeting_id: UUID
    var text: String
    var owner_id: UUID
    var owner: String
    var due_on: String
    var done_at: Date?
    var overdue: Bool
}

struct MeetingDecisionJSON: Content, Sendable {
    var signal_id: UUID
    var student_id: UUID
    var student: String
    var decision: String
    var note: String
    var review_by: String?
}

struct MeetingJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var date: String
    var title: String
    var minutes: String
    var status: String
    var items: [AgendaItemJSON]?
    var actions: [ActionJSON]?
    var decisions: [MeetingDecisionJSON]?
}

/// The school's ISF team and its meetings: the agenda is generated from the
/// data when a meeting is planned (open signals, reviews due, point-card
/// trends under the goal, new thuiszitters); decisions are taken on the
/// signal with the meeting noted; actions have an owner and a due date.
struct TeamService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The school's team, made (empty) on first use.
    func teamID(schoolID: UUID) async throws -> UUID {
        if let id = try await sql.raw("SELECT id FROM teams WHERE school_id = \(bind: schoolID)").first(decodingColumn: "id", as: UUID.self) { return id }
        let id = UUID()
        try await sql.insert(into: "teams").columns("id", "school_id", "hours", "tiers", "steering", "updated_at")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(Date())).run()
        return id
    }

    func team(schoolID: UUID) async throws -> TeamJSON {
        let id = try await teamID(schoolID: schoolID)
        let row = try await sql.raw("SELECT hours, tiers, steering FROM teams WHERE id = \(bind: id)").first()!
        let members = try await sql.raw("""
            SELECT m.account_id, m.team_role, a.first_name, a.particle, a.last_name, a.role FROM team_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.team_id = \(bind: id)
            """).all().map { r in
            TeamMemberJSON(account_id: try r.uuid("account_id"),
                           name: try r.personName().display,
                           role: try r.decode(column: "role", as: String.self), team_role: try r.decode(column: "team_role", as: String.self))
        }
        let order = TeamRole.allCases.map(\.rawValue)
        return TeamJSON(school_id: schoolID, hours: try row.decode(column: "hours", as: String.self),
                        tiers: try row.decode(column: "tiers", as: String.self).split(separator: ",").compactMap { Int($0) },
                        steering: try row.decode(column: "steering", as: String.self),
                        members: members.sorted { (order.firstIndex(of: $0.team_role) ?? 9, $0.name) < (order.firstIndex(of: $1.team_role) ?? 9, $1.name) })
    }

    func isMember(accountID: UUID, schoolID: UUID) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS x FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.school_id = \(bind: schoolID) AND m.account_id = \(bind: accountID)
            """).first() != nil
    }

    func setAgreements(_ a: TeamAgreements, schoolID: UUID) async throws {
        let id = try await teamID(schoolID: schoolID)
        try await sql.update("teams").set("hours", to: SQLBind(a.hours)).set("steering", to: SQLBind(a.steering))
            .set("tiers", to: SQLBind(a.tiers.sorted().map { String($0.rawValue) }.joined(separator: ",")))
            .set("updated_at", to: SQLBind(Date())).where("id", .equal, SQLBind(id)).run()
    }

    /// The people who may join the team: the school's active staff and the youth-care workers linked to it.
    func candidates(schoolID: UUID) async throws -> [(id: UUID, name: String, role: String)] {
        try await sql.raw("""
            SELECT a.id, a.first_name, a.particle, a.last_name, a.role FROM accounts a JOIN account_schools s ON s.account_id = a.id
            WHERE s.school_id = \(bind: schoolID) AND a.active = \(bind: true) AND a.role IN ('leader', 'coordinator', 'teacher', 'youthworker')
            """).all().map { r in
            (try r.uuid("id"), PersonName(first: try r.decode(column: "first_name", as: String.self), particle: try r.decode(column: "particle", as: String.self),
                                          last: try r.decode(column: "last_name", as: String.self)).display, try r.decode(column: "role", as: String.self))
        }.sorted { $0.name < $1.name }
    }

    func addMember(accountID: UUID, role: TeamRole, schoolID: UUID) async throws {
        guard try await candidates(schoolID: schoolID).contains(where: { $0.id == accountID }) else {
            throw SamenError.invalid("team_bad_member", field: "account_id")
        }
        let team = try await teamID(schoolID: schoolID)
        try await sql.delete(from: "team_members").where("team_id", .equal, SQLBind(team)).where("account_id", .equal, SQLBind(accountID)).run()
        try await sql.insert(into: "team_members").columns("id", "team_id", "account_id", "team_role")
            .values(SQLBind(UUID()), SQLBind(team), SQLBind(accountID), SQLBind(role.rawValue)).run()
    }

    func removeMember(accountID: UUID, schoolID: UUID) async throws {
        let team = try await teamID(schoolID: schoolID)
        try await sql.delete(from: "team_members").where("team_id", .equal, SQLBind(team)).where("account_id", .equal, SQLBind(accountID)).run()
    }

    // MARK: Meetings

    func meetings(schoolID: UUID) async throws -> [MeetingJSON] {
        try await sql.raw("SELECT * FROM meetings WHERE school_id = \(bind: schoolID) ORDER BY date DESC, created_at DESC").all().map(meeting)
    }

    func meeting(_ row: SQLRow) throws -> MeetingJSON {
        MeetingJSON(id: try row.uuid("id"), school_id: try row.uuid("school_id"), date: try row.decode(column: "date", as: String.self),
                    title: try row.decode(column: "title", as: String.self), minutes: try row.decode(column: "minutes", as: String.self),
                    status: try row.decode(column: "status", as: String.self))
    }

    func meeting(_ id: UUID) async throws -> MeetingJSON? {
        try await sql.raw("SELECT * FROM meetings WHERE id = \(bind: id)").first().map(meeting)
    }

    /// Plans a meeting and writes its agenda from the data of that day.
    func plan(_ fields: MeetingFields, schoolID: UUID, by accountID: UUID, language: Language, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        let items = try await agenda(schoolID: schoolID, on: fields.date, language: language)
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "meetings").columns("id", "school_id", "date", "title", "minutes", "status", "created_by", "created_at")
                .values(SQLBind(id), SQLBind(schoolID), SQLBind(fields.date.iso), SQLBind(fields.title), SQLBind(""), SQLBind("planned"),
                        SQLBind(accountID), SQLBind(now)).run()
            guard !items.isEmpty else { return }
            let insert = sql.insert(into: "meeting_items").columns("id", "meeting_id", "position", "kind", "signal_id", "student_id", "enrolment_id", "detail")
            for (n, item) in items.enumerated() {
                insert.values(SQLBind(UUID()), SQLBind(id), SQLBind(n + 1), SQLBind(item.kind.rawValue), SQLBind(item.signal), SQLBind(item.student),
                              SQLBind(item.enrolment), SQLBind(item.detail))
            }
            try await insert.run()
        }
        return id
    }

    struct Item { var kind: AgendaKind; var signal: UUID?; var student: UUID?; var enrolment: UUID?; var detail: String }

    /// The agenda from the data: open signals (oldest first), reviews due by the meeting's
    /// date, Tier II/III results under the goal in the last two weeks, thuiszitters of the last four weeks.
    func agenda(schoolID: UUID, on date: LocalDate, language: Language) async throws -> [Item] {
        let all = Viewer(accountID: UUID(), role: .admin)
        let signals = SignalService(db: db)
        var open = SignalService.Filter()
        open.schoolID = schoolID
        open.statuses = [.open]
        var items = try await signals.list(for: all, filter: open, language: language).sorted { $0.fired_on < $1.fired_on }
            .filter { $0.rule != RuleFinding.Rule.thuiszitter.rawValue }
            .prefix(40).map { Item(kind: .signal, signal: $0.id, student: $0.student_id, detail: $0.message) }
        var due = SignalService.Filter()
        due.schoolID = schoolID
        due.statuses = [.decided]
        due.reviewDueBy = date
        items += try await signals.list(for: all, filter: due, language: language).prefix(40).map {
            Item(kind: .review, signal: $0.id, student: $0.student_id, detail: Catalogue.text("agenda_review_detail", language, [$0.message]))
        }
        let enrolments = EnrolmentService(db: db)
        for e in try await enrolments.list(for: all, activeOnly: true) where e.school_id == schoolID {
            let weeks = try await enrolments.weeks(e)
            guard AgendaRules.trendNeedsTeam(weeks.map(\.reached)) else { continue }
            let last = weeks.suffix(AgendaRules.trendWeeks).map { e.show($0.average) }.joined(separator: ", ")
            items.append(Item(kind: .trend, student: e.student_id, enrolment: e.id,
                              detail: Catalogue.text("agenda_trend_detail", language, [e.intervention, last, e.goalText(language)])))
        }
        for t in try await AbsenceService(db: db).thuiszitters(schoolID: schoolID, today: date)
        where !t.back_at_school && (LocalDate(iso: t.since).map { date.dayNumber - $0.dayNumber <= 28 } ?? false) {
            items.append(Item(kind: .thuiszitter, signal: t.signal_id, student: t.student_id,
                              detail: Catalogue.text("agenda_thuiszitter_detail", language, [LocalDate(iso: t.since)?.display(language) ?? t.since,
                                                                                            String(t.school_days_absent)])))
        }
        return items
    }

    /// The agenda with names as the viewer may see them: a youth-care worker sees the pseudonym of a student
    /// without consent for them (ACCESS.md: team meetings).
    func items(meetingID: UUID, for viewer: Viewer, language: Language) async throws -> [AgendaItemJSON] {
        try await sql.raw("""
            SELECT i.*, s.first_name, s.particle, s.last_name, s.pseudonym FROM meeting_items i LEFT JOIN students s ON s.id = i.student_id
            WHERE i.meeting_id = \(bind: meetingID) ORDER BY i.position
            """).all().map { r in
            let student = try r.optionalUUID("student_id")
            var name: String? = nil
            if let student, let first = try r.decode(column: "first_name", as: String?.self) {
                name = viewer.role == .youthworker && viewer.consented[student] == nil
                    ? Catalogue.text("student_pseudonymised", language, [try r.decode(column: "pseudonym", as: String.self)])
                    : PersonName(first: first, particle: try r.decode(column: "particle", as: String?.self) ?? "",
                                 last: try r.decode(column: "last_name", as: String?.self) ?? "").display
            }
            return AgendaItemJSON(id: try r.uuid("id"), position: try r.decode(column: "position", as: Int.self), kind: try r.decode(column: "kind", as: String.self),
                                  signal_id: try r.optionalUUID("signal_id"), student_id: student, enrolment_id: try r.optionalUUID("enrolment_id"),
                                  student: name, detail: try r.decode(column: "detail", as: String.self))
        }
    }

    func saveMinutes(_ text: String, meetingID: UUID) async throws {
        try await sql.update("meetings").set("minutes", to: SQLBind(text)).set("status", to: SQLBind("held"))
            .where("id", .equal, SQLBind(meetingID)).run()
    }

    // MARK: Actions

    static let actionSelect: SQLQueryString = """
        SELECT x.id, x.meeting_id, x.text, x.owner_id, x.due_on, x.done_at, a.first_name, a.particle, a.last_name
        FROM meeting_actions x JOIN accounts a ON a.id = x.owner_id
        """

    func action(_ r: SQLRow, today: LocalDate) throws -> ActionJSON {
        let due = try r.decode(column: "due_on", as: String.self)
        let done = try r.decode(column: "done_at", as: Date?.self)
        return ActionJSON(id: try r.uuid("id"), meeting_id: try r.uuid("meeting_id"), text: try r.decode(column: "text", as: String.self),
                          owner_id: try r.uuid("owner_id"),
                          owner: PersonName(first: try r.decode(column: "first_name", as: String.self), particle: try r.decode(column: "particle", as: String.self),
                                            last: try r.decode(column: "last_name", as: String.self)).display,
                          due_on: due, done_at: done,
                          overdue: LocalDate(iso: due).map { ActionFields.isOverdue(due: $0, done: done != nil, today: today) } ?? false)
    }

    func actions(meetingID: UUID, today: LocalDate = .today()) async throws -> [ActionJSON] {
        try await sql.raw(Self.actionSelect + " WHERE x.meeting_id = \(bind: meetingID) ORDER BY x.due_on, x.created_at").all().map { try action($0, today: today) }
    }

    /// The team's open actions across its meetings, the overdue first.
    func openActions(schoolID: UUID, today: LocalDate = .today()) async throws -> [ActionJSON] {
        try await sql.raw(Self.actionSelect + """
             JOIN meetings m ON m.id = x.meeting_id WHERE m.school_id = \(bind: schoolID) AND x.done_at IS NULL ORDER BY x.due_on, x.created_at
            """).all().map { try action($0, today: today) }
    }

    func addAction(_ fields: ActionFields, meetingID: UUID, by accountID: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "meeting_actions").columns("id", "meeting_id", "text", "owner_id", "due_on", "created_by", "created_at")
            .values(SQLBind(id), SQLBind(meetingID), SQLBind(fields.text), SQLBind(fields.ownerID), SQLBind(fields.due.iso), SQLBind(accountID), SQLBind(now))
            .run()
        return id
    }

    func markDone(actionID: UUID, meetingID: UUID, by accountID: UUID, now: Date = Date()) async throws {
        let rows = try await sql.raw("""
            UPDATE meeting_actions SET done_at = \(bind: now), done_by = \(bind: accountID)
            WHERE id = \(bind: actionID) AND meeting_id = \(bind: meetingID) AND done_at IS NULL RETURNING id
            """).all()
        if rows.isEmpty { throw SamenError(status: .conflict, key: "action_already_done") }
    }

    func actionOwner(actionID: UUID, meetingID: UUID) async throws -> UUID? {
        try await sql.raw("SELECT owner_id FROM meeting_actions WHERE id = \(bind: actionID) AND meeting_id = \(bind: meetingID)").first().map { try $0.uuid("owner_id") }
    }

    /// The decisions taken in a meeting, with the signal's student (pseudonymised as on the agenda).
    func decisions(meetingID: UUID, for viewer: Viewer, language: Language) async throws -> [MeetingDecisionJSON] {
        try await sql.raw("""
            SELECT d.signal_id, d.student_id, d.decision, d.note, d.review_by, s.first_name, s.particle, s.last_name, s.pseudonym FROM decisions d
            JOIN students s ON s.id = d.student_id WHERE d.meeting_id = \(bind: meetingID) ORDER BY d.decided_at
            """).all().map { r in
            let student = try r.uuid("student_id")
            return MeetingDecisionJSON(signal_id: try r.uuid("signal_id"), student_id: student,
                                student: viewer.role == .youthworker && viewer.consented[student] == nil
                                    ? Catalogue.text("student_pseudonymised", language, [try r.decode(column: "pseudonym", as: String.self)]) : PersonName(first: try r.decode(column: "first_name", as: String.self), particle: try r.decode(column: "particle", as: String.self),
                                                    last: try r.decode(column: "last_name", as: String.self)).display,
                                decision: try r.decode(column: "decision", as: String.self), note: try r.decode(column: "note", as: String.self),
                                review_by: try r.decode(column: "review_by", as: String?.self))
        }
    }
}

extension Request {
    var teams: TeamService { TeamService(db: db) }
}
