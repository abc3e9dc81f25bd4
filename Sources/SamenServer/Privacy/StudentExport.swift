import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// A guardian's access request (AVG article 15): everything Samen holds about one student, as a readable text file
/// in the language asked: identity and group, guardians, consents, incidents, recognitions, absence, signals and the
/// team's decisions, interventions with their results, screening, cases with their steps, and who read or changed
/// the file. Free text written by staff is included as written, marked for the school to check for other people's
/// names before sending. Making the export is itself an audit entry.
public enum StudentExport {
    public enum Failure: Error { case unknownSchool(String), unknownStudent(String) }

    public static func text(number: String, schoolCode: String, language: Language, app: Application) async throws -> String {
        let sql = app.db as! any SQLDatabase
        guard let school = try await sql.raw("SELECT id, name FROM schools WHERE code = \(bind: schoolCode.uppercased())").first() else {
            throw Failure.unknownSchool(schoolCode)
        }
        let schoolID = try school.uuid("id")
        guard let s = try await sql.raw("""
            SELECT st.*, g.name AS group_name FROM students st LEFT JOIN school_groups g ON g.id = st.group_id
            WHERE st.school_id = \(bind: schoolID) AND st.number = \(bind: number)
            """).first() else { throw Failure.unknownStudent(number) }
        let id = try s.uuid("id")
        func t(_ key: String, _ args: [String] = []) -> String { Catalogue.text(key, language, args) }
        func date(_ iso: String?) -> String { iso.flatMap { LocalDate(iso: String($0.prefix(10))) }?.display(language) ?? (iso ?? "—") }
        func when(_ d: Date?) -> String { d.map { LocalDate.today(now: $0).display(language) } ?? "—" }
        func label(_ row: SQLRow, _ column: String) throws -> String {
            let own = try row.decode(column: column + (language == .nl ? "_nl" : "_en"), as: String?.self)
            if let own, !own.isEmpty { return own }
            return try row.decode(column: column + "_nl", as: String?.self) ?? "—"
        }
        /// A stored code in words, where the catalogue has it (`relation_mother`, `incident_status_complete`).
        func coded(_ prefix: String, _ value: String) -> String { Catalogue.entries[prefix + "_" + value] != nil ? t(prefix + "_" + value) : value }
        var out: [String] = []
        func heading(_ key: String, _ count: Int? = nil) {
            let title = t(key) + (count.map { " (\($0))" } ?? "")
            out += ["", title, String(repeating: "=", count: title.count)]
        }
        func line(_ text: String) { out.append(text) }
        func note(_ text: String?) { if let text, !text.isEmpty { out.append("    " + t("export_note") + ": " + text.replacingOccurrences(of: "\n", with: " ")) } }

        let name = PersonName(first: try s.decode(column: "first_name", as: String.self), particle: try s.decode(column: "particle", as: String.self),
                              last: try s.decode(column: "last_name", as: String.self))
        out.append(t("export_title", [name.display]))
        out.append(t("export_made", [LocalDate.today().display(language), try school.decode(column: "name", as: String.self)]))
        out.append(t("export_check"))
        heading("export_identity")
        line(t("student_number") + ": " + (try s.decode(column: "number", as: String.self)))
        line(t("student_birth_date") + ": " + date(try s.decode(column: "birth_date", as: String.self)))
        line(t("student_group") + ": " + ((try s.decode(column: "group_name", as: String?.self)) ?? "—"))
        line(t("export_enrolled") + ": " + date(try s.decode(column: "enrolled_on", as: String?.self)))
        line(t("export_left") + ": " + date(try s.decode(column: "left_on", as: String?.self)))
        line(t("export_pseudonym") + ": " + (try s.decode(column: "pseudonym", as: String.self)))

        let guardians = try await sql.raw("""
            SELECT g.name, g.email, g.phone, sg.relation FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id WHERE sg.student_id = \(bind: id)
            """).all()
        heading("export_guardians", guardians.count)
        for g in guardians {
            line("- " + (try g.decode(column: "name", as: String.self)) + " (" + coded("relation", try g.decode(column: "relation", as: String.self)) + "), "
                 + (try g.decode(column: "email", as: String.self)) + ", " + (try g.decode(column: "phone", as: String.self)))
        }

        let consents = try await sql.raw("""
            SELECT c.purpose, c.programme, c.given_by, c.given_on, c.expires_on, c.parts, c.note, c.withdrawn_at, o.name AS organisation
            FROM consents c LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.student_id = \(bind: id) ORDER BY c.given_on
            """).all()
        heading("export_consents", consents.count)
        for c in consents {
            let organisation = try c.decode(column: "organisation", as: String?.self), programme = try c.decode(column: "programme", as: String?.self)
            let what = organisation ?? programme ?? ""
            line("- " + coded("consent_purpose", try c.decode(column: "purpose", as: String.self)) + (what.isEmpty ? "" : " · " + what) + " · "
                 + t("export_given", [date(try c.decode(column: "given_on", as: String.self)), try c.decode(column: "given_by", as: String.self)])
                 + ((try c.decode(column: "expires_on", as: String?.self)).map { " · " + t("export_until", [date($0)]) } ?? "")
                 + ((try c.decode(column: "withdrawn_at", as: Date?.self)).map { " · " + t("export_withdrawn", [when($0)]) } ?? "")
                 + " · " + (try c.decode(column: "parts", as: String.self)))
            note(try c.decode(column: "note", as: String?.self))
        }

        let incidents = try await sql.raw("""
            SELECT i.date, i.minute, i.status, i.note, l.role, b.text_nl AS b_nl, b.text_en AS b_en, p.text_nl AS p_nl, p.text_en AS p_en
            FROM incident_students l JOIN incidents i ON i.id = l.incident_id
            LEFT JOIN labels b ON b.id = i.behaviour_id LEFT JOIN labels p ON p.id = i.location_id
            WHERE l.student_id = \(bind: id) ORDER BY i.date, i.minute
            """).all()
        heading("export_incidents", incidents.count)
        for i in incidents {
            let minute = try i.decode(column: "minute", as: Int.self)
            line("- " + date(try i.decode(column: "date", as: String.self)) + " " + String(format: "%02d:%02d", minute / 60, minute % 60) + " · "
                 + (try label(i, "b")) + " · " + (try label(i, "p")) + " · " + (try i.decode(column: "role", as: String.self)) + " · "
                 + coded("incident_status", try i.decode(column: "status", as: String.self)))
            note(try i.decode(column: "note", as: String.self))
        }

        let recognitions = try await sql.raw("""
            SELECT r.date, r.note, e.text_nl AS e_nl, e.text_en AS e_en FROM recognitions r LEFT JOIN labels e ON e.id = r.expectation_id
            WHERE r.student_id = \(bind: id) ORDER BY r.date
            """).all()
        heading("export_recognitions", recognitions.count)
        for r in recognitions {
            line("- " + date(try r.decode(column: "date", as: String.self)) + " · " + (try label(r, "e")))
            note(try r.decode(column: "note", as: String?.self))
        }

        let absences = try await sql.raw("""
            SELECT date, hours, authorised, reason_code, exempt FROM absences WHERE student_id = \(bind: id) ORDER BY date
            """).all()
        heading("export_absence", absences.count)
        for a in absences {
            line("- " + date(try a.decode(column: "date", as: String.self)) + " · " + Figure.text(try a.decode(column: "hours", as: Double.self), .decimal, language)
                 + " " + t("export_hours") + " · " + t((try a.decode(column: "authorised", as: Bool.self)) ? "export_authorised" : "export_unauthorised")
                 + " · " + (try a.decode(column: "reason_code", as: String.self)))
        }

        let signals = try await sql.raw("SELECT id, rule, fired_on, figures, status FROM signals WHERE student_id = \(bind: id) ORDER BY fired_on").all()
        let decisions = Dictionary(grouping: try await sql.raw("""
            SELECT signal_id, decision, tier_before, tier_after, review_by, note, decided_at FROM decisions WHERE student_id = \(bind: id) ORDER BY decided_at
            """).all(), by: { (try? $0.uuid("signal_id")) ?? UUID() })
        heading("export_signals", signals.count)
        for g in signals {
            let figures = (try? JSONText.decode([String].self, try g.decode(column: "figures", as: String.self))) ?? []
            let rule = try g.decode(column: "rule", as: String.self), fired = try g.decode(column: "fired_on", as: String.self)
            let finding = RuleFinding.Rule(rawValue: rule).map { RuleFinding(rule: $0, date: LocalDate(iso: fired) ?? .today(), figures: figures) }
            line("- " + date(fired) + " · " + (finding.map { t($0.key, $0.displayFigures(language)) } ?? rule) + " · " + coded("signal_status", try g.decode(column: "status", as: String.self)))
            for d in decisions[try g.uuid("id")] ?? [] {
                line("    " + t("export_decision", [when(try d.decode(column: "decided_at", as: Date.self)), coded("decision", try d.decode(column: "decision", as: String.self)),
                                                   String(try d.decode(column: "tier_before", as: Int.self)), String(try d.decode(column: "tier_after", as: Int.self))]))
                note(try d.decode(column: "note", as: String.self))
            }
        }

        let enrolments = try await sql.raw("""
            SELECT e.goal, e.start_on, e.review_on, e.status, e.ended_on, e.exit_reason, e.monitoring, e.measure, v.name, v.tier,
              (SELECT COUNT(*) FROM point_cards p WHERE p.enrolment_id = e.id) AS cards,
              (SELECT COUNT(*) FROM measurements m WHERE m.enrolment_id = e.id) AS figures
            FROM enrolments e JOIN interventions v ON v.id = e.intervention_id WHERE e.student_id = \(bind: id) ORDER BY e.start_on
            """).all()
        heading("export_enrolments", enrolments.count)
        for e in enrolments {
            line("- " + (try e.decode(column: "name", as: String.self)) + " (" + t("tier_\(try e.decode(column: "tier", as: Int.self))") + ") · "
                 + date(try e.decode(column: "start_on", as: String.self)) + " – " + date(try e.decode(column: "ended_on", as: String?.self)) + " · "
                 + coded("enrolment_status", try e.decode(column: "status", as: String.self)) + " · "
                 + t("export_results", [String(try e.decode(column: "cards", as: Int.self) + e.decode(column: "figures", as: Int.self))]))
        }

        let scores = try await sql.raw("""
            SELECT r.name, r.opens_on, s.scale, s.score, s.band FROM screening_scores s JOIN screening_rounds r ON r.id = s.round_id
            WHERE s.student_id = \(bind: id) ORDER BY r.opens_on, s.scale
            """).all()
        heading("export_screening", scores.count)
        for sc in scores {
            line("- " + (try sc.decode(column: "name", as: String.self)) + " · " + (try sc.decode(column: "scale", as: String.self)) + ": "
                 + ((try sc.decode(column: "score", as: Double?.self)).map { Figure.text($0, .decimal, language) } ?? "—")
                 + ((try sc.decode(column: "band", as: String?.self)).map { " (" + $0 + ")" } ?? ""))
        }

        let cases = try await sql.raw("SELECT id, type, basis, note, opened_at, closed_on FROM cases WHERE student_id = \(bind: id) ORDER BY opened_at").all()
        heading("export_cases", cases.count)
        for c in cases {
            line("- " + coded("case_type", try c.decode(column: "type", as: String.self)) + " · " + coded("case_basis", try c.decode(column: "basis", as: String.self)) + " · "
                 + when(try c.decode(column: "opened_at", as: Date.self)) + " – " + date(try c.decode(column: "closed_on", as: String?.self)))
            note(try c.decode(column: "note", as: String.self))
            for step in try await sql.raw("SELECT step, on_date, note FROM case_steps WHERE case_id = \(bind: try c.uuid("id")) ORDER BY on_date").all() {
                line("    " + date(try step.decode(column: "on_date", as: String.self)) + " · " + coded("case_step", try step.decode(column: "step", as: String.self)))
                note(try step.decode(column: "note", as: String.self))
            }
        }

        let audit = try await AuditLog.entries(studentID: id, limit: 10_000, on: sql)
        heading("export_audit", audit.count)
        for entry in audit.reversed() {
            line("- " + when(Date(timeIntervalSince1970: Double(entry.atMillis) / 1000)) + " · " + entry.actor + " · " + coded("role", entry.role) + " · "
                 + coded("export_action", entry.action) + " · " + entry.recordType)
        }
        try await app.auditLog.append(AuditEntry.now(
            actorID: nil, actor: "samen export", role: "admin", action: "export",
            recordType: "samen export student", recordID: id.uuidString.lowercased(), studentID: id, purpose: "access_request", client: "command line"))
        return out.joined(separator: "\n") + "\n"
    }
}
