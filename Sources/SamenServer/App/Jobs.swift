import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SamenCore
import SQLKit
import Vapor

/// The nightly jobs `samen serve` runs itself: the decision rules for every school (a thuiszitter becomes one as
/// school days pass) and retention. Several instances may serve one database; each job runs once a day, not once
/// per instance: the instance that first inserts the day's row in `job_runs` (a unique key on job and day) runs
/// it, the others find the row and skip. A run whose instance died (no end after an hour) is taken over.
public enum ScheduledJob: String, CaseIterable, Sendable {
    case rules
    case retention

    /// The hour of the day (Europe/Amsterdam) from which the job is due.
    var hour: Int { self == .rules ? 2 : 3 }
}

struct JobScheduler: LifecycleHandler {

    func didBootAsync(_ app: Application) async throws {
        guard app.samenConfig.jobs else { return }
        let task = Task {
            // A first look shortly after start, then every interval.
            try? await Task.sleep(for: .seconds(2))
            while !Task.isCancelled {
                for job in ScheduledJob.allCases { await Self.runIfDue(job, app: app) }
                try? await Task.sleep(for: .seconds(60))
            }
        }
        app.storage[JobTaskKey.self] = JobTaskBox(task: task)
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[JobTaskKey.self]?.task.cancel()
    }

    /// Claims and runs the job when it is due today and no instance has run it; nothing otherwise.
    static func runIfDue(_ job: ScheduledJob, app: Application, now: Date = Date()) async {
        let today = LocalDate.today(now: now)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .current
        guard app.samenConfig.jobsAnyHour || calendar.component(.hour, from: now) >= job.hour else { return }
        do {
            guard let run = try await claim(job, day: today, db: app.db, instance: app.samenConfig.instanceName) else { return }
            let start = ContinuousClock.now
            let summary: String
            switch job {
            case .rules:
                let runs = try await SignalsCommands.runRules(schoolCode: nil, app: app, today: today)
                for r in runs { app.metrics.ruleEvaluation(seconds: r.milliseconds / 1000) }
                summary = "\(runs.count) schools, \(runs.reduce(0) { $0 + $1.raised }) signals raised"
            case .retention:
                let report = try await RetentionService(db: app.db).run(app.samenConfig.retention, today: today, audit: app)
                summary = report.removed.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
            }
            let elapsed = ContinuousClock.now - start
            try await (app.db as! any SQLDatabase).raw("""
                UPDATE job_runs SET finished_at = \(bind: Date()), summary = \(bind: summary.isEmpty ? "-" : summary) WHERE id = \(bind: run)
                """).run()
            app.logger.info("job \(job.rawValue) \(today.iso): \(summary.isEmpty ? "nothing" : summary) in \(elapsed)")
        } catch {
            app.logger.error("job \(job.rawValue) \(today.iso) failed: \(String(reflecting: type(of: error)))")
        }
    }

    /// The day's run of the job for this instance, or nil when another instance has it (or finished it).
    static func claim(_ job: ScheduledJob, day: LocalDate, db: any Database, instance: String) async throws -> UUID? {
        let sql = db as! any SQLDatabase
        let id = UUID(), now = Date()
        let inserted = try await sql.raw("""
            INSERT INTO job_runs (id, job, day, instance, started_at) VALUES (\(bind: id), \(bind: job.rawValue), \(bind: day.iso), \(bind: instance), \(bind: now))
            ON CONFLICT (job, day) DO NOTHING RETURNING id
            """).all()
        if !inserted.isEmpty { return id }
        // Taken over when its instance started it over an hour ago and never finished.
        let taken = try await sql.raw("""
            UPDATE job_runs SET instance = \(bind: instance), started_at = \(bind: now)
            WHERE job = \(bind: job.rawValue) AND day = \(bind: day.iso) AND finished_at IS NULL AND started_at < \(bind: now.addingTimeInterval(-3600))
            RETURNING id
            """).all()
        return try taken.first?.uuid("id")
    }
}

struct JobTaskBox: Sendable { let task: Task<Void, Never> }
struct JobTaskKey: StorageKey { typealias Value = JobTaskBox }
