import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// What a retention run removed (or, dry, would remove): rows per table, never a name.
public struct RetentionReport: Sendable, Equatable {
    public var periods: RetentionPeriods
    public var today: LocalDate
    /// Table and number of rows, in the order they were removed.
    public var removed: [(table: String, rows: Int)]

    public static func == (a: RetentionReport, b: RetentionReport) -> Bool {
        a.periods == b.periods && a.today == b.today && a.removed.map(\.table) == b.removed.map(\.table) && a.removed.map(\.rows) == b.removed.map(\.rows)
    }

    public func rows(_ table: String) -> Int { removed.filter { $0.table == table }.reduce(0) { $0 + $1.rows } }
    public var total: Int { removed.reduce(0) { $0 + $1.rows } }
}

/// Applies the retention periods (DOMAIN.md §9) in one transaction: absence older than its period; closed cases
/// (referral data) older than theirs, with their steps; and the whole file of every student who left longer ago
/// than the student file's period: their incidents' links (and incidents left without a student), recognitions,
/// signals and decisions, absence, enrolments with point cards and figures, screening, consents, cases, guardians'
/// links and guardians no longer linked to anyone, the meeting items about them, and the student. The audit trail
/// is append-only and keeps its entries (they name no student, only the record's id). The run itself is audited.
public struct RetentionService {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// `audit`: the application whose audit trail records the run (what went, in counts); a dry run is not recorded.
    public func run(_ periods: RetentionPeriods, today: LocalDate = .today(), dryRun: Bool = false, audit: Application? = nil) async throws -> RetentionReport {
        let cut = periods.cutoffs(today: today)
        let leaving: SQLQueryString = "SELECT id FROM students WHERE left_on IS NOT NULL AND left_on < \(bind: cut.studentsLeftBefore.iso)"
        let theirSignals: SQLQueryString = "SELECT id FROM signals WHERE student_id IN (\(leaving))"
        let theirEnrolments: SQLQueryString = "SELECT id FROM enrolments WHERE student_id IN (\(leaving))"
        let theirCases: SQLQueryString = "SELECT id FROM cases WHERE student_id IN (\(leaving))"
        let oldCases: SQLQueryString = "SELECT id FROM cases WHERE closed_on IS NOT NULL AND closed_on < \(bind: cut.casesClosedBefore.iso)"
        let theirIncidents: SQLQueryString = "SELECT incident_id FROM incident_students WHERE student_id IN (\(leaving))"
        let report: RetentionReport = try await db.transaction { database in
            let sql = database as! any SQLDatabase
            // Fixed before anything goes: the incidents only these students were part of (others keep their other
            // students), and the guardians of nobody else.
            let incidents = try await sql.raw("""
                SELECT id FROM incidents WHERE id IN (\(theirIncidents))
                AND id NOT IN (SELECT incident_id FROM incident_students WHERE student_id NOT IN (\(leaving)))
                """).all().map { try $0.uuid("id") }
            let guardians = try await sql.raw("""
                SELECT guardian_id AS id FROM student_guardians WHERE student_id IN (\(leaving))
                AND guardian_id NOT IN (SELECT guardian_id FROM student_guardians WHERE student_id NOT IN (\(leaving)))
                AND guardian_id NOT IN (SELECT guardian_id FROM consents WHERE guardian_id IS NOT NULL AND student_id NOT IN (\(leaving)))
                AND guardian_id NOT IN (SELECT guardian_id FROM guardian_links WHERE student_id NOT IN (\(leaving)))
                """).all().map { try $0.uuid("id") }
            func among(_ ids: [UUID]) -> SQLQueryString { ids.isEmpty ? "1 = 0" : "id IN (\(binds: ids))" }
            // In order: what refers to a row goes before the row. Each step: the table and the condition of its rows.
            let steps: [(String, SQLQueryString)] = [
                ("absences", "date < \(bind: cut.absencesBefore.iso)"),
                ("case_steps", "case_id IN (\(oldCases))"),
                ("cases", "id IN (\(oldCases))"),
                ("meeting_items", "student_id IN (\(leaving)) OR signal_id IN (\(theirSignals)) OR enrolment_id IN (\(theirEnrolments))"),
                ("decisions", "student_id IN (\(leaving))"),
                ("case_steps", "case_id IN (\(theirCases))"),
                ("cases", "student_id IN (\(leaving))"),
                ("signals", "student_id IN (\(leaving))"),
                ("point_cards", "enrolment_id IN (\(theirEnrolments))"),
                ("measurements", "enrolment_id IN (\(theirEnrolments))"),
                ("enrolments", "student_id IN (\(leaving))"),
                ("screening_scores", "student_id IN (\(leaving))"),
                ("screening_ratings", "student_id IN (\(leaving))"),
                ("absences", "student_id IN (\(leaving))"),
                ("recognitions", "student_id IN (\(leaving))"),
                // Every link of theirs: those of the incidents that go are all theirs.
                ("incident_students", "student_id IN (\(leaving))"),
                ("incidents", among(incidents)),
                ("consents", "student_id IN (\(leaving))"),
                ("guardian_links", "student_id IN (\(leaving))"),
                ("student_guardians", "student_id IN (\(leaving))"),
                ("guardians", among(guardians)),
                ("students", "id IN (\(leaving))"),
            ]
            var removed: [(table: String, rows: Int)] = []
            for (table, condition) in steps {
                let rows = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(condition)").first(decodingColumn: "n", as: Int.self) ?? 0
                if rows > 0 && !dryRun { try await sql.raw("DELETE FROM \(ident: table) WHERE \(condition)").run() }
                removed.append((table, rows))
            }
            return RetentionReport(periods: periods, today: today, removed: removed)
        }
        if let app = audit, !dryRun {
            let counts = report.removed.filter { $0.rows > 0 }.map { "\($0.table)=\($0.rows)" }.joined(separator: ",")
            try await app.auditLog.append(AuditEntry.now(
                actorID: nil, actor: "samen retention", role: "admin",
                action: "retention", recordType: "retention", recordID: counts.isEmpty ? "-" : counts, studentID: nil, purpose: "retention",
                client: app.samenConfig.instanceName))
        }
        return report
    }
}
