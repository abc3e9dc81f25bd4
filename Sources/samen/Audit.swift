import ArgumentParser
import Foundation
import SamenCore
import SamenServer

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit trail of who read or changed student data.", subcommands: [AuditVerify.self])
}

/// `samen audit verify`: recomputes every entry's hash and its link to the one
/// before; exits 1 when an entry was changed or deleted.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check that no audit entry was changed or deleted (exit code 1 if one was).")
    @OptionGroup var options: DataOptions

    func run() async throws {
        bootstrapLogging()
        let language = cliLanguage
        let (count, problems) = try await withApplication(options) { app in try await AuditCommands.verify(app: app) }
        if problems.isEmpty {
            print(Catalogue.text("cli_audit_whole", language, [String(count)]))
            return
        }
        let described = problems.map { problem -> String in
            switch problem {
            case .changed(let seq): Catalogue.text("cli_audit_changed", language, [String(seq)])
            case .brokenLink(let seq): Catalogue.text("cli_audit_link", language, [String(seq)])
            case .missing(let after, let before): Catalogue.text("cli_audit_missing", language, [String(after), String(before)])
            case .truncated(let last, let head): Catalogue.text("cli_audit_truncated", language, [String(last), String(head)])
            }
        }
        var stderr = StandardError()
        print(Catalogue.text("cli_audit_broken", language, [String(count), described.joined(separator: "; ")]), to: &stderr)
        throw ExitCode(1)
    }
}
