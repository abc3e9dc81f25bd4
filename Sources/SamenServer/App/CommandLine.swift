import Fluent
import Foundation
import SamenCore
import Vapor

/// Why a command-line import did nothing.
public enum ImportFailure: Error, Sendable {
    case unknownSchool(String)
    case rejected([ImportProblem])

    /// Every problem with line and column, for the terminal.
    public func describe(_ language: Language) -> String {
        switch self {
        case .unknownSchool(let code):
            return Catalogue.text("cli_unknown_school", language, [code])
        case .rejected(let problems):
            var lines = [Catalogue.text("import_rejected", language, [String(problems.count)])]
            for problem in problems {
                let place = Catalogue.text("import_line", language) + " \(problem.line)" + (problem.column.map { ", " + Catalogue.text("import_column", language) + " '\($0)'" } ?? "")
                lines.append("  \(place): \(Catalogue.text(problem.key, language, problem.arguments))")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// What the `samen` commands do with the database, kept here so they use
/// the same services as the web app.
public enum CommandLineImport {
    public static func students(bytes: [UInt8], schoolCode: String, app: Application) async throws -> Result<ImportReport, ImportFailure> {
        guard let school = try await School.query(on: app.db).filter(\.$code == schoolCode.uppercased()).first() else {
            return .failure(.unknownSchool(schoolCode))
        }
        do {
            return .success(try await StudentImporter(db: app.db).run(bytes: bytes, schoolID: school.id!))
        } catch let rejected as ImportRejected {
            return .failure(.rejected(rejected.problems))
        }
    }

    public static func createAccount(username: String, password: String, role: Role, name: PersonName, schoolCodes: [String],
                                     app: Application) async throws {
        let username = username.lowercased()
        if let key = NameRules.usernameProblem(username) { throw ValidationErrorText(Catalogue.text(key, .en)) }
        if try await Account.query(on: app.db).filter(\.$username == username).count() > 0 {
            throw ValidationErrorText(Catalogue.text("account_username_taken", .en, [username]))
        }
        var found: [UUID] = []
        for code in schoolCodes {
            guard let school = try await School.query(on: app.db).filter(\.$code == code).first() else {
                throw ValidationErrorText(Catalogue.text("cli_unknown_school", .en, [code]))
            }
            found.append(school.id!)
        }
        let schoolIDs = found
        let hash = try await app.password.async.hash(password).get()
        let regionID = role == .region ? try await Region.query(on: app.db).first()?.id : nil
        let account = Account(username: username, passwordHash: hash, role: role, name: name, email: "", regionID: regionID)
        try await app.db.transaction { db in
            try await account.create(on: db)
            for id in schoolIDs { try await AccountSchool(accountID: account.id!, schoolID: id).create(on: db) }
        }
    }
}

public struct ValidationErrorText: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ text: String) { description = text }
}
