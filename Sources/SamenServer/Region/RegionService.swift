import Fluent
import NIOConcurrencyHelpers
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

    /// The statements behind the counts of several school years, each grouped by year and school (one statement a
    /// figure, whatever the number of years): what `counts` runs, and what `samen region-sql` prints for the
    /// database's own shell. The years come as a table (`years`: name, first and last day, and the moment after the
    /// last) that every statement joins.
    func queries(regionID: UUID, years: [SchoolYearPeriod]) -> [(name: String, sql: SQLQueryString)] {
        let inRegion: SQLQueryString = "school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))"
        let rows = years.map { y -> SQLQueryString in
            let after = Date(timeIntervalSince1970: Double(y.end.adding(days: 1).dayNumber) * 86_400)
            // The cast types the moment for PostgreSQL (also when the shell reads it written out); SQLite keeps its number.
            return "SELECT \(bind: y.name) AS name, \(bind: y.start.iso) AS starts, \(bind: y.end.iso) AS ends, CAST(\(bind: after) AS TIMESTAMP WITH TIME ZONE) AS after"
        }
        let table = rows.joined(separator: " UNION ALL ")
        let with: SQLQueryString = "WITH years AS (\(table))"
        // Enrolled at some point of the year.
        let enrolled: SQLQueryString = "(s.enrolled_on IS NULL OR s.enrolled_on <= y.ends) AND (s.left_on IS NULL OR s.left_on >= y.starts)"
        return [
            ("students", "\(with) SELECT y.name AS year, s.school_id, COUNT(*) AS n FROM students s JOIN years y ON \(enrolled) WHERE s.\(inRegion) GROUP BY y.name, s.school_id"),
            // Each student's tier at the end of each year: the latest decision by then (the higher tier if two share the
            // moment), Tier I without one. The latest decisions are found in one pass over the decisions, not one
            // look-up per student (a correlated subquery cost half a second a year on 60,000 students).
            ("tiers", """
                \(with)
                SELECT y.name AS year, s.school_id, COALESCE(t.tier, 1) AS tier, COUNT(*) AS n FROM students s JOIN years y ON \(enrolled)
                LEFT JOIN (SELECT d.student_id, m.year, MAX(d.tier_after) AS tier FROM decisions d
                           JOIN (SELECT e.student_id, z.name AS year, MAX(e.decided_at) AS last FROM decisions e JOIN years z ON e.decided_at < z.after
                                 GROUP BY e.student_id, z.name) m
                             ON m.student_id = d.student_id AND m.last = d.decided_at
                           GROUP BY d.student_id, m.year) t ON t.student_id = s.id AND t.year = y.name
                WHERE s.\(inRegion)
                GROUP BY y.name, s.school_id, COALESCE(t.tier, 1)
                """),
            // Counted as incidents are written (M0037), not on every view.
            ("incidents", """
                SELECT i.school_year AS year, i.school_id, CAST(SUM(i.n) AS BIGINT) AS n FROM incident_tallies i
                WHERE i.\(inRegion) AND i.school_year IN (\(binds: years.map(\.name))) AND i.status = 'complete'
                GROUP BY i.school_year, i.school_id
                """),
            // DUO reports (each crossing is a report) and new thuiszitters (students) raised in the year.
            ("signals", """
                \(with)
                SELECT y.name AS year, g.school_id, g.rule, COUNT(*) AS reports, COUNT(DISTINCT g.student_id) AS students FROM signals g
                JOIN years y ON g.fired_on >= y.starts AND g.fired_on <= y.ends
                WHERE g.rule IN ('absence_report', 'thuiszitter') AND g.\(inRegion)
                GROUP BY y.name, g.school_id, g.rule
                """),
            // Shorter lines: per case whose support started in the year, the days since its signal.
            ("leads", """
                \(with)
                SELECT y.name AS year, c.school_id, a.on_date AS signalled, b.on_date AS started FROM cases c
                JOIN case_steps a ON a.case_id = c.id AND a.step = 'signal' JOIN case_steps b ON b.case_id = c.id AND b.step = 'intervention_start'
                JOIN years y ON b.on_date >= y.starts AND b.on_date <= y.ends
                WHERE c.\(inRegion)
                """),
            // The interventions in use now, for every year alike.
            ("interventions", """
                SELECT v.school_id, COUNT(*) AS n, SUM(CASE WHEN v.provider = 'joint' THEN 1 ELSE 0 END) AS joint FROM interventions v
                WHERE v.\(inRegion) AND v.status = 'active' GROUP BY v.school_id
                """),
        ]
    }

    /// Counts per school year (by name) and school; schools without any row get zeros.
    func counts(regionID: UUID, years: [SchoolYearPeriod]) async throws -> [String: [UUID: SchoolYearCounts]] {
        guard !years.isEmpty else { return [:] }
        var counts: [String: [UUID: SchoolYearCounts]] = [:]
        var interventions: [UUID: (Int, Int)] = [:]
        // The statements run at once, each on a connection of its own (PostgreSQL works them in parallel; on SQLite
        // they take turns on the event loop's connection).
        let sql = self.sql
        let results = try await withThrowingTaskGroup(of: (String, [any SQLRow]).self) { group in
            for (name, query) in queries(regionID: regionID, years: years) { group.addTask { (name, try await sql.raw(query).all()) } }
            return try await group.reduce(into: [(String, [any SQLRow])]()) { $0.append($1) }
        }
        for (name, rows) in results {
            for row in rows {
                let school = try row.uuid("school_id")
                if name == "interventions" {
                    interventions[school] = (try row.decode(column: "n", as: Int.self), try row.decode(column: "joint", as: Int?.self) ?? 0)
                    continue
                }
                let year = try row.decode(column: "year", as: String.self)
                var c = counts[year]?[school] ?? SchoolYearCounts()
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
                default: continue
                }
                counts[year, default: [:]][school] = c
            }
        }
        for year in years.map(\.name) {
            for (school, (n, joint)) in interventions {
                counts[year, default: [:]][school, default: SchoolYearCounts()].interventions = n
                counts[year, default: [:]][school, default: SchoolYearCounts()].jointInterventions = joint
            }
        }
        return counts
    }

    /// One school year's counts per school.
    func counts(regionID: UUID, year: SchoolYearPeriod) async throws -> [UUID: SchoolYearCounts] {
        try await counts(regionID: regionID, years: [year])[year.name] ?? [:]
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
            SELECT school_year FROM incident_tallies WHERE school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))
            GROUP BY school_year HAVING SUM(n) > 0
            """).all().compactMap { try $0.decode(column: "school_year", as: String.self).split(separator: "-").first.flatMap { Int($0) } }
        let current = SchoolYearPeriod.containing(today).startYear
        return Set(found + [current]).sorted(by: >).map(SchoolYearPeriod.init(startYear:))
    }

    // MARK: The staff questionnaires' results

    struct Survey: Sendable { var wave: String; var minimumCell: Int; var questionnaire: Questionnaire; var tally: SurveyTally }

    /// Tallies already made, by wave and region, with the number of sent responses they were made from: a sent
    /// response never changes, so the same number means the same tally (scoring 25,000 responses took most of
    /// the region's page).
    private static let tallies = NIOLockedValueBox<[String: (responses: Int, survey: Survey)]>([:])

    /// The latest wave of a questionnaire (by its code) with responses sent from the region's schools, tallied per school.
    func survey(code: String, regionID: UUID) async throws -> Survey? {
        let candidates = try await sql.raw("""
            SELECT w.id, w.name, w.minimum_cell, w.questionnaire_id, q.definition FROM waves w JOIN questionnaires q ON q.id = w.questionnaire_id
            WHERE q.code = \(bind: code) ORDER BY w.opens_on DESC LIMIT 5
            """).all()
        let inRegion: SQLQueryString = "IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))"
        for row in candidates {
            let wave = try row.uuid("id")
            let sent = try await sql.raw("""
                SELECT (SELECT COUNT(*) FROM wave_responses r JOIN wave_invitations i ON i.id = r.invitation_id
                        WHERE r.wave_id = \(bind: wave) AND r.complete = \(bind: true) AND i.school_id \(inRegion))
                     + (SELECT COUNT(*) FROM wave_link_responses WHERE wave_id = \(bind: wave) AND complete = \(bind: true) AND school_id \(inRegion))
                     + (SELECT COUNT(*) FROM wave_personal_links WHERE wave_id = \(bind: wave) AND complete = \(bind: true) AND school_id \(inRegion)) AS n
                """).first(decodingColumn: "n", as: Int.self) ?? 0
            guard sent > 0 else { continue }
            let key = wave.uuidString + "/" + regionID.uuidString
            if let known = Self.tallies.withLockedValue({ $0[key] }), known.responses == sent { return known.survey }
            let schools = Set(try await schools(regionID: regionID).map(\.id))
            let questionnaire = try QuestionnaireDefinitions.decode(id: try row.uuid("questionnaire_id"), json: try row.decode(column: "definition", as: String.self))
            let responses = try await WaveReport.responses(waveID: wave, sql: sql).filter { schools.contains($0.school) }
            let survey = Survey(wave: try row.decode(column: "name", as: String.self), minimumCell: try row.decode(column: "minimum_cell", as: Int.self),
                                questionnaire: questionnaire, tally: SurveyTally(questionnaire: questionnaire, responses: responses.map { ($0.school, $0.answers) }))
            // Keyed by the count read before: a response sent meanwhile makes the next view tally again.
            Self.tallies.withLockedValue { $0[key] = (sent, survey) }
            return survey
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
        var queries = service.queries(regionID: region.id, years: Array(years)).map(\.sql)
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
