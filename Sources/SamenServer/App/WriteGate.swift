import Fluent
import Vapor

/// SQLite lets one connection write at a time; a second writer waits in
/// SQLite's busy handler, which sleeps in steps of up to 100 ms. The gate
/// queues this process's write transactions instead, first come first
/// served, so a burst of incidents is written one after the other without
/// those sleeps. On PostgreSQL it lets everything through.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

struct WriteGateKey: StorageKey { typealias Value = WriteGate }

extension Application {
    /// Made once in `configure`, before any request.
    var writeGate: WriteGate? { storage[WriteGateKey.self] }
}

extension Database {
    /// A write transaction, queued behind this process's other writers on SQLite.
    func writeTransaction<T: Sendable>(gate: WriteGate?, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let gate, !inTransaction else { return try await transaction(body) }
        await gate.enter()
        do {
            let result = try await transaction(body)
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }
}

extension Request {
    /// The write gate when the database is SQLite, else nil.
    var sqliteWriteGate: WriteGate? { application.writeGate }
}
