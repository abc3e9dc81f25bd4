import Foundation
import Logging
import NIOConcurrencyHelpers
@testable import SamenServer
import Testing
import Vapor
import VaporTesting

/// Collects every log line of the test process at info and above, as a
/// production server would write them. A value, as a log handler should be:
/// each logger copy keeps its own metadata (a class shared one dictionary
/// between concurrent requests, and the test process crashed on it).
struct LogCapture: LogHandler {
    static let lines = NIOLockedValueBox<[String]>([])
    /// Installed once for the whole test process (the logging system allows one bootstrap).
    static let installed: Bool = {
        LoggingSystem.bootstrap { _ in LogCapture() }
        return true
    }()

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let error = event.error.map { " \($0)" } ?? ""
        Self.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)\(error)") }
    }
}

@Suite("Logs")
struct LogPrivacyTests {
    @Test("At the production log level no user name, student name or search text reaches the log")
    func nothingPersonalInLogs() async throws {
        #expect(LogCapture.installed)
        try await withSamen { app, world in
            app.logger.logLevel = .info
            let student = world.student(in: world.teacherGroup)
            let coordinator = try await Client.login(app, "coordinator")
            _ = try await Client(app).json(.POST, "/api/v1/session", ["username": "coordinator", "password": "wrong-password"])
            _ = try await coordinator.get("/students?q=" + Client.encode(student.name.last))
            _ = try await coordinator.get("/api/v1/students?q=" + Client.encode(student.name.first))
            _ = try await coordinator.get("/students/\(student.id)")
            _ = try await coordinator.json(.POST, "/api/v1/students", ["school_id": world.home.id.uuidString, "first_name": "Zwaantje", "birth_date": "x"])
            let lines = LogCapture.lines.withLockedValue { $0 }
            #expect(lines.contains { $0.contains("/students") }, "the request log is captured")
            for secret in ["coordinator", student.name.last, student.name.first, "Zwaantje", "wrong-password", student.id.uuidString] {
                #expect(!lines.contains { $0.contains(secret) }, "\(secret) was logged")
            }
        }
    }
}
