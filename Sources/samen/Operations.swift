import ArgumentParser
import Foundation
import SamenCore
import SamenServer

/// `samen backup FILE`: a consistent online snapshot of the SQLite database (the server may keep running), or
/// `pg_dump` of the PostgreSQL database when DATABASE_URL is set.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write a backup of the database to FILE (SQLite: an online snapshot; PostgreSQL: pg_dump).")

    @Argument(help: "The file to write (must not exist).") var file: String
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let config = options.config
        do {
            switch config.database {
            case .sqlite:
                try await withApplication(options) { app in try await Backup.sqlite(app: app, to: absolute(file)) }
            case .postgres(let url, _):
                guard !FileManager.default.fileExists(atPath: file) else { throw Backup.Failure.exists(file) }
                try Backup.postgresTool("pg_dump", arguments: ["--format=custom", "--no-owner", "--file", file, url])
            }
        } catch let failure as Backup.Failure {
            fail(failure, url: config)
        }
        say("cli_backup_done", [file])
    }
}

/// `samen restore FILE`: puts a backup in place of the database (stop `samen serve` first); the current SQLite
/// file is kept beside it. With DATABASE_URL, `pg_restore --clean` into that database.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore the database from a backup FILE (stop samen serve first).")

    @Argument(help: "The backup file.") var file: String
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let config = options.config
        do {
            guard FileManager.default.fileExists(atPath: file) else { throw ValidationError(Catalogue.text("cli_file_unreadable", cliLanguage, [file])) }
            switch config.database {
            case .sqlite(let path):
                // The backup is checked against the current installation first; nothing changes when it is not a whole Samen database.
                try await withApplication(options) { app in try await Backup.check(sqliteFile: absolute(file), app: app) }
                let kept = try Backup.restoreSQLite(from: absolute(file), database: path)
                // A backup from an older Samen gets the newer migrations.
                try await withApplication(options) { _ in }
                say("cli_restore_done", [file, kept])
            case .postgres(let url, _):
                try Backup.postgresTool("pg_restore", arguments: ["--clean", "--if-exists", "--no-owner", "--dbname", url, file])
                try await withApplication(options) { _ in }
                say("cli_restore_done_postgres", [file])
            }
        } catch let failure as Backup.Failure {
            fail(failure, url: config)
        }
    }
}

func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
}

/// One line on stderr saying what went wrong and what to do, exit code 1.
func fail(_ failure: Backup.Failure, url config: SamenConfig) -> Never {
    let text: String
    switch failure {
    case .exists(let file): text = Catalogue.text("cli_backup_exists", cliLanguage, [file])
    case .notSamen(let file): text = Catalogue.text("cli_restore_not_samen", cliLanguage, [file])
    case .damaged(let file): text = Catalogue.text("cli_restore_damaged", cliLanguage, [file])
    case .toolMissing(let tool): text = Catalogue.text("cli_postgres_tool_missing", cliLanguage, [tool])
    case .toolFailed(let tool, let code): text = Catalogue.text("cli_postgres_tool_failed", cliLanguage, [tool, String(code)])
    }
    var stderr = StandardError()
    print(text, to: &stderr)
    Foundation.exit(1)
}

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retention", abstract: "Retention periods of children's data.", subcommands: [RetentionRun.self])
}

/// `samen retention run`: removes what is past its retention period and says, per table, how many rows.
struct RetentionRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Remove data past its retention period: the student file 2 years after leaving, absence after 5 years, closed cases after 3 (configurable).")

    @Option(help: "Years a student's file is kept after they left (default 2, or SAMEN_RETENTION_STUDENT_YEARS).") var studentYears: String?
    @Option(help: "Years absence is kept (default 5, or SAMEN_RETENTION_ABSENCE_YEARS).") var absenceYears: String?
    @Option(help: "Years a closed case (referral data) is kept (default 3, or SAMEN_RETENTION_REFERRAL_YEARS).") var referralYears: String?
    @Flag(help: "Only say what would be removed.") var dryRun = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let env = ProcessInfo.processInfo.environment
        let periods: RetentionPeriods
        switch RetentionPeriods.read(studentFile: studentYears ?? env["SAMEN_RETENTION_STUDENT_YEARS"], absence: absenceYears ?? env["SAMEN_RETENTION_ABSENCE_YEARS"],
                                     referral: referralYears ?? env["SAMEN_RETENTION_REFERRAL_YEARS"]) {
        case .success(let read): periods = read
        case .failure(let problems):
            throw ValidationError(problems.map { "--" + $0.field.replacingOccurrences(of: "_", with: "-") + ": " + Catalogue.text($0.key, cliLanguage, $0.arguments) }
                .joined(separator: "\n"))
        }
        let report = try await withApplication(options) { app in try await RetentionService(db: app.db).run(periods, dryRun: dryRun, audit: app) }
        let cut = periods.cutoffs(today: report.today)
        say(dryRun ? "cli_retention_would" : "cli_retention_done", [String(report.total), cut.studentsLeftBefore.iso, cut.absencesBefore.iso, cut.casesClosedBefore.iso])
        for (table, rows) in report.removed where rows > 0 { print("  \(table): \(rows)") }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data for a request.", subcommands: [ExportStudent.self])
}

/// `samen export student NUMBER --school CODE`: a guardian's access request as a readable text file.
struct ExportStudent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "student", abstract: "Everything Samen holds about one student, as a readable file (a guardian's access request).")

    @Argument(help: "The student number.") var number: String
    @Option(help: "The school's code, e.g. 10AA.") var school: String
    @Option(help: "The file to write (default leerling-NUMBER.txt).") var output: String?
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        do {
            let text = try await withApplication(options) { app in
                try await StudentExport.text(number: number, schoolCode: school, language: cliLanguage, app: app)
            }
            let file = output ?? "leerling-\(number).txt"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            say("cli_export_done", [file])
        } catch StudentExport.Failure.unknownSchool(let code) {
            throw ValidationError(Catalogue.text("cli_unknown_school", cliLanguage, [code]))
        } catch StudentExport.Failure.unknownStudent(let number) {
            throw ValidationError(Catalogue.text("cli_unknown_student", cliLanguage, [number, school]))
        }
    }
}
