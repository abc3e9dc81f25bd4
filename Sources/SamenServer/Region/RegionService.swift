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

    /// Counts per school for a school year (schools without any row get zeros).
    func counts(regionID: UUID, year: SchoolYearPeriod) async throws -> [UUID: SchoolYearCounts] {
        let inRegion: SQLQueryString = "school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))"
        let start = year.start.iso, end = year.end.iso
        // Enrolled at some point of the year.
        let enrolled: SQLQueryString = "(s.enrolled_on IS NULL OR s.enrolled_on <= \(bind: end)) AND (s.left_on IS NULL OR s.left_on >= \(bind: start))"
        var counts: [UUID: SchoolYearCounts] = [:]
        func update(_ rows: [SQLRow], _ apply: (inout SchoolYearCounts, SQLRow) throws -> Void) throws {
            for row in rows { try apply(&counts[try row.uuid("school_id"), default: SchoolYearCounts()], row) }
        }
        try update(try await sql.raw("SELECT s.school_id, COUNT(*) AS n FROM students s WHERE s.\(inRegion) AND \(enrolled) GROUP BY s.school_id").all()) {
            $0.students = try $1.decode(column: "n", as: Int.self)
        }
        // Each student's tier at the end of the year: the latest decision by then, Tier I without one.
        let yearEnd = Date(timeIntervalSince1970: Double(year.end.adding(days: 1).dayNumber) * 86_400)
        try update(try await sql.raw("""
            SELECT school_id, tier, COUNT(*) AS n FROM (
              SELECT s.school_id, COALESCE((SELECT d.tier_after FROM decisions d WHERE d.student_id = s.id AND d.decided_at < \(bind: yearEnd)
                                            ORDER BY d.decided_at DESC LIMIT 1), 1) AS tier
              FROM students s WHERE s.\(inRegion) AND \(enrolled)) t
            GROUP BY school_id, tier
            """).all()) { c, row in
            let tier = try row.decode(column: "tier", as: Int.self)
            if (1...3).contains(tier) { c.tiers[tier - 1] = try row.decode(column: "n", as: Int.self) }
        }
        try update(try await sql.raw("""
            SELECT i.school_id, COUNT(*) AS n FROM incidents i WHERE i.\(inRegion) AND i.school_year = \(bind: year.name) AND i.status = 'complete'
            GROUP BY i.school_id
            """).all()) { $0.incidents = try $1.decode(column: "n", as: Int.self) }
        // DUO reports (each crossing is a report) and new thuiszitters (students) raised in the year.
        try update(try await sql.raw("""
            SELECT g.school_id, g.rule, COUNT(*) AS reports, COUNT(DISTINCT g.student_id) AS students FROM signals g
            WHERE g.rule IN ('absence_report', 'thuiszitter') AND g.fired_on >= \(bind: start) AND g.fired_on <= \(bind: end) AND g.\(inRegion)
            GROUP BY g.school_id, g.rule
            """).all()) { c, row in
            if try row.decode(column: "rule", as: String.self) == "thuiszitter" { c.thuiszitters = try row.decode(column: "students", as: Int.self) }
            else { c.absenceReports = try row.decode(column: "reports", as: Int.self) }
        }
        // Shorter lines: per case whose intervention started in the year, the days since its signal.
        try update(try await sql.raw("""
            SELECT c.school_id, a.on_date AS signalled, b.on_date AS started FROM cases c
            JOIN case_steps a ON a.case_id = c.id AND a.step = 'signal' JOIN case_steps b ON b.case_id = c.id AND b.step = 'intervention_start'
            WHERE c.\(inRegion) AND b.on_date >= \(bind: start) AND b.on_date <= \(bind: end)
            """).all()) { c, row in
            if let from = LocalDate(iso: try row.decode(column: "signalled", as: String.self)),
               let to = LocalDate(iso: try row.decode(column: "started", as: String.self)), to >= from {
                c.leadDays.append(to.dayNumber - from.dayNumber)
            }
        }
        try update(try await sql.raw("""
            SELECT v.school_id, COUNT(*) AS n, SUM(CASE WHEN v.provider = 'joint' THEN 1 ELSE 0 END) AS joint FROM interventions v
            WHERE v.\(inRegion) AND v.status = 'active' GROUP BY v.school_id
            """).all()) { c, row in
            c.interventions = try row.decode(column: "n", as: Int.self)
            c.jointInterventions = try row.decode(column: "joint", as: Int?.self) ?? 0
        }
        return counts
    }

    /// New thuiszitters (students) per school and quarter, for the quarters given.
    func thuiszittersByQuarter(regionID: UUID, quarters: [Quarter]) async throws -> [UUID: [Quarter: Int]] {
        guard let first = quarters.first, let last = quarters.last else { return [:] }
        var result: [UUID: [Quarter: Set<UUID>]] = [:]
        for row in try await sql.raw("""
            SELECT g.school_id, g.student_id, g.fired_on FROM signals g
            WHERE g.rule = 'thuiszitter' AND g.fired_on >= \(bind: first.first.iso) AND g.fired_on <= \(bind: last.last.iso)
              AND g.school_id IN (SELECT id FROM schools WHERE region_id = \(bind: regionID))
            """).all() {
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

extension Request {
    var region: RegionService { RegionService(db: db) }
}
