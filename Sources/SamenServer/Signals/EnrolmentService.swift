import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct EnrolmentJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var student_id: UUID
    var student: String
    var intervention_id: UUID
    var intervention: String
    var tier: Int
    var goal: Double
    var start_on: String
    var review_on: String
    var teacher_id: UUID?
    var teacher: String?
    var youthworker_id: UUID?
    var youthworker: String?
    var expectations: [String]
    var periods: Int
    var status: String
    var fading_on: String?
    var ended_on: String?
    var exit_reason: String
    /// `point_card`, or a figure a day: `count`, `duration`, `percentage`, `rating`.
    var monitoring: String
    /// For a figure a day: what is measured, the goal, whether the goal is a floor or a ceiling, and a rating scale's top.
    var measure: String?
    var goal_value: Double?
    var direction: String?
    var scale_max: Int?

    /// The measurement plan; nil for a point card.
    var plan: MeasurementPlan? {
        guard let type = MonitoringType(rawValue: monitoring), type != .pointCard, let goal = goal_value,
              let direction = direction.flatMap(GoalDirection.init(rawValue:)) else { return nil }
        return MeasurementPlan(type: type, measure: measure ?? "", goal: goal, direction: direction, scaleMax: scale_max ?? 5)
    }
}

extension EnrolmentJSON {
    /// A daily or weekly value as shown: a percentage for point cards, the figure itself for a measurement.
    func show(_ value: Double) -> String {
        plan == nil ? String(Int((value * 100).rounded())) + "%" : MeasurementPlan.format(value)
    }

    /// The goal in words: "80%", or "hoogstens 2 · Keer uit de les".
    func goalText(_ language: Language) -> String {
        guard let plan else { return show(goal) }
        return Catalogue.text("direction_" + plan.direction.rawValue, language) + " " + MeasurementPlan.format(plan.goal) + " · " + plan.measure
    }
}

struct MeasurementJSON: Content, Sendable {
    var date: String
    var value: Double
}

struct PointCardJSON: Content, Sendable {
    var date: String
    var ratings: [[Int?]]
    var earned: Int
    var possible: Int
    var score: Double?
}

/// What an intervention achieved for the students who took part.
struct InterventionResult: Sendable {
    var interventionID: UUID
    var students: Int
    /// Students whose latest week (of point cards or figures) reached their goal.
    var reachingGoal: Int
    /// Students with point cards or figures at all (the base for the share above).
    var withCards: Int
    /// Completed incidents in the six weeks before and after each student's start.
    var incidentsBefore: Int
    var incidentsAfter: Int
}

/// Enrolments in Tier II and III interventions and their point cards.
struct EnrolmentService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    static let select: SQLQueryString = """
        SELECT e.id, e.school_id, e.student_id, e.intervention_id, e.goal, e.start_on, e.review_on, e.teacher_id, e.youthworker_id, e.expectations,
               e.periods, e.status, e.fading_on, e.ended_on, e.exit_reason, e.monitoring, e.measure, e.goal_value, e.direction, e.scale_max,
               iv.name AS intervention, iv.tier,
               s.first_name, s.particle, s.last_name, t.first_name AS t_first, t.particle AS t_particle, t.last_name AS t_last,
               y.first_name AS y_first, y.particle AS y_particle, y.last_name AS y_last
        FROM enrolments e JOIN interventions iv ON iv.id = e.intervention_id JOIN students s ON s.id = e.student_id
        LEFT JOIN accounts t ON t.id = e.teacher_id LEFT JOIN accounts y ON y.id = e.youthworker_id
        """

    /// The WHERE clause limiting enrolments (alias `e`, student `s`) to a viewer: the school, or their own pair.
    static func scope(_ viewer: Viewer) -> SQLQueryString? {
        switch viewer.role {
        case .admin: return "1 = 1"
        case .leader, .coordinator:
            guard !viewer.schoolIDs.isEmpty else { return nil }
            return "e.school_id IN (\(binds: Array(viewer.schoolIDs)))"
        case .teacher: return "e.teacher_id = \(bind: viewer.accountID)"
        case .youthworker:
            // In their own pair, and only while consent opens the student's support to their organisation.
            let students = viewer.consentedStudents(for: .support)
            guard !students.isEmpty else { return nil }
            return "e.youthworker_id = \(bind: viewer.accountID) AND e.student_id IN (\(binds: students))"
        case .region, .researcher: return nil
        }
    }

    func list(for viewer: Viewer, studentID: UUID? = nil, activeOnly: Bool = false) async throws -> [EnrolmentJSON] {
        guard var condition = Self.scope(viewer) else { return [] }
        if let studentID { condition += " AND e.student_id = \(bind: studentID)" }
        if activeOnly { condition += " AND e.status = 'active'" }
        return try await sql.raw(Self.select + " WHERE " + condition + " ORDER BY e.status, e.start_on DESC").all().map(enrolment)
    }

    func enrolment(_ id: UUID, for viewer: Viewer) async throws -> EnrolmentJSON {
        guard let condition = Self.scope(viewer),
              let row = try await sql.raw(Self.select + " WHERE e.id = \(bind: id) AND " + condition).first() else { throw SamenError.notFound }
        return try enrolment(row)
    }

    func enrolment(_ row: SQLRow) throws -> EnrolmentJSON {
        func name(_ prefix: String) throws -> String? {
            guard let first = try row.decode(column: prefix + "first", as: String?.self) else { return nil }
            return PersonName(first: first, particle: try row.decode(column: prefix + "particle", as: String?.self) ?? "",
                              last: try row.decode(column: prefix + "last", as: String?.self) ?? "").display
        }
        return EnrolmentJSON(
            id: try row.decode(column: "id", as: UUID.self), school_id: try row.decode(column: "school_id", as: UUID.self),
            student_id: try row.decode(column: "student_id", as: UUID.self),
            student: PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                last: try row.decode(column: "last_name", as: String.self)).display,
            intervention_id: try row.decode(column: "intervention_id", as: UUID.self), intervention: try row.decode(column: "intervention", as: String.self),
            tier: try row.decode(column: "tier", as: Int.self), goal: try row.decode(column: "goal", as: Double.self),
            start_on: try row.decode(column: "start_on", as: String.self), review_on: try row.decode(column: "review_on", as: String.self),
            teacher_id: try row.decode(column: "teacher_id", as: UUID?.self), teacher: try name("t_"),
            youthworker_id: try row.decode(column: "youthworker_id", as: UUID?.self), youthworker: try name("y_"),
            expectations: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "expectations", as: String.self).utf8))) ?? [],
            periods: try row.decode(column: "periods", as: Int.self), status: try row.decode(column: "status", as: String.self),
            fading_on: try row.decode(column: "fading_on", as: String?.self), ended_on: try row.decode(column: "ended_on", as: String?.self),
            exit_reason: try row.decode(column: "exit_reason", as: String.self),
            monitoring: try row.decode(column: "monitoring", as: String?.self) ?? MonitoringType.pointCard.rawValue,
            measure: try row.decode(column: "measure", as: String?.self), goal_value: try row.decode(column: "goal_value", as: Double?.self),
            direction: try row.decode(column: "direction", as: String?.self), scale_max: try row.decode(column: "scale_max", as: Int?.self))
    }

    /// Enrols a student: with a point card (`plan` nil), or with a figure a day measured against the plan's goal.
    func create(studentID: UUID, schoolID: UUID, interventionID: UUID, _ f: EnrolmentFields, plan: MeasurementPlan? = nil, teacherID: UUID?,
                youthworkerID: UUID?, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "enrolments")
            .columns("id", "school_id", "student_id", "intervention_id", "goal", "start_on", "review_on", "teacher_id", "youthworker_id", "expectations",
                     "periods", "status", "exit_reason", "created_at", "monitoring", "measure", "goal_value", "direction", "scale_max")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(studentID), SQLBind(interventionID), SQLBind(f.goal), SQLBind(f.start.iso), SQLBind(f.review.iso),
                    SQLBind(teacherID), SQLBind(youthworkerID), SQLBind(String(decoding: try JSONEncoder().encode(f.expectations), as: UTF8.self)),
                    SQLBind(f.periods), SQLBind("active"), SQLBind(""), SQLBind(now), SQLBind((plan?.type ?? .pointCard).rawValue),
                    SQLBind(plan?.measure), SQLBind(plan?.goal), SQLBind(plan?.direction.rawValue), SQLBind(plan?.scaleMax))
            .run()
        return id
    }

    func measurements(enrolmentID: UUID) async throws -> [DailyFigure] {
        try await sql.raw("SELECT date, value FROM measurements WHERE enrolment_id = \(bind: enrolmentID) ORDER BY date").all().compactMap { row in
            guard let date = LocalDate(iso: try row.decode(column: "date", as: String.self)) else { return nil }
            return DailyFigure(date: date, value: try row.decode(column: "value", as: Double.self))
        }
    }

    /// Saves a day's figure (replacing that day's) and runs the progress rules for the student in the same transaction.
    func save(_ measurement: DailyFigure, plan: MeasurementPlan, enrolment: EnrolmentJSON, by account: UUID, now: Date = Date()) async throws -> Int {
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "measurements").columns("id", "enrolment_id", "date", "value", "recorded_by", "created_at")
                .values(SQLBind(UUID()), SQLBind(enrolment.id), SQLBind(measurement.date.iso), SQLBind(measurement.value), SQLBind(account), SQLBind(now))
                .onConflict(with: ["enrolment_id", "date"]) { $0.set(excludedValueOf: "value").set(excludedValueOf: "recorded_by") }
                .run()
            let engine = RuleEngine(db: db)
            let t = try await engine.thresholds(schoolID: enrolment.school_id)
            let findings = ProgressRules.findings(plan, try await EnrolmentService(db: db).measurements(enrolmentID: enrolment.id), t)
            return try await engine.raise(findings.map { (enrolment.student_id, $0) }, schoolID: enrolment.school_id, now: now)
        }
    }

    /// The weekly averages of an enrolment, point cards or figures, and whether each reaches the goal.
    func weeks(_ e: EnrolmentJSON) async throws -> [(monday: LocalDate, average: Double, reached: Bool)] {
        e.plan == nil ? Self.weeks(e, cards: try await cards(enrolmentID: e.id), figures: [])
            : Self.weeks(e, cards: [], figures: try await measurements(enrolmentID: e.id))
    }

    /// The same from cards or figures already read.
    static func weeks(_ e: EnrolmentJSON, cards: [PointCard], figures: [DailyFigure]) -> [(monday: LocalDate, average: Double, reached: Bool)] {
        if let plan = e.plan {
            return ProgressRules.weeklyAverages(figures.map { ($0.date, $0.value) }).map { ($0.monday, $0.average, plan.reaches($0.average)) }
        }
        return CheckInCheckOutRules.weeklyAverages(cards).map { ($0.monday, $0.average, $0.average >= e.goal - 1e-12) }
    }

    func cards(enrolmentID: UUID) async throws -> [PointCard] {
        try await sql.raw("SELECT date, ratings FROM point_cards WHERE enrolment_id = \(bind: enrolmentID) ORDER BY date").all().compactMap { row in
            guard let date = LocalDate(iso: try row.decode(column: "date", as: String.self)),
                  let ratings = try? JSONDecoder().decode([[Int?]].self, from: Data(try row.decode(column: "ratings", as: String.self).utf8)) else { return nil }
            return PointCard(date: date, ratings: ratings)
        }
    }

    /// Saves a day's card (replacing that day's) and runs the point-card rules for the student in the same transaction.
    func save(_ card: PointCard, enrolment: EnrolmentJSON, by account: UUID, now: Date = Date()) async throws -> Int {
        let ratings = String(decoding: try JSONEncoder().encode(card.ratings), as: UTF8.self)
        return try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "point_cards").columns("id", "enrolment_id", "date", "ratings", "earned", "possible", "recorded_by", "created_at")
                .values(SQLBind(UUID()), SQLBind(enrolment.id), SQLBind(card.date.iso), SQLBind(ratings), SQLBind(card.earned), SQLBind(card.possible),
                        SQLBind(account), SQLBind(now))
                .onConflict(with: ["enrolment_id", "date"]) { $0.set(excludedValueOf: "ratings").set(excludedValueOf: "earned").set(excludedValueOf: "possible")
                    .set(excludedValueOf: "recorded_by") }
                .run()
            let engine = RuleEngine(db: db)
            var t = try await engine.thresholds(schoolID: enrolment.school_id)
            t.pointCardGoal = enrolment.goal
            let findings = CheckInCheckOutRules.findings(try await EnrolmentService(db: db).cards(enrolmentID: enrolment.id), t)
            return try await engine.raise(findings.map { (enrolment.student_id, $0) }, schoolID: enrolment.school_id, now: now)
        }
    }

    func setFading(_ id: UUID, on date: LocalDate?) async throws {
        try await sql.update("enrolments").set("fading_on", to: SQLBind(date?.iso)).where("id", .equal, SQLBind(id)).run()
    }

    func end(_ id: UUID, on date: LocalDate, reason: String) async throws {
        try await sql.update("enrolments").set("status", to: SQLBind("ended")).set("ended_on", to: SQLBind(date.iso))
            .set("exit_reason", to: SQLBind(reason)).where("id", .equal, SQLBind(id)).run()
    }

    /// Per intervention of a school: how many students took part, how many
    /// reach their goal on the latest week of cards, and completed incidents
    /// in the six weeks before against the six weeks after each start.
    func results(schoolID: UUID) async throws -> [UUID: InterventionResult] {
        let enrolments = try await sql.raw(Self.select + " WHERE e.school_id = \(bind: schoolID)").all().map(enrolment)
        guard !enrolments.isEmpty else { return [:] }
        let students = Array(Set(enrolments.map(\.student_id)))
        var incidentDates: [UUID: [LocalDate]] = [:]
        for row in try await sql.raw("""
            SELECT x.student_id, i.date FROM incident_students x JOIN incidents i ON i.id = x.incident_id
            WHERE i.status = 'complete' AND x.student_id IN (\(binds: students))
            """).all() {
            if let date = LocalDate(iso: try row.decode(column: "date", as: String.self)) {
                incidentDates[try row.decode(column: "student_id", as: UUID.self), default: []].append(date)
            }
        }
        var results: [UUID: InterventionResult] = [:]
        for e in enrolments {
            let intervention = e.intervention_id
            guard let start = LocalDate(iso: e.start_on) else { continue }
            var r = results[intervention] ?? InterventionResult(interventionID: intervention, students: 0, reachingGoal: 0, withCards: 0, incidentsBefore: 0, incidentsAfter: 0)
            r.students += 1
            let dates = incidentDates[e.student_id] ?? []
            r.incidentsBefore += dates.filter { $0 >= start.adding(days: -42) && $0 < start }.count
            r.incidentsAfter += dates.filter { $0 >= start && $0 < start.adding(days: 42) }.count
            if let last = try await weeks(e).last {
                r.withCards += 1
                if last.reached { r.reachingGoal += 1 }
            }
            results[intervention] = r
        }
        return results
    }
}

extension Request {
    var enrolments: EnrolmentService { EnrolmentService(db: db) }
}
