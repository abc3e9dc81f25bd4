import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// The region's aggregates, counted in the database per school (one statement per figure, grouped by school), never
/// a row per student leaving it: students, tiers, incidents, DUO reports and thuiszitters from the signals, the lead
/// times of cases, the share of joint interventions; and the staff questionnaires' results per school.
struct RegionService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    struct School: Sendable { var id: UUID; var name: String; var type: String; var code: String }

    /// The region's schools, by type and name.
    func schools(regionID: UUID) async throws -> [School] {
        try await sql.raw("SELECT id, name, type, code FROM schools WHERE region_id = \(bind: regionID) ORDER BY type, name").all().map {
            School(id: try $0.uuid("id"), name: try $0.decode(column: "name", as: String.self), type: try $0.decode(column: "type", as: String.self),
                   code: try $0.decode(column: "code", as: String.self))
        }
    }

    /// The region a person looks at: their own; the administrator's is the first there is.
    func region(for viewer: Viewer) async throws -> (id: UUID, name: String)? {
        let row = viewer.role == .admin || viewer.regionID == nil
            ? try await sql.raw("SELECT id, name FROM regions ORDER BY name LIMIT 1").first()
            : try await sql.raw("SELECT id, name FROM regions WHERE id = \(bind: viewer.regionID!)").first()
        return try row.map { (try $0.uuid("id"), try $0.decode(column: "name", as: String.self)) }
    }

    /// The statements behind a school year's counts, each grouped by school: what `counts` runs, and what
    /// `samen region-sql` prints for the database's own shell.
    func queries(regionID: UUID, year: SchoolYearPeriod) -> [(name: String, sql: SQLQueryString)] {
        let inRegion: SQLQueryString = "school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))"
        let start = year.start.iso, end = year.end.iso
        // Enrolled at some point of the year.
        let enrolled: SQLQueryString = "(s.enrolled_on IS NULL OR s.enrolled_on <= \(bind: end)) AND (s.left_on IS NULL OR s.left_on >= \(bind: start))"
        let yearEnd = Date(timeIntervalSince1970: Double(year.end.adding(days: 1).dayNumber) * 86_400)
        return [
            ("students", "SELECT s.school_id, COUNT(*) AS n FROM students s WHERE s.\(inRegion) AND \(enrolled) GROUP BY s.school_id"),
            // Each student's tier at the end of the year: the latest decision by then (the higher tier if two share the
            // moment), Tier I without one. The latest decisions are found in one pass over the decisions, not one
            // look-up per student (a correlated subquery cost half a second a year on 60,000 students).
            ("tiers", """
                SELECT s.school_id, COALESCE(t.tier, 1) AS tier, COUNT(*) AS n FROM students s
                LEFT JOIN (SELECT d.student_id, MAX(d.tier_after) AS tier FROM decisions d
                           JOIN (SELECT student_id, MAX(decided_at) AS last FROM decisions WHERE decided_at < \(bind: yearEnd) GROUP BY student_id) m
                             ON m.student_id = d.student_id AND m.last = d.decided_at
                           GROUP BY d.student_id) t ON t.student_id = s.id
                WHERE s.\(inRegion) AND \(enrolled)
                GROUP BY s.school_id, COALESCE(t.tier, 1)
                """),
            ("incidents", """
                SELECT i.school_id, COUNT(*) AS n FROM incidents i WHERE i.\(inRegion) AND i.school_year = \(bind: year.name) AND i.status = 'complete'
                GROUP BY i.school_id
                """),
            // DUO reports (each crossing is a report) and new thuiszitters (students) raised in the year.
            ("signals", """
                SELECT g.school_id, g.rule, COUNT(*) AS reports, COUNT(DISTINCT g.student_id) AS students FROM signals g
                WHERE g.rule IN ('absence_report', 'thuiszitter') AND g.fired_on >= \(bind: start) AND g.fired_on <= \(bind: end) AND g.\(inRegion)
                GROUP BY g.school_id, g.rule
                """),
            // Shorter lines: per case whose support started in the year, the days since its signal.
            ("leads", """
                SELECT c.school_id, a.on_date AS signalled, b.on_date AS started FROM cases c
                JOIN case_steps a ON a.case_id = c.id AND a.step = 'signal' JOIN case_steps b ON b.case_id = c.id AND b.step = 'intervention_start'
                WHERE c.\(inRegion) AND b.on_date >= \(bind: start) AND b.on_date <= \(bind: end)
                """),
            ("interventions", """
                SELECT v.school_id, COUNT(*) AS n, SUM(CASE WHEN v.provider = 'joint' THEN 1 ELSE 0 END) AS joint FROM interventions v
                WHERE v.\(inRegion) AND v.status = 'active' GROUP BY v.school_id
                """),
        ]
    }

    /// Counts per school for a school year (schools without any row get zeros).
    func counts(regionID: UUID, year: SchoolYearPeriod) async throws -> [UUID: SchoolYearCounts] {
        var counts: [UUID: SchoolYearCounts] = [:]
        for (name, query) in queries(regionID: regionID, year: year) {
            for row in try await sql.raw(query).all() {
                let school = try row.uuid("school_id")
                var c = counts[school] ?? SchoolYearCounts()
                switch name {
                case "students": c.students = try row.decode(column: "n", as: Int.self)
                case "tiers":
                    let tier = try row.decode(column: "tier", as: Int.self)
                    if (1...3).contains(tier) { c.tiers[tier - 1] = try row.decode(column: "n", as: Int.self) }
                case "incidents": c.incidents = try row.decode(column: "n", as: Int.self)
                case "signals":
                    if try row.decode(column: "rule", as: String.self) == "thuiszitter" { c.thuiszitters = try row.decode(column: "students", as: Int.self) }
                    else { c.absenceReports = try row.decode(column: "reports", as: Int.self) }
                case "leads":
                    if let from = LocalDate(iso: try row.decode(column: "signalled", as: String.self)),
                       let to = LocalDate(iso: try row.decode(column: "started", as: String.self)), to >= from {
                        c.leadDays.append(to.dayNumber - from.dayNumber)
                    }
                default:
                    c.interventions = try row.decode(column: "n", as: Int.self)
                    c.jointInterventions = try row.decode(column: "joint", as: Int?.self) ?? 0
                }
                counts[school] = c
            }
        }
        return counts
    }

    /// New thuiszitters (students) per school and quarter, for the quarters given.
    func quarterQuery(regionID: UUID, quarters: [Quarter]) -> SQLQueryString? {
        guard let first = quarters.first, let last = quarters.last else { return nil }
        return """
            SELECT g.school_id, g.student_id, g.fired_on FROM signals g
            WHERE g.rule = 'thuiszitter' AND g.fired_on >= \(bind: first.first.iso) AND g.fired_on <= \(bind: last.last.iso)
              AND g.school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))
            """
    }

    func thuiszittersByQuarter(regionID: UUID, quarters: [Quarter]) async throws -> [UUID: [Quarter: Int]] {
        guard let query = quarterQuery(regionID: regionID, quarters: quarters) else { return [:] }
        var result: [UUID: [Quarter: Set<UUID>]] = [:]
        for row in try await sql.raw(query).all() {
            guard let date = LocalDate(iso: try row.decode(column: "fired_on", as: String.self)) else { continue }
            result[try row.uuid("school_id"), default: [:]][Quarter(containing: date), default: []].insert(try row.uuid("student_id"))
        }
        return result.mapValues { $0.mapValues(\.count) }
    }

    /// The school years with incidents in the region, newest first (at least the current one).
    func years(regionID: UUID, today: LocalDate = .today()) async throws -> [SchoolYearPeriod] {
        let found = try await sql.raw("""
            SELECT DISTINCT school_year FROM incidents WHERE school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))
            """).all().compactMap { try $0.decode(column: "school_year", as: String.self).split(separator: "-").first.flatMap { Int($0) } }
        let current = SchoolYearPeriod.containing(today).startYear
        return Set(found + [current]).sorted(by: >).map(SchoolYearPeriod.init(startYear:))
    }

    // MARK: The staff questionnaires' results

    /// The latest wave of a questionnaire (by its code) with responses from the region's schools: its name, threshold
    /// and definition, and those responses.
    func latestWave(code: String, regionID: UUID) async throws -> (name: String, minimumCell: Int, questionnaire: Questionnaire, responses: [WaveReport.Response])? {
        let candidates = try await sql.raw("""
            SELECT w.id, w.name, w.minimum_cell, w.questionnaire_id, q.definition FROM waves w JOIN questionnaires q ON q.id = w.questionnaire_id
            WHERE q.code = \(bind: code) ORDER BY w.opens_on DESC LIMIT 5
            """).all()
        let schools = Set(try await schools(regionID: regionID).map(\.id))
        for row in candidates {
            let responses = try await WaveReport.responses(waveID: try row.uuid("id"), sql: sql).filter { schools.contains($0.school) }
            guard !responses.isEmpty else { continue }
            let questionnaire = try QuestionnaireDefinitions.decode(id: try row.uuid("questionnaire_id"), json: try row.decode(column: "definition", as: String.self))
            return (try row.decode(column: "name", as: String.self), try row.decode(column: "minimum_cell", as: Int.self), questionnaire, responses)
        }
        return nil
    }
}

/// What `samen region-sql` prints: the aggregate statements of the region's page for the current school year (its
/// counts, those of the years before it on the page, the quarters) and the reads of the survey waves, with their
/// values written in, for timing the same SQL in the database's shell.
public enum RegionCommands {
    public static func literalSQL(app: Application) async throws -> String {
        let service = RegionService(db: app.db)
        guard let region = try await service.region(for: Viewer(accountID: UUID(), role: .admin, regionID: nil)) else { return "" }
        let year = SchoolYearPeriod.containing(.today())
        let years = try await service.years(regionID: region.id).filter { $0.startYear <= year.startYear }.prefix(RegionController.trendYears)
        var queries = years.flatMap { service.queries(regionID: region.id, year: $0).map(\.sql) }
        if let quarters = service.quarterQuery(regionID: region.id, quarters: Quarter.last(RegionController.quarterCount, until: .today())) {
            queries.append(quarters)
        }
        for code in [EvaluationInstruments.workingFactorsScan.code, EvaluationInstruments.fidelitySelfAssessment.code, EvaluationInstruments.collaborationModel.code] {
            if let wave = try await (app.db as! any SQLDatabase).raw("""
                SELECT w.id FROM waves w JOIN questionnaires q ON q.id = w.questionnaire_id WHERE q.code = \(bind: code) ORDER BY w.opens_on DESC LIMIT 1
                """).first(decodingColumn: "id", as: UUID.self) {
                queries.append(WaveReport.responsesQuery(waveID: wave))
            }
        }
        return LiteralSQL.script(queries, on: app.db as! any SQLDatabase)
    }
}

extension Request {
    var region: RegionService { RegionService(db: db) }
}
