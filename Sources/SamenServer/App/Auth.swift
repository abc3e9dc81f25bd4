import Crypto
import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// The logged-in person behind a request.
struct CurrentUser: Sendable {
    var sessionID: UUID
    var accountID: UUID
    var username: String
    var name: PersonName
    var role: Role
    var viewer: Viewer
    /// The directory's version when the session was read (`StudentListCache`).
    var directoryVersion: Int64
}

struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }
struct CSRFTokenKey: StorageKey { typealias Value = String }

enum Cookies {
    static let session = "samen_session"
    static let csrf = "samen_csrf"
    static let language = "samen_lang"
}

enum Tokens {
    /// 32 random bytes, URL-safe base64 without padding (43 characters).
    static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var bytes = [UInt8](repeating: 0, count: 33)
        for i in stride(from: 0, to: 32, by: 8) {
            withUnsafeBytes(of: rng.next() as UInt64) { bytes.replaceSubrange(i..<i + 8, with: $0) }
        }
        // 33 bytes (the last always 0) are 44 digits of six bits; the last digit carries only that zero.
        var out = [UInt8]()
        out.reserveCapacity(44)
        for i in stride(from: 0, to: 33, by: 3) {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
        }
        return String(decoding: out.prefix(43), as: UTF8.self)
    }

    /// SHA-256 of a text (a token, an audit entry), as lowercase hex.
    static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Request {
    var currentUser: CurrentUser? { storage[CurrentUserKey.self] }

    /// The logged-in person, or 401 (a page request then goes to the login page).
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw SamenError.unauthorized }
        return user
    }

    /// The logged-in person if their role may take `action` on `resource`, else 403.
    func require(_ action: SamenCore.Action, _ resource: Resource) throws -> CurrentUser {
        let user = try requireUser()
        guard user.viewer.can(action, resource) else { throw SamenError.forbidden }
        return user
    }

    /// The page language: the switch's cookie, else Dutch.
    var language: Language { Language(preference: parsedCookies[Cookies.language]?.string) }

    /// The request's cookies, parsed once (Vapor's `cookies` parses the header again at every use, and a page
    /// asks for the session, the form token and the language).
    var parsedCookies: HTTPCookies {
        if let parsed = storage[ParsedCookiesKey.self] { return parsed }
        let parsed = cookies
        storage[ParsedCookiesKey.self] = parsed
        return parsed
    }
}

struct ParsedCookiesKey: StorageKey { typealias Value = HTTPCookies }

/// Finds the session of a request (cookie for pages, `Authorization: Bearer`
/// for the API) and loads the person and their scope: one query for the
/// session, account, schools and groups; for a youth-care worker two more,
/// for the consents in force and the open cases assigned to them on a legal
/// basis (so a withdrawal or a closed case holds from the next request).
struct SessionLoader: AsyncMiddleware {
    /// The account's schools and groups, each as one comma-separated column.
    static let sqliteLinks = """
        (SELECT group_concat(school_id) FROM account_schools WHERE account_id = a.id) AS school_links,
        (SELECT group_concat(group_id) FROM group_staff WHERE account_id = a.id) AS group_links
        """
    static let postgresLinks = """
        (SELECT string_agg(CAST(school_id AS TEXT), ',') FROM account_schools WHERE account_id = a.id) AS school_links,
        (SELECT string_agg(CAST(group_id AS TEXT), ',') FROM group_staff WHERE account_id = a.id) AS group_links
        """

    /// The ids in a comma-separated column (empty when there are none).
    static func ids(_ row: some SQLRow, _ column: String) throws -> Set<UUID> {
        guard let text = try row.decode(column: column, as: String?.self) else { return [] }
        return Set(text.split(separator: ",").compactMap { UUID(text: String($0)) })
    }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let token: String? = request.isAPI ? request.headers.bearerAuthorization?.token : request.parsedCookies[Cookies.session]?.string
        if let token, !token.isEmpty, token.count < 200 {
            request.storage[CurrentUserKey.self] = try await Self.load(token: token, db: request.db)
        }
        return try await next.respond(to: request)
    }

    static func load(token: String, db: Database) async throws -> CurrentUser? {
        let sql = db as! any SQLDatabase
        // One statement, one row: the session, its account, the schools and groups it is linked to (each as a list
        // in one column), and the directory's version, so lists can be served from memory without another round
        // trip. It replaced a UNION of links that SQLite parsed and planned anew on every request.
        // `a.active` stands as it is: compared with a bound `true`, SQLite prepared the statement twice every time
        // (a parameter bound to 0 or 1 can change its plan).
        let links = sql.dialect.name == "postgresql" ? Self.postgresLinks : Self.sqliteLinks
        guard let row = try await sql.raw("""
            SELECT s.id AS session_id, a.id AS account_id, a.username, a.role, a.first_name, a.particle, a.last_name,
                   a.region_id, a.organisation_id, \(unsafeRaw: links), (SELECT version FROM directory_version WHERE id = 1) AS directory_version
            FROM sessions s JOIN accounts a ON a.id = s.account_id
            WHERE s.token_hash = \(bind: Tokens.hash(token)) AND s.expires_at > \(bind: Date()) AND a.active
            """).first() else { return nil }
        let accountID = try row.uuid("account_id")
        let role = Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .teacher
        var viewer = Viewer(accountID: accountID, role: role, regionID: try row.decode(column: "region_id", as: UUID?.self))
        viewer.schoolIDs = try Self.ids(row, "school_links")
        if role == .teacher { viewer.groupIDs = try Self.ids(row, "group_links") }
        if role == .youthworker, !viewer.schoolIDs.isEmpty {
            viewer.consented = try await ConsentService.access(workerID: accountID, organisationID: try row.optionalUUID("organisation_id"),
                                                               schoolIDs: viewer.schoolIDs, on: sql)
        }
        return CurrentUser(sessionID: try row.uuid("session_id"), accountID: accountID,
                           username: try row.decode(column: "username", as: String.self),
                           name: PersonName(first: try row.decode(column: "first_name", as: String.self),
                                            particle: try row.decode(column: "particle", as: String.self),
                                            last: try row.decode(column: "last_name", as: String.self)),
                           role: role, viewer: viewer, directoryVersion: try row.decode(column: "directory_version", as: Int64.self))
    }
}

/// Protects every form against cross-site request forgery with a
/// double-submit token: an HttpOnly, SameSite=Strict cookie and the same
/// value in a hidden `_csrf` field. API calls authenticate with a bearer
/// token, which a browser never sends by itself, so they need none.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.isAPI { return try await next.respond(to: request) }
        let existing = request.parsedCookies[Cookies.csrf]?.string
        let token = (existing?.count ?? 0) >= 32 ? existing! : Tokens.make()
        request.storage[CSRFTokenKey.self] = token

        if request.method != .GET, request.method != .HEAD {
            // A body larger than the first buffer arrives as a stream, which has no content to read
            // yet: collect it first (up to the app's limit), or a long form (a rating sheet) looks forged.
            if request.body.data == nil {
                _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            }
            let sent = try? request.content.get(String.self, at: "_csrf")
            guard let existing, let sent, !sent.isEmpty, constantTimeEqual(sent, existing) else {
                throw SamenError(status: .forbidden, key: "error_csrf")
            }
        }
        let response = try await next.respond(to: request)
        if existing != token {
            response.cookies[Cookies.csrf] = HTTPCookies.Value(
                string: token, path: "/", isSecure: request.application.samenConfig.secureCookies, isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Logging in and out, shared by the login page and the API.
enum Authentication {
    static let throttle = LoginThrottle()
    /// A hash checked when the user name does not exist, so a wrong name
    /// takes as long as a wrong password (cost 12, as real hashes) and names
    /// cannot be probed. Made on first use, so commands that never log anyone in do not pay for it.
    static let decoyHash: String = (try? Bcrypt.hash(Tokens.make(), cost: 12)) ?? ""

    enum Outcome {
        case success(token: String, account: Account)
        case wrong
        case locked(until: Date)
    }

    static func login(username rawName: String, password: String, kind: String, on request: Request) async throws -> Outcome {
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        let now = Date()
        let since = now.addingTimeInterval(-throttle.window)
        let failures = try await LoginFailure.query(on: request.db)
            .filter(\.$username == username).filter(\.$at > since).all(\.$at)
        if let until = throttle.lockedUntil(failures: failures, now: now) { return .locked(until: until) }

        let account = try await Account.query(on: request.db).filter(\.$username == username).first()
        let hash = account?.passwordHash ?? decoyHash
        let matches = (try? await request.password.async.verify(password, created: hash).get()) ?? false
        guard matches, let account, account.active, account.passwordHash != nil, let accountID = account.id else {
            try await LoginFailure(username: username, at: now).create(on: request.db)
            try await LoginFailure.query(on: request.db).filter(\.$at < since).delete()
            return .wrong
        }
        try await LoginFailure.query(on: request.db).filter(\.$username == username).delete()
        let token = Tokens.make()
        let config = request.application.samenConfig
        let lifetime = kind == "api" ? config.tokenLifetime : config.sessionLifetime
        try await SessionRecord(tokenHash: Tokens.hash(token), accountID: accountID, kind: kind,
                                createdAt: now, expiresAt: now.addingTimeInterval(lifetime)).create(on: request.db)
        try await SessionRecord.query(on: request.db).filter(\.$expiresAt < now).delete()
        return .success(token: token, account: account)
    }

    static func logout(_ user: CurrentUser, on db: Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$id == user.sessionID).delete()
    }
}

