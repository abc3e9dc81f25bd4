import Fluent
import Foundation
import NIOPosix
import SamenCore
import SQLiteKit
import SQLKit
import Vapor

/// The audit trail's writer. Entries that arrive while a batch is being
/// written go into the next batch: one transaction, one commit, however
/// many requests. The batch is linked after the head this log wrote last;
/// if another writer moved the head meanwhile, the batch is refused whole
/// and linked again after the head as it stands (on PostgreSQL the head row
/// is then locked first, so several instances chain in turn). On SQLite the
/// database checks each entry's link and moves the head itself (M0039), so a
/// batch is a single INSERT. A request is answered only after its entry is committed. On SQLite the
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

    /// The chain's head as this log last wrote it: the next batch links after it without locking and reading
    /// the head row first. Nil at start and after a failure.
    private var head: AuditHead?

    /// Writes a batch after the head this log knows; if another writer (an instance beside this one, a command)
    /// moved the head meanwhile, nothing was written and the batch is linked again after the head as it stands.
    private func store(_ entries: [AuditEntry]) async throws {
        do {
            if sqlite != nil { return try await storeOnSQLite(entries) }
            if let known = head {
                do {
                    head = try await database().transaction { tx in try await Self.link(entries, after: known, sql: tx as! any SQLDatabase) }
                    return
                } catch is HeadMoved {}
            }
            head = try await database().transaction { tx in try await Self.link(entries, after: nil, sql: tx as! any SQLDatabase) }
        } catch {
            head = nil
            throw error
        }
    }

    /// On SQLite a batch is one INSERT on the log's own connection, committing on its own: the database refuses
    /// entries that do not follow the head and moves the head on (M0039). Refused because another writer came
    /// first, the batch is linked after the head read afresh.
    private func storeOnSQLite(_ entries: [AuditEntry]) async throws {
        let sql = try await sqliteConnection()
        for attempt in 1...3 {
            let after: AuditHead
            if let head { after = head } else { after = try await Self.readHead(sql) }
            let linked = AuditChain.link(entries, after: after.seq, previousHash: after.hash, hash: Self.sha256)
            do {
                try await Self.insert(linked, sql: sql)
                head = AuditHead(after: linked)
                return
            } catch where attempt < 3 && String(describing: error).contains(M0039AuditChainTriggers.moved) {
                head = nil
            }
        }
    }

    /// The log's own SQLite connection, opened at its first write.
    private func sqliteConnection() async throws -> any SQLDatabase {
        if let connection { return connection.sql() }
        guard let sqlite else { throw SamenError(status: .internalServerError, key: "error_internal") }
        let opened = try await SQLiteConnection.open(storage: .file(path: sqlite.path), threadPool: sqlite.threadPool, logger: sqlite.logger,
                                                     on: sqlite.eventLoop)
        for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000"] {
            try await opened.sql().raw(SQLQueryString(pragma)).run()
        }
        connection = opened
        return opened.sql()
    }

    static func readHead(_ sql: any SQLDatabase) async throws -> AuditHead {
        guard let row = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() else {
            throw SamenError(status: .internalServerError, key: "error_internal")
        }
        return AuditHead(seq: try row.decode(column: "seq", as: Int.self), hash: try row.decode(column: "hash", as: String.self))
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

    /// Inside a transaction: links the entries after the head and moves the head on. With the head this log
    /// wrote last, the head row moves only if it still holds that head (else `HeadMoved`, and nothing is written);
    /// without one, the head row is taken first (the write lock on SQLite, the row lock on PostgreSQL, so several
    /// instances chain in turn) and read. On SQLite the database moves the head itself as the entries go in (M0039).
    static func link(_ entries: [AuditEntry], after known: AuditHead?, sql: any SQLDatabase) async throws -> AuditHead {
        let head: AuditHead
        if let known {
            head = known
        } else {
            try await sql.raw("UPDATE audit_head SET seq = seq WHERE id = 1").run()
            head = try await readHead(sql)
        }
        let linked = AuditChain.link(entries, after: head.seq, previousHash: head.hash, hash: sha256)
        let last = AuditHead(after: linked)
        if sql.dialect.name != "sqlite" {
            guard try await sql.raw("""
                UPDATE audit_head SET seq = \(bind: last.seq), hash = \(bind: last.hash)
                WHERE id = 1 AND seq = \(bind: head.seq) AND hash = \(bind: head.hash) RETURNING seq
                """).first() != nil else { throw HeadMoved() }
        }
        try await insert(linked, sql: sql)
        return last
    }

    /// Writes linked entries in one statement.
    static func insert(_ linked: [AuditEntry], sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: "audit_entries").columns("seq", "at_ms", "actor_id", "actor", "role", "action", "record_type",
                                                               "record_id", "student_id", "purpose", "client", "previous_hash", "hash")
        for e in linked {
            insert.values(SQLBind(e.seq), SQLBind(e.atMillis), SQLBind(e.actorID), SQLBind(e.actor), SQLBind(e.role), SQLBind(e.action),
                          SQLBind(e.recordType), SQLBind(e.recordID), SQLBind(e.studentID), SQLBind(e.purpose), SQLBind(e.client),
                          SQLBind(e.previousHash), SQLBind(e.hash))
        }
        try await insert.run()
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

/// The newest entry of the chain: its number and hash.
struct AuditHead: Sendable {
    var seq: Int
    var hash: String
}

extension AuditHead {
    /// The head once linked entries are written: the last of them.
    init(after linked: [AuditEntry]) { self.init(seq: linked.last!.seq, hash: linked.last!.hash) }
}

/// The head row no longer holds the head a batch was linked after: another writer came first.
struct HeadMoved: Error {}

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
