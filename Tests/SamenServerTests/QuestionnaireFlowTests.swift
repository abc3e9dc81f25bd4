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
}
