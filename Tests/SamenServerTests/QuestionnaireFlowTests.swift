import Foundation
import SamenCore
@testable import SamenServer
import Testing
import Vapor
import VaporTesting

@Suite("Questionnaires: the library, import and export")
struct QuestionnaireFlowTests {
    @Test("A researcher exports a shipped questionnaire, loads it back as their own, and a second load becomes version 2")
    func exportAndImport() async throws {
        try await withSamen { app, _ in
            let researcher = try await Client.login(app, "researcher")
            let library = try await researcher.get("/api/v1/questionnaires").content.decode(Items<QuestionnaireJSON>.self).items
            #expect(Set(library.map(\.code)) == Set(EvaluationInstruments.all.map(\.code)) && library.allSatisfy { $0.owner_id == nil })
            let scan = try #require(library.first { $0.code == "collaboration_scan" })
            let page = try await researcher.get("/questionnaires/\(scan.id)")
            #expect(page.status == .ok && page.text.contains("Onderlinge afhankelijkheid") && page.text.contains("omgekeerd gescoord"))

            let file = try await researcher.get("/questionnaires/\(scan.id)/export")
            #expect(file.headers.first(name: .contentDisposition) == "attachment; filename=\"collaboration_scan-v1.json\"")
            #expect(try JSONDecoder().decode(Questionnaire.self, from: Data(file.text.utf8)) == EvaluationInstruments.collaborationScan)

            // Loaded as a file through the page: version 1 of the researcher's own.
            let first = try await researcher.form("/questionnaires/import", ["definition": file.text])
            #expect(first.status == .seeOther)
            let mine = try await researcher.get("/api/v1/questionnaires").content.decode(Items<QuestionnaireJSON>.self).items.filter { $0.owner_id != nil }
            #expect(mine.count == 1 && mine[0].version == 1 && mine[0].owner == "Roos Kuipers")
            // The same code again, through the API, with a changed title: version 2 of the same questionnaire.
            var changed = EvaluationInstruments.collaborationScan
            changed.title = BilingualText(nl: "Samenwerkingsscan 2027", en: "Collaboration scan 2027")
            let second = try await researcher.json(.POST, "/api/v1/questionnaires", changed)
            #expect(second.status == .created)
            let v2 = try second.content.decode(QuestionnaireJSON.self)
            #expect(v2.version == 2 && v2.family_id == mine[0].family_id && v2.title == "Samenwerkingsscan 2027")
            // Version 1 stays as it was.
            #expect(try await researcher.get("/api/v1/questionnaires/\(mine[0].id)").content.decode(QuestionnaireJSON.self).title
                    == "Samenwerkingsscan school en jeugdhulp")
        }
    }

    @Test("A file that is not a questionnaire is refused with the place and what to do, and nothing is stored")
    func refusesBadFiles() async throws {
        try await withSamen { app, _ in
            let researcher = try await Client.login(app, "researcher")
            var text = String(decoding: try JSONEncoder().encode(EvaluationInstruments.workingFactorsScan), as: UTF8.self)
            text = text.replacingOccurrences(of: "\"scale\":\"steering\"", with: "\"scale\":\"sturing\"")
            let page = try await researcher.form("/questionnaires/import", ["definition": text])
            #expect(page.status == .badRequest && page.text.contains("id=\"import-error\"") && page.text.contains("sturing"))
            let api = try await researcher.send(.POST, "/api/v1/questionnaires", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{\"code\": 3}"))
            #expect(api.status == .badRequest && api.text.contains("code"))
            let mine = try await researcher.get("/api/v1/questionnaires").content.decode(Items<QuestionnaireJSON>.self).items.filter { $0.owner_id != nil }
            #expect(mine.isEmpty)
            #expect(try await Client.login(app, "teacher").get("/questionnaires").status == .forbidden)
        }
    }

    @Test("A researcher writes a questionnaire on the form (a problem shows at its field, nothing stored), edits it into version 2, and cannot edit Samen's or an old version")
    func editOnForm() async throws {
        try await withSamen { app, _ in
            let researcher = try await Client.login(app, "researcher")
            let blank = try await researcher.get("/questionnaires/new")
            #expect(blank.status == .ok && blank.text.contains("id=\"i5_code\"") && blank.text.contains("id=\"s3_code\""))
            var form: [String: String] = [
                "_posted": "1", "code": "teamklimaat", "title_nl": "Teamklimaat", "title_en": "Team climate", "scale_min": "1", "scale_max": "4",
                "labels_nl": "Nooit\nSoms\nVaak\nAltijd", "labels_en": "", "minimum_answered": "50",
                "s1_code": "trust", "s1_nl": "Vertrouwen", "s1_en": "Trust",
                "i1_code": "t1", "i1_kind": "scaled", "i1_scale": "trust", "i1_nl": "Ik kan op mijn collega's rekenen.", "i1_position": "1",
                "i2_code": "t2", "i2_kind": "scaled", "i2_scale": "vertrouwen", "i2_nl": "Afspraken worden nagekomen.", "i2_reverse": "on", "i2_position": "2",
                "i3_code": "", "i3_nl": "", "i3_kind": "scaled", "i3_position": "3",
            ]
            // An item in a scale that is not on the form: named at that item's scale; nothing stored.
            let refused = try await researcher.form("/questionnaires/new", form)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"edit-errors\""))
            #expect(refused.text.contains("vertrouwen") && refused.text.contains("staat niet in de lijst van schalen"))
            #expect(refused.text.contains("value=\"Afspraken worden nagekomen.\"") || refused.text.contains(">Afspraken worden nagekomen.</textarea>"), "what was typed stays")
            func mine() async throws -> [QuestionnaireJSON] {
                try await researcher.get("/api/v1/questionnaires").content.decode(Items<QuestionnaireJSON>.self).items.filter { $0.owner_id != nil }
            }
            #expect(try await mine().isEmpty)

            form["i2_scale"] = "trust"
            let created = try await researcher.form("/questionnaires/new", form)
            #expect(created.status == .seeOther)
            let v1 = try #require(try await mine().first)
            #expect(v1.version == 1 && v1.code == "teamklimaat" && v1.definition.items.map(\.code) == ["t1", "t2"])
            #expect(v1.definition.items[1].reverse && v1.definition.answerScale.labels.count == 4 && v1.definition.answerScale.maximum == 4)
            // The same code again on the new form: refused at the code.
            let again = try await researcher.form("/questionnaires/new", form)
            #expect(again.status == .badRequest && again.text.contains("U heeft al een vragenlijst met code"))

            // Edit: a third item placed first; version 2 keeps the code; version 1 is unchanged and no longer editable.
            let page = try await researcher.get("/questionnaires/\(v1.id)")
            #expect(page.text.contains("id=\"edit-link\""))
            var edit = QuestionnaireForm.values(of: v1.definition)
            edit["_posted"] = "1"
            edit["i3_code"] = "t0"; edit["i3_kind"] = "scaled"; edit["i3_scale"] = "trust"; edit["i3_nl"] = "Ik voel me gehoord."; edit["i3_position"] = "0"
            edit["code"] = "iets_anders"
            let saved = try await researcher.form("/questionnaires/\(v1.id)/edit", edit)
            #expect(saved.status == .seeOther)
            let v2 = try #require(try await mine().first)
            #expect(v2.version == 2 && v2.family_id == v1.family_id && v2.code == "teamklimaat" && v2.definition.items.map(\.code) == ["t0", "t1", "t2"])
            #expect(try await researcher.get("/api/v1/questionnaires/\(v1.id)").content.decode(QuestionnaireJSON.self).definition.items.count == 2)
            #expect(try await researcher.get("/questionnaires/\(v1.id)/edit").status == .conflict)
            // Samen's own: copy first.
            let shipped = QuestionnaireService.shippedFamily(0)
            #expect(try await researcher.get("/questionnaires/\(shipped)/edit").status == .conflict)
            #expect(try await Client.login(app, "coordinator").get("/questionnaires/new").status == .forbidden)
        }
    }
}
