import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

struct RoundBody: Decodable { var id: UUID; var name: String; var rated: Int; var instrument_id: UUID }
struct RoundListBody: Decodable { var items: [RoundBody] }
struct RatingListBody: Decodable {
    struct Rating: Decodable { var student_id: UUID; var answers: [Int?] }
    var items: [Rating]
}
struct ResultsBody: Decodable {
    struct Group: Decodable { var group: String; var students: Int; var rated: Int; var internalising_at_risk: Int; var externalising_at_risk: Int }
    var rated: Int
    var internalising_only: Int
    var externalising_only: Int
    var both: Int
    var unseen_internalising: Int
    var groups: [Group]
}
struct InstrumentBody: Decodable { var id: UUID; var version: Int; var archived: Bool; var school_id: UUID?; var region_id: UUID?; var name: String }
struct InstrumentListBody: Decodable { var items: [InstrumentBody] }

@Suite("Screening: rounds, rating sheets, the side-by-side dashboard and instruments")
struct ScreeningFlowTests {
    /// A worried, withdrawn student who causes no trouble: internalising 9 (at risk), externalising 1.
    static let quietWorry = ["2", "2", "2", "1", "0", "0", "0", "1", "2", "0", "1", "1"]
    /// A student at ease: internalising 1, externalising 1.
    static let calm = ["0", "0", "1", "0", "2", "0", "0", "1", "2", "0", "2", "2"]

    func sheetFields(_ student: UUID, _ answers: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: answers.enumerated().map { ("\(student)_\($0.offset + 1)", $0.element) })
    }

    @Test("The coordinator starts a round; the teacher rates the group on one sheet; a quiet, worried student raises a signal and shows beside the disruptive ones")
    func roundToSignal() async throws {
        try await withSamen { app, world in
            let worried = try await Fresh.student(app, world, number: "990101", first: "Noor")
            let easy = try await Fresh.student(app, world, number: "990102", first: "Sem")
            let coordinator = try await Client.login(app, "coordinator")
            let school = world.home.id
            // Errors next to the fields, nothing created.
            let bad = try await coordinator.form("/schools/\(school)/screening/rounds", ["instrument_id": M0022CreateScreening.exampleID.uuidString,
                                                                                      "name": "", "opens_on": "2026-10-10", "closes_on": "2026-10-01"])
            #expect(bad.status == .badRequest && bad.text.contains("De einddatum ligt voor de begindatum"))
            let before = try await coordinator.get("/api/v1/schools/\(school)/screening/rounds").content.decode(RoundListBody.self).items.count
            let today = LocalDate.today()
            let created = try await coordinator.form("/schools/\(school)/screening/rounds", [
                "instrument_id": M0022CreateScreening.exampleID.uuidString, "name": "Extra meting",
                "opens_on": today.adding(days: -1).iso, "closes_on": today.adding(days: 13).iso])
            #expect(created.status == .seeOther)
            let roundPath = created.headers.first(name: .location)!
            let rounds = try await coordinator.get("/api/v1/schools/\(school)/screening/rounds").content.decode(RoundListBody.self).items
            #expect(rounds.count == before + 1)
            let round = rounds.first { $0.name == "Extra meting" }!

            // The teacher finds the group on the round's page and opens the sheet, with the example's notice.
            let teacher = try await Client.login(app, "teacher")
            let roundPage = try await teacher.get(roundPath)
            let sheetPath = "/screening/rounds/\(round.id)/groups/\(world.teacherGroup.id)"
            #expect(roundPage.status == .ok && roundPage.text.contains(sheetPath))
            #expect(!roundPage.text.contains("id=\"band-table\""), "a teacher sees no school figures")
            let sheet = try await teacher.get(sheetPath)
            #expect(sheet.status == .ok && sheet.text.contains("geen SDQ, SAEBRS of SCOL") && sheet.text.contains("Noor Oosterbaan") == false)
            #expect(sheet.text.contains("Oosterbaan, Noor"))
            // A value outside the scale: the row says which item, nothing is saved.
            var fields = sheetFields(worried.id, Self.quietWorry)
            fields["\(worried.id)_3"] = "5"
            let rejected = try await teacher.form(sheetPath, fields.merging(sheetFields(easy.id, Self.calm)) { a, _ in a })
            #expect(rejected.status == .badRequest && rejected.text.contains("Vraag 3: &#39;5&#39; is geen antwoord"))
            #expect(try await teacher.get("/api/v1/screening/rounds/\(round.id)/ratings").content.decode(RatingListBody.self).items.isEmpty)
            // Saved: two ratings, one signal (internalising at risk); the sheet shows the scores.
            let saved = try await teacher.form(sheetPath, sheetFields(worried.id, Self.quietWorry).merging(sheetFields(easy.id, Self.calm)) { a, _ in a })
            #expect(saved.status == .ok && saved.text.contains("2 beoordelingen opgeslagen; 1 nieuwe signalen"))
            #expect(saved.text.contains("INT 9 Zorg"))
            // A whole class's sheet is a long form (every cell is sent, empty or not): longer than the
            // first buffer of the body, it still carries its form token.
            // Sent over a real connection, where such a body arrives in pieces.
            var long = sheetFields(worried.id, Self.quietWorry).merging(sheetFields(easy.id, Self.calm)) { a, _ in a }
            for n in 0..<1500 { long["\(UUID())_\(n % 12 + 1)"] = "" }
            long["_csrf"] = teacher.csrf
            let body = long.map { "\(Client.encode($0.key))=\(Client.encode($0.value))" }.joined(separator: "&")
            #expect(body.utf8.count > 60_000)
            var headers = teacher.headers(for: sheetPath)
            headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
            let longSaved = try await app.testing(method: .running(hostname: "127.0.0.1", port: 0))
                .sendRequest(.POST, sheetPath, headers: headers, body: ByteBuffer(string: body))
            #expect(longSaved.status == .ok && longSaved.body.string.contains("0 beoordelingen opgeslagen"))
            // Saving the same again changes nothing and raises nothing.
            let again = try await teacher.form(sheetPath, sheetFields(worried.id, Self.quietWorry).merging(sheetFields(easy.id, Self.calm)) { a, _ in a })
            #expect(again.text.contains("0 beoordelingen opgeslagen; 0 nieuwe signalen"))
            // Emptying a rated row is refused: a rating is corrected, not removed.
            let emptied = try await teacher.form(sheetPath, sheetFields(worried.id, Self.quietWorry))
            #expect(emptied.status == .badRequest && emptied.text.contains("Een beoordeling kan niet leeg worden gemaakt"))
            let signals = try await coordinator.get("/api/v1/signals?student_id=\(worried.id)").content.decode(SignalListBody.self).items
            #expect(signals.map(\.rule) == ["screening_at_risk"])
            #expect(signals.first?.message.contains("Screening Teruggetrokken en gespannen: score 9 valt in de band 'Zorg'") == true)

            // The coordinator's dashboard: the student counts as internalising only, and is listed as unseen by incident signals.
            let results = try await coordinator.get("/api/v1/screening/rounds/\(round.id)/results").content.decode(ResultsBody.self)
            #expect(results.rated == 2 && results.internalising_only == 1 && results.externalising_only == 0 && results.unseen_internalising == 1)
            let group = results.groups.first { $0.group == world.teacherGroup.name }!
            #expect(group.rated == 2 && group.internalising_at_risk == 1)
            let dashboard = try await coordinator.get(roundPath)
            #expect(dashboard.text.contains("Internaliserend en externaliserend naast elkaar") && dashboard.text.contains("<svg"))
            #expect(dashboard.text.contains("Noor Oosterbaan"))
            let csv = try await coordinator.get("/screening/rounds/\(round.id)/results.csv?table=bands")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true && csv.text.contains("Teruggetrokken en gespannen;Internaliserend;Zorg ⚑;1"))
            let svg = try await coordinator.get("/api/v1/screening/rounds/\(round.id)/chart.svg")
            #expect(svg.headers.first(name: .contentType)?.hasPrefix("image/svg+xml") == true && svg.text.hasPrefix("<svg"))
            // The student's page shows the latest screening.
            #expect(try await coordinator.get("/students/\(worried.id)").text.contains("Teruggetrokken en gespannen 9 (Zorg)"))
        }
    }

    @Test("The API takes ratings all or nothing: a student outside the teacher's groups, a wrong count or a closed round writes nothing")
    func apiRatings() async throws {
        try await withSamen { app, world in
            let mine = try await Fresh.student(app, world, number: "990201", first: "Lotte")
            let notMine = world.student(in: world.homeOtherGroup).id
            let coordinator = try await Client.login(app, "coordinator")
            let teacher = try await Client.login(app, "teacher")
            let today = LocalDate.today()
            struct NewRound: Encodable { var instrument_id: UUID; var name: String; var opens_on: String; var closes_on: String }
            let created = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/screening/rounds",
                                                     NewRound(instrument_id: M0022CreateScreening.exampleID, name: "API-ronde", opens_on: today.iso, closes_on: today.adding(days: 7).iso))
            #expect(created.status == .created)
            let round = try created.content.decode(RoundBody.self)
            struct Entry: Encodable { var student_id: UUID; var answers: [Int?] }
            struct Body: Encodable { var ratings: [Entry] }
            let good = Entry(student_id: mine.id, answers: [0, 0, 0, 0, 2, 2, 2, 2, 0, 2, 2, 2])
            let outside = try await teacher.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings",
                                                 Body(ratings: [good, Entry(student_id: notMine, answers: Array(repeating: 0, count: 12))]))
            #expect(outside.status == .badRequest && outside.text.contains("ratings[1].student_id"))
            let short = try await teacher.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings", Body(ratings: [Entry(student_id: mine.id, answers: [1, 2])]))
            #expect(short.status == .badRequest && short.text.contains("heeft 12 vragen; er zijn 2 antwoorden") && short.text.contains("ratings[0].answers"))
            #expect(try await teacher.get("/api/v1/screening/rounds/\(round.id)/ratings").content.decode(RatingListBody.self).items.isEmpty)
            let saved = try await teacher.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings", Body(ratings: [good]))
            #expect(saved.status == .ok && saved.text.contains("\"signals_raised\":1"))
            // A colleague's rating is not the teacher's to change; the coordinator may.
            let byCoordinator = try await coordinator.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings",
                                                           Body(ratings: [Entry(student_id: mine.id, answers: [0, 0, 0, 0, 2, 2, 2, 2, 0, 1, 2, 2])]))
            #expect(byCoordinator.status == .ok)
            #expect(try await teacher.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings", Body(ratings: [good])).status == .conflict)
            #expect(try await teacher.get("/api/v1/screening/rounds/\(round.id)/ratings").content.decode(RatingListBody.self).items.isEmpty,
                    "a teacher reads what they rated, not a colleague's")
            // A closed round: the teacher is refused, the coordinator still corrects.
            let sql = app.db as! any SQLDatabase
            try await sql.update("screening_rounds").set("closes_on", to: SQLBind(today.adding(days: -1).iso)).set("opens_on", to: SQLBind(today.adding(days: -8).iso))
                .where("id", .equal, SQLBind(round.id)).run()
            let late = try await teacher.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings", Body(ratings: [Entry(student_id: try await Fresh.student(app, world, number: "990202").id, answers: Array(repeating: 0, count: 12))]))
            #expect(late.status == .conflict && late.text.contains("gesloten"))
            #expect(try await coordinator.json(.POST, "/api/v1/screening/rounds/\(round.id)/ratings", Body(ratings: [good])).status == .ok)
        }
    }

    @Test("Instruments: a school defines its own with errors named by row; a used one changes into a new version; the region shares one with its schools")
    func instruments() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let school = world.home.id
            // A copy of the example, with one item pointing at a scale that does not exist.
            var values = ScreeningInstrument.example.formValues()
            values["name"] = "Welbevinden De Regenboog"
            values["item2_scale"] = "XX"
            let bad = try await coordinator.form("/screening/instruments?school=\(school)", values)
            #expect(bad.status == .badRequest && bad.text.contains("Regel 2: schaal &#39;XX&#39; bestaat niet"))
            #expect(bad.text.contains("value=\"Welbevinden De Regenboog\""), "what was typed stays")
            values["item2_scale"] = "INT"
            let created = try await coordinator.form("/screening/instruments?school=\(school)", values)
            #expect(created.status == .seeOther)
            let path = created.headers.first(name: .location)!
            let first = UUID(uuidString: String(path.split(separator: "/").last!))!
            #expect(try await coordinator.get(path).text.contains("Van de school · versie 1"))
            // Not used yet: an edit changes it in place.
            values["item1_text"] = "Maakt zich vaak zorgen"
            let edited = try await coordinator.form("/screening/instruments/\(first)/edit", values)
            #expect(edited.headers.first(name: .location) == path)
            // Used by a round: the change becomes version 2; the round keeps version 1.
            let service = ScreeningService(db: app.db)
            let roundID = try await service.createRound(schoolID: school, instrumentID: first,
                                                        ScreeningRoundFields(name: "R", opens: .today(), closes: LocalDate.today().adding(days: 5)),
                                                        informant: .teacher, by: world.account.id)
            values["item1_text"] = "Piekert vaak"
            let versioned = try await coordinator.form("/screening/instruments/\(first)/edit", values)
            let second = UUID(uuidString: String(versioned.headers.first(name: .location)!.split(separator: "/").last!))!
            #expect(second != first)
            let list = try await coordinator.get("/api/v1/screening/instruments?school=\(school)").content.decode(InstrumentListBody.self).items
            #expect(list.contains { $0.id == second && $0.version == 2 } && !list.contains { $0.id == first })
            #expect(try await service.round(roundID)?.instrument_id == first)
            #expect(try await service.instrument(first)?.definition.items[0].text == "Maakt zich vaak zorgen")
            // The example cannot be changed, only copied.
            #expect(try await coordinator.get("/screening/instruments/\(M0022CreateScreening.exampleID)/edit").status == .forbidden)
            #expect(try await coordinator.get("/screening/instruments/new?school=\(school)&from=\(M0022CreateScreening.exampleID)").text.contains("(eigen versie)"))
            // The region shares an instrument through the API; every school of the region may use it; others' own ones stay theirs.
            let region = try await Client.login(app, "region")
            struct NewInstrument: Encodable { var definition: ScreeningInstrument }
            var regional = ScreeningInstrument.example
            regional.name = "Regionale lijst"
            let shared = try await region.json(.POST, "/api/v1/screening/instruments", NewInstrument(definition: regional))
            #expect(shared.status == .created)
            let sharedID = try shared.content.decode(InstrumentBody.self).id
            let regionList = try await region.get("/api/v1/screening/instruments").content.decode(InstrumentListBody.self).items
            #expect(regionList.first?.id == M0022CreateScreening.exampleID && regionList.contains { $0.id == sharedID } && !regionList.contains { $0.id == second })
            let forOther = try await Client.login(app, "admin").get("/api/v1/screening/instruments?school=\(world.other.id)").content.decode(InstrumentListBody.self).items
            #expect(forOther.contains { $0.id == sharedID } && !forOther.contains { $0.id == second })
            // Bad JSON definitions get a 400 naming the field.
            var broken = regional
            broken.bands = []
            let refused = try await region.json(.POST, "/api/v1/screening/instruments", NewInstrument(definition: broken))
            #expect(refused.status == .badRequest && refused.text.contains("\"field\":\"band1_scale\""))
        }
    }

    @Test("The demo has a rated round at every school and an open one where the demo teacher's group waits")
    func demo() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let rounds = try await coordinator.get("/api/v1/schools/\(world.home.id)/screening/rounds").content.decode(RoundListBody.self).items
            #expect(rounds.count == 2 && rounds.allSatisfy { $0.rated > 0 })
            let open = rounds.first { $0.name == "Tussenmeting" }!
            let results = try await coordinator.get("/api/v1/screening/rounds/\(open.id)/results").content.decode(ResultsBody.self)
            #expect(results.groups.first { $0.group == world.teacherGroup.name }?.rated == 0)
            #expect(results.groups.filter { $0.group != world.teacherGroup.name }.allSatisfy { $0.rated == $0.students })
        }
    }
}
