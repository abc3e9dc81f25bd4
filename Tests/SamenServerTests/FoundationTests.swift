import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Health, database and demo")
struct FoundationTests {
    @Test("A record's id in a link reads as Foundation writes it, so every link to it stays the same")
    func uuidText() {
        for id in [UUID(), UUID(), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                   UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))] {
            #expect(id.text == id.uuidString)
            #expect("/students/\(id)" == "/students/" + id.uuidString)
            #expect(SiteURL.student(id).path == "/students/" + id.uuidString)
        }
    }

    @Test("GET /healthz reports ok and the engine in use")
    func health() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).get("/healthz")
            #expect(response.status == .ok)
            struct Health: Decodable { var status: String; var database: String }
            let health = try response.content.decode(Health.self)
            #expect(health.status == "ok")
            let expected = ProcessInfo.processInfo.environment["SAMEN_TEST_DATABASE_URL"] == nil ? "sqlite" : "postgres"
            #expect(health.database == expected)
        }
    }

    @Test("SQLite runs in WAL mode with full sync, so an acknowledged write survives a crash")
    func sqliteDurability() async throws {
        guard ProcessInfo.processInfo.environment["SAMEN_TEST_DATABASE_URL"] == nil else { return }
        try await withSamen(empty: true) { app, _ in
            let sql = app.db as! any SQLDatabase
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
            let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            #expect(sync == 2)
        }
    }

    @Test("The demo fills an empty database and leaves a database with data as it is")
    func demoOnlyIntoEmptyDatabase() async throws {
        try await withSamen(empty: true) { app, _ in
            let first = try await DemoLoader.load(into: app, size: .small)
            guard case .loaded(let schools, let students, _) = first else { Issue.record("demo not loaded"); return }
            #expect(schools == 7)
            #expect(try await Student.query(on: app.db).count() == students)
            let types = Set(try await School.query(on: app.db).all().map(\.type))
            #expect(types == Set(SchoolType.allCases.map(\.rawValue)))
            // Every role has a demo login with password "demo".
            for role in Role.allCases {
                _ = try await Client.login(app, role.rawValue)
            }
            let again = try await DemoLoader.load(into: app, size: .small)
            #expect(again == .skippedExistingData)
            #expect(try await Student.query(on: app.db).count() == students)
        }
    }

    @Test("A database with only an account (no schools) is not filled with the demo")
    func demoSkipsWhenAccountsExist() async throws {
        try await withSamen(empty: true) { app, _ in
            try await CommandLineImport.createAccount(username: "beheer", password: "lang-genoeg-wachtwoord", role: .admin,
                                                      name: PersonName(first: "Bea", last: "Heer"), schoolCodes: [], app: app)
            #expect(try await DemoLoader.load(into: app, size: .small) == .skippedExistingData)
            #expect(try await School.query(on: app.db).count() == 0)
            _ = try await Client.login(app, "beheer", password: "lang-genoeg-wachtwoord")
        }
    }

    @Test("A unique-constraint clash (two saves at once) answers 409 with a message, not a 500")
    func constraintConflict() async throws {
        try await withSamen { app, world in
            // Insert behind the service's back, as a concurrent request would, then save the same number.
            func student(_ pseudonym: String) -> Student {
                let student = Student()
                student.$school.id = world.home.id
                student.number = "424242"
                student.setName(PersonName(first: "Eva", last: "Kok"))
                student.birthDate = "2016-01-01"
                student.pseudonym = pseudonym
                return student
            }
            try await student("RACE000001").create(on: app.db)
            let twin = student("RACE000002")
            do {
                try await twin.create(on: app.db)
                Issue.record("expected a constraint failure")
            } catch {
                let request = Request(application: app, on: app.eventLoopGroup.next())
                let response = await SamenErrorMiddleware.response(for: error, request: request)
                #expect(response.status == .conflict)
            }
        }
    }

    @Test("Every response carries the security headers; pages allow no inline script")
    func securityHeaders() async throws {
        try await withSamen { app, _ in
            for path in ["/login", "/healthz", "/api/v1/schools"] {
                let response = try await Client(app).get(path)
                let csp = response.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") != nil)
            }
        }
    }

    @Test("The OpenAPI document is served and lists every API route, and nothing more")
    func openAPIMatchesRoutes() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).get("/api/v1/openapi.json")
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as! [String: Any]
            #expect(object["openapi"] as? String == "3.1.0")
            let paths = object["paths"] as! [String: Any]
            var documented: Set<String> = []
            for (path, value) in paths {
                for method in (value as! [String: Any]).keys where method != "parameters" {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            var served: Set<String> = []
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                if path.hasPrefix("/api/") || path == "/healthz" { served.insert("\(route.method.rawValue) \(path)") }
            }
            #expect(served == documented, "undocumented: \(served.subtracting(documented)); not served: \(documented.subtracting(served))")
        }
    }
}
