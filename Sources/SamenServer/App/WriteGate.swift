import Fluent
import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import SQLKit
import Vapor

/// New incidents written together, on a connection of their own. SQLite
/// lets one connection write at a time, and the app's pool has one
/// connection per event loop: a write transaction there held up every
/// request of that loop, and each write paid its own commit. The batcher
/// keeps a separate SQLite connection for incidents and writes those that
/// arrived while the previous batch was being written in one transaction:
/// one insert for the incidents, one for their students, the rules for
/// their students, one commit (full sync). Each caller is answered after
/// the commit, so an acknowledged incident is on disk. Should a batch fail,
/// its incidents are written one by one, so one bad incident fails alone.
/// WAL mode lets the pool's connections read meanwhile. On PostgreSQL there
/// is no batcher: each incident is its own transaction.
actor IncidentBatcher {
    private let path: String
    private let threadPool: NIOThreadPool
    private let eventLoop: any EventLoop
    private let logger: Logger
    private var connection: SQLiteConnection?
    private var queue: [(incident: PendingIncident, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    /// Well under the bind limits of SQLite (17 values an incident).
    static let maxBatch = 100

    init(path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger) {
        self.path = path; self.threadPool = threadPool; self.eventLoop = eventLoop; self.logger = logger
    }

    func write(_ incident: PendingIncident) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            queue.append((incident, done))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// The batcher's connection, opened on first use with the settings of the app's connections.
    private func writer() async throws -> any SQLDatabase {
        if let connection { return connection.sql() }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
        for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000"] {
            try await opened.sql().raw(SQLQueryString(pragma)).run()
        }
        connection = opened
        return opened.sql()
    }

    private func store(_ incidents: [PendingIncident]) async throws {
        let sql = try await writer()
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            try await IncidentService.write(incidents, sql: sql)
            try await sql.raw("COMMIT").run()
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(Self.maxBatch))
            queue.removeFirst(batch.count)
            do {
                try await store(batch.map(\.incident))
                for item in batch { item.done.resume() }
            } catch {
                for item in batch {
                    do {
                        try await store([item.incident])
                        item.done.resume()
                    } catch {
                        item.done.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }

    /// Closes the connection when the app stops.
    func close() async {
        try? await connection?.close()
        connection = nil
    }
}

struct IncidentBatcherKey: StorageKey { typealias Value = IncidentBatcher }

/// Closes the batcher's connection on shutdown.
struct IncidentBatcherLifecycle: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        await app.incidentBatcher?.close()
    }
}

extension Application {
    /// Made once in `configure` for SQLite, before any request.
    var incidentBatcher: IncidentBatcher? { storage[IncidentBatcherKey.self] }
}

extension Request {
    /// The incident batcher when the database is SQLite, else nil.
    var sqliteIncidentBatcher: IncidentBatcher? { application.incidentBatcher }
}
