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

struct DashboardSQL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard-sql", abstract: "Print the dashboard's SQL for a school.", shouldDisplay: false)

    @Option var school: String
    @OptionGroup var options: DataOptions

    func run() async throws {
        let sql = try await withApplication(options) { app in try await SignalsCommands.dashboardSQL(schoolCode: school, app: app) }
        print(sql, terminator: "")
    }
}
