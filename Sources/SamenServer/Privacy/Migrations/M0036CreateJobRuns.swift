import Fluent

/// The nightly jobs' runs: one row per job and day (its unique key is the lease that makes a job run once however
/// many instances serve the database), which instance ran it, when, and what it did in counts.
struct M0036CreateJobRuns: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("job_runs")
            .id()
            .field("job", .string, .required)
            .field("day", .string, .required)
            .field("instance", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("summary", .string)
            .unique(on: "job", "day")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("job_runs").delete()
    }
}
