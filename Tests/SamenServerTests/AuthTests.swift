import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import Testing
import Vapor
import VaporTesting

@Suite("Login, sessions, CSRF, throttling, password")
struct AuthTests {
    @Test("A page without a session sends the user to the login page; the login page is Dutch")
    func redirectsToLogin() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).get("/students")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/login?next=/students")
            let login = try await Client(app).get("/login")
            #expect(login.text.contains("Inloggen"))
            #expect(login.text.contains("name=\"_csrf\""))
        }
    }

    @Test("Logging in through the form sets an HttpOnly session cookie and opens the home page")
    func formLogin() async throws {
        try await withSamen { app, world in
            let client = Client(app)
            let response = try await client.form("/login", ["username": "teacher", "password": "demo", "next": "/"])
            #expect(response.status == .seeOther)
            let cookie = response.headers.setCookie?[Cookies.session]
            #expect(cookie?.isHTTPOnly == true)
            #expect(cookie?.sameSite == .lax)
            let home = try await Client(app, token: cookie?.string).get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains(world.teacherGroup.name))
            #expect(home.text.contains("Thijs van der Meer"))
        }
    }

    @Test("A form without the CSRF token is refused with 403 and logs nobody in")
    func csrfRequired() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).form("/login", ["username": "teacher", "password": "demo"], csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.headers.setCookie?[Cookies.session] == nil)
            #expect(response.text.contains("formulier is verlopen"))
        }
    }

    @Test("A wrong password is refused with a plain message; after five failures login locks, also for the right password")
    func throttling() async throws {
        try await withSamen { app, _ in
            let client = Client(app)
            for _ in 0..<5 {
                let wrong = try await client.form("/login", ["username": "coordinator", "password": "fout"])
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text.contains("klopt niet"))
            }
            let locked = try await client.form("/login", ["username": "coordinator", "password": "demo"])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("Te veel mislukte pogingen"))
            let api = try await client.json(.POST, "/api/v1/session", ["username": "coordinator", "password": "demo"])
            #expect(api.status == .tooManyRequests)
            // Other users are not affected.
            _ = try await Client.login(app, "leader")
        }
    }

    @Test("An unknown user name gets the same answer as a wrong password")
    func unknownUser() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).json(.POST, "/api/v1/session", ["username": "nobody", "password": "demo"])
            #expect(response.status == .unauthorized)
            struct Body: Decodable { var error: String; var field: String? }
            #expect(try response.content.decode(Body.self).field == "password")
        }
    }

    @Test("An API token works as bearer and stops working after DELETE /api/v1/session")
    func apiTokenRevocation() async throws {
        try await withSamen { app, _ in
            let client = try await Client.login(app, "coordinator")
            #expect(try await client.get("/api/v1/me").status == .ok)
            #expect(try await client.send(.DELETE, "/api/v1/session").status == .noContent)
            let after = try await client.get("/api/v1/me")
            #expect(after.status == .unauthorized)
            #expect(after.headers.contentType == .json)
        }
    }

    @Test("Logging out ends the session")
    func logout() async throws {
        try await withSamen { app, _ in
            let client = try await Client.login(app, "leader")
            #expect(try await client.get("/").status == .ok)
            #expect(try await client.form("/logout", [:]).status == .seeOther)
            #expect(try await client.get("/").status == .seeOther)
        }
    }

    @Test("Changing the password checks the current one, the rules and the repeat; then the new one works")
    func passwordChange() async throws {
        try await withSamen { app, _ in
            let client = try await Client.login(app, "teacher")
            let wrong = try await client.form("/account/password", ["current": "nope", "new": "kort", "repeat_new": "anders"])
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("niet je huidige wachtwoord"))
            #expect(wrong.text.contains("minstens 10 tekens"))
            let mismatch = try await client.form("/account/password", ["current": "demo", "new": "een lange zin", "repeat_new": "een andere zin"])
            #expect(mismatch.text.contains("niet gelijk"))
            let ok = try await client.form("/account/password", ["current": "demo", "new": "een lange zin", "repeat_new": "een lange zin"])
            #expect(ok.status == .ok)
            #expect(ok.text.contains("Je wachtwoord is gewijzigd"))
            _ = try await Client.login(app, "teacher", password: "een lange zin")
            let old = try await Client(app).json(.POST, "/api/v1/session", ["username": "teacher", "password": "demo"])
            #expect(old.status == .unauthorized)
        }
    }

    @Test("A deactivated account can no longer log in and its sessions end")
    func deactivation() async throws {
        try await withSamen { app, _ in
            let teacher = try await Client.login(app, "teacher")
            let account = try await Account.query(on: app.db).filter(\.$username == "teacher").first()!
            let admin = try await Client.login(app, "admin")
            let response = try await admin.form("/accounts/\(account.id!)/edit",
                                                ["first_name": "Thijs", "last_name": "Meer", "role": "teacher", "email": ""])
            #expect(response.status == .seeOther)
            #expect(try await teacher.get("/api/v1/me").status == .unauthorized)
            let again = try await Client(app).json(.POST, "/api/v1/session", ["username": "teacher", "password": "demo"])
            #expect(again.status == .unauthorized)
        }
    }

    @Test("The language switch turns pages English and back")
    func languageSwitch() async throws {
        try await withSamen { app, _ in
            let response = try await Client(app).get("/language/en?back=/login")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/login")
            let cookie = response.headers.setCookie?[Cookies.language]?.string
            #expect(cookie == "en")
            let page = try await Client(app).send(.GET, "/login", headers: ["Cookie": "\(Cookies.language)=en"])
            #expect(page.text.contains("Log in with your user name"))
            #expect(page.text.contains("<html lang=\"en\">"))
            // An outside address is never a redirect target.
            let outside = try await Client(app).get("/language/nl?back=//evil.example")
            #expect(outside.headers.first(name: .location) == "/")
        }
    }

    @Test("Session tokens are 43 URL-safe characters, all different; their stored hash is SHA-256 in hex")
    func tokensAndHashes() {
        let tokens = (0..<200).map { _ in Tokens.make() }
        #expect(Set(tokens).count == 200)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy(alphabet.contains) })
        // Every character position varies (no byte is left out of the token).
        for position in 0..<42 { #expect(Set(tokens.map { Array($0)[position] }).count > 8) }
        #expect(Tokens.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("A UUID read from a database row parses in either case and refuses anything else")
    func uuidText() {
        let id = UUID()
        #expect(UUID(text: id.uuidString) == id)
        #expect(UUID(text: id.uuidString.lowercased()) == id)
        #expect(UUID(text: "") == nil)
        #expect(UUID(text: String(id.uuidString.dropLast())) == nil)
        #expect(UUID(text: String(id.uuidString.dropLast()) + "G") == nil)
        #expect(UUID(text: id.uuidString.replacingOccurrences(of: "-", with: "0")) == nil)
        #expect(UUID(text: "-" + String(id.uuidString.dropFirst())) == nil)
    }
}
