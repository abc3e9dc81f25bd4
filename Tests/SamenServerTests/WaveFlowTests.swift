import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Measurement waves: invitations, answering on a phone, response rates")
struct WaveFlowTests {
    func completeForm(_ q: Questionnaire) -> [String: String] {
        var form: [String: String] = [:]
        for item in q.items where item.kind == .scaled { for key in q.answerKeys(of: item) { form[key] = "4" } }
        return form
    }

    @Test("A researcher makes a wave; an invited teacher saves, resumes and sends; the rate per school rises and no name reaches the researcher")
    func answerAWave() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            let scan = QuestionnaireService.shippedFamily(0)
            let bad = try await researcher.form("/waves", ["name": "", "questionnaire_id": scan.uuidString, "opens_on": LocalDate.today().adding(days: -1).iso,
                                                           "closes_on": LocalDate.today().iso])
            #expect(bad.status == .badRequest && bad.text.contains("Een meting begint vandaag of later") && bad.text.contains("Kies een of meer scholen"))
            let made = try await researcher.form("/waves", ["name": "Nulmeting 2026", "questionnaire_id": scan.uuidString, "opens_on": LocalDate.today().iso,
                                                            "closes_on": LocalDate.today().adding(days: 21).iso, "school_ids[]": world.home.id.uuidString])
            #expect(made.status == .seeOther)
            let waveID = try #require(made.headers.first(name: .location).flatMap { UUID(uuidString: String($0.dropFirst("/waves/".count))) })
            let before = try await researcher.get("/api/v1/waves/\(waveID)").content.decode(WaveJSON.self)
            let invited = try #require(before.schools?.first?.invited)
            #expect(before.state == "open" && invited >= 2 && before.schools?.first?.completed == 0)

            // The teacher finds it on the home page and saves a part.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/").text.contains("/waves/\(waveID)/respond"))
            let q = EvaluationInstruments.collaborationScan
            let saved = try await teacher.form("/waves/\(waveID)/respond", ["int1": "5", "int2": "4", "save": "1"])
            #expect(saved.status == .ok && saved.text.contains("respond-notice"))
            let resumed = try await teacher.get("/waves/\(waveID)/respond")
            #expect(resumed.text.contains("verder waar u was gebleven") && resumed.text.contains("name=\"int1\" value=\"5\" checked"))
            // Sending with questions open keeps the answers and names what is missing.
            let incomplete = try await teacher.form("/waves/\(waveID)/respond", ["int1": "5", "int2": "4", "int3": "3", "send": "1"])
            #expect(incomplete.status == .badRequest && incomplete.text.contains("17 vragen zijn nog open"))
            #expect(try await teacher.get("/waves/\(waveID)/respond").text.contains("name=\"int3\" value=\"3\" checked"))
            let out = try await teacher.form("/waves/\(waveID)/respond", ["int1": "9", "send": "1"])
            #expect(out.status == .badRequest && out.text.contains("Kies een antwoord van 1 tot en met 5"))
            var all = completeForm(q)
            all["send"] = "1"
            let sent = try await teacher.form("/waves/\(waveID)/respond", all)
            #expect(sent.status == .ok && sent.text.contains("respond-done"))
            #expect(try await teacher.form("/waves/\(waveID)/respond", all).status == .conflict)
            #expect(!(try await teacher.get("/").text.contains("/waves/\(waveID)/respond")))

            // The rate rose by one; the researcher's view holds counts only.
            let after = try await researcher.get("/api/v1/waves/\(waveID)")
            #expect(try after.content.decode(WaveJSON.self).schools?.first?.completed == 1)
            #expect(!after.text.contains("Thijs") && !after.text.contains(world.account.id.uuidString))
            let page = try await researcher.get("/waves/\(waveID)")
            #expect(page.text.contains("1 van \(invited) uitgenodigden"))

            // The stored response carries school type, role and a pairing key, not the account.
            let sql = app.db as! any SQLDatabase
            let row = try #require(try await sql.raw("SELECT school_type, role, link_key, complete FROM wave_responses WHERE wave_id = \(bind: waveID)").first())
            #expect(try row.decode(column: "school_type", as: String.self) == "PO" && row.decode(column: "role", as: String.self) == "teacher")
            #expect(try row.decode(column: "complete", as: Bool.self))
            // A follow-up in the same chain gives the same person the same key.
            let followUp = try await WaveService(db: app.db).create(
                WaveFields(name: "Vervolgmeting", opens: .today(), closes: LocalDate.today().adding(days: 7), schoolIDs: [world.home.id], baselineID: waveID),
                questionnaireID: scan, owner: world.demo.people.first { $0.username == "researcher" }!.id)
            let chainRoot = try await sql.raw("SELECT chain_id FROM waves WHERE id = \(bind: followUp)").first(decodingColumn: "chain_id", as: UUID.self)
            #expect(chainRoot == waveID)
            #expect(try row.decode(column: "link_key", as: String.self) == WaveService.linkKey(chain: waveID, account: world.account.id))

            // Someone not invited finds nothing; a closed wave takes no answers.
            #expect(try await Client.login(app, "coordinator").get("/waves/\(waveID)/respond").status == .notFound)
            try await sql.raw("UPDATE waves SET closes_on = \(bind: LocalDate.today().adding(days: -1).iso), opens_on = \(bind: LocalDate.today().adding(days: -9).iso) WHERE id = \(bind: followUp)").run()
            #expect(try await teacher.form("/waves/\(followUp)/respond", ["int1": "3", "save": "1"]).status == .conflict)
        }
    }
}

@Suite("Wave report")
struct WaveReportTests {
    @Test("The report compares school types as SamenStats does, suppresses a small group and names the test")
    func report() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            let owner = world.demo.people.first { $0.username == "researcher" }!.id
            let q = EvaluationInstruments.collaborationScan
            try await QuestionnaireService(db: app.db).ensureShipped()
            let wave = try await WaveService(db: app.db).create(
                WaveFields(name: "Rapporttest", opens: .today(), closes: LocalDate.today().adding(days: 7), schoolIDs: [world.other.id]),
                questionnaireID: QuestionnaireService.shippedFamily(0), owner: owner)
            // 24 respondents: 12 in PO answering high, 9 in VO lower, 3 in SO (too few to show).
            let sql = app.db as! any SQLDatabase
            var scores: [(group: String, score: Double)] = []
            let accounts = try await sql.raw("""
                SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM wave_invitations WHERE wave_id = \(bind: wave)) ORDER BY username LIMIT 24
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
            #expect(accounts.count == 24)
            for (i, account) in accounts.enumerated() {
                let type = i < 12 ? "PO" : i < 21 ? "VO" : "SO"
                let base: Double = type == "PO" ? 4 : type == "VO" ? 3 : 2
                var values: [String: Double] = [:]
                for item in q.items(of: "interdependence") {
                    let v = min(5, max(1, base + Double((i + item.code.count) % 3) - 1))
                    values[item.code] = item.reverse ? 6 - v : v
                }
                let answers = QuestionnaireAnswers(values: values, choices: [:])
                scores.append((type, QuestionnaireScoring.scaleScore("interdependence", answers: answers, questionnaire: q)!))
                let invitation = UUID()
                try await sql.insert(into: "wave_invitations").columns("id", "wave_id", "account_id", "school_id")
                    .values(SQLBind(invitation), SQLBind(wave), SQLBind(account), SQLBind(world.other.id)).run()
                try await sql.insert(into: "wave_responses")
                    .columns("id", "wave_id", "invitation_id", "school_type", "role", "link_key", "answers", "complete", "updated_at")
                    .values(SQLBind(UUID()), SQLBind(wave), SQLBind(invitation), SQLBind(type), SQLBind("teacher"), SQLBind("k\(i)"),
                            SQLBind(try JSONText.encode(answers)), SQLBind(true), SQLBind(Date())).run()
            }
            let report = try await researcher.get("/api/v1/waves/\(wave)/report").content.decode(WaveReportJSON.self)
            #expect(report.responses == 24)
            let scale = try #require(report.scales.first { $0.scale == "interdependence" })
            #expect(scale.cells.map(\.school_type) == ["PO", "SO", "VO"])
            #expect(scale.cells[1].suppressed && scale.cells[1].mean == nil)
            let direct = EvaluationReport.compare(scores, order: ["PO", "SO", "VO", "VSO", "MBO"])
            #expect(scale.cells[0].mean == direct.cells[0].mean && scale.cells[2].sd == direct.cells[2].sd)
            #expect(scale.test == direct.testStatement(.nl) && scale.differences.first?.hasPrefix("PO > VO (p ") == true)
            // Scales nobody answered have no test.
            #expect(report.scales.first { $0.scale == "reflection" }?.test == nil)
            let page = try await researcher.get("/waves/\(wave)/report")
            #expect(page.status == .ok && page.text.contains("PO &gt; VO") && page.text.contains("&lt; 5"))
        }
    }
}
