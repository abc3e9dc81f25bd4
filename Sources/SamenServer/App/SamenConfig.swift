import Foundation
import SamenCore

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
    /// The smallest count of students a region account sees (smaller ones show as "< n"): 10 unless set, never below 5.
    public var regionMinimumCell = 10

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
        var config: SamenConfig
        if let url = env["DATABASE_URL"], !url.isEmpty {
            config = SamenConfig(database: .postgres(url: url, schema: nil), secureCookies: env["SAMEN_SECURE_COOKIES"] == "1")
        } else {
            let dir = dataDirectory ?? env["SAMEN_DATA"] ?? "samen-data"
            let absolute = URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            config = SamenConfig(database: .sqlite(path: absolute.appendingPathComponent("samen.sqlite").path),
                                 secureCookies: env["SAMEN_SECURE_COOKIES"] == "1")
        }
        if let cell = env["SAMEN_REGION_MIN_CELL"].flatMap({ Int($0) }) { config.regionMinimumCell = max(Suppression.minimumThreshold, cell) }
        return config
    }

    /// "sqlite" or "postgres", as `/healthz` reports it.
    public var engineName: String {
        switch database {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}
