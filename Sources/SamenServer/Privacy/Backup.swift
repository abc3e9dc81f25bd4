import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// Backups of the embedded database. On SQLite a consistent online snapshot (`VACUUM INTO`: one read transaction,
/// so a running server goes on writing meanwhile and the copy holds every committed write up to its start). On
/// PostgreSQL the database's own tools do it (`pg_dump`, `pg_restore`), which `samen backup` and `samen restore`
/// run when they are installed and otherwise name.
public enum Backup {
    public enum Failure: Error, Equatable {
        case exists(String)
        case notSamen(String)
        case damaged(String)
        case toolMissing(String)
        case toolFailed(String, Int32)
    }

    /// Writes the snapshot of the SQLite database to `file` (which must not exist yet).
    public static func sqlite(app: Application, to file: String) async throws {
        guard !FileManager.default.fileExists(atPath: file) else { throw Failure.exists(file) }
        try await (app.db as! any SQLDatabase).raw("VACUUM INTO \(bind: file)").run()
    }

    /// Checks that `file` is a whole Samen database: SQLite's integrity check and Samen's migrations table.
    public static func check(sqliteFile file: String, app: Application) async throws {
        let sql = app.db as! any SQLDatabase
        do {
            try await sql.raw("ATTACH DATABASE \(bind: file) AS restoring").run()
        } catch {
            throw Failure.notSamen(file)
        }
        do {
            let isSamen = try await sql.raw("SELECT COUNT(*) AS n FROM restoring.sqlite_master WHERE name = '_fluent_migrations'")
                .first(decodingColumn: "n", as: Int.self) == 1
            guard isSamen else { throw Failure.notSamen(file) }
            let result = try await sql.raw("PRAGMA restoring.integrity_check").first(decodingColumn: "integrity_check", as: String.self)
            guard result == "ok" else { throw Failure.damaged(file) }
        } catch {
            try? await sql.raw("DETACH DATABASE restoring").run()
            // SQLite's own errors (not a database at all, an encrypted file) say the same to the person restoring.
            throw error as? Failure ?? Failure.notSamen(file)
        }
        try await sql.raw("DETACH DATABASE restoring").run()
    }

    /// Puts a checked SQLite backup in place of the database file (the server must be stopped): the current file is
    /// kept beside it as `samen.sqlite.before-restore-<time>`. Returns that name.
    public static func restoreSQLite(from file: String, database path: String) throws -> String {
        let manager = FileManager.default
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let kept = path + ".before-restore-" + stamp
        let incoming = path + ".restoring"
        try? manager.removeItem(atPath: incoming)
        try manager.copyItem(atPath: file, toPath: incoming)
        if manager.fileExists(atPath: path) {
            // Fold the write-ahead log into the file being set aside, so it is whole on its own.
            try manager.moveItem(atPath: path, toPath: kept)
            for suffix in ["-wal", "-shm"] where manager.fileExists(atPath: path + suffix) {
                try manager.moveItem(atPath: path + suffix, toPath: kept + suffix)
            }
        }
        try manager.moveItem(atPath: incoming, toPath: path)
        return kept
    }

    /// Runs a PostgreSQL tool (pg_dump, pg_restore) with the database URL; the tool must be on PATH.
    public static func postgresTool(_ tool: String, arguments: [String]) throws {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" } ?? [])
        guard let executable = paths.map({ $0 + "/" + tool }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure.toolMissing(tool)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.toolFailed(tool, process.terminationStatus) }
    }
}
