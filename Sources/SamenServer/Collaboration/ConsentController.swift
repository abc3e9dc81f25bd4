import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct ConsentLine: Encodable {
    var purpose: String
    var state: String
    var stateKey: String
    var givenBy: String
    var dates: String
    var parts: String
    var note: String
    var withdrawAction: String?
}

struct ConsentPage: Encodable {
    var student: String
    var studentHref: String
    var consents: [ConsentLine]
    /// Teachers and youth-care workers see the status only: no giver, no note.
    var full: Bool
    var action: String?
    var purposes: [Option]
    var organisations: [Option]
    /// The titles of the programmes the school may run, offered for a programme consent.
    var programmes: [String]
    var guardians: [Option]
    var givers: [Option]
    var parts: [Option]
    var values: [String: String]
    var errors: [String: String]
    var auditHref: String?
    /// Guardians' personal links: the list, where to make one, and a new link's address (shown once).
    var links: [LinkedItem]
    var linkAction: String?
    var newLink: String?
}

struct AuditLine: Encodable {
    var at: String
    var who: String
    var role: String
    var action: String
    var what: String
    var purpose: String
    var client: String
}

struct AuditPage: Encodable {
    var student: String
    var studentHref: String
    var entries: [AuditLine]
    var summary: String
}

struct AuditEntryJSON: Content, Sendable {
    var seq: Int
    var at: Date
    var actor: String
    var role: String
    var action: String
    var record_type: String
    var record_id: String
    var student_id: UUID?
    var purpose: String
    var client: String
    var hash: String
}

/// A student's consents (recorded and withdrawn by the coordinator; the
/// status read by those who work with the student) and the audit trail of
/// their file, which a coordinator can show a guardian.
struct ConsentController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("students", ":student", "consent", use: page)
        routes.post("students", ":student", "consent", use: create)
        routes.post("students", ":student", "consent", ":consent", "withdraw", use: withdraw)
        routes.get("students", ":student", "audit", use: auditPage)
        let api = routes.grouped("api", "v1")
        api.get("students", ":student", "consents", use: apiList)
        api.post("students", ":student", "consents", use: apiCreate)
        api.post("students", ":student", "consents", ":consent", "withdraw", use: apiWithdraw)
        api.get("students", ":student", "audit", use: apiAudit)
    }

    func student(_ req: Request, _ action: SamenCore.Action, _ resource: Resource = .consent) async throws -> (CurrentUser, Student) {
        let user = try req.require(action, resource)
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.student(id, for: user.viewer))
    }

    /// Teachers see the consents of their own groups' students, youth-care workers those of students they may open (both status only).
    func visible(_ list: [ConsentJSON], user: CurrentUser) -> [ConsentJSON] {
        guard user.role == .youthworker else { return list }
        return list.filter { $0.purpose == ConsentPurpose.share.rawValue }
    }

    func page(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .read)
        return try await render(req: req, user: user, student: student, values: [:], errors: [:], status: .ok)
    }

    func line(_ c: ConsentJSON, student: UUID, full: Bool, canRecord: Bool, language: Language) -> ConsentLine {
        let given = LocalDate(iso: c.given_on)?.display(language) ?? c.given_on
        let until = c.expires_on.flatMap(LocalDate.init(iso:))?.display(language)
        var dates = Catalogue.text("consent_given_on", language, [given]) + (until.map { " · " + Catalogue.text("consent_until", language, [$0]) } ?? "")
        if let withdrawn = c.withdrawn_at {
            dates += " · " + Catalogue.text("consent_withdrawn_on", language, [LocalDate.today(now: withdrawn).display(language)])
        }
        return ConsentLine(
            purpose: purposeText(c, language),
            state: Catalogue.text("consent_state_\(c.state)", language), stateKey: c.state,
            givenBy: full ? (c.given_by == ConsentGiver.student.rawValue ? Catalogue.text("consent_giver_student", language) : c.guardian ?? "—") : "",
            dates: dates,
            parts: c.parts.map { Catalogue.text("consent_part_\($0)", language) }.joined(separator: ", "),
            note: full ? c.note : "",
            withdrawAction: canRecord && c.withdrawn_at == nil ? SiteURL.consentWithdraw(student: student, consent: c.id).path : nil)
    }

    func render(req: Request, user: CurrentUser, student: Student, values: [String: String], errors: [String: String],
                status: HTTPResponseStatus, newLink: String? = nil) async throws -> Response {
        let language = req.language
        let full = [Role.admin, .coordinator, .leader].contains(user.role)
        let canRecord = user.viewer.can(.create, .consent)
        let list = visible(try await req.consents.list(studentID: student.id!), user: user)
        let lines = list.map { line($0, student: student.id!, full: full, canRecord: canRecord, language: language) }
        var form = ["purpose": "share", "organisation_id": "", "programme": "", "given_by": "guardian", "guardian_id": "",
                    "given_on": LocalDate.today().iso, "expires_on": "", "parts": "support,signals", "note": ""]
        form.merge(values) { _, new in new }
        let chosenParts = Set((form["parts"] ?? "").split(separator: ",").map(String.init))
        var organisations: [Option] = [], guardians: [Option] = [], programmes: [String] = []
        if canRecord {
            programmes = Array(Set(try await req.programmes.library(for: user.viewer, language: language).map(\.title))).sorted()
            organisations = try await Organisation.query(on: req.db).filter(\.$region.$id == student.school.$region.id).sort(\.$name).all()
                .map { Option(value: $0.id!.uuidString, label: $0.name, selected: form["organisation_id"] == $0.id!.uuidString) }
            guardians = try await req.directory.detail(student, for: user.viewer).guardians
                .map { Option(value: $0.id.uuidString, label: $0.name + " (" + Catalogue.text("relation_\($0.relation)", language) + ")",
                              selected: form["guardian_id"] == $0.id.uuidString) }
        }
        let page = ConsentPage(
            student: student.name.display, studentHref: SiteURL.student(student.id!).path, consents: lines, full: full,
            action: canRecord ? SiteURL.studentConsent(student.id!).path : nil,
            purposes: ConsentPurpose.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("consent_purpose_\($0.rawValue)", language), selected: form["purpose"] == $0.rawValue) },
            organisations: organisations, programmes: programmes, guardians: guardians,
            givers: ConsentGiver.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("consent_giver_\($0.rawValue)", language), selected: form["given_by"] == $0.rawValue) },
            parts: ConsentPart.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("consent_part_\($0.rawValue)", language), selected: chosenParts.contains($0.rawValue)) },
            values: form, errors: errors,
            auditHref: user.viewer.can(.read, .audit) ? SiteURL.studentAudit(student.id!).path : nil,
            links: canRecord ? try await req.guardianLinks.list(studentID: student.id!).map { l in
                LinkedItem(label: l.guardian, href: l.revoked ? "" : "/students/\(student.id!)/guardian-links/\(l.id)/revoke",
                           detail: l.revoked ? Catalogue.text("guardian_link_ended", language)
                               : Catalogue.text("guardian_link_until", language, [LocalDate.today(now: l.expires_at).display(language)]))
            } : [],
            linkAction: canRecord ? "/students/\(student.id!)/guardian-links" : nil,
            newLink: newLink)
        return try await req.renderPage("collaboration/consent", title: "consent_title", titleArguments: [student.name.display], page: page, status: status)
    }

    func purposeText(_ c: ConsentJSON, _ language: Language) -> String {
        switch ConsentPurpose(rawValue: c.purpose) {
        case .share: Catalogue.text("consent_purpose_share_with", language, [c.organisation ?? "—"])
        case .programme: Catalogue.text("consent_purpose_programme_named", language, [c.programme])
        default: Catalogue.text("consent_purpose_research", language)
        }
    }

    /// Reads the form's fields (the parts arrive as several checkboxes) and checks them against the student's guardians and region.
    func terms(req: Request, student: Student, form: [String: String]) async throws -> Validated<ConsentTerms> {
        let guardians = Set(try await StudentGuardian.query(on: req.db).filter(\.$student.$id == student.id!).all(\.$guardian.$id))
        let organisations = Set(try await Organisation.query(on: req.db).filter(\.$region.$id == student.school.$region.id).all(\.$id))
        return ConsentRules.read(form: form, birthDate: LocalDate(iso: student.birthDate), guardians: guardians, organisations: organisations, today: .today())
    }

    struct Form: Content {
        var purpose: String?; var organisation_id: String?; var programme: String?; var given_by: String?; var guardian_id: String?
        var given_on: String?; var expires_on: String?; var parts: [String]?; var note: String?
        var fields: [String: String] {
            ["purpose": purpose ?? "", "organisation_id": organisation_id ?? "", "programme": programme ?? "", "given_by": given_by ?? "",
             "guardian_id": guardian_id ?? "", "given_on": given_on ?? "", "expires_on": expires_on ?? "",
             "parts": (parts ?? []).joined(separator: ","), "note": note ?? ""]
        }
    }

    func create(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .create)
        let form = (try? req.content.decode(Form.self))?.fields ?? [:]
        switch try await terms(req: req, student: student, form: form) {
        case .failure(let problems):
            return try await render(req: req, user: user, student: student, values: form, errors: problems.messages(req.language), status: .badRequest)
        case .success(let terms):
            _ = try await req.consents.create(terms, studentID: student.id!, by: user.accountID)
            return req.redirect(to: SiteURL.studentConsent(student.id!).path)
        }
    }

    func consentID(_ req: Request, student: Student) async throws -> UUID {
        guard let id = req.parameters.get("consent", as: UUID.self), let found = try await req.consents.find(id), found.student_id == student.id else {
            throw SamenError.notFound
        }
        return found.id
    }

    struct WithdrawForm: Content { var note: String? }

    /// The optional note on a withdrawal (form or JSON), at most 500 characters.
    func withdrawalNote(_ req: Request) throws -> String {
        let note = (try? req.content.decode(WithdrawForm.self))?.note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if note.count > 500 { throw SamenError.invalid("import_too_long", field: "note", ["500"]) }
        return note
    }

    func withdraw(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .update)
        let id = try await consentID(req, student: student)
        try await req.consents.withdraw(id, by: user.accountID, note: try withdrawalNote(req))
        return req.redirect(to: SiteURL.studentConsent(student.id!).path)
    }

    func auditPage(req: Request) async throws -> Response {
        let (_, student) = try await student(req, .read, .audit)
        let language = req.language
        let entries = try await AuditLog.entries(studentID: student.id!, on: req.db as! any SQLDatabase)
        let page = AuditPage(
            student: student.name.display, studentHref: SiteURL.student(student.id!).path,
            entries: entries.map { e in
                let at = Date(timeIntervalSince1970: Double(e.atMillis) / 1000)
                return AuditLine(at: LocalDate.today(now: at).display(language) + " " + Self.time(at),
                                 who: e.actor, role: Catalogue.text("role_\(e.role)", language),
                                 action: Catalogue.text("audit_action_\(e.action)", language), what: Self.describe(e.recordType, language),
                                 purpose: Catalogue.text("audit_purpose_\(e.purpose)", language), client: e.client)
            },
            summary: Catalogue.text("audit_summary", language, [String(entries.count)]))
        return try await req.renderPage("collaboration/audit", title: "audit_title", titleArguments: [student.name.display], page: page)
    }

    static func time(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) % 86_400
        let local = (seconds + (TimeZone(identifier: "Europe/Amsterdam") ?? .current).secondsFromGMT(for: date) + 86_400) % 86_400
        return String(format: "%02d:%02d", local / 3600, local % 3600 / 60)
    }

    /// A route pattern in words: what part of the file was opened.
    static func describe(_ recordType: String, _ language: Language) -> String {
        let path = recordType.split(separator: " ").last.map(String.init) ?? recordType
        let kinds: [(String, String)] = [("ouder", "audit_what_guardian_page"), ("consent", "audit_what_consent"), ("audit", "audit_what_audit"),
                                         ("case", "audit_what_case"), ("meeting", "audit_what_meeting"), ("enrolment", "audit_what_enrolment"),
                                         ("incident", "audit_what_incident"), ("signal", "audit_what_signal"), ("absence", "audit_what_absence"),
                                         ("screening", "audit_what_screening"), ("students", "audit_what_student")]
        let key = kinds.first { path.contains($0.0) }?.1 ?? "audit_what_other"
        return path.hasPrefix("/api/") ? Catalogue.text("audit_through_api", language, [Catalogue.text(key, language)]) : Catalogue.text(key, language)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Items<ConsentJSON> {
        let (user, student) = try await student(req, .read)
        let list = visible(try await req.consents.list(studentID: student.id!), user: user)
        let full = [Role.admin, .coordinator, .leader].contains(user.role)
        return Items(items: full ? list : list.map { c in
            var status = c
            status.guardian = nil; status.guardian_id = nil; status.note = ""
            return status
        })
    }

    struct CreateBody: Content {
        var purpose: String?; var organisation_id: UUID?; var programme: String?; var given_by: String?; var guardian_id: UUID?
        var given_on: String?; var expires_on: String?; var parts: [String]?; var note: String?
    }

    func apiCreate(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .create)
        let body = try req.content.decode(CreateBody.self)
        let form = ["purpose": body.purpose ?? "", "organisation_id": body.organisation_id?.uuidString ?? "", "programme": body.programme ?? "",
                    "given_by": body.given_by ?? "", "guardian_id": body.guardian_id?.uuidString ?? "", "given_on": body.given_on ?? "",
                    "expires_on": body.expires_on ?? "", "parts": (body.parts ?? []).joined(separator: ","), "note": body.note ?? ""]
        switch try await terms(req: req, student: student, form: form) {
        case .failure(let problems):
            let first = problems[0]
            throw SamenError.invalid(first.key, field: first.field, first.arguments)
        case .success(let terms):
            let id = try await req.consents.create(terms, studentID: student.id!, by: user.accountID)
            let response = try await req.consents.find(id)!.encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func apiWithdraw(req: Request) async throws -> ConsentJSON {
        let (user, student) = try await student(req, .update)
        let id = try await consentID(req, student: student)
        try await req.consents.withdraw(id, by: user.accountID, note: try withdrawalNote(req))
        return try await req.consents.find(id)!
    }

    func apiAudit(req: Request) async throws -> Items<AuditEntryJSON> {
        let (_, student) = try await student(req, .read, .audit)
        return Items(items: try await AuditLog.entries(studentID: student.id!, on: req.db as! any SQLDatabase).map { e in
            AuditEntryJSON(seq: e.seq, at: Date(timeIntervalSince1970: Double(e.atMillis) / 1000), actor: e.actor, role: e.role, action: e.action,
                           record_type: e.recordType, record_id: e.recordID, student_id: e.studentID, purpose: e.purpose, client: e.client, hash: e.hash)
        })
    }
}
