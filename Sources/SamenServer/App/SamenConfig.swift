import Foundation

/// How this Samen instance runs: where its data lives and which database
/// engine it uses. Built by the CLI from flags and environment.
public struct SamenConfig: Sendable {
    public enum Database: Sendable, Equatable {
        /// An SQLite file (the default: `./samen-data/samen.sqlite`).
        case sqlite(path: String)
        /// A PostgreSQL URL, optionally confined to a schema (tests use one schema each).
        case postgres(url: String, schema: String?)
    }

    public var database: Database
    /// Bcrypt cost for new password hashes; tests lower it to keep runs fast.
    public var bcryptCost: Int
    /// Mark cookies Secure (set when served behind HTTPS).
    public var secureCookies: Bool
    /// Web sessions last this long.
    public var sessionLifetime: TimeInterval
    /// API tokens last this long.
    public var tokenLifetime: TimeInterval
    /// Whether reads and changes of student data are audited. Always on, except in
    /// the hidden `samen bench-serve --without-audit` that measures what the trail costs.
    public var audit = true

    public init(database: Database, bcryptCost: Int = 12, secureCookies: Bool = false,
                sessionLifetime: TimeInterval = 12 * 3600, tokenLifetime: TimeInterval = 24 * 3600) {
        self.database = database
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.tokenLifetime = tokenLifetime
    }

    /// The configuration the CLI uses: `DATABASE_URL` when set, else an
    /// SQLite file in `dataDirectory` (flag), `SAMEN_DATA`, or `./samen-data`.
    public static func fromEnvironment(dataDirectory: String?) -> SamenConfig {
        let env = ProcessInfo.processInfo.environment
        if let url = env["DATABASE_URL"], !url.isEmpty {
            return SamenConfig(database: .postgres(url: url, schema: nil), secureCookies: env["SAMEN_SECURE_COOKIES"] == "1")
        }
        let dir = dataDirectory ?? env["SAMEN_DATA"] ?? "samen-data"
        let absolute = URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return SamenConfig(database: .sqlite(path: absolute.appendingPathComponent("samen.sqlite").path),
                           secureCookies: env["SAMEN_SECURE_COOKIES"] == "1")
    }

    /// "sqlite" or "postgres", as `/healthz` reports it.
    public var engineName: String {
        switch database {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}
