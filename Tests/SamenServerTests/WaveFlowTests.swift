import Foundation
import SamenCore
import SamenStats
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


@Suite("Personal links of a staff wave")
struct PersonalLinkTests {
    @Test("A researcher makes personal links (shown once); a link opens without an account, saves, resumes, sends once; the rate counts it; the same code pairs a baseline with its follow-up and is never stored")
    func personalLinks() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            let scan = QuestionnaireService.shippedFamily(2)
            let made = try await researcher.form("/waves", ["name": "Werkfactoren", "questionnaire_id": scan.uuidString, "opens_on": LocalDate.today().iso,
                                                            "closes_on": LocalDate.today().adding(days: 21).iso, "school_ids[]": world.home.id.uuidString])
            let waveID = try #require(made.headers.first(name: .location).flatMap { UUID(uuidString: String($0.dropFirst("/waves/".count))) })
            let before = try #require(try await researcher.get("/api/v1/waves/\(waveID)").content.decode(WaveJSON.self).schools?.first)

            // Problems at their fields; nothing made.
            let twice = try await researcher.form("/waves/\(waveID)/personal-links", ["school_id": world.home.id.uuidString, "role": "teacher", "labels": "R1\nR1"])
            #expect(twice.status == .badRequest && twice.text.contains("Code &#39;R1&#39; staat er twee keer in"))
            let none = try await researcher.form("/waves/\(waveID)/personal-links", ["school_id": world.other.id.uuidString, "role": "teacher", "count": "0"])
            #expect(none.status == .badRequest && none.text.contains("Kies een van de scholen van deze meting") && none.text.contains("geen aantal van 1 tot en met 500"))

            let page = try await researcher.form("/waves/\(waveID)/personal-links", ["school_id": world.home.id.uuidString, "role": "youthworker", "labels": "R1\nR2"])
            #expect(page.status == .ok && page.text.contains("id=\"links-once\""))
            let paths = page.text.matches(of: try Regex("/r/[A-Za-z0-9_-]{40,}")).map { String(page.text[$0.range]) }
            #expect(paths.count == 4, "two links, each in the table and in the CSV")
            let path = paths[0]
            let sql = app.db as! any SQLDatabase
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM wave_personal_links WHERE token_hash = \(bind: String(path.dropFirst(3)))").first(decodingColumn: "n", as: Int.self) == 0)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM wave_personal_links WHERE pair_key IN ('R1', 'R2')").first(decodingColumn: "n", as: Int.self) == 0)

            // Someone without an account: save, come back to the same link, send once.
            let person = Client(app)
            let opened = try await person.get(path)
            #expect(opened.status == .ok && opened.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(try await person.form(path, ["vis1": "4", "save": "1"]).status == .ok)
            #expect(try await person.get(path).text.contains("name=\"vis1\" value=\"4\" checked"))
            var all: [String: String] = ["send": "1"]
            for item in EvaluationInstruments.workingFactorsScan.items where item.kind == .scaled { all[item.code] = "3" }
            #expect(try await person.form(path, all).text.contains("respond-done"))
            #expect(try await person.form(path, all).status == .conflict)
            #expect(try await person.get(path).text.contains("respond-done"))
            #expect(try await Client(app).get("/r/not-a-link").status == .notFound)

            // The rate counts the links as invited, the sent one as completed; the report counts the response as a youth-care worker's.
            let after = try #require(try await researcher.get("/api/v1/waves/\(waveID)").content.decode(WaveJSON.self).schools?.first)
            #expect(after.invited == before.invited + 2 && after.completed == before.completed + 1)
            #expect(try await researcher.get("/waves/\(waveID)").text.contains("2 persoonlijke links gemaakt, 1 verstuurd."))
            #expect(try await researcher.get("/api/v1/waves/\(waveID)/report").content.decode(WaveReportJSON.self).responses == 1)

            // A follow-up: the same code gives the same pairing key, a new code another.
            struct Body: Encodable { var school_id: String; var role: String; var labels: [String] }
            struct WaveBody: Encodable { var name: String; var questionnaire_id: String; var opens_on: String; var closes_on: String; var baseline_id: String; var school_ids: [String] }
            let followUp = try await researcher.json(.POST, "/api/v1/waves", WaveBody(
                name: "Werkfactoren vervolg", questionnaire_id: scan.uuidString, opens_on: LocalDate.today().iso, closes_on: LocalDate.today().adding(days: 7).iso,
                baseline_id: waveID.uuidString, school_ids: [world.home.id.uuidString]))
            #expect(followUp.status == .created)
            let followID = try followUp.content.decode(WaveJSON.self).id
            let api = try await researcher.json(.POST, "/api/v1/waves/\(followID)/links", Body(school_id: world.home.id.uuidString, role: "teacher", labels: ["R1", "R3"]))
            #expect(api.status == .created)
            struct Link: Content { var label: String?; var url: String }
            let links = try api.content.decode(Items<Link>.self).items
            #expect(links.map(\.label) == ["R1", "R3"] && links.allSatisfy { $0.url.contains("/r/") })
            let keys = try await sql.raw("SELECT wave_id, pair_key FROM wave_personal_links ORDER BY created_at").all()
                .map { (try $0.uuid("wave_id"), try $0.decode(column: "pair_key", as: String.self)) }
            let baselineKeys = Set(keys.filter { $0.0 == waveID }.map(\.1)), followKeys = keys.filter { $0.0 == followID }.map(\.1)
            #expect(baselineKeys.contains(WaveService.linkKey(chain: waveID, label: "R1")) && followKeys.contains(WaveService.linkKey(chain: waveID, label: "R1")))
            #expect(!baselineKeys.contains(WaveService.linkKey(chain: waveID, label: "R3")))
            // Only for staff waves, and only the wave's own researcher.
            #expect(try await Client.login(app, "coordinator").form("/waves/\(waveID)/personal-links", ["count": "1"]).status == .forbidden)
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

@Suite("Wave report: baseline and follow-up, desired and actual, exports")
struct WaveChangeTests {
    /// Stores a sent response for each (type, key, answers) under a fresh invitation of an account not yet invited.
    func respond(_ app: Application, wave: UUID, school: UUID, _ people: [(type: String, key: String, answers: QuestionnaireAnswers)]) async throws {
        let sql = app.db as! any SQLDatabase
        let accounts = try await sql.raw("""
            SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM wave_invitations WHERE wave_id = \(bind: wave)) ORDER BY username LIMIT \(unsafeRaw: String(people.count))
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        for (account, person) in zip(accounts, people) {
            let invitation = UUID()
            try await sql.insert(into: "wave_invitations").columns("id", "wave_id", "account_id", "school_id", "completed_at")
                .values(SQLBind(invitation), SQLBind(wave), SQLBind(account), SQLBind(school), SQLBind(Date())).run()
            try await sql.insert(into: "wave_responses")
                .columns("id", "wave_id", "invitation_id", "school_type", "role", "link_key", "answers", "complete", "updated_at")
                .values(SQLBind(UUID()), SQLBind(wave), SQLBind(invitation), SQLBind(person.type), SQLBind("teacher"), SQLBind(person.key),
                        SQLBind(try JSONText.encode(person.answers)), SQLBind(true), SQLBind(Date())).run()
        }
    }

    func answers(_ q: Questionnaire, _ value: (QuestionItem, String?) -> Double) -> QuestionnaireAnswers {
        var a = QuestionnaireAnswers()
        for item in q.items where item.kind == .scaled {
            for (i, key) in q.answerKeys(of: item).enumerated() {
                let v = value(item, q.aspects.map { $0[i].code })
                a.values[key] = item.reverse ? 6 - v : v
            }
        }
        return a
    }

    @Test("The follow-up is compared with its baseline as pairs by the pairing key, as SamenStats' paired t-test; the tables come as CSV and the data with a codebook")
    func change() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            let owner = world.demo.people.first { $0.username == "researcher" }!.id
            let q = EvaluationInstruments.collaborationScan
            try await QuestionnaireService(db: app.db).ensureShipped()
            let service = WaveService(db: app.db)
            let base = try await service.create(WaveFields(name: "Voor", opens: .today(), closes: LocalDate.today().adding(days: 7), schoolIDs: [world.other.id]),
                                                questionnaireID: QuestionnaireService.shippedFamily(0), owner: owner)
            let follow = try await service.create(WaveFields(name: "Na", opens: .today(), closes: LocalDate.today().adding(days: 7), schoolIDs: [world.other.id],
                                                             baselineID: base), questionnaireID: QuestionnaireService.shippedFamily(0), owner: owner)
            // Eight people in PO answer both (keys p0…p7), a little higher the second time; two more answer only the follow-up.
            typealias Person = (type: String, key: String, answers: QuestionnaireAnswers)
            let before: [Person] = (0..<8).map { (i: Int) -> Person in ("PO", "p\(i)", answers(q) { _, _ in Double(2 + i % 3) }) }
            let after: [Person] = (0..<10).map { (i: Int) -> Person in
                let up: (QuestionItem) -> Double = { item in item.code.hasSuffix("1") || i % 2 == 0 ? 1 : 0 }
                return ("PO", i < 8 ? "p\(i)" : "new\(i)", answers(q) { item, _ in min(5, Double(2 + i % 3) + up(item)) })
            }
            try await respond(app, wave: base, school: world.other.id, before)
            try await respond(app, wave: follow, school: world.other.id, after)

            let report = try await researcher.get("/api/v1/waves/\(follow)/report").content.decode(WaveReportJSON.self)
            #expect(report.baseline_id == base && report.baseline_responses == 8)
            let change = try #require(report.changes.first { $0.scale == "interdependence" })
            let all = try #require(change.rows.last)
            #expect(all.school_type == "total" && all.test_kind == "paired" && all.n_first == 8 && all.n_second == 10)
            let score = { (a: QuestionnaireAnswers) in QuestionnaireScoring.scaleScore("interdependence", answers: a, questionnaire: q)! }
            let direct = try PairedTTest(before: before.map { score($0.answers) }, after: after.prefix(8).map { score($0.answers) })
            #expect(all.p == direct.p && all.hedges_g == direct.hedgesG.value)
            #expect(all.test == "Gepaarde t-toets (8 paren): t(7) = " + StatsFormat.number(direct.t) + ", " + StatsFormat.p(direct.p) + ", g = "
                + StatsFormat.number(direct.hedgesG.value))
            // The page: the change's table and slope chart, the scales' chart and a profile of the school.
            let page = try await researcher.get("/waves/\(follow)/report")
            #expect(page.status == .ok && page.text.contains("Gepaarde t-toets (8 paren)") && page.text.contains("slope-chart") && page.text.contains("bar-chart"))
            #expect(page.text.contains("profile-chart") && page.text.contains("vervolg op Voor"))

            // Each table as CSV; an unknown table is a 404 that says what to do.
            let csv = try await researcher.get("/waves/\(follow)/report.csv?table=change_interdependence")
            #expect(csv.status == .ok && csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(csv.text.contains("Gepaarde t-toets (8 paren)") && csv.text.contains("Alle;8;"))
            let unknown = try await researcher.get("/waves/\(follow)/report.csv?table=nothing")
            #expect(unknown.status == .notFound && unknown.text.contains("CSV-link"))
            // The data file: one row per response, the codebook's columns, no name.
            let data = try await researcher.get("/waves/\(follow)/data.csv").text
            let lines = data.dropFirst().split(separator: "\r\n")
            #expect(lines.count == 11 && lines[0].hasPrefix("respondent,pair_key,school_type,role,int1,"))
            #expect(lines[1].hasPrefix("1,") && lines.contains { $0.contains(",new8,PO,teacher,") })
            let codebook = try await researcher.get("/waves/\(follow)/codebook.csv").text
            #expect(codebook.contains("score_interdependence") && codebook.contains("1 = Helemaal mee oneens"))
            #expect(codebook.split(separator: "\r\n").count - 1 == lines[0].split(separator: ",").count)
        }
    }

    @Test("Desired against actual per school type, paired; a wave's own threshold suppresses more")
    func gapAndThreshold() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            let q = EvaluationInstruments.competenceScan
            try await QuestionnaireService(db: app.db).ensureShipped()
            let competence = QuestionnaireService.shippedFamily(1)
            // A threshold under 5 is refused, next to its field.
            let low = try await researcher.form("/waves", ["name": "Competenties", "questionnaire_id": competence.uuidString, "opens_on": LocalDate.today().iso,
                                                           "closes_on": LocalDate.today().adding(days: 7).iso, "school_ids[]": world.other.id.uuidString,
                                                           "minimum_cell": "3"])
            #expect(low.status == .badRequest && low.text.contains("geef een geheel getal van 5 tot en met 100"))
            struct NewWave: Encodable { var name, questionnaire_id, opens_on, closes_on: String; var school_ids: [String]; var minimum_cell: Int }
            let api = try await researcher.json(.POST, "/api/v1/waves", NewWave(
                name: "Competenties", questionnaire_id: competence.uuidString, opens_on: LocalDate.today().iso,
                closes_on: LocalDate.today().adding(days: 7).iso, school_ids: [world.other.id.uuidString], minimum_cell: 7))
            #expect(api.status == .created)
            let wave = try api.content.decode(WaveJSON.self)
            #expect(wave.minimum_cell == 7)
            // Six in PO (under the wave's 7: suppressed), eight in VO.
            let people: [(type: String, key: String, answers: QuestionnaireAnswers)] = (0..<14).map { (i: Int) in
                let desired = Double(4 + i % 2), actual = Double(3 + i % 3 / 2)
                return (i < 6 ? "PO" : "VO", "k\(i)", answers(q) { _, aspect in aspect == "desired" ? desired : actual })
            }
            try await respond(app, wave: wave.id, school: world.other.id, people)
            let report = try await researcher.get("/api/v1/waves/\(wave.id)/report").content.decode(WaveReportJSON.self)
            #expect(report.minimum_cell == 7)
            let total = try #require(report.gaps.first { $0.scale == "total" })
            let po = try #require(total.rows.first { $0.school_type == "PO" }), vo = try #require(total.rows.first { $0.school_type == "VO" })
            #expect(po.suppressed && po.mean_first == nil && po.test == nil)
            let vos = people.filter { $0.type == "VO" }.map(\.answers)
            let direct = try PairedTTest(before: vos.map { QuestionnaireScoring.totalScore(answers: $0, questionnaire: q, aspect: "actual") },
                                         after: vos.map { QuestionnaireScoring.totalScore(answers: $0, questionnaire: q, aspect: "desired") })
            #expect(!vo.suppressed && vo.test_kind == "paired" && vo.p == direct.p && abs(vo.difference! - direct.meanDifference) < 1e-12)
            let scale = try #require(report.scales.first { $0.scale == "signalling" && $0.aspect_code == "desired" })
            #expect(scale.cells.first { $0.school_type == "PO" }?.suppressed == true)
            // The data file leaves the small group's school type empty.
            let data = try await researcher.get("/waves/\(wave.id)/data.csv").text
            #expect(data.contains(",k0,,teacher,") && data.contains(",k6,VO,teacher,"))
        }
    }
}

@Suite("Students' waves: a link per group, anonymous answers")
struct StudentWaveTests {
    @Test("A researcher asks a group's students; the link opens without an account, saves, resumes in the same browser, sends once; the count rises; a new link replaces the old")
    func studentsThroughALink() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            try await QuestionnaireService(db: app.db).ensureShipped()
            let sql = app.db as! any SQLDatabase
            let group = try #require(try await sql.raw("SELECT id FROM school_groups WHERE school_id = \(bind: world.home.id) ORDER BY name LIMIT 1")
                .first(decodingColumn: "id", as: UUID.self))
            let fields = ["name": "Leerlingen", "questionnaire_id": QuestionnaireService.shippedFamily(2).uuidString, "opens_on": LocalDate.today().iso,
                          "closes_on": LocalDate.today().adding(days: 14).iso, "target": "students"]
            let bad = try await researcher.form("/waves", fields)
            #expect(bad.status == .badRequest && bad.text.contains("Kies een of meer groepen"))
            var good = fields
            good["group_ids[]"] = group.uuidString
            let made = try await researcher.form("/waves", good)
            #expect(made.status == .seeOther)
            let waveID = try #require(made.headers.first(name: .location).flatMap { UUID(uuidString: String($0.dropFirst("/waves/".count))) })
            let wave = try await researcher.get("/api/v1/waves/\(waveID)").content.decode(WaveJSON.self)
            let waveGroup = try #require(wave.groups?.first)
            #expect(wave.target == "students" && waveGroup.students > 0 && waveGroup.completed == 0 && waveGroup.link_made_at == nil)
            #expect(wave.schools?.first?.invited == waveGroup.students)
            // Nobody is invited inside Samen: the teacher's home page does not list it.
            #expect(!(try await Client.login(app, "teacher").get("/").text.contains("/waves/\(waveID)/respond")))

            // The link is shown once; only its hash is kept.
            let page = try await researcher.form("/waves/\(waveID)/groups/\(waveGroup.id)/link", [:])
            let path = try #require(page.text.range(of: "/m/[A-Za-z0-9_-]{40,}", options: .regularExpression).map { String(page.text[$0]) })
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM wave_groups WHERE token_hash = \(bind: String(path.dropFirst(3)))").first(decodingColumn: "n", as: Int.self) == 0)

            // A student without an account: save, resume with the cookie, send once.
            var student = Client(app)
            let opened = try await student.get(path)
            #expect(opened.status == .ok && opened.headers.first(name: "Referrer-Policy") == "no-referrer")
            let saved = try await student.form(path, ["vis1": "4", "save": "1"])
            #expect(saved.status == .ok)
            let cookie = try #require(saved.headers.setCookie?[WaveController.resumeCookie]?.string)
            student.extraCookies = ["\(WaveController.resumeCookie)=\(cookie)"]
            #expect(try await student.get(path).text.contains("name=\"vis1\" value=\"4\" checked"))
            var all: [String: String] = ["send": "1"]
            for item in EvaluationInstruments.workingFactorsScan.items where item.kind == .scaled { all[item.code] = "3" }
            #expect(try await student.form(path, all).text.contains("respond-done"))
            #expect(try await student.form(path, all).status == .conflict)
            let after = try await researcher.get("/api/v1/waves/\(waveID)").content.decode(WaveJSON.self)
            #expect(after.groups?.first?.completed == 1 && after.schools?.first?.completed == 1)
            // The report counts it, as a student of the school's type; the data file has no pairing key for it.
            let report = try await researcher.get("/api/v1/waves/\(waveID)/report").content.decode(WaveReportJSON.self)
            #expect(report.responses == 1)
            #expect(try await researcher.get("/waves/\(waveID)/data.csv").text.contains(",,PO,student,") == false) // one PO response: type suppressed
            #expect(try await researcher.get("/waves/\(waveID)/data.csv").text.contains(",,,student,"))

            // A new link replaces the old one.
            _ = try await researcher.form("/waves/\(waveID)/groups/\(waveGroup.id)/link", [:])
            #expect(try await Client(app).get(path).status == .notFound)
        }
    }
}
