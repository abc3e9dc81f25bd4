import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import SQLKit
import Vapor

struct SamenConfigKey: StorageKey { typealias Value = SamenConfig }

extension Application {
    public var samenConfig: SamenConfig {
        get { storage[SamenConfigKey.self]! }
        set { storage[SamenConfigKey.self] = newValue }
    }
}

/// Where the bundled templates, stylesheet and OpenAPI document live.
enum SamenResources {
    static var directory: String {
        let url = Bundle.module.url(forResource: "Resources", withExtension: nil)!
        return url.path.hasSuffix("/") ? url.path : url.path + "/"
    }
}

/// Sets up an application: database, migrations, templates, middleware, routes.
/// Runs no migration itself; callers decide (`samen serve` migrates on start).
public func configure(_ app: Application, _ config: SamenConfig) throws {
    app.samenConfig = config
    app.storage[MetricsKey.self] = Metrics()

    switch config.database {
    case .sqlite(let path):
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        app.storage[IncidentBatcherKey.self] = IncidentBatcher(path: path, threadPool: app.threadPool, eventLoop: app.eventLoopGroup.any(),
                                                               logger: app.logger)
        app.lifecycle.use(IncidentBatcherLifecycle())
    case .postgres(let url, let schema):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let schema { postgres.searchPath = [schema] }
        app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 4), as: .psql)
    }
    // The CLI sets the level (LOG_LEVEL, default info); tests only want warnings.
    if app.environment == .testing { app.logger.logLevel = .warning }
    if !config.invalidTrustedProxies.isEmpty {
        app.logger.warning("SAMEN_TRUSTED_PROXIES: not an IP address, ignored: \(config.invalidTrustedProxies.joined(separator: ", "))")
    }

    addMigrations(app)

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.directory.viewsDirectory = SamenResources.directory + "Views/"
    app.views.use(.leaf)
    app.catalogueKeys = try TemplateCatalogueKeys(viewsDirectory: app.directory.viewsDirectory)
    // The build folder (.build) is hidden, so the default "visible files only" limit must go.
    let views = app.directory.viewsDirectory
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: views, viewDirectory: views))
    if app.environment != .development { app.leaf.cache.isEnabled = true }

    app.routes.defaultMaxBodySize = "32mb"
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    // Outside the error middleware, so error pages carry the headers too.
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(SamenErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: SamenResources.directory + "Public/"))
    app.middleware.use(SessionLoader())
    app.middleware.use(CSRFMiddleware())
    // Inside the error middleware: a request whose audit entry cannot be written is answered with an error, not the data.
    if config.audit { app.middleware.use(AuditMiddleware()) }
    if case .sqlite(let path) = config.database {
        app.auditLog = AuditLog(database: { [unowned app] in app.db },
                                sqlite: (path, app.threadPool, app.eventLoopGroup.any(), app.logger))
        app.lifecycle.use(AuditLogLifecycle())
    } else {
        app.auditLog = AuditLog(database: { [unowned app] in app.db })
    }

    app.studentLists = StudentListCache()

    try routes(app)
    app.lifecycle.use(JobScheduler())
}

func addMigrations(_ app: Application) {
    app.migrations.add(
        M0001CreateRegions(), M0002CreateSchools(), M0003CreateSchoolYears(), M0004CreateOrganisations(),
        M0005CreateAccounts(), M0006CreateAccountSchools(), M0007CreateGroups(), M0008CreateGroupStaff(),
        M0009CreateStudents(), M0010CreateGuardians(), M0011CreateSessions(), M0012CreateLoginFailures(),
        M0013CreateLabels(), M0014CreateIncidents(), M0015CreateRecognitions(), M0016CreateSignals(), M0017CreateAbsences(), M0018CreateInterventions(), M0019IndexIncidentsForDashboards(), M0020CreateEnrolments(),
        M0021IncidentStudentsSchoolYear(), M0022CreateScreening(), M0023CreateMeasurements(), M0024CreateHolidays(), M0025StudentListOrder(), M0026CreateConsentAndAudit(), M0027CreateTeamsAndMeetings(), M0028CreateCases(), M0029CreateGuardianLinks(), M0030CreateProgrammes(), M0031CreateQuestionnaires(), M0032CreateWaves(), M0033WaveMinimumCell(), M0034WaveLinks(), M0035WavePersonalLinks(), M0036CreateJobRuns(), M0037IncidentTallies(),
        M0038DirectoryVersion(), M0039AuditChainTriggers())
}

extension Application {
    /// Prepares the database for use: SQLite in WAL mode with full sync
    /// (an acknowledged write survives a crash), then every pending migration.
    public func prepareDatabase() async throws {
        if let sql = db as? any SQLDatabase, samenConfig.engineName == "sqlite" {
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // Connection settings hold per connection: set them on the one of every event loop
            // (each loop's pool keeps one SQLite connection). Full sync: an acknowledged write is on
            // disk. A 32 MB page cache: dashboards and rules read tens of thousands of index pages.
            // (A memory-mapped file was tried: the file grows with every write, and the remapping cost more.)
            for loop in eventLoopGroup.makeIterator() {
                guard let connection = databases.database(logger: logger, on: loop) as? any SQLDatabase else { continue }
                for pragma in ["PRAGMA synchronous=FULL", "PRAGMA cache_size=-32768", "PRAGMA busy_timeout=10000"] {
                    try await connection.raw(SQLQueryString(pragma)).run()
                }
            }
        }
        try await autoMigrate()
    }
}

/// Makes Swift concurrency's jobs run on NIO's event loops rather than in a
/// pool of their own, so a request no longer hops between the two around
/// every query: on the student list page thread switches took about a
/// third of the CPU. For `samen serve` only; must be called before any other
/// task runs. Work that blocks (bcrypt, SQLite) still goes to thread pools.
public func runConcurrencyOnEventLoops() {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
