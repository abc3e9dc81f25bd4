import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("The region's dashboard: schools side by side, never a student")
struct RegionDashboardTests {
    /// Adds `count` students to a school (in its first group) and returns their ids.
    func addStudents(_ app: Application, school: UUID, count: Int) async throws -> [UUID] {
        let sql = app.db as! any SQLDatabase
        let group = try await sql.raw("SELECT id FROM school_groups WHERE school_id = \(bind: school) LIMIT 1").first(decodingColumn: "id", as: UUID.self)
        let ids = (0..<count).map { _ in UUID() }
        let insert = sql.insert(into: "students").columns("id", "school_id", "group_id", "number", "first_name", "particle", "last_name", "sort_name",
                                                          "search_text", "birth_date", "pseudonym")
        for (i, id) in ids.enumerated() {
            insert.values(SQLBind(id), SQLBind(school), SQLBind(group), SQLBind("R\(i)"), SQLBind("Regiokind"), SQLBind(""), SQLBind("Nummer\(i)"),
                          SQLBind("nummer\(i)"), SQLBind("regiokind nummer\(i)"), SQLBind("2015-01-01"), SQLBind(UUID().uuidString))
        }
        try await insert.run()
        return ids
    }

    func signal(_ app: Application, school: UUID, student: UUID, rule: String, on date: LocalDate) async throws {
        try await (app.db as! any SQLDatabase).insert(into: "signals")
            .columns("id", "school_id", "student_id", "rule", "period", "fired_on", "figures", "status", "raised_at")
            .values(SQLBind(UUID()), SQLBind(school), SQLBind(student), SQLBind(rule), SQLBind("since " + date.iso), SQLBind(date.iso), SQLBind("[]"),
                    SQLBind("open"), SQLBind(Date()))
            .run()
    }

    @Test("Region staff see every school's figures with small counts of students hidden (and their complements), the region's total, quarters and years; never a student")
    func dashboard() async throws {
        try await withSamen { app, world in
            let region = try await Client.login(app, "region")
            let column = { (name: String) in RegionOverview.columns.firstIndex(of: name)! }
            // The small demo: six students a school, so every school's count is hidden and the region's 42 shown.
            var d = try await region.get("/api/v1/region").content.decode(RegionDashboardJSON.self)
            #expect(d.schools.count == world.demo.schools.count && d.threshold == 10)
            #expect(d.schools.allSatisfy { $0.cells[column("students")].suppressed && $0.cells[column("students")].value == nil })
            #expect(d.region_row.cells[column("students")] == RegionCell(Double(world.demo.students.count)))

            // The demo's own thuiszitters at the home school this school year and this quarter.
            let sql = app.db as! any SQLDatabase
            func demoThuiszitters(since: LocalDate) async throws -> Int {
                try await sql.raw("""
                    SELECT COUNT(DISTINCT student_id) AS n FROM signals WHERE rule = 'thuiszitter' AND school_id = \(bind: world.home.id) AND fired_on >= \(bind: since.iso)
                    """).first(decodingColumn: "n", as: Int.self) ?? 0
            }
            let inYear = try await demoThuiszitters(since: SchoolYearPeriod.containing(.today()).start)
            let inQuarter = try await demoThuiszitters(since: Quarter(containing: .today()).first)
            // A larger school: its students shown; three new thuiszitters there: hidden, and the region's too.
            let added = try await addStudents(app, school: world.home.id, count: 30)
            for id in added.prefix(3) { try await signal(app, school: world.home.id, student: id, rule: "thuiszitter", on: .today()) }
            d = try await region.get("/api/v1/region").content.decode(RegionDashboardJSON.self)
            let home = try #require(d.schools.first { $0.school_id == world.home.id })
            #expect(home.cells[column("students")].value == Double(36))
            #expect(home.cells[column("thuiszitters")].suppressed, "\(3 + inYear) is under 10")
            #expect(d.thuiszitters_by_quarter.first { $0.school_id == world.home.id }?.counts.last?.suppressed == true)
            #expect(d.years.last?.school_year == SchoolYearPeriod.containing(.today()).name)

            // Ten or more: shown, in the year and in its quarter.
            for id in added.dropFirst(3).prefix(9) { try await signal(app, school: world.home.id, student: id, rule: "thuiszitter", on: .today()) }
            d = try await region.get("/api/v1/region").content.decode(RegionDashboardJSON.self)
            #expect(d.schools.first { $0.school_id == world.home.id }?.cells[column("thuiszitters")].value == Double(12 + inYear))
            #expect(d.thuiszitters_by_quarter.first { $0.school_id == world.home.id }?.counts.last?.value == Double(12 + inQuarter))

            // The page: the tables, "< 10", no student's name; each table as CSV.
            let page = try await region.get("/region")
            #expect(page.status == .ok && page.text.contains("Scholen naast elkaar") && page.text.contains("&lt; 10") && page.text.contains(world.home.name))
            #expect(!page.text.contains("Regiokind") && !world.demo.students.contains { page.text.contains($0.name.display) })
            let csv = try await region.get("/region.csv?table=quarters")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv" && csv.text.contains("Totaal"))
            #expect(try await region.get("/region.csv?table=students").status == .badRequest)
            #expect(try await region.get("/region?year=1999-2000").status == .badRequest)

            // The threshold is configurable, never below 5.
            app.samenConfig.regionMinimumCell = 5
            d = try await region.get("/api/v1/region").content.decode(RegionDashboardJSON.self)
            #expect(d.threshold == 5 && d.schools.first { $0.school_id == world.other.id }?.cells[column("students")].value == 6)

            // Tiers by each student's latest decision before the year's end, Tier I without one (counted without suppression).
            let tiersBefore = try #require(try await RegionService(db: app.db).counts(regionID: world.demo.region.id, year: .containing(.today()))[world.home.id]).tiers
            let signal = try #require(try await sql.raw("SELECT id, student_id FROM signals WHERE school_id = \(bind: world.home.id) LIMIT 1").first())
            let decider = world.demo.people.first { $0.username == "coordinator" }!.id
            let student = try signal.uuid("student_id")
            let earlier = try await sql.raw("SELECT COUNT(*) AS n FROM decisions WHERE student_id = \(bind: student)").first(decodingColumn: "n", as: Int.self) ?? 0
            for (tier, daysAgo) in [(2, 2), (3, 1)] {
                try await sql.insert(into: "decisions").columns("id", "signal_id", "student_id", "decision", "tier_before", "tier_after", "note", "decided_by", "decided_at")
                    .values(SQLBind(UUID()), SQLBind(try signal.uuid("id")), SQLBind(student), SQLBind("intensify"), SQLBind(1), SQLBind(tier), SQLBind(""),
                            SQLBind(decider), SQLBind(Date().addingTimeInterval(Double(-daysAgo) * 86_400)))
                    .run()
            }
            let tiersAfter = try #require(try await RegionService(db: app.db).counts(regionID: world.demo.region.id, year: .containing(.today()))[world.home.id]).tiers
            #expect(tiersAfter.reduce(0, +) == tiersBefore.reduce(0, +), "each student once")
            #expect(tiersAfter[2] >= 1 && (earlier > 0 || (tiersAfter[2] == tiersBefore[2] + 1 && tiersAfter[0] == tiersBefore[0] - 1)))

            // Nobody else.
            #expect(try await Client.login(app, "coordinator").get("/region").status == .forbidden)
            #expect(try await Client(app).get("/api/v1/region").status == .unauthorized)
            #expect(try await Client.login(app, "admin").get("/region").status == .ok)
        }
    }

    @Test("The incident tallies the region counts from stay equal to counting the incidents, through recording, a change of status and removal")
    func tallies() async throws {
        try await withSamen { app, world in
            let sql = app.db as! any SQLDatabase
            func same() async throws -> Bool {
                let counted = try await sql.raw("SELECT school_id, school_year, status, COUNT(*) AS n FROM incidents GROUP BY school_id, school_year, status").all()
                    .map { "\(try $0.uuid("school_id"))|\(try $0.decode(column: "school_year", as: String.self))|\(try $0.decode(column: "status", as: String.self))|\(try $0.decode(column: "n", as: Int.self))" }
                let kept = try await sql.raw("SELECT school_id, school_year, status, CAST(SUM(n) AS BIGINT) AS n FROM incident_tallies GROUP BY school_id, school_year, status HAVING SUM(n) <> 0").all()
                    .map { "\(try $0.uuid("school_id"))|\(try $0.decode(column: "school_year", as: String.self))|\(try $0.decode(column: "status", as: String.self))|\(try $0.decode(column: "n", as: Int.self))" }
                return Set(counted) == Set(kept) && counted.count == kept.count
            }
            #expect(try await same(), "the demo's incidents, counted by the migration and the trigger")
            // On PostgreSQL a count is spread over slots by the incident's id, so writers at one school do not queue on one row.
            let slots = try await sql.raw("SELECT COUNT(DISTINCT slot) AS n FROM incident_tallies").first(decodingColumn: "n", as: Int.self) ?? 0
            #expect(sql.dialect.name == "postgresql" ? slots > 1 : slots == 1)
            let coordinator = try await Client.login(app, "coordinator")
            let labels = try await sql.raw("SELECT id, kind FROM labels WHERE school_id = \(bind: world.home.id)").all()
            let behaviour = try #require(try labels.first { try $0.decode(column: "kind", as: String.self) == "behaviour" }?.uuid("id"))
            let location = try #require(try labels.first { try $0.decode(column: "kind", as: String.self) == "location" }?.uuid("id"))
            struct Incident: Encodable { var students: [[String: String]]; var date: String; var time: String; var behaviour_id: String; var location_id: String }
            let made = try await coordinator.json(.POST, "/api/v1/incidents", Incident(students: [["student_id": world.student(in: world.teacherGroup).id.uuidString]],
                                                                                       date: LocalDate.today().iso, time: "10:00", behaviour_id: behaviour.uuidString,
                                                                                       location_id: location.uuidString))
            #expect(made.status == .created)
            #expect(try await same())
            let id = try made.content.decode(IncidentJSON.self).id
            #expect(try await coordinator.json(.POST, "/api/v1/incidents/\(id)/status", ["status": "withdrawn"]).status == .ok)
            #expect(try await same())
            try await sql.raw("DELETE FROM incident_students WHERE incident_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM incidents WHERE id = \(bind: id)").run()
            #expect(try await same())
        }
    }

    @Test("The questionnaires' figures follow every sent response: a tally is kept between views but never outlives a new response")
    func surveys() async throws {
        try await withSamen { app, world in
            let researcher = try await Client.login(app, "researcher")
            struct WaveBody: Encodable { var name: String; var questionnaire_id: String; var opens_on: String; var closes_on: String; var school_ids: [String] }
            let made = try await researcher.json(.POST, "/api/v1/waves", WaveBody(
                name: "Model in de regio", questionnaire_id: QuestionnaireService.shippedFamily(3).uuidString, opens_on: LocalDate.today().iso,
                closes_on: LocalDate.today().adding(days: 14).iso, school_ids: [world.home.id.uuidString]))
            #expect(made.status == .created)
            let waveID = try made.content.decode(WaveJSON.self).id
            struct Body: Encodable { var school_id: String; var role: String; var labels: [String] }
            struct Link: Content { var label: String?; var url: String }
            let links = try await researcher.json(.POST, "/api/v1/waves/\(waveID)/links", Body(school_id: world.home.id.uuidString, role: "teacher", labels: ["A", "B"]))
                .content.decode(Items<Link>.self).items
            let paths = try links.map { link in String(link.url[try #require(link.url.range(of: "/r/")).lowerBound...]) }
            #expect(paths.count == 2)

            let service = RegionService(db: app.db)
            let code = EvaluationInstruments.collaborationModel.code
            #expect(try await service.survey(code: code, regionID: world.demo.region.id)?.wave != "Model in de regio", "nothing sent yet")
            #expect(try await Client(app).form(paths[0], ["model": "network", "send": "1"]).text.contains("respond-done"))
            for _ in 0..<2 {
                let survey = try #require(try await service.survey(code: code, regionID: world.demo.region.id))
                #expect(survey.wave == "Model in de regio" && survey.tally.choices == ["network": 1] && survey.tally.respondents[world.home.id] == 1)
            }
            #expect(try await Client(app).form(paths[1], ["model": "integral", "send": "1"]).text.contains("respond-done"))
            let survey = try #require(try await service.survey(code: code, regionID: world.demo.region.id))
            #expect(survey.tally.choices == ["network": 1, "integral": 1] && survey.tally.respondents[world.home.id] == 2)
            // On the page: the wave's models, the two answers under the threshold of five hidden, the zeros shown.
            let dashboard = try await Client.login(app, "region").get("/api/v1/region").content.decode(RegionDashboardJSON.self)
            let models = try #require(dashboard.surveys.first { $0.kind == "choices" })
            #expect(models.wave == "Model in de regio" && models.choices?.count == 4 && models.choices?.map(\.count) == [0, 0, nil, nil])
        }
    }
}
