import Fluent
import Foundation
import SamenCore
import Vapor

struct LoginPage: Encodable {
    var action: String
    var next: String
    var username: String
    var error: String?
}

struct PasswordPage: Encodable {
    var action: String
    var errors: [String: String]
    var saved: Bool
}

/// Login, logout, password change and the language switch.
struct AuthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("account", "password", use: passwordPage)
        routes.post("account", "password", use: changePassword)
        routes.get("language", ":language", use: switchLanguage)

        let api = routes.grouped("api", "v1")
        api.post("session", use: apiLogin)
        api.delete("session", use: apiLogout)
        api.get("me", use: me)
    }

    /// Only a local path may be a redirect target.
    static func safeLocal(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    /// Where to go after logging in: a local path, never the login page itself.
    static func safeNext(_ next: String?) -> String {
        let path = safeLocal(next)
        return path.hasPrefix("/login") ? "/" : path
    }

    func loginPage(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: SiteURL.home.path) }
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        return try await req.renderPage("privacy/login", title: "login_title",
                                        page: LoginPage(action: SiteURL.login(next: nil).path, next: next, username: "", error: nil))
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let next = Self.safeNext(form.next)
        let username = form.username ?? ""
        func again(_ key: String, _ args: [String], _ status: HTTPResponseStatus) async throws -> Response {
            try await req.renderPage("privacy/login", title: "login_title",
                                     page: LoginPage(action: SiteURL.login(next: nil).path, next: next, username: username,
                                                     error: Catalogue.text(key, req.language, args)), status: status)
        }
        guard !username.isEmpty, let password = form.password, !password.isEmpty else {
            return try await again("login_missing", [], .badRequest)
        }
        switch try await Authentication.login(username: username, password: password, kind: "web", on: req) {
        case .success(let token, _):
            let response = req.redirect(to: next)
            response.cookies[Cookies.session] = HTTPCookies.Value(
                string: token, maxAge: Int(req.application.samenConfig.sessionLifetime), path: "/",
                isSecure: req.application.samenConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
            return response
        case .wrong:
            return try await again("login_wrong", [], .unauthorized)
        case .locked(let until):
            return try await again("login_locked", [Self.clock(until)], .tooManyRequests)
        }
    }

    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .current
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    func logout(req: Request) async throws -> Response {
        if let user = req.currentUser { try await Authentication.logout(user, on: req.db) }
        let response = req.redirect(to: SiteURL.login(next: nil).path)
        response.cookies[Cookies.session] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                                                              isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func passwordPage(req: Request) async throws -> Response {
        _ = try req.requireUser()
        return try await req.renderPage("privacy/password", title: "password_title",
                                        page: PasswordPage(action: SiteURL.password.path, errors: [:], saved: false))
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var repeat_new: String?
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(PasswordForm.self)
        let language = req.language
        var errors: [String: String] = [:]
        guard let account = try await Account.find(user.accountID, on: req.db) else { throw SamenError.unauthorized }
        let currentOK = try await account.passwordHash.asyncMap { try await req.password.async.verify(form.current ?? "", created: $0).get() } ?? false
        if !currentOK { errors["current"] = Catalogue.text("password_current_wrong", language) }
        let new = form.new ?? ""
        if let key = PasswordRule.problem(with: new, username: account.username) {
            errors["new"] = Catalogue.text(key, language, [String(PasswordRule.minimumLength)])
        } else if new != form.repeat_new {
            errors["repeat_new"] = Catalogue.text("password_mismatch", language)
        }
        if !errors.isEmpty {
            return try await req.renderPage("privacy/password", title: "password_title",
                                            page: PasswordPage(action: SiteURL.password.path, errors: errors, saved: false), status: .badRequest)
        }
        account.passwordHash = try await req.password.async.hash(new).get()
        try await account.save(on: req.db)
        // Other sessions of this account end: a changed password locks out whoever else had it.
        try await SessionRecord.query(on: req.db).filter(\.$account.$id == user.accountID).filter(\.$id != user.sessionID).delete()
        return try await req.renderPage("privacy/password", title: "password_title",
                                        page: PasswordPage(action: SiteURL.password.path, errors: [:], saved: true))
    }

    func switchLanguage(req: Request) async throws -> Response {
        guard let language = Language(rawValue: req.parameters.get("language") ?? "") else { throw SamenError.notFound }
        let response = req.redirect(to: Self.safeLocal(try? req.query.get(String.self, at: "back")))
        response.cookies[Cookies.language] = HTTPCookies.Value(string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                               isHTTPOnly: true, sameSite: .lax)
        return response
    }

    // MARK: API

    struct SessionRequest: Content {
        var username: String
        var password: String
    }

    struct SessionResponse: Content {
        var token: String
        var expires_in: Int
        var role: String
    }

    func apiLogin(req: Request) async throws -> Response {
        let body = try req.content.decode(SessionRequest.self)
        switch try await Authentication.login(username: body.username, password: body.password, kind: "api", on: req) {
        case .success(let token, let account):
            let response = Response(status: .created)
            try response.content.encode(SessionResponse(token: token, expires_in: Int(req.application.samenConfig.tokenLifetime), role: account.role))
            return response
        case .wrong:
            throw SamenError(status: .unauthorized, key: "login_wrong", field: "password")
        case .locked(let until):
            throw SamenError(status: .tooManyRequests, key: "login_locked", arguments: [Self.clock(until)])
        }
    }

    func apiLogout(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        try await Authentication.logout(user, on: req.db)
        return .noContent
    }

    struct MeResponse: Content {
        var id: UUID
        var username: String
        var name: String
        var role: String
        var school_ids: [UUID]
        var group_ids: [UUID]
    }

    func me(req: Request) async throws -> MeResponse {
        let user = try req.requireUser()
        return MeResponse(id: user.accountID, username: user.username, name: user.name.display, role: user.role.rawValue,
                          school_ids: user.viewer.schoolIDs.sorted { $0.uuidString < $1.uuidString },
                          group_ids: user.viewer.groupIDs.sorted { $0.uuidString < $1.uuidString })
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
