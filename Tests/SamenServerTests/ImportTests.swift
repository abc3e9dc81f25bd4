import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import Testing
import Vapor
import VaporTesting

struct ReportBody: Decodable {
    var created: Int
    var updated: Int
    var unchanged: Int
    var groups_created: [String]
    var guardians_added: Int
    var ignored_columns: [String]
}

struct ProblemsBody: Decodable {
    struct Problem: Decodable { var line: Int; var column: String?; var message: String }
    var error: String
    var problems: [Problem]
}

@Suite("Student import")
struct ImportTests {
    let dutchFile = "\u{FEFF}" + #"""
    Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep;BSN;Verzorger 1 naam;Verzorger 1 e-mail
    5001;Daan;van;Dijk;03-04-2016;5b;123456782;Ingrid van Dijk;ingrid@mail.example
    5002;Noor;;Yılmaz;21-11-2015;5b;;;
    5003;"Sem ""Semmie""";de;Vries;2016-01-30;6a;;;

    """#

    func post(_ client: Client, _ school: UUID, _ text: String) async throws -> TestingHTTPResponse {
        try await client.send(.POST, "/api/v1/schools/\(school)/students/import", headers: ["Content-Type": "text/csv"], body: ByteBuffer(string: text))
    }

    @Test("Imported rows get increasing, unique version-7 ids")
    func timeOrderedIDs() {
        var rng = SystemRandomNumberGenerator()
        var ids = TimeOrderedIDs(using: &rng)
        let batch = (0..<1000).map { _ in ids.next() }
        #expect(Set(batch).count == 1000)
        #expect(batch.map(\.uuidString) == batch.map(\.uuidString).sorted())
        #expect(batch.allSatisfy { $0.uuidString.dropFirst(14).first == "7" })
    }

    @Test("A Dutch export with BOM and semicolons imports; the same file again changes nothing")
    func importTwice() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let first = try await post(coordinator, world.home.id, dutchFile)
            #expect(first.status == .ok)
            let report = try first.content.decode(ReportBody.self)
            #expect(report.created == 3)
            #expect(Set(report.groups_created) == ["5b", "6a"])
            #expect(report.guardians_added == 1)
            #expect(report.ignored_columns == ["BSN"])
            let daan = try await Student.query(on: app.db).filter(\.$number == "5001").first()!
            #expect(daan.name.display == "Daan van Dijk")
            #expect(daan.birthDate == "2016-04-03")
            let sem = try await Student.query(on: app.db).filter(\.$number == "5003").first()!
            #expect(sem.firstName == "Sem \"Semmie\"")
            let second = try await post(coordinator, world.home.id, dutchFile).content.decode(ReportBody.self)
            #expect(second.created == 0 && second.updated == 0 && second.unchanged == 3 && second.guardians_added == 0)
            // A changed row is updated, matched on student number.
            let changed = dutchFile.replacingOccurrences(of: "5002;Noor;;Yılmaz;21-11-2015;5b", with: "5002;Noor;;Yılmaz;21-11-2015;6a")
            let third = try await post(coordinator, world.home.id, changed).content.decode(ReportBody.self)
            #expect(third.updated == 1 && third.unchanged == 2)
        }
    }

    @Test("A file with bad rows imports nothing and names every problem with line and column")
    func allOrNothing() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let before = try await Student.query(on: app.db).count()
            let file = """
            student number,first name,last name,date of birth,class
            6001,Emma,Smit,12-05-2015,4a
            6002,,Bos,31-02-2015,4a
            6001,Liam,Kok,01-01-2015,4a
            6003,Finn,Visser,01-01-2015
            """
            let response = try await post(coordinator, world.home.id, file)
            #expect(response.status == .unprocessableEntity)
            let body = try response.content.decode(ProblemsBody.self)
            let places = Set(body.problems.map { "\($0.line):\($0.column ?? "-")" })
            #expect(places == ["3:first name", "3:date of birth", "4:student number", "5:-"])
            #expect(body.problems.first { $0.line == 4 }!.message.contains("regel 2"))
            #expect(try await Student.query(on: app.db).count() == before)
            #expect(try await SchoolGroup.query(on: app.db).filter(\.$name == "4a").count() == 0)
        }
    }

    @Test("A missing required column is named; an old Windows-1252 export reads correctly")
    func headersAndEncoding() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let missing = try await post(coordinator, world.home.id, "leerlingnummer;achternaam\n1;Jansen\n")
            let problems = try missing.content.decode(ProblemsBody.self).problems
            #expect(Set(problems.compactMap(\.column)) == ["roepnaam", "geboortedatum", "groep"])
            var bytes = Array("leerlingnummer;roepnaam;achternaam;geboortedatum;klas\n7001;".utf8)
            bytes += [0x5A, 0x6F, 0xEB] // "Zoë" in Windows-1252
            bytes += Array(";Ba\u{6B}ker;01-02-2014;3a\n".utf8)
            let response = try await coordinator.send(.POST, "/api/v1/schools/\(world.home.id)/students/import",
                                                      headers: ["Content-Type": "text/csv"], body: ByteBuffer(bytes: bytes))
            #expect(response.status == .ok)
            #expect(try await Student.query(on: app.db).filter(\.$number == "7001").first()?.firstName == "Zoë")
        }
    }

    @Test("The upload page shows the result, and every problem in a table")
    func uploadPage() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let boundary = "samenboundary"
            func multipart(_ csv: String) -> ByteBuffer {
                ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(coordinator.csrf)\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
                    + "--\(boundary)--\r\n")
            }
            let headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
            let good = try await coordinator.send(.POST, "/schools/\(world.home.id)/import", headers: headers, body: multipart(dutchFile))
            #expect(good.status == .ok)
            #expect(good.text.contains("Ingelezen: 3 nieuw, 0 gewijzigd, 0 ongewijzigd."))
            let bad = try await coordinator.send(.POST, "/schools/\(world.home.id)/import", headers: headers,
                                                 body: multipart("leerlingnummer;roepnaam;achternaam;geboortedatum;groep\n1;A;B;morgen;3a"))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Er is niets ingelezen"))
            #expect(bad.text.contains("geboortedatum"))
        }
    }

    @Test("The command-line import names an unknown school and lists problems in words")
    func commandLine() async throws {
        try await withSamen { app, _ in
            let unknown = try await CommandLineImport.students(bytes: Array(dutchFile.utf8), schoolCode: "99ZZ", app: app)
            guard case .failure(let failure) = unknown else { Issue.record("expected failure"); return }
            #expect(failure.describe(.nl).contains("99ZZ"))
            let bad = try await CommandLineImport.students(bytes: Array("leerlingnummer;roepnaam;achternaam;geboortedatum;groep\n1;A;B;x;3a".utf8),
                                                           schoolCode: "10aa", app: app)
            guard case .failure(let rejected) = bad else { Issue.record("expected failure"); return }
            #expect(rejected.describe(.en).contains("Line 2, Column 'geboortedatum'"))
            let good = try await CommandLineImport.students(bytes: Array(dutchFile.utf8), schoolCode: "10AA", app: app)
            guard case .success(let report) = good else { Issue.record("expected success"); return }
            #expect(report.created == 3)
        }
    }
}
