import Fluent
import Foundation
import NIOPosix
import SamenCore
import SQLiteKit
import SQLKit
import Vapor

/// The audit trail's writer. Entries that arrive while a batch is being
/// written go into the next batch: one transaction, one commit, however
/// many requests. The transaction starts by writing the head row, which
/// takes the write lock (SQLite) or the row lock (PostgreSQL, so several
/// instances chain in turn), then links the batch after the head's hash.
/// A request is answered only after its entry is committed. On SQLite the
/// log writes on a connection of its own (as the incident batcher does), so
/// its commits do not hold the pool's one connection per event loop, which
/// every read of that loop needs. The cost that remains for a write is a
/// second commit (docs/performance.md).
actor AuditLog {
    private let database: @Sendable () -> any Database
    private var queue: [(entry: AuditEntry, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    /// For SQLite: the file, and the log's own connection once opened.
    private let sqlite: (path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger)?
    private var connection: SQLiteConnection?

    init(database: @escaping @Sendable () -> any Database,
         sqlite: (path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger)? = nil) {
        self.database = database
        self.sqlite = sqlite
    }

    /// Closes the log's own connection when the app stops.
    func close() async {
        try? await connection?.close()
        connection = nil
    }

    /// Writes a batch: on SQLite in a transaction of the log's own connection, taking the write lock
    /// at once; elsewhere in a transaction of the app's database.
    private func store(_ entries: [AuditEntry]) async throws {
        guard let sqlite else { return try await Self.write(entries, on: database()) }
        if connection == nil {
            let opened = try await SQLiteConnection.open(storage: .file(path: sqlite.path), threadPool: sqlite.threadPool, logger: sqlite.logger,
                                                         on: sqlite.eventLoop)
            for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000"] {
                try await opened.sql().raw(SQLQueryString(pragma)).run()
            }
            connection = opened
        }
        let sql = connection!.sql()
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            try await Self.link(entries, sql: sql)
            try await sql.raw("COMMIT").run()
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    static func sha256(_ text: String) -> String { Tokens.hash(text) }

    func append(_ entry: AuditEntry) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            queue.append((entry, done))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(200))
            queue.removeFirst(batch.count)
            do {
                try await store(batch.map(\.entry))
                batch.forEach { $0.done.resume() }
            } catch {
                batch.forEach { $0.done.resume(throwing: error) }
            }
        }
        draining = false
    }

    /// Writes entries as the next links of the chain, in one transaction.
    static func write(_ entries: [AuditEntry], on db: any Database) async throws {
        try await db.transaction { tx in try await link(entries, sql: tx as! any SQLDatabase) }
    }

    /// Inside a transaction: takes the head row (and with it the lock), links the entries after it, moves it on.
    static func link(_ entries: [AuditEntry], sql: any SQLDatabase) async throws {
            try await sql.raw("UPDATE audit_head SET seq = seq WHERE id = 1").run()
            guard let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() else {
                throw SamenError(status: .internalServerError, key: "error_internal")
            }
            let linked = AuditChain.link(entries, after: try head.decode(column: "seq", as: Int.self),
                                         previousHash: try head.decode(column: "hash", as: String.self), hash: sha256)
            let insert = sql.insert(into: "audit_entries").columns("seq", "at_ms", "actor_id", "actor", "role", "action", "record_type",
                                                                   "record_id", "student_id", "purpose", "client", "previous_hash", "hash")
            for e in linked {
                insert.values(SQLBind(e.seq), SQLBind(e.atMillis), SQLBind(e.actorID), SQLBind(e.actor), SQLBind(e.role), SQLBind(e.action),
                              SQLBind(e.recordType), SQLBind(e.recordID), SQLBind(e.studentID), SQLBind(e.purpose), SQLBind(e.client),
                              SQLBind(e.previousHash), SQLBind(e.hash))
            }
            try await insert.run()
            try await sql.raw("UPDATE audit_head SET seq = \(bind: linked.last!.seq), hash = \(bind: linked.last!.hash) WHERE id = 1").run()
    }

    /// Every entry in order, and the head's number: what `samen audit verify` checks.
    static func verify(on sql: any SQLDatabase) async throws -> (entries: Int, problems: [AuditProblem]) {
        let headSeq = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first(decodingColumn: "seq", as: Int.self) ?? 0
        let entries = try await sql.raw("SELECT * FROM audit_entries ORDER BY seq").all().map(entry)
        return (entries.count, AuditChain.verify(entries, headSeq: headSeq, hash: sha256))
    }

    static func entry(_ row: SQLRow) throws -> AuditEntry {
        AuditEntry(seq: try row.decode(column: "seq", as: Int.self), atMillis: try row.decode(column: "at_ms", as: Int64.self),
                   actorID: try row.optionalUUID("actor_id"), actor: try row.decode(column: "actor", as: String.self),
                   role: try row.decode(column: "role", as: String.self), action: try row.decode(column: "action", as: String.self),
                   recordType: try row.decode(column: "record_type", as: String.self), recordID: try row.decode(column: "record_id", as: String.self),
                   studentID: try row.optionalUUID("student_id"), purpose: try row.decode(column: "purpose", as: String.self),
                   client: try row.decode(column: "client", as: String.self), previousHash: try row.decode(column: "previous_hash", as: String.self),
                   hash: try row.decode(column: "hash", as: String.self))
    }

    /// Who looked at or changed a student's file: entries naming the student, or one of
    /// their incidents, signals, enrolments or consents. Newest first.
    static func entries(studentID: UUID, limit: Int = 500, on sql: any SQLDatabase) async throws -> [AuditEntry] {
        // Record ids are kept in lower case (the text form PostgreSQL gives a uuid).
        let id = studentID.uuidString.lowercased()
        return try await sql.raw("""
            SELECT * FROM audit_entries WHERE student_id = \(bind: studentID)
               OR record_id IN (SELECT LOWER(CAST(incident_id AS TEXT)) FROM incident_students WHERE student_id = \(bind: studentID))
               OR record_id IN (SELECT LOWER(CAST(id AS TEXT)) FROM signals WHERE student_id = \(bind: studentID))
               OR record_id IN (SELECT LOWER(CAST(id AS TEXT)) FROM enrolments WHERE student_id = \(bind: studentID))
               OR record_id IN (SELECT LOWER(CAST(id AS TEXT)) FROM cases WHERE student_id = \(bind: studentID))
               OR record_id = \(bind: id)
            ORDER BY seq DESC LIMIT \(literal: limit)
            """).all().map(entry)
    }
}

struct AuditLogKey: StorageKey { typealias Value = AuditLog }

/// Closes the log's own SQLite connection on shutdown.
struct AuditLogLifecycle: LifecycleHandler {
    func shutdownAsync(_ app: Application) async { await app.auditLog.close() }
}

extension Application {
    var auditLog: AuditLog {
        get { storage[AuditLogKey.self]! }
        set { storage[AuditLogKey.self] = newValue }
    }
}

/// What a request touched, when the handler knows better than its path (the student behind an incident).
struct AuditSubjectKey: StorageKey { typealias Value = UUID }

extension Request {
    /// Names the student whose file this request reads or changes, for the audit trail.
    func auditStudent(_ id: UUID) { storage[AuditSubjectKey.self] = id }
}

/// Logs every successful request that reads or changes student-level data:
/// routes with a student, incident, signal, enrolment, group or screening
/// round in their path, and the lists of students and their data. Who
/// (account, name, role), when, what (the route and the record's id, and
/// the student where known), why (the purpose that role's access rests on)
/// and from where (the client's address).
struct AuditMiddleware: AsyncMiddleware {
    static let recordParameters = ["student", "incident", "signal", "enrolment", "group", "round", "consent", "meeting", "case", "pair"]
    static let listRoots: Set<String> = ["students", "incidents", "signals", "absence", "enrolments", "thuiszitters", "consents", "audit", "cases"]

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        guard let user = request.currentUser, response.status.code < 400, let route = request.route,
              let (recordType, recordID) = Self.record(route: route, request: request) else { return response }
        let studentID = request.storage[AuditSubjectKey.self] ?? request.parameters.get("student", as: UUID.self)
        let action = request.method == .GET || request.method == .HEAD ? "read" : "change"
        let purpose: String
        switch user.role {
        case .admin: purpose = "administration"
        case .youthworker: purpose = "consent"
        default: purpose = "school_care"
        }
        let entry = AuditEntry.now(actorID: user.accountID,
                               actor: user.name.display + " (" + user.username + ")", role: user.role.rawValue, action: action, recordType: recordType, recordID: recordID,
                               studentID: studentID, purpose: purpose, client: request.clientAddress)
        try await request.application.auditLog.append(entry)
        return response
    }

    /// The route's pattern and the record's id, or nil for a route that touches no student-level data.
    static func record(route: Route, request: Request) -> (String, String)? {
        let pattern = route.method.rawValue + " /" + route.path.map(\.description).joined(separator: "/")
        for name in recordParameters {
            if let value = request.parameters.get(name) { return (pattern, UUID(uuidString: value).map { $0.uuidString.lowercased() } ?? value) }
        }
        let constants = route.path.compactMap { component -> String? in
            if case .constant(let value) = component { return value } else { return nil }
        }
        // Lists of student-level data (/students, /incidents, /schools/:school/cases, /absence/…).
        if constants.contains(where: listRoots.contains) {
            return (pattern, request.url.path)
        }
        return nil
    }
}

/// What `samen audit verify` runs.
public enum AuditCommands {
    /// Checks the whole chain: the number of entries and the problems found (none when whole).
    public static func verify(app: Application) async throws -> (entries: Int, problems: [AuditProblem]) {
        try await AuditLog.verify(on: app.db as! any SQLDatabase)
    }
}

extension Request {
    /// The client's address as the audit trail records it: the connection's, or behind a trusted proxy the one
    /// it forwards (`ClientAddress`).
    var clientAddress: String {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor], trusted: application.samenConfig.trustedProxies)
    }
}
