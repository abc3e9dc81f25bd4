import ArgumentParser
import Foundation
import SamenCore
import SamenServer

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decision rules.", subcommands: [RulesRun.self])
}

/// `samen rules run`: evaluates every decision rule, as a nightly job does
/// (a thuiszitter becomes one as school days pass, without new data).
struct RulesRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Evaluate the decision rules for one school or all; new signals go to the worklists.")

    @Option(help: "Only this school (its code, e.g. 10AA).") var school: String?
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let language = cliLanguage
        do {
            let runs = try await withApplication(options) { app in try await SignalsCommands.runRules(schoolCode: school, app: app) }
            for run in runs {
                print(Catalogue.text("cli_rules_run", language, [run.school, String(run.raised), String(format: "%.0f", run.milliseconds)]))
            }
        } catch let failure as ImportFailure {
            var stderr = StandardError()
            print(failure.describe(language), to: &stderr)
            throw ExitCode(1)
        }
    }
}

/// Benchmark helpers (see bench/signals.sh); not for everyday use.
struct BenchSchool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-school", abstract: "Generate a large school for the benchmarks.", shouldDisplay: false)

    @Option var students = 2_500
    @Option var years = 5
    @Option var incidents = 150_000
    @Option var absences = 1_000_000
    @Option var code = "99ZZ"
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let start = Date()
        let id = try await withApplication(options) { app in
            try await SignalsCommands.generateSchool(app: app, code: code, students: students, years: years, incidents: incidents, absences: absences)
        }
        print("school \(code) \(id): \(students) students, \(incidents) incidents, \(absences) absence rows in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}

/// The evaluation benchmark (bench/evaluation.sh): a wave of `respondents` × `items` to report on, and an open wave
/// whose `submitters` each get a session token (written to `tokens`) to send a response with.
struct BenchWave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-wave", abstract: "Generate and time a large wave for the benchmarks.", shouldDisplay: false)

    @Option var respondents = 20_000
    @Option var items = 60
    @Option var submitters = 8_000
    @Option var tokens = "bench-tokens.txt"
    @Option(help: "Only time the report of this wave (generated before).") var report: String?
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        try await withApplication(options) { app in
            if let report, let id = UUID(uuidString: report) {
                for run in 1...3 {
                    let timed = try await WaveBench.timeReport(app: app, waveID: id)
                    print(String(format: "report run %d: %d responses, %d scales scored and compared in %.3f s", run, timed.responses, timed.scales, timed.seconds))
                }
                return
            }
            let start = Date()
            let made = try await WaveBench.generate(app: app, respondents: respondents, items: items, submitters: submitters, tokensFile: tokens)
            print("report-wave \(made.reportWave)")
            print("submit-wave \(made.submitWave)")
            print(String(format: "generated %d responses × %d items and %d submitters in %.1f s", respondents, items, submitters, Date().timeIntervalSince(start)))
        }
    }
}

struct DashboardSQL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard-sql", abstract: "Print the dashboard's SQL for a school.", shouldDisplay: false)

    @Option var school: String
    @OptionGroup var options: DataOptions

    func run() async throws {
        let sql = try await withApplication(options) { app in try await SignalsCommands.dashboardSQL(schoolCode: school, app: app) }
        print(sql, terminator: "")
    }
}

/// The synthetic region of bench/region.sh as CSV files, one per table, for COPY or the sqlite3 shell.
struct BenchRegion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-region", abstract: "Write the synthetic region as CSV files.", shouldDisplay: false)

    @Option var csv: String
    @Option var engine = "sqlite"
    @Option var schools = 120
    @Option var students = 60_000
    @Option var incidents = 3_000_000
    @Option var absences = 20_000_000
    @Option var responses = 50_000

    func run() async throws {
        guard let engine = RegionBench.Engine(rawValue: engine) else { throw ValidationError("--engine sqlite or postgres") }
        var size = RegionBench.Size()
        size.schools = schools; size.students = students; size.incidents = incidents; size.absences = absences; size.responses = responses
        let start = Date()
        let tables = try RegionBench.write(to: csv, engine: engine, size: size, passwordHash: try RegionBench.demoPasswordHash())
        for table in tables { print("\(table.name) \(table.rows) \(table.columns.joined(separator: ","))") }
        FileHandle.standardError.write(Data(String(format: "written in %.1f s\n", Date().timeIntervalSince(start)).utf8))
    }
}

struct RegionSQL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "region-sql", abstract: "Print the region page's SQL.", shouldDisplay: false)
    @OptionGroup var options: DataOptions

    func run() async throws {
        let sql = try await withApplication(options) { app in try await RegionCommands.literalSQL(app: app) }
        print(sql, terminator: "")
    }
}
