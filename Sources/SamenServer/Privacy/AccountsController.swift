import Fluent
import Foundation
import SamenCore
import Vapor

struct AccountLine: Encodable { var name: String; var username: String; var role: String; var schools: String; var active: Bool; var canLogin: Bool; var href: String }
struct AccountsPage: Encodable { var accounts: [AccountLine]; var newHref: String }
struct AccountFormPage: Encodable {
    var action: String
    var cancelHref: String
    var values: [String: String]
    var errors: [String: String]
    var roles: [Option]
    var schools: [Option]
    var isNew: Bool
    var active: Bool
}

/// Accounts and roles: the administrator's pages.
struct AccountsController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("accounts", use: list)
        routes.get("accounts", "new", use: newForm)
        routes.post("accounts", "new", use: create)
        routes.get("accounts", ":account", "edit", use: editForm)
        routes.post("accounts", ":account", "edit", use: update)
    }

    func list(req: Request) async throws -> Response {
        _ = try req.require(.read, .account)
        let language = req.language
        let accounts = try await Account.query(on: req.db).all()
        let schoolNames = Dictionary(uniqueKeysWithValues: try await School.query(on: req.db).all().map { ($0.id!, $0.code) })
        var schoolsByAccount: [UUID: [String]] = [:]
        for link in try await AccountSchool.query(on: req.db).all() {
            schoolsByAccount[link.$account.id, default: []].append(schoolNames[link.$school.id] ?? "")
        }
        let lines = accounts.sorted { ($0.accountRole, $0.name.sortKey) < ($1.accountRole, $1.name.sortKey) }.map {
            AccountLine(name: $0.name.listed, username: $0.username, role: Catalogue.text("role_\($0.role)", language),
                        schools: (schoolsByAccount[$0.id!] ?? []).sorted().joined(separator: ", "), active: $0.active,
                        canLogin: $0.passwordHash != nil, href: SiteURL.accountEdit($0.id!).path)
        }
        return try await req.renderPage("privacy/accounts", title: "accounts_title", page: AccountsPage(accounts: lines, newHref: SiteURL.accountNew.path))
    }

    func form(req: Request, values: [String: String], schoolIDs: Set<String>, errors: [String: String], action: String,
              isNew: Bool, active: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let language = req.language
        let roles = Role.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("role_\($0.rawValue)", language), selected: values["role"] == $0.rawValue) }
        let schools = try await School.query(on: req.db).sort(\.$name).all().map {
            Option(value: $0.id!.uuidString, label: "\($0.name) (\($0.code))", selected: schoolIDs.contains($0.id!.uuidString))
        }
        return try await req.renderPage("privacy/account-form", title: isNew ? "account_new_title" : "account_edit_title",
                                        page: AccountFormPage(action: action, cancelHref: SiteURL.accounts.path, values: values, errors: errors,
                                                              roles: roles, schools: schools, isNew: isNew, active: active), status: status)
    }

    func newForm(req: Request) async throws -> Response {
        _ = try req.require(.create, .account)
        return try await form(req: req, values: ["role": Role.teacher.rawValue], schoolIDs: [], errors: [:], action: SiteURL.accountNew.path,
                              isNew: true, active: true)
    }

    struct AccountForm: Content {
        var username: String?
        var first_name: String?
        var particle: String?
        var last_name: String?
        var email: String?
        var role: String?
        var schools: [String]?
        var password: String?
        var active: String?
    }

    func values(_ form: AccountForm) -> [String: String] {
        ["username": form.username ?? "", "first_name": form.first_name ?? "", "particle": form.particle ?? "",
         "last_name": form.last_name ?? "", "email": form.email ?? "", "role": form.role ?? ""]
    }

    /// Validates the form; returns field messages, or nil when it is fine.
    func problems(_ form: AccountForm, isNew: Bool, language: Language) -> [String: String] {
        var errors: [String: String] = [:]
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if isNew, let key = NameRules.usernameProblem(username) { errors["username"] = Catalogue.text(key, language) }
        if (form.first_name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors["first_name"] = Catalogue.text("import_required", language) }
        if (form.last_name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors["last_name"] = Catalogue.text("import_required", language) }
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        if !email.isEmpty && !EmailRule.isPlausible(email) { errors["email"] = Catalogue.text("import_bad_email", language, [email]) }
        if Role(rawValue: form.role ?? "") == nil { errors["role"] = Catalogue.text("account_bad_role", language) }
        let password = form.password ?? ""
        if isNew || !password.isEmpty, let key = PasswordRule.problem(with: password, username: username) {
            errors["password"] = Catalogue.text(key, language, [String(PasswordRule.minimumLength)])
        }
        return errors
    }

    func create(req: Request) async throws -> Response {
        _ = try req.require(.create, .account)
        let form = try req.content.decode(AccountForm.self)
        var errors = problems(form, isNew: true, language: req.language)
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if errors.isEmpty, try await Account.query(on: req.db).filter(\.$username == username).count() > 0 {
            errors["username"] = Catalogue.text("account_username_taken", req.language, [username])
        }
        let schoolIDs = (form.schools ?? []).compactMap(UUID.init(uuidString:))
        guard errors.isEmpty, let role = Role(rawValue: form.role ?? "") else {
            return try await self.form(req: req, values: values(form), schoolIDs: Set(form.schools ?? []), errors: errors,
                                       action: SiteURL.accountNew.path, isNew: true, active: true, status: .badRequest)
        }
        let hash = try await req.password.async.hash(form.password ?? "").get()
        let regionID = role == .region ? try await Region.query(on: req.db).first()?.id : nil
        let account = Account(username: username, passwordHash: hash, role: role,
                              name: PersonName(first: form.first_name ?? "", particle: form.particle ?? "", last: form.last_name ?? ""),
                              email: form.email ?? "", regionID: regionID)
        try await req.db.transaction { db in
            try await account.create(on: db)
            for id in schoolIDs where try await School.find(id, on: db) != nil {
                try await AccountSchool(accountID: account.id!, schoolID: id).create(on: db)
            }
        }
        return req.redirect(to: SiteURL.accounts.path)
    }

    func account(_ req: Request) async throws -> Account {
        guard let id = req.parameters.get("account", as: UUID.self), let account = try await Account.find(id, on: req.db) else { throw SamenError.notFound }
        return account
    }

    func editForm(req: Request) async throws -> Response {
        _ = try req.require(.update, .account)
        let account = try await account(req)
        let schools = try await AccountSchool.query(on: req.db).filter(\.$account.$id == account.id!).all(\.$school.$id)
        return try await form(req: req, values: ["username": account.username, "first_name": account.firstName, "particle": account.particle,
                                                 "last_name": account.lastName, "email": account.email, "role": account.role],
                              schoolIDs: Set(schools.map(\.uuidString)), errors: [:], action: SiteURL.accountEdit(account.id!).path,
                              isNew: false, active: account.active)
    }

    func update(req: Request) async throws -> Response {
        let user = try req.require(.update, .account)
        let account = try await account(req)
        var form = try req.content.decode(AccountForm.self)
        form.username = account.username
        var errors = problems(form, isNew: false, language: req.language)
        let active = form.active == "on"
        if account.id == user.accountID && (!active || form.role != Role.admin.rawValue) {
            errors["role"] = Catalogue.text("account_not_self", req.language)
        }
        guard errors.isEmpty, let role = Role(rawValue: form.role ?? "") else {
            return try await self.form(req: req, values: values(form), schoolIDs: Set(form.schools ?? []), errors: errors,
                                       action: SiteURL.accountEdit(account.id!).path, isNew: false, active: active, status: .badRequest)
        }
        account.firstName = (form.first_name ?? "").trimmingCharacters(in: .whitespaces)
        account.particle = (form.particle ?? "").trimmingCharacters(in: .whitespaces)
        account.lastName = (form.last_name ?? "").trimmingCharacters(in: .whitespaces)
        account.email = form.email ?? ""
        account.role = role.rawValue
        account.active = active
        if let password = form.password, !password.isEmpty { account.passwordHash = try await req.password.async.hash(password).get() }
        let schoolIDs = (form.schools ?? []).compactMap(UUID.init(uuidString:))
        try await req.db.transaction { db in
            try await account.save(on: db)
            try await AccountSchool.query(on: db).filter(\.$account.$id == account.id!).delete()
            for id in schoolIDs where try await School.find(id, on: db) != nil {
                try await AccountSchool(accountID: account.id!, schoolID: id).create(on: db)
            }
            if !active { try await SessionRecord.query(on: db).filter(\.$account.$id == account.id!).delete() }
        }
        return req.redirect(to: SiteURL.accounts.path)
    }
}
