import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// The evaluation benchmark's data (bench/evaluation.sh): a questionnaire of `items` scaled items in scales of ten,
/// a closed wave with `respondents` sent responses over the demo's schools, and an open wave for `submitters` more
/// teachers, each with a session whose token is written to a file for wrk to send a response with.
public enum WaveBench {
    public struct Made: Sendable { public var reportWave: UUID; public var submitWave: UUID; public var items: Int }

    public static func generate(app: Application, respondents: Int, items: Int, submitters: Int, tokensFile: String) async throws -> Made {
        let db = app.db
        let sql = db as! any SQLDatabase
        guard let researcher = try await sql.raw("SELECT id FROM accounts WHERE username = 'researcher'").first(decodingColumn: "id", as: UUID.self) else {
            throw SamenError(status: .badRequest, key: "error_not_found")
        }
        let schools = try await sql.raw("SELECT id, type FROM schools ORDER BY code").all().map {
            (try $0.uuid("id"), SchoolType(rawValue: try $0.decode(column: "type", as: String.self)) ?? .po)
        }
        let t = { (s: String) in BilingualText(nl: s, en: s) }
        let scaleCount = max(1, items / 10)
        let scales = (0..<scaleCount).map { QuestionScale(code: "s\($0 + 1)", name: t("Schaal \($0 + 1)")) }
        let questionItems = (0..<items).map { i in
            QuestionItem(code: "i\(i + 1)", text: t("Stelling \(i + 1)"), kind: .scaled, scale: "s\(i % scaleCount + 1)", reverse: i % 5 == 4)
        }
        let questionnaire = Questionnaire(code: "bench_\(items)", title: t("Benchmark \(items) items"), instructions: t(""), scales: scales, items: questionItems)
        let questionnaireID = try await QuestionnaireService(db: db).importDefinition(questionnaire, owner: researcher)
        let stored = try await QuestionnaireService(db: db).find(questionnaireID, language: .nl)!.definition

        // The people: teachers of the demo's schools, round robin.
        let people = (0..<(respondents + submitters)).map { i in (id: UUID(), school: schools[i % schools.count]) }
        let now = Date()
        try await sql.bulkInsert("accounts", columns: ["id", "username", "password_hash", "role", "first_name", "particle", "last_name", "email",
                                                      "language", "active", "region_id", "organisation_id", "created_at"],
                                 rows: people.enumerated().map { i, p in
                                     [p.id, "bench\(i)", nil as String?, "teacher", "Bench", "", "Teacher \(i)", "bench\(i)@bench.example", "nl", true,
                                      nil as UUID?, nil as UUID?, now] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("account_schools", columns: ["id", "account_id", "school_id"],
                                 rows: people.map { [UUID(), $0.id, $0.school.0] as [any Encodable & Sendable] })

        func wave(_ name: String, opens: Int, closes: Int) async throws -> UUID {
            let id = UUID()
            try await sql.insert(into: "waves").columns("id", "owner_id", "questionnaire_id", "name", "opens_on", "closes_on", "baseline_id", "chain_id",
                                                        "minimum_cell", "created_at")
                .values(SQLBind(id), SQLBind(researcher), SQLBind(questionnaireID), SQLBind(name), SQLBind(LocalDate.today().adding(days: opens).iso),
                        SQLBind(LocalDate.today().adding(days: closes).iso), SQLBind(nil as UUID?), SQLBind(id), SQLBind(5), SQLBind(now))
                .run()
            return id
        }
        let reportWave = try await wave("Benchmark \(respondents) × \(items)", opens: -30, closes: -1)
        let submitWave = try await wave("Benchmark versturen", opens: -1, closes: 30)

        var rng = SeededGenerator(seed: 20_000)
        let answering = Array(people.prefix(respondents))
        let outlooks = DemoEvaluation.outlooks(answering.map { ($0.id, $0.school.1) }, questionnaire: stored)
        var invitations: [[any Encodable & Sendable]] = [], responses: [[any Encodable & Sendable]] = []
        let encoder = JSONEncoder()
        for p in answering {
            let invitation = UUID()
            invitations.append([invitation, reportWave, p.id, p.school.0, now])
            let answers = DemoEvaluation.answers(stored, outlook: outlooks[p.id] ?? [:], type: p.school.1, phase: .baseline, rng: &rng)
            responses.append([UUID(), reportWave, invitation, p.school.1.rawValue, "teacher", WaveService.linkKey(chain: reportWave, account: p.id),
                              String(decoding: try encoder.encode(answers), as: UTF8.self), true, now])
        }
        try await sql.bulkInsert("wave_invitations", columns: ["id", "wave_id", "account_id", "school_id", "completed_at"], rows: invitations)
        try await sql.bulkInsert("wave_responses", columns: ["id", "wave_id", "invitation_id", "school_type", "role", "link_key", "answers", "complete",
                                                             "updated_at"], rows: responses)

        // The submitters: invited to the open wave, each with a session.
        var tokens: [String] = []
        var sessions: [[any Encodable & Sendable]] = []
        for p in people.dropFirst(respondents) {
            let token = Tokens.make()
            tokens.append(token)
            sessions.append([UUID(), Tokens.hash(token), p.id, "web", now, now.addingTimeInterval(86_400)])
        }
        try await sql.bulkInsert("wave_invitations", columns: ["id", "wave_id", "account_id", "school_id", "completed_at"],
                                 rows: people.dropFirst(respondents).map { [UUID(), submitWave, $0.id, $0.school.0, nil as Date?] })
        try await sql.bulkInsert("sessions", columns: ["id", "token_hash", "account_id", "kind", "created_at", "expires_at"], rows: sessions)
        try tokens.joined(separator: "\n").appending("\n").write(toFile: tokensFile, atomically: true, encoding: .utf8)
        return Made(reportWave: reportWave, submitWave: submitWave, items: items)
    }

    /// Scores every response and computes the full report, as the report page and API do; the seconds it took.
    public static func timeReport(app: Application, waveID: UUID) async throws -> (seconds: Double, responses: Int, scales: Int) {
        let service = WaveService(db: app.db)
        let start = Date()
        guard let wave = try await service.find(waveID, language: .nl) else { throw SamenError.notFound }
        let questionnaire = try await service.questionnaire(of: wave)
        let report = try await WaveReport.make(wave: wave, questionnaire: questionnaire, baseline: nil, sql: app.db as! any SQLDatabase, language: .nl)
        return (Date().timeIntervalSince(start), report.responses, report.scales.count)
    }
}
