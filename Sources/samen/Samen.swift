import ArgumentParser
import Foundation
import Logging
import SamenCore
import SamenServer
import class Vapor.Application
import struct Vapor.Environment

@main
struct Samen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samen",
        abstract: "Samen: school and youth care as one multi-tiered system of support.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Import.self, AccountCommand.self, Analyze.self, Rules.self, Audit.self, BackupCommand.self, RestoreCommand.self, RetentionCommand.self, ExportCommand.self, BenchSchool.self, BenchWave.self, BenchRegion.self, RegionSQL.self, BenchServe.self, DashboardSQL.self])

    /// As ArgumentParser's, except that `samen analyze` answers a bad option
    /// like any other bad input: one line on stderr and exit code 2.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "serve" || arguments.first == "bench-serve" {
            // Before any other task runs.
            runConcurrencyOnEventLoops()
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if arguments.first == "analyze" && exitCode(for: error) != .success && !(error is ExitCode) {
                let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? ""
                var standardError = StandardError()
                print("samen analyze: " + Catalogue.text("analyze_bad_option", cliLanguage, [message]), to: &standardError)
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The data options every command that touches the database shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the SQLite database (default ./samen-data, or SAMEN_DATA). Ignored when DATABASE_URL is set.")
    var data: String?

    var config: SamenConfig { SamenConfig.fromEnvironment(dataDirectory: data) }
}

/// Runs `body` with a configured, migrated application, then shuts it down.
func withApplication<T>(_ options: DataOptions, arguments: [String] = ["samen"], _ body: (Application) async throws -> T) async throws -> T {
    let app = try await Application.make(Environment(name: "production", arguments: arguments))
    do {
        try configure(app, options.config)
        // One-shot commands print their own result; the migrator's chatter is noise here.
        app.logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil ? .warning : configuredLogLevel()
        try await app.prepareDatabase()
        let result = try await body(app)
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

/// The log level from LOG_LEVEL (default info). Below info, Fluent logs every
/// query with its bound values (names typed into a search, user names), so
/// debug and trace need SAMEN_ALLOW_DATA_IN_LOGS=1 as well: never in production.
func configuredLogLevel() -> Logger.Level {
    let env = ProcessInfo.processInfo.environment
    let wanted = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    guard wanted < .info, env["SAMEN_ALLOW_DATA_IN_LOGS"] != "1" else { return wanted }
    FileHandle.standardError.write(Data((Catalogue.text("cli_log_level_capped", cliLanguage, [wanted.rawValue]) + "\n").utf8))
    return .info
}

func bootstrapLogging() {
    let level = configuredLogLevel()
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// The language of the command's messages: Dutch, or English with SAMEN_LANG=en.
let cliLanguage = Language(preference: ProcessInfo.processInfo.environment["SAMEN_LANG"])

func say(_ key: String, _ arguments: [String] = []) {
    print(Catalogue.text(key, cliLanguage, arguments))
}

func report(_ outcome: DemoLoader.Outcome) {
    switch outcome {
    case .loaded(let schools, let students, let accounts):
        say("cli_demo_loaded", [String(schools), String(students), String(accounts)])
    case .skippedExistingData:
        say("cli_demo_skipped")
    }
    say("cli_demo_logins", [DemoRegion.demoPassword, Role.allCases.map(\.rawValue).joined(separator: ", ")])
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the web app (migrates the database first).")

    @OptionGroup var options: DataOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Fill an empty database with the demo region first.") var demo = false

    func run() async throws {
        var config = options.config
        let env = ProcessInfo.processInfo.environment
        // The nightly jobs, unless this instance is told not to (several instances share them either way).
        config.jobs = env["SAMEN_JOBS"] != "off"
        config.jobsAnyHour = env["SAMEN_JOBS"] == "any-hour"
        if case .failure(let problems) = RetentionPeriods.read(studentFile: env["SAMEN_RETENTION_STUDENT_YEARS"], absence: env["SAMEN_RETENTION_ABSENCE_YEARS"],
                                                               referral: env["SAMEN_RETENTION_REFERRAL_YEARS"]) {
            throw ValidationError(problems.map { "SAMEN_RETENTION_" + $0.field.uppercased() + ": " + Catalogue.text($0.key, cliLanguage, $0.arguments) }
                .joined(separator: "\n"))
        }
        config.instanceName = ProcessInfo.processInfo.hostName + ":" + String(port)
        try await serve(config, host: host, port: port, demo: demo)
    }
}

/// `samen serve` for the benchmarks only (bench/audit.sh): the same server, and with
/// `--without-audit` none of the audit trail, to measure what the trail costs a page.
struct BenchServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-serve", abstract: "The web app for benchmarks.", shouldDisplay: false)

    @OptionGroup var options: DataOptions
    @Option var port = 8080
    @Flag var withoutAudit = false

    func run() async throws {
        var config = options.config
        config.audit = !withoutAudit
        try await serve(config, host: "127.0.0.1", port: port, demo: false)
    }
}

extension AsyncParsableCommand {
    func serve(_ config: SamenConfig, host: String, port: Int, demo: Bool) async throws {
        bootstrapLogging()
        let app = try await Application.make(Environment(name: "production", arguments: ["samen", "serve", "--hostname", host, "--port", String(port)]))
        do {
            try configure(app, config)
            try await app.prepareDatabase()
            if demo { report(try await DemoLoader.load(into: app)) }
            say("cli_listening", [host, String(port), app.samenConfig.engineName])
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run pending database migrations and exit.")
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        try await withApplication(options) { app in say("cli_migrated", [app.samenConfig.engineName]) }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo region into an empty database.")
    @OptionGroup var options: DataOptions
    @Option(help: "Seed of the generated region.") var seed: UInt64 = 2026

    func run() async throws {
        bootstrapLogging()
        try await withApplication(options) { app in report(try await DemoLoader.load(into: app, seed: seed)) }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data from files.", subcommands: [ImportStudents.self])
}

struct ImportStudents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "students",
        abstract: "Import a student export (CSV) into a school: all or nothing; see docs/import.md.")

    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The school's code, e.g. 10AA.") var school: String
    @Flag(help: "Messages in English instead of Dutch (or set SAMEN_LANG=en).") var english = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let language: Language = english ? .en : cliLanguage
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError(Catalogue.text("cli_file_unreadable", language, [file]))
        }
        let outcome: Result<ImportReport, ImportFailure> = try await withApplication(options) { app in
            try await CommandLineImport.students(bytes: Array(data), schoolCode: school, app: app)
        }
        switch outcome {
        case .success(let report):
            print(Catalogue.text("import_done", language, [String(report.created), String(report.updated), String(report.unchanged)]))
            if !report.groups_created.isEmpty { print(Catalogue.text("import_groups_created", language) + ": " + report.groups_created.joined(separator: ", ")) }
            if report.guardians_added > 0 { print(Catalogue.text("import_guardians_added", language) + ": \(report.guardians_added)") }
            if !report.ignored_columns.isEmpty { print(Catalogue.text("import_ignored_columns", language) + ": " + report.ignored_columns.joined(separator: ", ")) }
        case .failure(let failure):
            var stderr = StandardError()
            print(failure.describe(language), to: &stderr)
            throw ExitCode(1)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Manage accounts.", subcommands: [CreateAccount.self])
}

struct CreateAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an account, e.g. the first administrator of a new installation. The password is read from SAMEN_PASSWORD or standard input.")

    @Argument(help: "User name.") var username: String
    @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
    @Option(help: "First name.") var firstName = ""
    @Option(help: "Surname.") var lastName = ""
    @Option(help: "School codes the account works at, comma-separated.") var schools = ""
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        guard let role = Role(rawValue: role) else {
            throw ValidationError(Catalogue.text("cli_unknown_role", cliLanguage, [role, Role.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        let password = ProcessInfo.processInfo.environment["SAMEN_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
        if let key = PasswordRule.problem(with: password, username: username) {
            throw ValidationError(Catalogue.text(key, cliLanguage, [String(PasswordRule.minimumLength)]))
        }
        let codes = schools.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        try await withApplication(options) { app in
            try await CommandLineImport.createAccount(username: username, password: password, role: role,
                                                      name: PersonName(first: firstName.isEmpty ? username : firstName, last: lastName),
                                                      schoolCodes: codes, app: app)
        }
        say("cli_account_created", [username, role.rawValue])
    }
}
