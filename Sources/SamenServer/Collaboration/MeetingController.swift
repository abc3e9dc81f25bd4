import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct TeamMemberLine: Encodable { var name: String; var role: String; var teamRole: String; var removeAction: String? }
struct ActionLine: Encodable {
    var text: String; var owner: String; var due: String; var overdue: Bool; var done: Bool; var doneAction: String?; var meetingHref: String?
}
struct MeetingLine: Encodable { var title: String; var href: String; var date: String; var status: String }

struct TeamPage: Encodable {
    var school: String
    var schoolHref: String
    var members: [TeamMemberLine]
    var hours: String
    var tiers: String
    var steering: String
    var canManage: Bool
    var agreementsAction: String
    var memberAction: String
    var candidates: [Option]
    var teamRoles: [Option]
    var tierOptions: [Option]
    var meetings: [MeetingLine]
    var meetingAction: String?
    var actions: [ActionLine]
    var pairsHref: String?
    var values: [String: String]
    var errors: [String: String]
}

struct AgendaLine: Encodable {
    var kind: String
    var kindKey: String
    var student: String?
    var detail: String
    var signalHref: String?
    var decideHref: String?
    var chartSVG: String?
}

struct MeetingPage: Encodable {
    var school: String
    var teamHref: String
    var date: String
    var status: String
    var items: [AgendaLine]
    var emptyAgenda: Bool
    var decisions: [LinkedItem]
    var minutes: String
    var minutesAction: String?
    var actions: [ActionLine]
    var actionAction: String?
    var owners: [Option]
    var printHref: String
    var values: [String: String]
    var errors: [String: String]
}

/// The ISF team of a school and its meetings: members and agreements; a
/// meeting's agenda generated from the data, with the point-card charts
/// inline; decisions taken on the signals from the agenda; minutes; actions
/// with owner and due date (the overdue stand out); printable minutes.
struct MeetingController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "team", use: teamPage)
        routes.post("schools", ":school", "team", "agreements", use: saveAgreements)
        routes.post("schools", ":school", "team", "members", use: addMember)
        routes.post("schools", ":school", "team", "members", ":account", "remove", use: removeMember)
        routes.post("schools", ":school", "meetings", use: planMeeting)
        routes.get("meetings", ":meeting", use: meetingPage)
        routes.get("meetings", ":meeting", "print", use: printPage)
        routes.post("meetings", ":meeting", "minutes", use: saveMinutes)
        routes.post("meetings", ":meeting", "actions", use: addAction)
        routes.post("meetings", ":meeting", "actions", ":action", "done", use: markDone)
        let api = routes.grouped("api", "v1")
        api.get("schools", ":school", "team", use: apiTeam)
        api.get("schools", ":school", "meetings", use: apiMeetings)
        api.post("schools", ":school", "meetings", use: apiPlan)
        api.get("meetings", ":meeting", use: apiMeeting)
        api.post("meetings", ":meeting", "actions", use: apiAddAction)
        api.post("meetings", ":meeting", "actions", ":action", "done", use: apiMarkDone)
    }

    /// The school if the person may take `action` on its team: staff of the school (teachers and
    /// youth-care workers only as members of the team), the administrator anywhere; 404 outside.
    func school(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, School) {
        let user = try req.require(action, .team)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        let school = try await req.directory.school(id, for: user.viewer)
        try await checkTeamScope(req, user, schoolID: id)
        return (user, school)
    }

    func checkTeamScope(_ req: Request, _ user: CurrentUser, schoolID: UUID) async throws {
        switch user.role {
        case .admin: return
        case .leader, .coordinator: if user.viewer.schoolIDs.contains(schoolID) { return }
        case .teacher, .youthworker:
            if user.viewer.schoolIDs.contains(schoolID), try await req.teams.isMember(accountID: user.accountID, schoolID: schoolID) { return }
        case .region, .researcher: break
        }
        throw SamenError.notFound
    }

    func meeting(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, MeetingJSON, School) {
        let user = try req.require(action, .team)
        guard let id = req.parameters.get("meeting", as: UUID.self), let meeting = try await req.teams.meeting(id) else { throw SamenError.notFound }
        let school = try await req.directory.school(meeting.school_id, for: user.viewer)
        try await checkTeamScope(req, user, schoolID: meeting.school_id)
        return (user, meeting, school)
    }

    func actionLines(_ actions: [ActionJSON], user: CurrentUser, language: Language, withMeeting: Bool) -> [ActionLine] {
        actions.map { a in
            let mayClose = a.done_at == nil && (user.viewer.can(.archive, .team) || user.role == .leader || a.owner_id == user.accountID)
            return ActionLine(text: a.text, owner: a.owner, due: LocalDate(iso: a.due_on)?.display(language) ?? a.due_on, overdue: a.overdue,
                              done: a.done_at != nil,
                              doneAction: mayClose ? "/meetings/\(a.meeting_id)/actions/\(a.id)/done" : nil,
                              meetingHref: withMeeting ? "/meetings/\(a.meeting_id)" : nil)
        }
    }

    // MARK: Team

    func teamPage(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .read)
        return try await renderTeam(req: req, user: user, school: school, values: [:], errors: [:], status: .ok)
    }

    func renderTeam(req: Request, user: CurrentUser, school: School, values: [String: String], errors: [String: String],
                    status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let team = try await req.teams.team(schoolID: school.id!)
        let canManage = user.viewer.can(.update, .team) && [Role.admin, .leader, .coordinator].contains(user.role)
        let memberIDs = Set(team.members.map(\.account_id))
        let candidates = canManage ? try await req.teams.candidates(schoolID: school.id!).filter { !memberIDs.contains($0.id) } : []
        var form = ["title": Catalogue.text("meeting_default_title", language), "date": LocalDate.today().adding(days: 7).iso,
                    "hours": team.hours, "steering": team.steering]
        form.merge(values) { _, new in new }
        let page = TeamPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            members: team.members.map { m in
                TeamMemberLine(name: m.name, role: Catalogue.text("role_\(m.role)", language), teamRole: Catalogue.text("team_role_\(m.team_role)", language),
                               removeAction: canManage ? "/schools/\(school.id!)/team/members/\(m.account_id)/remove" : nil)
            },
            hours: team.hours.isEmpty ? "—" : team.hours,
            tiers: team.tiers.isEmpty ? "—" : team.tiers.map { Catalogue.text("tier_\($0)", language) }.joined(separator: ", "),
            steering: team.steering.isEmpty ? "—" : team.steering,
            canManage: canManage,
            agreementsAction: "/schools/\(school.id!)/team/agreements", memberAction: "/schools/\(school.id!)/team/members",
            candidates: candidates.map { Option(value: $0.id.uuidString, label: $0.name + " (" + Catalogue.text("role_\($0.role)", language) + ")", selected: false) },
            teamRoles: TeamRole.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("team_role_\($0.rawValue)", language), selected: $0 == .member) },
            tierOptions: Tier.allCases.map { Option(value: String($0.rawValue), label: Catalogue.text("tier_\($0.rawValue)", language), selected: team.tiers.contains($0.rawValue)) },
            meetings: try await req.teams.meetings(schoolID: school.id!).map { m in
                MeetingLine(title: m.title, href: "/meetings/\(m.id)", date: LocalDate(iso: m.date)?.display(language) ?? m.date,
                            status: Catalogue.text("meeting_status_\(m.status)", language))
            },
            meetingAction: user.viewer.can(.create, .team) ? "/schools/\(school.id!)/meetings" : nil,
            actions: actionLines(try await req.teams.openActions(schoolID: school.id!), user: user, language: language, withMeeting: true),
            pairsHref: canManage ? SiteURL.pairs(school.id!).path : nil,
            values: form, errors: errors)
        return try await req.renderPage("collaboration/team", title: "team_title", titleArguments: [school.name], page: page, status: status)
    }

    struct AgreementsForm: Content { var hours: String?; var steering: String?; var tiers: [String]? }

    func saveAgreements(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        let form = (try? req.content.decode(AgreementsForm.self)) ?? AgreementsForm()
        let fields = ["hours": form.hours ?? "", "steering": form.steering ?? "", "tiers": (form.tiers ?? []).joined(separator: ",")]
        switch TeamAgreements.read(form: fields) {
        case .failure(let problems):
            return try await renderTeam(req: req, user: user, school: school, values: fields, errors: problems.messages(req.language), status: .badRequest)
        case .success(let agreements):
            try await req.teams.setAgreements(agreements, schoolID: school.id!)
            return req.redirect(to: "/schools/\(school.id!)/team")
        }
    }

    struct MemberForm: Content { var account_id: String?; var team_role: String? }

    func addMember(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        let form = (try? req.content.decode(MemberForm.self)) ?? MemberForm()
        guard let account = UUID(uuidString: form.account_id ?? "") else {
            return try await renderTeam(req: req, user: user, school: school, values: [:],
                                        errors: ["account_id": Catalogue.text("team_bad_member", req.language)], status: .badRequest)
        }
        guard let role = TeamRole(rawValue: form.team_role ?? "") else {
            return try await renderTeam(req: req, user: user, school: school, values: [:],
                                        errors: ["team_role": Catalogue.text("team_bad_role", req.language)], status: .badRequest)
        }
        do {
            try await req.teams.addMember(accountID: account, role: role, schoolID: school.id!)
        } catch let error as SamenError where error.field != nil {
            return try await renderTeam(req: req, user: user, school: school, values: [:],
                                        errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
        return req.redirect(to: "/schools/\(school.id!)/team")
    }

    func removeMember(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        guard let account = req.parameters.get("account", as: UUID.self) else { throw SamenError.notFound }
        try await req.teams.removeMember(accountID: account, schoolID: school.id!)
        return req.redirect(to: "/schools/\(school.id!)/team")
    }

    struct MeetingForm: Content { var title: String?; var date: String? }

    func planMeeting(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .create)
        let form = (try? req.content.decode(MeetingForm.self)) ?? MeetingForm()
        let fields = ["title": form.title ?? "", "date": form.date ?? ""]
        switch MeetingFields.read(form: fields, today: .today()) {
        case .failure(let problems):
            return try await renderTeam(req: req, user: user, school: school, values: fields, errors: problems.messages(req.language), status: .badRequest)
        case .success(let meeting):
            let id = try await req.teams.plan(meeting, schoolID: school.id!, by: user.accountID, language: req.language)
            return req.redirect(to: "/meetings/\(id)")
        }
    }

    // MARK: Meeting

    func meetingPage(req: Request) async throws -> Response {
        let (user, meeting, school) = try await meeting(req, .read)
        return try await renderMeeting(req: req, user: user, meeting: meeting, school: school, template: "collaboration/meeting",
                                       values: [:], errors: [:], status: .ok)
    }

    func printPage(req: Request) async throws -> Response {
        let (user, meeting, school) = try await meeting(req, .read)
        return try await renderMeeting(req: req, user: user, meeting: meeting, school: school, template: "collaboration/meeting-print",
                                       values: [:], errors: [:], status: .ok)
    }

    func renderMeeting(req: Request, user: CurrentUser, meeting: MeetingJSON, school: School, template: String,
                       values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let items = try await req.teams.items(meetingID: meeting.id, for: user.viewer, language: language)
        let canDecide = user.viewer.can(.update, .signal)
        let enrolments = EnrolmentService(db: req.db)
        var lines: [AgendaLine] = []
        for item in items {
            var chart: String? = nil
            if let id = item.enrolment_id, template == "collaboration/meeting",
               var e = try await enrolments.list(for: Viewer(accountID: user.accountID, role: .admin), studentID: item.student_id).first(where: { $0.id == id }) {
                e.student = item.student ?? e.student
                chart = EnrolmentController.chart(e, cards: e.plan == nil ? try await enrolments.cards(enrolmentID: id) : [],
                                                  figures: e.plan == nil ? [] : try await enrolments.measurements(enrolmentID: id), language: language)
            }
            let signalOpen = item.signal_id != nil && (user.role != .youthworker || item.student_id.map { user.viewer.parts(of: $0).contains(.signals) } ?? false)
            lines.append(AgendaLine(kind: Catalogue.text("agenda_kind_\(item.kind)", language), kindKey: item.kind, student: item.student, detail: item.detail,
                                    signalHref: signalOpen ? item.signal_id.map { SiteURL.signal($0).path } : nil,
                                    decideHref: canDecide ? item.signal_id.map { SiteURL.signal($0).path + "?meeting=\(meeting.id)#decide" } : nil,
                                    chartSVG: chart))
        }
        let team = try await req.teams.team(schoolID: meeting.school_id)
        let canWrite = user.viewer.can(.update, .team) && [Role.admin, .leader, .coordinator].contains(user.role)
        let meetingDate = LocalDate(iso: meeting.date) ?? .today()
        var form = ["text": "", "owner_id": "", "due_on": meetingDate.adding(days: 14).iso]
        form.merge(values) { _, new in new }
        let page = MeetingPage(
            school: school.name, teamHref: "/schools/\(meeting.school_id)/team",
            date: meetingDate.display(language), status: Catalogue.text("meeting_status_\(meeting.status)", language),
            items: lines, emptyAgenda: lines.isEmpty,
            decisions: try await req.teams.decisions(meetingID: meeting.id, for: user.viewer, language: language).map { d in
                LinkedItem(label: d.student, href: SiteURL.signal(d.signal_id).path,
                           detail: Catalogue.text("decision_\(d.decision)", language) + (d.note.isEmpty ? "" : " · " + d.note)
                               + (d.review_by.flatMap(LocalDate.init(iso:)).map { " · " + Catalogue.text("meeting_review_on", language, [$0.display(language)]) } ?? ""))
            },
            minutes: meeting.minutes,
            minutesAction: canWrite ? "/meetings/\(meeting.id)/minutes" : nil,
            actions: actionLines(try await req.teams.actions(meetingID: meeting.id), user: user, language: language, withMeeting: false),
            actionAction: canWrite ? "/meetings/\(meeting.id)/actions" : nil,
            owners: team.members.map { Option(value: $0.account_id.uuidString, label: $0.name, selected: form["owner_id"] == $0.account_id.uuidString) },
            printHref: "/meetings/\(meeting.id)/print",
            values: form, errors: errors)
        return try await req.renderPage(template, title: "meeting_title", titleArguments: [meeting.title], page: page, status: status)
    }

    struct MinutesForm: Content { var minutes: String? }

    func saveMinutes(req: Request) async throws -> Response {
        let (user, meeting, _) = try await meeting(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        let text = ((try? req.content.decode(MinutesForm.self))?.minutes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > 20_000 { throw SamenError.invalid("import_too_long", field: "minutes", ["20000"]) }
        try await req.teams.saveMinutes(text, meetingID: meeting.id)
        return req.redirect(to: "/meetings/\(meeting.id)")
    }

    struct ActionForm: Content { var text: String?; var owner_id: String?; var due_on: String? }

    func readAction(req: Request, meeting: MeetingJSON) async throws -> (fields: [String: String], result: Validated<ActionFields>) {
        let form = (try? req.content.decode(ActionForm.self)) ?? ActionForm()
        let fields = ["text": form.text ?? "", "owner_id": form.owner_id ?? "", "due_on": form.due_on ?? ""]
        let owners = Set(try await req.teams.team(schoolID: meeting.school_id).members.map(\.account_id))
        return (fields, ActionFields.read(form: fields, owners: owners, meetingDate: LocalDate(iso: meeting.date) ?? .today()))
    }

    func addAction(req: Request) async throws -> Response {
        let (user, meeting, school) = try await meeting(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        let (fields, result) = try await readAction(req: req, meeting: meeting)
        switch result {
        case .failure(let problems):
            return try await renderMeeting(req: req, user: user, meeting: meeting, school: school, template: "collaboration/meeting",
                                           values: fields, errors: problems.messages(req.language), status: .badRequest)
        case .success(let action):
            _ = try await req.teams.addAction(action, meetingID: meeting.id, by: user.accountID)
            return req.redirect(to: "/meetings/\(meeting.id)#actions")
        }
    }

    /// Closes an action: its owner, or the team's coordinator, leader or the administrator.
    func close(req: Request) async throws -> (CurrentUser, MeetingJSON) {
        let (user, meeting, _) = try await meeting(req, .update)
        guard let actionID = req.parameters.get("action", as: UUID.self),
              let owner = try await req.teams.actionOwner(actionID: actionID, meetingID: meeting.id) else { throw SamenError.notFound }
        guard [Role.admin, .leader, .coordinator].contains(user.role) || owner == user.accountID else { throw SamenError.forbidden }
        try await req.teams.markDone(actionID: actionID, meetingID: meeting.id, by: user.accountID)
        return (user, meeting)
    }

    func markDone(req: Request) async throws -> Response {
        let (_, meeting) = try await close(req: req)
        return req.redirect(to: "/meetings/\(meeting.id)#actions")
    }

    // MARK: API

    func apiTeam(req: Request) async throws -> TeamJSON {
        let (_, school) = try await school(req, .read)
        return try await req.teams.team(schoolID: school.id!)
    }

    func apiMeetings(req: Request) async throws -> Items<MeetingJSON> {
        let (_, school) = try await school(req, .read)
        return Items(items: try await req.teams.meetings(schoolID: school.id!))
    }

    func apiPlan(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .create)
        let form = try req.content.decode(MeetingForm.self)
        switch MeetingFields.read(form: ["title": form.title ?? "", "date": form.date ?? ""], today: .today()) {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let fields):
            let id = try await req.teams.plan(fields, schoolID: school.id!, by: user.accountID, language: req.language)
            let response = try await full(req: req, user: user, id: id).encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func full(req: Request, user: CurrentUser, id: UUID) async throws -> MeetingJSON {
        var meeting = try await req.teams.meeting(id)!
        meeting.items = try await req.teams.items(meetingID: id, for: user.viewer, language: req.language)
        meeting.actions = try await req.teams.actions(meetingID: id)
        meeting.decisions = try await req.teams.decisions(meetingID: id, for: user.viewer, language: req.language)
        return meeting
    }

    func apiMeeting(req: Request) async throws -> MeetingJSON {
        let (user, meeting, _) = try await meeting(req, .read)
        return try await full(req: req, user: user, id: meeting.id)
    }

    func apiAddAction(req: Request) async throws -> Response {
        let (user, meeting, _) = try await meeting(req, .update)
        guard [Role.admin, .leader, .coordinator].contains(user.role) else { throw SamenError.forbidden }
        switch try await readAction(req: req, meeting: meeting).result {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let action):
            let id = try await req.teams.addAction(action, meetingID: meeting.id, by: user.accountID)
            let response = try await req.teams.actions(meetingID: meeting.id).first { $0.id == id }!.encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func apiMarkDone(req: Request) async throws -> ActionJSON {
        let (_, meeting) = try await close(req: req)
        let id = req.parameters.get("action", as: UUID.self)!
        return try await req.teams.actions(meetingID: meeting.id).first { $0.id == id }!
    }
}
