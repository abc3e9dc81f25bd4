import Fluent
import Foundation
import SamenCore
import Vapor

struct SignalLine: Encodable {
    var href: String
    var student: String
    var group: String
    var message: String
    var firedOn: String
    var waiting: String
    var tier: Int
    var status: String
    var reviewBy: String
    var overdue: Bool
}

struct SignalsPage: Encodable {
    var tabs: [NavItem]
    var signals: [SignalLine]
    var emptyText: String
    var rulesHref: String?
}

struct RulesPage: Encodable {
    var school: String
    var signalsHref: String
    var action: String?
    var readOnly: Bool
    var values: [String: String]
    var errors: [String: String]
    var saved: String?
}

struct DecisionLine: Encodable {
    var decision: String
    var tiers: String
    var reviewBy: String
    var note: String
    var by: String
    var owner: String
    var at: String
}

struct SignalPage: Encodable {
    var student: String
    var studentHref: String?
    var group: String
    var message: String
    var firedOn: String
    var dueBy: String?
    var status: String
    var figures: StudentFigures
    var decisions: [DecisionLine]
    var decisionAction: String?
    var kinds: [Option]
    var tiers: [Option]
    var owners: [Option]
    var values: [String: String]
    var errors: [String: String]
    /// When opened from a team meeting's agenda: the decision is noted as taken there, and the page leads back.
    var meetingID: String?
    var meetingHref: String?
    /// Where the coordinator opens a case from this signal.
    var caseHref: String?
}

/// The coordinator's worklist of signals and the page where the team records a decision.
struct SignalController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("signals", use: list)
        routes.get("signals", ":signal", use: show)
        routes.post("signals", ":signal", "decisions", use: decide)
        routes.get("schools", ":school", "rules", use: rules)
        routes.post("schools", ":school", "rules", use: saveRules)
    }

    enum Tab: String, CaseIterable { case open, due, decided, closed }

    func list(req: Request) async throws -> Response {
        let user = try req.require(.read, .signal)
        let language = req.language
        let tab = (try? req.query.get(String.self, at: "tab")).flatMap(Tab.init(rawValue:)) ?? .open
        let today = LocalDate.today()
        var filter = SignalService.Filter()
        switch tab {
        case .open: filter.statuses = [.open]
        case .due: filter.statuses = [.decided]; filter.reviewDueBy = today.adding(days: 7)
        case .decided: filter.statuses = [.decided]
        case .closed: filter.statuses = [.closed]
        }
        let signals = try await req.signals.list(for: user.viewer, filter: filter, language: language)
        let page = SignalsPage(
            tabs: Tab.allCases.map { NavItem(label: Catalogue.text("signals_tab_\($0.rawValue)", language), href: SiteURL.signals(tab: $0.rawValue).path,
                                             current: $0 == tab) },
            signals: signals.map { line($0, today: today, language: language) },
            emptyText: Catalogue.text("signals_empty_\(tab.rawValue)", language),
            rulesHref: [StudentScope.all, .ownSchools].contains(AccessPolicy.studentScope(user.role))
                ? user.viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }).map { SiteURL.rules($0).path } : nil)
        return try await req.renderPage("signals/signals", title: "signals_title", page: page)
    }

    // MARK: A school's thresholds

    /// The thresholds are the school's: read by who sees the whole school, set by its coordinator.
    func rulesSchool(_ req: Request) async throws -> (CurrentUser, School) {
        let user = try req.require(.read, .signal)
        guard [StudentScope.all, .ownSchools].contains(AccessPolicy.studentScope(user.role)) else { throw SamenError.forbidden }
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.school(id, for: user.viewer))
    }

    func rules(req: Request) async throws -> Response {
        let (user, school) = try await rulesSchool(req)
        return try await renderRules(req: req, user: user, school: school, values: try await req.rules.thresholds(schoolID: school.id!).formValues,
                                     errors: [:], saved: nil, status: .ok)
    }

    func renderRules(req: Request, user: CurrentUser, school: School, values: [String: String], errors: [String: String], saved: String?,
                     status: HTTPResponseStatus) async throws -> Response {
        let page = RulesPage(school: school.name, signalsHref: SiteURL.signals(tab: nil).path,
                             action: user.viewer.can(.update, .signal) ? SiteURL.rules(school.id!).path : nil,
                             readOnly: !user.viewer.can(.update, .signal), values: values, errors: errors, saved: saved)
        return try await req.renderPage("signals/rules", title: "rules_title", titleArguments: [school.name], page: page, status: status)
    }

    /// Saves the thresholds and runs the incident and absence rules for the school at once, so the new thresholds count from now.
    func saveRules(req: Request) async throws -> Response {
        _ = try req.require(.update, .signal)
        let (user, school) = try await rulesSchool(req)
        var form = try req.content.decode([String: String].self)
        form["_csrf"] = nil
        let current = try await req.rules.thresholds(schoolID: school.id!)
        switch DecisionThresholds.read(form: form, base: current) {
        case .failure(let problems):
            return try await renderRules(req: req, user: user, school: school, values: form, errors: problems.messages(req.language), saved: nil,
                                         status: .badRequest)
        case .success(let thresholds):
            try await req.rules.saveThresholds(thresholds, schoolID: school.id!)
            let raised = try await req.rules.evaluate(schoolID: school.id!) + (try await req.rules.evaluateAbsence(schoolID: school.id!))
            return try await renderRules(req: req, user: user, school: school, values: thresholds.formValues, errors: [:],
                                         saved: Catalogue.text("rules_saved", req.language, [String(raised)]), status: .ok)
        }
    }

    func line(_ signal: SignalJSON, today: LocalDate, language: Language) -> SignalLine {
        let fired = LocalDate(iso: signal.fired_on)
        let review = signal.review_by.flatMap(LocalDate.init(iso:))
        return SignalLine(href: SiteURL.signal(signal.id).path, student: signal.student, group: signal.group ?? "",
                          message: signal.message, firedOn: fired?.display(language) ?? signal.fired_on,
                          waiting: fired.map { Catalogue.text("signals_days", language, [String(max(0, today.dayNumber - $0.dayNumber))]) } ?? "",
                          tier: signal.tier, status: Catalogue.text("signal_status_\(signal.status)", language),
                          reviewBy: review?.display(language) ?? "", overdue: review.map { $0 < today } ?? false)
    }

    func signalID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("signal", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func show(req: Request) async throws -> Response {
        try await render(req: req, values: [:], errors: [:], status: .ok)
    }

    func render(req: Request, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .signal)
        let language = req.language
        let signal = try await req.signals.signal(try signalID(req), for: user.viewer, language: language)
        // The data the rule fired on: the student's completed incidents of that school year.
        let figures = try await StudentFigures.load(req: req, studentID: signal.student_id, schoolID: signal.school_id,
                                                    year: SchoolYearPeriod.containing(LocalDate(iso: signal.fired_on) ?? .today()),
                                                    viewer: Viewer(accountID: user.accountID, role: .admin), onlyComplete: true, limit: 100)
        let canDecide = user.viewer.can(.update, .signal) && signal.status != SignalStatus.closed.rawValue
        let staff = canDecide ? try await req.directory.groupStaffCandidates(schoolID: signal.school_id, excluding: []) : []
        var values = values
        // Opened from a meeting's agenda (?meeting=…), or sent back with the form's errors.
        var meeting: MeetingJSON? = nil
        if let id = UUID(uuidString: values["meeting_id"] ?? "") ?? (try? req.query.get(UUID.self, at: "meeting")),
           let found = try await req.teams.meeting(id), found.school_id == signal.school_id {
            meeting = found
        }
        if values.isEmpty {
            values = ["review_by": LocalDate.today().adding(days: 42).iso, "owner_id": staff.contains { $0.id == user.accountID } ? user.accountID.uuidString : ""]
        }
        let current = Tier(rawValue: signal.tier) ?? .one
        let page = SignalPage(
            student: signal.student,
            studentHref: user.viewer.can(.read, .student) ? SiteURL.student(signal.student_id).path : nil,
            group: signal.group ?? "", message: signal.message,
            firedOn: LocalDate(iso: signal.fired_on)?.display(language) ?? signal.fired_on,
            dueBy: signal.due_by.flatMap(LocalDate.init(iso:))?.display(language),
            status: Catalogue.text("signal_status_\(signal.status)", language),
            figures: figures,
            decisions: (signal.decisions ?? []).map { d in
                DecisionLine(decision: Catalogue.text("decision_\(d.decision)", language),
                             tiers: d.tier_before == d.tier_after ? Catalogue.text("tier_\(d.tier_after)", language)
                                : Catalogue.text("tier_\(d.tier_before)", language) + " → " + Catalogue.text("tier_\(d.tier_after)", language),
                             reviewBy: d.review_by.flatMap(LocalDate.init(iso:))?.display(language) ?? "—", note: d.note, by: d.decided_by,
                             owner: d.owner ?? "—", at: LocalDate.today(now: d.decided_at).display(language))
            },
            decisionAction: canDecide ? SiteURL.signalDecisions(signal.id).path : nil,
            kinds: [Option(value: "", label: Catalogue.text("incident_choose", language), selected: (values["decision"] ?? "").isEmpty)]
                + DecisionKind.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("decision_\($0.rawValue)", language),
                                                     selected: values["decision"] == $0.rawValue) },
            tiers: [Option(value: "", label: Catalogue.text("decision_tier_auto", language, [Catalogue.text("tier_\(current.rawValue)", language)]),
                           selected: (values["tier_after"] ?? "").isEmpty)]
                + Tier.allCases.map { Option(value: String($0.rawValue), label: Catalogue.text("tier_\($0.rawValue)", language),
                                             selected: values["tier_after"] == String($0.rawValue)) },
            owners: [Option(value: "", label: "—", selected: (values["owner_id"] ?? "").isEmpty)]
                + staff.map { Option(value: $0.id!.uuidString, label: $0.name.display, selected: values["owner_id"] == $0.id!.uuidString) },
            values: values, errors: errors,
            meetingID: meeting?.id.uuidString, meetingHref: meeting.map { "/meetings/\($0.id)" },
            caseHref: user.viewer.can(.create, .cases) ? SiteURL.studentCases(signal.student_id).path + "?signal=\(signal.id)" : nil)
        return try await req.renderPage("signals/signal", title: "signal_title", titleArguments: [signal.student], page: page, status: status)
    }

    struct DecisionForm: Content {
        var decision: String?; var tier_after: String?; var review_by: String?; var note: String?; var owner_id: String?; var meeting_id: String?
    }

    func decide(req: Request) async throws -> Response {
        let user = try req.require(.update, .signal)
        let signal = try await req.signals.signal(try signalID(req), for: user.viewer, language: req.language)
        guard signal.status != SignalStatus.closed.rawValue else { throw SamenError(status: .conflict, key: "signal_closed") }
        let form = try req.content.decode(DecisionForm.self)
        let values = ["decision": form.decision ?? "", "tier_after": form.tier_after ?? "", "review_by": form.review_by ?? "",
                      "note": form.note ?? "", "owner_id": form.owner_id ?? "", "meeting_id": form.meeting_id ?? ""]
        // A meeting of the signal's school, or none.
        var meetingID: UUID? = nil
        if let id = UUID(uuidString: form.meeting_id ?? ""), let meeting = try await req.teams.meeting(id), meeting.school_id == signal.school_id {
            meetingID = id
        }
        let validated = DecisionFields.validate(kind: form.decision ?? "", tierAfter: form.tier_after ?? "", reviewBy: form.review_by ?? "",
                                                note: form.note ?? "", currentTier: Tier(rawValue: signal.tier) ?? .one, today: .today())
        switch validated {
        case .failure(let problems):
            return try await render(req: req, values: values, errors: problems.messages(req.language), status: .badRequest)
        case .success(let fields):
            let owner = (form.owner_id ?? "").isEmpty ? nil : UUID(uuidString: form.owner_id!)
            if !(form.owner_id ?? "").isEmpty && owner == nil {
                return try await render(req: req, values: values, errors: ["owner_id": Catalogue.text("decision_bad_owner", req.language)], status: .badRequest)
            }
            do {
                _ = try await req.signals.decide(signal, fields, ownerID: owner, by: user, meetingID: meetingID)
            } catch let error as SamenError where error.field != nil {
                return try await render(req: req, values: values, errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)],
                                        status: .badRequest)
            }
            return req.redirect(to: meetingID.map { "/meetings/\($0)#decisions" } ?? SiteURL.signal(signal.id).path)
        }
    }
}
