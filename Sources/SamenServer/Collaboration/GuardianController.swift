import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct GuardianLinkJSON: Content, Sendable {
    var id: UUID
    var guardian_id: UUID
    var guardian: String
    var expires_at: Date
    var revoked: Bool
    /// Only when the link is made: the address to send the guardian (the token is not kept).
    var url: String?
}

/// The guardian's personal link (no account, expiring, revocable): what a
/// guardian sees of their child, and consent given or withdrawn by them.
struct GuardianLinkService {
    let sql: any SQLDatabase

    func create(studentID: UUID, guardianID: UUID, days: Int, by accountID: UUID, now: Date = Date()) async throws -> (UUID, String, Date) {
        let token = Tokens.make(), id = UUID(), expires = now.addingTimeInterval(Double(days) * 86_400)
        try await sql.insert(into: "guardian_links").columns("id", "student_id", "guardian_id", "token_hash", "created_by", "created_at", "expires_at")
            .values(SQLBind(id), SQLBind(studentID), SQLBind(guardianID), SQLBind(Tokens.hash(token)), SQLBind(accountID), SQLBind(now), SQLBind(expires))
            .run()
        return (id, token, expires)
    }

    func list(studentID: UUID, now: Date = Date()) async throws -> [GuardianLinkJSON] {
        try await sql.raw("""
            SELECT l.id, l.guardian_id, g.name, l.expires_at, l.revoked_at FROM guardian_links l JOIN guardians g ON g.id = l.guardian_id
            WHERE l.student_id = \(bind: studentID) ORDER BY l.created_at DESC
            """).all().map { r in
            let expires = try r.decode(column: "expires_at", as: Date.self)
            return GuardianLinkJSON(id: try r.uuid("id"), guardian_id: try r.uuid("guardian_id"), guardian: try r.decode(column: "name", as: String.self),
                                    expires_at: expires,
                                    revoked: !GuardianLinkRules.isUsable(expiresAt: expires, revoked: try r.decode(column: "revoked_at", as: Date?.self) != nil, now: now))
        }
    }

    /// The student and guardian of a usable link; nil for an unknown, expired or revoked one.
    func open(token: String, now: Date = Date()) async throws -> (student: UUID, guardian: UUID, guardianName: String, createdBy: UUID)? {
        guard token.count < 200, let row = try await sql.raw("""
            SELECT l.student_id, l.guardian_id, l.expires_at, l.revoked_at, l.created_by, g.name FROM guardian_links l JOIN guardians g ON g.id = l.guardian_id
            WHERE l.token_hash = \(bind: Tokens.hash(token))
            """).first(),
            GuardianLinkRules.isUsable(expiresAt: try row.decode(column: "expires_at", as: Date.self),
                                       revoked: try row.decode(column: "revoked_at", as: Date?.self) != nil, now: now) else { return nil }
        return (try row.uuid("student_id"), try row.uuid("guardian_id"), try row.decode(column: "name", as: String.self), try row.uuid("created_by"))
    }

    func revoke(_ id: UUID, studentID: UUID, now: Date = Date()) async throws {
        try await sql.raw("UPDATE guardian_links SET revoked_at = \(bind: now) WHERE id = \(bind: id) AND student_id = \(bind: studentID) AND revoked_at IS NULL").run()
    }
}

extension Request {
    var guardianLinks: GuardianLinkService { GuardianLinkService(sql: db as! any SQLDatabase) }
}

struct GuardianPage: Encodable {
    var child: String
    var school: String
    var guardian: String
    var involved: [LinkedItem]
    var agreements: [String]
    var consents: [ConsentLine]
    var giveAction: String
    var organisations: [Option]
    var parts: [Option]
    var cases: [GuardianCase]
    var values: [String: String]
    var errors: [String: String]
    var notice: String?
}

struct GuardianCase: Encodable { var type: String; var steps: [String] }

/// Pages for the coordinator to make and revoke links, and the guardian's own page behind the link.
struct GuardianController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("students", ":student", "guardian-links", use: create)
        routes.post("students", ":student", "guardian-links", ":link", "revoke", use: revoke)
        routes.get("ouder", ":token", use: page)
        routes.post("ouder", ":token", "consent", use: give)
        routes.post("ouder", ":token", "consent", ":consent", "withdraw", use: withdraw)
        routes.grouped("api", "v1").post("students", ":student", "guardian-links", use: apiCreate)
    }

    // MARK: The school's side

    struct LinkForm: Content { var guardian_id: String?; var days: String? }

    func make(req: Request) async throws -> (Student, GuardianLinkJSON) {
        let user = try req.require(.create, .consent)
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        let student = try await req.directory.student(id, for: user.viewer)
        let form = (try? req.content.decode(LinkForm.self)) ?? LinkForm()
        let guardians = try await StudentGuardian.query(on: req.db).filter(\.$student.$id == id).with(\.$guardian).all()
        let chosen = UUID(uuidString: form.guardian_id ?? "")
        guard let guardian = guardians.first(where: { $0.guardian.id == chosen })?.guardian else {
            throw SamenError.invalid("consent_bad_guardian", field: "guardian_id")
        }
        let days: Int
        switch GuardianLinkRules.days(form.days ?? "") {
        case .success(let n): days = n
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        }
        let (linkID, token, expires) = try await req.guardianLinks.create(studentID: id, guardianID: guardian.id!, days: days, by: user.accountID)
        return (student, GuardianLinkJSON(id: linkID, guardian_id: guardian.id!, guardian: guardian.name, expires_at: expires, revoked: false,
                                          url: "/ouder/\(token)"))
    }

    func create(req: Request) async throws -> Response {
        do {
            let (student, link) = try await make(req: req)
            return try await ConsentController().render(req: req, user: try req.requireUser(), student: student, values: [:], errors: [:],
                                                        status: .ok, newLink: link.url)
        } catch let error as SamenError where error.field != nil {
            let user = try req.requireUser()
            let student = try await req.directory.student(req.parameters.get("student", as: UUID.self)!, for: user.viewer)
            return try await ConsentController().render(req: req, user: user, student: student, values: [:],
                                                        errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
    }

    func apiCreate(req: Request) async throws -> Response {
        let response = try await make(req: req).1.encodeResponse(for: req)
        response.status = .created
        return response
    }

    func revoke(req: Request) async throws -> Response {
        let user = try req.require(.update, .consent)
        guard let id = req.parameters.get("student", as: UUID.self), let link = req.parameters.get("link", as: UUID.self) else { throw SamenError.notFound }
        _ = try await req.directory.student(id, for: user.viewer)
        try await req.guardianLinks.revoke(link, studentID: id)
        return req.redirect(to: SiteURL.studentConsent(id).path)
    }

    // MARK: The guardian's side

    /// The link's child and guardian; 404 (with a page saying the link no longer works) otherwise.
    /// `createdBy`: the school's account that made the link, in whose name the guardian's consent is recorded.
    func opened(_ req: Request) async throws -> (student: Student, guardian: UUID, name: String, token: String, createdBy: UUID) {
        guard let token = req.parameters.get("token"), let link = try await req.guardianLinks.open(token: token),
              let student = try await Student.query(on: req.db).filter(\.$id == link.student).with(\.$school).with(\.$group).first() else {
            throw SamenError(status: .notFound, key: "guardian_link_gone")
        }
        return (student, link.guardian, link.guardianName, token, link.createdBy)
    }

    /// A guardian's look or change is in the audit trail like anyone's.
    func audit(_ req: Request, student: UUID, guardian: String, action: String) async throws {
        let route = req.route.map { $0.method.rawValue + " /" + $0.path.map(\.description).joined(separator: "/") } ?? req.url.path
        try await req.application.auditLog.append(AuditEntry.now(
            actorID: nil, actor: guardian, role: "guardian",
            action: action, recordType: route.replacingOccurrences(of: req.parameters.get("token") ?? "-", with: ":token"),
            recordID: student.uuidString.lowercased(), studentID: student, purpose: "guardian_link", client: req.clientAddress))
    }

    func page(req: Request) async throws -> Response {
        let link = try await opened(req)
        try await audit(req, student: link.student.id!, guardian: link.name, action: "read")
        return try await render(req: req, link: link, values: [:], errors: [:], notice: nil, status: .ok)
    }

    func render(req: Request, link: (student: Student, guardian: UUID, name: String, token: String, createdBy: UUID), values: [String: String],
                errors: [String: String], notice: String?, status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let student = link.student
        let sql = req.db as! any SQLDatabase
        // Who is involved: the group's mentors, the school's coordinators, and youth care by consent, case or pair.
        var involved: [LinkedItem] = []
        if let group = student.$group.id {
            for staff in try await GroupStaff.query(on: req.db).filter(\.$group.$id == group).filter(\.$isMentor == true).with(\.$account).all() {
                involved.append(LinkedItem(label: staff.account.name.display, href: "", detail: Catalogue.text("guardian_mentor", language)))
            }
        }
        for row in try await sql.raw("""
            SELECT DISTINCT a.first_name, a.particle, a.last_name FROM accounts a JOIN account_schools s ON s.account_id = a.id
            WHERE s.school_id = \(bind: student.$school.id) AND a.role = 'coordinator' AND a.active = \(bind: true)
            """).all() {
            involved.append(LinkedItem(label: try row.personName().display, href: "", detail: Catalogue.text("role_coordinator", language)))
        }
        for row in try await sql.raw("""
            SELECT DISTINCT a.first_name, a.particle, a.last_name, o.name AS organisation FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
            WHERE a.id IN (SELECT worker_id FROM cases WHERE student_id = \(bind: student.id!) AND closed_on IS NULL
                           UNION SELECT youthworker_id FROM enrolments WHERE student_id = \(bind: student.id!) AND status = 'active')
            """).all() {
            involved.append(LinkedItem(label: try row.personName().display, href: "", detail: Catalogue.text("role_youthworker", language) + (try row.decode(column: "organisation", as: String?.self).map { ", " + $0 } ?? "")))
        }
        for organisation in try await req.consents.involvedOrganisations(studentID: student.id!) where !involved.contains(where: { $0.detail.hasSuffix(organisation) }) {
            involved.append(LinkedItem(label: organisation, href: "", detail: Catalogue.text("guardian_youth_care", language)))
        }
        let consents = try await req.consents.list(studentID: student.id!)
        let controller = ConsentController()
        var form = ["organisation_id": "", "expires_on": "", "parts": "support"]
        form.merge(values) { _, new in new }
        let chosen = Set((form["parts"] ?? "").split(separator: ",").map(String.init))
        let cases = try await req.cases.list(for: Viewer(accountID: UUID(), role: .admin), studentID: student.id!)
        let page = GuardianPage(
            child: student.name.display, school: student.school.name, guardian: link.name, involved: involved,
            agreements: try await agreements(req: req, schoolID: student.$school.id, language: language),
            consents: consents.map { c in
                var line = controller.line(c, student: student.id!, full: false, canRecord: false, language: language)
                if c.withdrawn_at == nil && c.state != ConsentState.expired.rawValue {
                    line.withdrawAction = "/ouder/\(link.token)/consent/\(c.id)/withdraw"
                }
                return line
            },
            giveAction: "/ouder/\(link.token)/consent",
            organisations: try await Organisation.query(on: req.db).filter(\.$region.$id == student.school.$region.id).sort(\.$name).all()
                .map { Option(value: $0.id!.uuidString, label: $0.name, selected: form["organisation_id"] == $0.id!.uuidString) },
            parts: ConsentPart.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("consent_part_\($0.rawValue)", language), selected: chosen.contains($0.rawValue)) },
            cases: cases.map { c in
                GuardianCase(type: Catalogue.text("case_type_\(c.type)", language),
                             steps: c.steps.map { Catalogue.text("case_step_\($0.step)", language) + " · " + (LocalDate(iso: $0.date)?.display(language) ?? $0.date) })
            },
            values: form, errors: errors, notice: notice)
        let response = try await req.renderPage("collaboration/guardian", title: "guardian_title", titleArguments: [student.name.display], page: page, status: status)
        // The link is the key: never cached, never sent on as a referrer.
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    /// The school's behaviour agreements: its published expectations matrix (expectation, place, behaviours),
    /// or, before one is published, the names of its Tier I expectations.
    func agreements(req: Request, schoolID: UUID, language: Language) async throws -> [String] {
        if let m = try await req.programmes.inForce(schoolID: schoolID)?.matrix {
            return m.expectations.enumerated().flatMap { e, name in
                m.settings.enumerated().map { s, setting in name + " · " + setting + ": " + m.behaviours(e, s).joined(separator: "; ") }
            }
        }
        return try await req.labels.labels(schoolID: schoolID, kind: .expectation, includeArchived: false, language: language).map(\.text)
    }

    struct GiveForm: Content { var organisation_id: String?; var parts: [String]?; var expires_on: String? }

    func give(req: Request) async throws -> Response {
        let link = try await opened(req)
        let body = (try? req.content.decode(GiveForm.self)) ?? GiveForm()
        let form = ["purpose": "share", "organisation_id": body.organisation_id ?? "", "given_by": "guardian", "guardian_id": link.guardian.uuidString,
                    "given_on": LocalDate.today().iso, "expires_on": body.expires_on ?? "", "parts": (body.parts ?? []).joined(separator: ","),
                    "note": Catalogue.text("guardian_given_by_link", .nl)]
        let organisations = Set(try await Organisation.query(on: req.db).filter(\.$region.$id == link.student.school.$region.id).all(\.$id))
        switch ConsentRules.read(form: form, birthDate: LocalDate(iso: link.student.birthDate), guardians: [link.guardian], organisations: organisations, today: .today()) {
        case .failure(let problems):
            return try await render(req: req, link: link, values: form, errors: problems.messages(req.language), notice: nil, status: .badRequest)
        case .success(let terms):
            _ = try await req.consents.create(terms, studentID: link.student.id!, by: link.createdBy)
            try await audit(req, student: link.student.id!, guardian: link.name, action: "change")
            return try await render(req: req, link: link, values: [:], errors: [:], notice: Catalogue.text("guardian_consent_given", req.language), status: .ok)
        }
    }

    func withdraw(req: Request) async throws -> Response {
        let link = try await opened(req)
        guard let id = req.parameters.get("consent", as: UUID.self), let consent = try await req.consents.find(id), consent.student_id == link.student.id else {
            throw SamenError(status: .notFound, key: "error_not_found")
        }
        try await req.consents.withdraw(id, by: link.createdBy, note: Catalogue.text("guardian_withdrawn_by_link", .nl, [link.name]))
        try await audit(req, student: link.student.id!, guardian: link.name, action: "change")
        return try await render(req: req, link: link, values: [:], errors: [:], notice: Catalogue.text("guardian_consent_withdrawn", req.language), status: .ok)
    }
}
