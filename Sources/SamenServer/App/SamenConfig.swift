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
    /// Whether this process runs the nightly jobs (rules, retention): `samen serve` does unless SAMEN_JOBS=off; tests
    /// and one-shot commands do not.
    public var jobs = false
    /// Jobs due at any hour of the day, not only from their night-time hour (SAMEN_JOBS=any-hour: tests, or right after a restore).
    public var jobsAnyHour = false
    /// How this process names itself in `job_runs` (host and process id).
    public var instanceName = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)
    /// The retention periods the nightly job and `samen retention run` apply.
    public var retention = RetentionPeriods()
    /// A scraper elsewhere than on this machine sends it as a bearer token to read `/metrics` (SAMEN_METRICS_TOKEN; none: loopback only).
    public var metricsToken = ""
    /// The load balancers whose `X-Forwarded-For` names the client the audit trail records (SAMEN_TRUSTED_PROXIES,
    /// comma-separated addresses; none: the connection's own address); `invalidTrustedProxies` holds the entries that are no address, to warn of.
    public var trustedProxies: Set<String> = []
    public var invalidTrustedProxies: [String] = []

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
        config.metricsToken = env["SAMEN_METRICS_TOKEN"] ?? ""
        (config.trustedProxies, config.invalidTrustedProxies) = ClientAddress.trustedProxies(env["SAMEN_TRUSTED_PROXIES"] ?? "")
        if let cell = env["SAMEN_REGION_MIN_CELL"].flatMap({ Int($0) }) { config.regionMinimumCell = max(Suppression.minimumThreshold, cell) }
        if case .success(let periods) = RetentionPeriods.read(studentFile: env["SAMEN_RETENTION_STUDENT_YEARS"], absence: env["SAMEN_RETENTION_ABSENCE_YEARS"],
                                                              referral: env["SAMEN_RETENTION_REFERRAL_YEARS"]) {
            config.retention = periods
        }
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
