import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct LinkedItem: Encodable { var label: String; var href: String; var detail: String }

struct SchoolCard: Encodable {
    var name: String
    var code: String
    var type: String
    var city: String
    var href: String
    var groups: Int
    var students: String
}

struct GroupCard: Encodable {
    var name: String
    var school: String
    var href: String
    var isMentor: Bool
    var students: [StudentLine]
}

struct StudentLine: Encodable {
    var name: String
    var number: String
    var age: String
    var group: String
    var school: String
    var href: String
}

struct HomePage: Encodable {
    var role: String
    var intro: String
    var schools: [SchoolCard]
    var groups: [GroupCard]
    var organisation: String?
    var searchAction: String?
    var links: [LinkedItem]
    var incidentHref: String? = nil
    var recognitionHref: String? = nil
    /// "What needs me today": counts linking to the worklist.
    var worklist: [LinkedItem] = []
    /// A teacher's Check-In/Check-Out students: today's point cards.
    var cards: [LinkedItem] = []
    /// A youth-care worker's students, and why they may see them (consent or case).
    var mayOpen: [LinkedItem] = []
    /// Cases assigned to a youth-care worker.
    var myCases: [LinkedItem] = []
    /// Open actions from team meetings owned by this person (overdue marked).
    var myActions: [LinkedItem] = []
    /// The teams this person is a member of.
    var myTeams: [LinkedItem] = []
    /// A teacher's or youth-care worker's pairs, with the programme meeting each has to deliver next.
    var myPairs: [LinkedItem] = []
    /// Open waves this person is invited to answer.
    var myQuestionnaires: [LinkedItem] = []
}

struct SchoolsPage: Encodable {
    var schools: [SchoolCard]
    var newHref: String?
}

struct GroupLine: Encodable {
    var name: String
    var level: String
    var students: Int
    var mentors: String
    var href: String
}

struct SchoolPage: Encodable {
    var school: SchoolCard
    var region: String
    var schoolYear: String
    var groups: [GroupLine]
    var editHref: String?
    var importHref: String?
    var studentsHref: String?
    var newStudentHref: String?
    var groupAction: String?
    var groupError: String?
    var groupName: String
    var holidaysHref: String
}

struct StaffEntry: Encodable {
    var name: String
    var role: String
    var removeAction: String?
}

struct GroupPage: Encodable {
    var name: String
    var level: String
    var schoolYear: String
    var school: String
    var schoolHref: String
    var staff: [StaffEntry]
    var students: [StudentLine]
    var showsStudents: Bool
    /// Where a coordinator adds a mentor or teacher; nil for who may not.
    var staffAction: String?
    var candidates: [Option]
    var staffError: String?
}

struct StudentsPage: Encodable {
    var action: String
    var query: String
    var schools: [Option]
    /// A school column only for someone who sees several schools.
    var showSchool: Bool
    var isEmpty: Bool
    /// The table's rows, escaped in Swift (`HTML.rows`): a Leaf loop over 50
    /// rows cost more than the rest of the request.
    var rowsHTML: String
    var total: Int
    var summary: String
    var previousHref: String?
    var nextHref: String?
}

struct Option: Encodable { var value: String; var label: String; var selected: Bool }

struct StudentPage: Encodable {
    var name: String
    var number: String
    var birthDate: String
    var age: String
    var group: String
    var groupHref: String?
    var school: String
    var schoolHref: String
    var enrolled: String
    var left: String
    var pseudonym: String?
    var guardians: [GuardianLine]
    var editHref: String?
    /// Where a coordinator adds a guardian; nil for who may not.
    var guardianAction: String?
    var guardianValues: [String: String]
    var guardianErrors: [String: String]
    var relations: [Option]
    var support: StudentSupport?
    /// Guardians and their contact details: school staff only.
    var showsGuardians: Bool
    /// Consent: the page with the records, and the status of sharing with youth care (for who may read consent).
    var consentHref: String?
    var consentStatus: String?
    /// Verwijsindex-style: the organisations involved, not what they do.
    var involved: String?
    /// The student's cases, for who may read cases.
    var casesHref: String?
    /// For a youth-care worker: why they see this student.
    var accessBasis: String?
}

/// The signals-and-tiers part of a student's page.
struct StudentSupport: Encodable {
    var figures: StudentFigures
    var recognitions: [LinkedItem]
    var signals: [SignalLine]
    var incidentHref: String?
    var recognitionHref: String?
    var allIncidentsHref: String?
    var enrolments: [LinkedItem]
    var enrolAction: String?
    var enrolForm: EnrolFormView?
    /// The latest screening: round, and per scale the score and band; nil when not screened or not for this reader.
    var screening: LinkedItem?
    /// Incidents, recognitions and their figures: school staff only (incidents name other students).
    var showsIncidents: Bool
    /// Interventions: school staff, and youth-care workers whose consent includes support (their own pair's).
    var showsInterventions: Bool
    var noInterventions: String
}

/// The coordinator's form on a student's page: assign to a Tier II or III intervention.
struct EnrolFormView: Encodable {
    var interventions: [Option]
    var monitorings: [Option]
    var directions: [Option]
    var teachers: [Option]
    var youthworkers: [Option]
    var values: [String: String]
    var errors: [String: String]
}

struct GuardianLine: Encodable {
    var name: String
    var relation: String
    var email: String
    var phone: String
    var removeAction: String?
}

struct FormPage: Encodable {
    var action: String
    var cancelHref: String
    var values: [String: String]
    var errors: [String: String]
    var options: [Option]
    var isNew: Bool
}

/// The directory's web pages.
struct DirectoryController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("schools", use: schools)
        routes.get("schools", "new", use: newSchool)
        routes.post("schools", "new", use: createSchool)
        routes.get("schools", ":school", use: school)
        routes.post("schools", ":school", "groups", use: createGroup)
        routes.get("schools", ":school", "edit", use: editSchool)
        routes.post("schools", ":school", "edit", use: updateSchool)
        routes.get("groups", ":group", use: group)
        routes.post("groups", ":group", "staff", use: addGroupStaff)
        routes.post("groups", ":group", "staff", ":account", "remove", use: removeGroupStaff)
        routes.get("students", use: students)
        routes.get("students", "new", use: newStudent)
        routes.post("students", "new", use: createStudent)
        routes.get("students", ":student", use: student)
        routes.get("students", ":student", "edit", use: editStudent)
        routes.post("students", ":student", "edit", use: updateStudent)
        routes.post("students", ":student", "guardians", use: addGuardian)
        routes.post("students", ":student", "guardians", ":guardian", "remove", use: removeGuardian)
    }

    // MARK: Home

    func home(req: Request) async throws -> Response {
        guard let user = req.currentUser else { return req.redirect(to: SiteURL.login(next: nil).path) }
        let language = req.language
        let service = req.directory
        let today = LocalDate.today()
        var page = HomePage(role: user.role.rawValue, intro: Catalogue.text("home_intro_\(user.role.rawValue)", language),
                            schools: [], groups: [], organisation: nil, searchAction: nil, links: [])
        page.schools = try await schoolCards(for: user, service: service)
        if AccessPolicy.studentScope(user.role) != .none && user.role != .youthworker {
            page.searchAction = SiteURL.students(query: nil, schoolID: nil).path
        }
        if user.role == .teacher {
            let teaching = try await GroupStaff.query(on: req.db).filter(\.$account.$id == user.accountID)
                .with(\.$group) { $0.with(\.$school) }.all()
            for entry in teaching.sorted(by: { ($0.isMentor ? 0 : 1, $0.group.name) < ($1.isMentor ? 0 : 1, $1.group.name) }) {
                var filter = DirectoryService.StudentFilter()
                filter.groupID = entry.group.id
                filter.perPage = 500
                let rows = try await service.students(for: user.viewer, filter: filter).items
                page.groups.append(GroupCard(name: entry.group.name, school: entry.group.school.name, href: SiteURL.group(entry.group.id!).path,
                                             isMentor: entry.isMentor, students: rows.map { line($0, today: today) }))
            }
        }
        if user.role == .youthworker, let account = try await Account.query(on: req.db).filter(\.$id == user.accountID).with(\.$organisation).first() {
            page.organisation = account.organisation?.name
        }
        if user.viewer.can(.create, .incident) && !user.viewer.schoolIDs.isEmpty {
            page.incidentHref = SiteURL.incidentNew(studentID: nil).path
            page.recognitionHref = SiteURL.recognitionNew(studentID: nil).path
        }
        page.worklist = try await worklist(req: req, user: user)
        if user.role == .teacher {
            page.cards = try await req.enrolments.list(for: user.viewer, activeOnly: true).map {
                LinkedItem(label: $0.student, href: SiteURL.enrolment($0.id).path, detail: $0.intervention)
            }
        }
        if user.role == .admin {
            page.links = [LinkedItem(label: Catalogue.text("nav_accounts", language), href: SiteURL.accounts.path, detail: "")]
        }
        if user.role == .region || user.role == .admin {
            // The region's figures: its schools side by side, quarters and years.
            page.links.insert(LinkedItem(label: Catalogue.text("region_schools", language), href: SiteURL.region.path,
                                         detail: Catalogue.text("home_region_detail", language)), at: 0)
        }
        if [Role.teacher, .youthworker].contains(user.role) { try await addCollaboration(to: &page, req: req, user: user) }
        return try await req.renderPage("app/home", title: "home_title", page: page)
    }

    /// For teachers and youth-care workers: their teams, their open actions; for a youth-care
    /// worker also the students they may open and why, and their cases.
    func addCollaboration(to page: inout HomePage, req: Request, user: CurrentUser) async throws {
        let language = req.language
        let today = LocalDate.today()
        let sql = req.db as! any SQLDatabase
        page.myTeams = try await sql.raw("""
            SELECT s.id, s.name FROM team_members m JOIN teams t ON t.id = m.team_id JOIN schools s ON s.id = t.school_id
            WHERE m.account_id = \(bind: user.accountID) ORDER BY s.name
            """).all().map { LinkedItem(label: try $0.decode(column: "name", as: String.self), href: SiteURL.team(try $0.uuid("id")).path, detail: "") }
        page.myActions = try await sql.raw(TeamService.actionSelect + """
             WHERE x.owner_id = \(bind: user.accountID) AND x.done_at IS NULL ORDER BY x.due_on
            """).all().map { row in
            let a = try req.teams.action(row, today: today)
            return LinkedItem(label: a.text, href: "/meetings/\(a.meeting_id)#actions",
                              detail: Catalogue.text("action_due", language) + " " + (LocalDate(iso: a.due_on)?.display(language) ?? a.due_on)
                                  + (a.overdue ? " · " + Catalogue.text("action_overdue", language) : ""))
        }
        if WaveService.respondentRoles.contains(user.role.rawValue) {
            page.myQuestionnaires = try await req.waves.open(for: user.accountID, language: language).map { w in
                LinkedItem(label: w.questionnaire, href: "/waves/\(w.id)/respond",
                           detail: Catalogue.text("home_questionnaire_until", language, [LocalDate(iso: w.closes_on)?.display(language) ?? w.closes_on]))
            }
        }
        if [Role.teacher, .youthworker].contains(user.role) {
            let programmes = req.programmes
            var lines: [LinkedItem] = []
            for pair in try await programmes.pairs(accountID: user.accountID) {
                var detail = pair.group.map { Catalogue.text("pair_group", language, [$0]) } ?? ""
                if let runID = pair.run_id, let run = try await programmes.run(runID, language: language), run.finished_on == nil,
                   let next = ProgrammeRules.nextSession(for: pair.id, deliveries: try await programmes.deliveries(runID: runID).map(\.figures),
                                                         definition: run.definition) {
                    detail += (detail.isEmpty ? "" : " · ") + run.title + ": " + Catalogue.text("home_next_session", language, [
                        Catalogue.text("programme_meeting_n", language, [String(next.number)]) + " " + next.title.text(language)])
                }
                lines.append(LinkedItem(label: pair.teacher + " + " + pair.youthworker, href: "/pairs/\(pair.id)", detail: detail))
            }
            page.myPairs = lines
        }
        guard user.role == .youthworker else { return }
        let cases = try await req.cases.list(for: user.viewer)
        page.myCases = cases.filter { $0.closed_on == nil }.map { c in
            LinkedItem(label: c.student, href: "/cases/\(c.id)", detail: Catalogue.text("case_type_\(c.type)", language)
                       + (c.next_step.map { " · " + Catalogue.text("case_next", language) + ": " + Catalogue.text("case_step_\($0)", language) } ?? ""))
        }
        var filter = DirectoryService.StudentFilter()
        filter.perPage = 500
        page.mayOpen = try await req.directory.students(for: user.viewer, filter: filter).items.map { s in
            let parts = user.viewer.parts(of: s.id).sorted().map { Catalogue.text("consent_part_\($0.rawValue)", language) }.joined(separator: ", ")
            let onCase = cases.contains { $0.student_id == s.id && $0.closed_on == nil && $0.basis != CaseBasis.consent.rawValue }
            return LinkedItem(label: s.display_name, href: SiteURL.student(s.id).path,
                              detail: (s.group.map { $0 + " · " } ?? "") + Catalogue.text(onCase ? "home_basis_case" : "home_basis_consent", language, [parts]))
        }
    }

    /// Counts of what waits for this person: new signals, reviews due, incidents to review, own drafts.
    func worklist(req: Request, user: CurrentUser) async throws -> [LinkedItem] {
        guard user.viewer.can(.read, .signal), AccessPolicy.studentScope(user.role) != .consentOrCase else { return [] }
        let language = req.language
        var items: [LinkedItem] = []
        var filter = SignalService.Filter()
        filter.statuses = [.open]
        let open = try await req.signals.count(for: user.viewer, filter: filter)
        items.append(LinkedItem(label: Catalogue.text("home_new_signals", language), href: SiteURL.signals(tab: "open").path, detail: String(open)))
        filter.statuses = [.decided]
        filter.reviewDueBy = LocalDate.today().adding(days: 7)
        let due = try await req.signals.count(for: user.viewer, filter: filter)
        items.append(LinkedItem(label: Catalogue.text("home_reviews_due", language), href: SiteURL.signals(tab: "due").path, detail: String(due)))
        if user.viewer.can(.update, .incident) {
            var incidents = IncidentService.Filter()
            incidents.status = user.role == .teacher ? .draft : .review
            incidents.perPage = 1
            let waiting = try await req.incidents.list(for: user.viewer, filter: incidents, language: language).total
            if user.role == .teacher {
                if waiting > 0 { items.append(LinkedItem(label: Catalogue.text("home_own_drafts", language), href: SiteURL.incidents.path + "?status=draft", detail: String(waiting))) }
            } else {
                items.append(LinkedItem(label: Catalogue.text("home_incidents_review", language), href: SiteURL.incidents.path + "?status=review", detail: String(waiting)))
            }
        }
        return items
    }

    /// The schools a person sees, with group and student counts; for region
    /// staff the counts are suppressed below the threshold.
    func schoolCards(for user: CurrentUser, service: DirectoryService) async throws -> [SchoolCard] {
        let schools = try await service.schools(for: user.viewer)
        let counts = try await service.counts(ofSchools: schools.map(\.id))
        return schools.map { school in
            let count = counts[school.id] ?? (0, 0)
            return SchoolCard(name: school.name, code: school.code, type: school.type, city: school.city,
                              href: SiteURL.school(school.id).path, groups: count.groups,
                              students: studentCount(count.students, for: user))
        }
    }

    func studentCount(_ count: Int, for user: CurrentUser) -> String {
        user.role == .region ? Suppression().display(count) : String(count)
    }

    func line(_ row: StudentRow, today: LocalDate) -> StudentLine {
        let age = LocalDate(iso: row.birth_date).map { String($0.age(on: today)) } ?? ""
        return StudentLine(name: row.listed_name, number: row.number, age: age, group: row.group ?? "", school: row.school,
                           href: SiteURL.student(row.id).path)
    }

    // MARK: Schools

    func schools(req: Request) async throws -> Response {
        let user = try req.require(.read, .directory)
        let cards = try await schoolCards(for: user, service: req.directory)
        return try await req.renderPage("directory/schools", title: "schools_title",
                                        page: SchoolsPage(schools: cards, newHref: user.viewer.can(.create, .directory) ? SiteURL.schoolNew.path : nil))
    }

    func schoolID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func school(req: Request) async throws -> Response {
        try await renderSchool(req: req, groupName: "", groupError: nil, status: .ok)
    }

    func renderSchool(req: Request, groupName: String, groupError: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .directory)
        let service = req.directory
        let school = try await service.school(try schoolID(req), for: user.viewer)
        let id = school.id!
        let groups = try await service.groups(ofSchool: id)
        let region = try await Region.find(school.$region.id, on: req.db)
        let canEdit = user.viewer.can(.update, .directory)
        let canStudents = user.viewer.can(.read, .student) && AccessPolicy.studentScope(user.role) != .consentOrCase
        let total = groups.reduce(0) { $0 + $1.student_count }
        let page = SchoolPage(
            school: SchoolCard(name: school.name, code: school.code, type: school.type, city: school.city, href: SiteURL.school(id).path,
                               groups: groups.count, students: studentCount(total, for: user)),
            region: region?.name ?? "",
            schoolYear: SchoolYearPeriod.containing(.today()).name,
            groups: groups.map { GroupLine(name: $0.name, level: $0.level, students: $0.student_count, mentors: $0.mentors.joined(separator: ", "),
                                           href: SiteURL.group($0.id).path) },
            editHref: canEdit ? SiteURL.schoolEdit(id).path : nil,
            importHref: user.viewer.can(.create, .student) ? SiteURL.schoolImport(id).path : nil,
            studentsHref: canStudents ? SiteURL.students(query: nil, schoolID: id).path : nil,
            newStudentHref: user.viewer.can(.create, .student) ? SiteURL.studentNew(schoolID: id).path : nil,
            groupAction: canEdit ? SiteURL.school(id).path + "/groups" : nil,
            groupError: groupError, groupName: groupName, holidaysHref: SiteURL.holidays(id).path)
        return try await req.renderPage("directory/school", title: "school_title", titleArguments: [school.name], page: page, status: status)
    }

    struct GroupForm: Content { var name: String?; var level: String? }

    func createGroup(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let school = try await req.directory.school(try schoolID(req), for: user.viewer)
        let form = try req.content.decode(GroupForm.self)
        do {
            let group = try await req.directory.createGroup(schoolID: school.id!, name: form.name ?? "", level: form.level ?? "")
            return req.redirect(to: SiteURL.group(group.id!).path)
        } catch let error as SamenError where error.status == .badRequest {
            return try await renderSchool(req: req, groupName: form.name ?? "",
                                          groupError: Catalogue.text(error.key, req.language, error.arguments), status: .badRequest)
        }
    }

    func schoolForm(req: Request, values: [String: String], errors: [String: String], action: String, cancel: String,
                    isNew: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let options = SchoolType.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("school_type_\($0.rawValue)", req.language),
                                                       selected: values["type"] == $0.rawValue) }
        return try await req.renderPage("directory/school-form", title: isNew ? "school_new_title" : "school_edit_title",
                                        page: FormPage(action: action, cancelHref: cancel, values: values, errors: errors, options: options, isNew: isNew),
                                        status: status)
    }

    func newSchool(req: Request) async throws -> Response {
        _ = try req.require(.create, .directory)
        return try await schoolForm(req: req, values: ["type": "PO"], errors: [:], action: SiteURL.schoolNew.path, cancel: SiteURL.schools.path, isNew: true)
    }

    struct SchoolForm: Content { var code: String?; var name: String?; var type: String?; var city: String? }

    func values(_ form: SchoolForm) -> [String: String] {
        ["code": form.code ?? "", "name": form.name ?? "", "type": form.type ?? "", "city": form.city ?? ""]
    }

    func createSchool(req: Request) async throws -> Response {
        _ = try req.require(.create, .directory)
        let form = try req.content.decode(SchoolForm.self)
        let again = { (errors: [String: String]) in
            try await self.schoolForm(req: req, values: self.values(form), errors: errors, action: SiteURL.schoolNew.path,
                                      cancel: SiteURL.schools.path, isNew: true, status: .badRequest)
        }
        switch SchoolFields.validate(code: form.code ?? "", name: form.name ?? "", type: form.type ?? "", city: form.city ?? "") {
        case .failure(let problems): return try await again(problems.messages(req.language))
        case .success(let fields):
            do {
                let school = try await req.directory.createSchool(fields, regionID: nil)
                return req.redirect(to: SiteURL.school(school.id!).path)
            } catch let error as SamenError where error.field != nil {
                return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
            }
        }
    }

    func editSchool(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let school = try await req.directory.school(try schoolID(req), for: user.viewer)
        return try await schoolForm(req: req, values: ["code": school.code, "name": school.name, "type": school.type, "city": school.city],
                                    errors: [:], action: SiteURL.schoolEdit(school.id!).path, cancel: SiteURL.school(school.id!).path, isNew: false)
    }

    func updateSchool(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let school = try await req.directory.school(try schoolID(req), for: user.viewer)
        let form = try req.content.decode(SchoolForm.self)
        let again = { (errors: [String: String]) in
            try await self.schoolForm(req: req, values: self.values(form), errors: errors, action: SiteURL.schoolEdit(school.id!).path,
                                      cancel: SiteURL.school(school.id!).path, isNew: false, status: .badRequest)
        }
        switch SchoolFields.validate(code: form.code ?? "", name: form.name ?? "", type: form.type ?? "", city: form.city ?? "") {
        case .failure(let problems): return try await again(problems.messages(req.language))
        case .success(let fields):
            do {
                try await req.directory.updateSchool(school, fields)
                return req.redirect(to: SiteURL.school(school.id!).path)
            } catch let error as SamenError where error.field != nil {
                return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
            }
        }
    }

    // MARK: Groups

    func group(req: Request) async throws -> Response {
        try await renderGroup(req: req, staffError: nil, status: .ok)
    }

    func groupID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("group", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func renderGroup(req: Request, staffError: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .directory)
        let id = try groupID(req)
        let group = try await req.directory.group(id, for: user.viewer)
        let staff = try await GroupStaff.query(on: req.db).filter(\.$group.$id == id).with(\.$account).all()
        let language = req.language
        var filter = DirectoryService.StudentFilter()
        filter.groupID = id
        filter.perPage = 500
        let showsStudents = user.viewer.can(.read, .student) && AccessPolicy.studentScope(user.role) != .consentOrCase
        let canEdit = user.viewer.can(.update, .directory)
        let rows = showsStudents ? try await req.directory.students(for: user.viewer, filter: filter).items : []
        let today = LocalDate.today()
        let page = GroupPage(
            name: group.name, level: group.level, schoolYear: group.schoolYear.name, school: group.school.name,
            schoolHref: SiteURL.school(group.$school.id).path,
            staff: staff.sorted { ($0.isMentor ? 0 : 1, $0.account.name.sortKey) < ($1.isMentor ? 0 : 1, $1.account.name.sortKey) }.map {
                StaffEntry(name: $0.account.name.display, role: Catalogue.text($0.isMentor ? "group_mentor" : "group_teacher", language),
                           removeAction: canEdit ? SiteURL.groupStaffRemove(group: id, account: $0.$account.id).path : nil)
            },
            students: rows.map { line($0, today: today) }, showsStudents: showsStudents,
            staffAction: canEdit ? SiteURL.groupStaff(id).path : nil,
            candidates: canEdit ? try await req.directory.groupStaffCandidates(schoolID: group.$school.id, excluding: Set(staff.map(\.$account.id)))
                .map { Option(value: $0.id!.uuidString, label: "\($0.name.listed) (\(Catalogue.text("role_\($0.role)", language)))", selected: false) } : [],
            staffError: staffError)
        return try await req.renderPage("directory/group", title: "group_title", titleArguments: [group.name], page: page, status: status)
    }

    struct GroupStaffForm: Content { var account_id: String?; var mentor: String? }

    /// Adds a mentor or teacher to a group (or changes whether they mentor it).
    func addGroupStaff(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let group = try await req.directory.group(try groupID(req), for: user.viewer)
        let form = try req.content.decode(GroupStaffForm.self)
        do {
            try await req.directory.assign(accountID: form.account_id.flatMap(UUID.init(uuidString:)), to: group, isMentor: form.mentor == "on")
        } catch let error as SamenError where error.status == .badRequest {
            return try await renderGroup(req: req, staffError: Catalogue.text(error.key, req.language, error.arguments), status: .badRequest)
        }
        return req.redirect(to: SiteURL.group(group.id!).path)
    }

    func removeGroupStaff(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let group = try await req.directory.group(try groupID(req), for: user.viewer)
        guard let accountID = req.parameters.get("account", as: UUID.self) else { throw SamenError.notFound }
        try await GroupStaff.query(on: req.db).filter(\.$group.$id == group.id!).filter(\.$account.$id == accountID).delete()
        return req.redirect(to: SiteURL.group(group.id!).path)
    }

    // MARK: Students

    func students(req: Request) async throws -> Response {
        let user = try req.require(.read, .student)
        let language = req.language
        // The query string read once; a value that does not read (a mangled school id) is left out.
        let parameters = (try? req.query.decode([String: String].self)) ?? [:]
        var filter = DirectoryService.StudentFilter()
        filter.query = parameters["q"]
        filter.schoolID = parameters["school"].flatMap(UUID.init(uuidString:))
        filter.page = parameters["page"].flatMap { Int($0) } ?? 1
        let result = try await req.directory.students(for: user.viewer, filter: filter)
        // A school filter only helps someone who sees several schools.
        let severalSchools = AccessPolicy.studentScope(user.role) == .all || user.viewer.schoolIDs.count > 1
        let schools = severalSchools ? try await req.directory.schools(for: user.viewer) : []
        let today = LocalDate.today()
        func pageHref(_ n: Int) -> String {
            SiteURL.students(query: filter.query, schoolID: filter.schoolID).path + (filter.query == nil && filter.schoolID == nil ? "?" : "&") + "page=\(n)"
        }
        let lastPage = max(1, (result.total + result.per_page - 1) / result.per_page)
        let page = StudentsPage(
            action: SiteURL.students(query: nil, schoolID: nil).path, query: filter.query ?? "",
            schools: schools.count > 1 ? [Option(value: "", label: Catalogue.text("students_all_schools", language), selected: filter.schoolID == nil)]
                + schools.map { Option(value: $0.id.uuidString, label: $0.name, selected: $0.id == filter.schoolID) } : [],
            showSchool: severalSchools,
            isEmpty: result.items.isEmpty,
            rowsHTML: HTML.rows(result.items.map { line($0, today: today) }.map { s in
                (s.href, severalSchools ? [s.name, s.number, s.group, s.school, s.age] : [s.name, s.number, s.group, s.age])
            }, numericLast: true),
            total: result.total,
            summary: Catalogue.text("students_summary", language, [String(result.total), String(result.page), String(lastPage)]),
            previousHref: result.page > 1 ? pageHref(result.page - 1) : nil,
            nextHref: result.page < lastPage ? pageHref(result.page + 1) : nil)
        return try await req.renderPage("directory/students", title: "students_title", page: page)
    }

    /// "Share with X (until …)" for the sharing consents in force, or "none".
    func consentStatus(req: Request, user: CurrentUser, studentID: UUID) async throws -> String? {
        guard user.viewer.can(.read, .consent) else { return nil }
        let language = req.language
        let active = try await req.consents.list(studentID: studentID)
            .filter { $0.state == ConsentState.active.rawValue && $0.purpose == ConsentPurpose.share.rawValue }
        guard !active.isEmpty else { return Catalogue.text("student_consent_none", language) }
        return active.map { c in
            Catalogue.text("consent_purpose_share_with", language, [c.organisation ?? "—"])
                + (c.expires_on.flatMap(LocalDate.init(iso:)).map { " (" + Catalogue.text("consent_until", language, [$0.display(language)]) + ")" } ?? "")
        }.joined(separator: "; ")
    }

    func studentID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func student(req: Request) async throws -> Response {
        try await renderStudent(req: req, guardianValues: [:], guardianErrors: [:], status: .ok)
    }

    func renderStudent(req: Request, guardianValues: [String: String], guardianErrors: [String: String],
                       enrolValues: [String: String] = [:], enrolErrors: [String: String] = [:],
                       status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .student)
        let student = try await req.directory.student(try studentID(req), for: user.viewer)
        let detail = try await req.directory.detail(student, for: user.viewer)
        let language = req.language
        let birth = LocalDate(iso: student.birthDate)
        let canEdit = user.viewer.can(.update, .student)
        let page = StudentPage(
            name: student.name.display, number: student.number, birthDate: birth?.display(language) ?? student.birthDate,
            age: birth.map { String($0.age(on: .today())) } ?? "", group: student.group?.name ?? "—",
            groupHref: student.$group.id.map { SiteURL.group($0).path }, school: student.school.name,
            schoolHref: SiteURL.school(student.$school.id).path,
            enrolled: student.enrolledOn.flatMap(LocalDate.init(iso:))?.display(language) ?? "—",
            left: student.leftOn.flatMap(LocalDate.init(iso:))?.display(language) ?? "—",
            pseudonym: detail.pseudonym,
            guardians: detail.guardians.map {
                GuardianLine(name: $0.name, relation: Catalogue.text("relation_\($0.relation)", language), email: $0.email, phone: $0.phone,
                             removeAction: canEdit ? SiteURL.studentGuardianRemove(student: student.id!, guardian: $0.id).path : nil)
            },
            editHref: canEdit ? SiteURL.studentEdit(student.id!).path : nil,
            guardianAction: canEdit ? SiteURL.studentGuardians(student.id!).path : nil,
            guardianValues: guardianValues, guardianErrors: guardianErrors,
            relations: GuardianFields.relations.map {
                Option(value: $0, label: Catalogue.text("relation_\($0)", language), selected: (guardianValues["relation"] ?? "guardian") == $0)
            },
            support: try await support(req: req, user: user, student: student, enrolValues: enrolValues, enrolErrors: enrolErrors),
            showsGuardians: user.role != .youthworker,
            consentHref: user.viewer.can(.read, .consent) ? SiteURL.studentConsent(student.id!).path : nil,
            consentStatus: try await consentStatus(req: req, user: user, studentID: student.id!),
            involved: user.role == .youthworker || !user.viewer.can(.read, .student) ? nil
                : try await req.consents.involvedOrganisations(studentID: student.id!).joined(separator: ", ").nonEmpty,
            casesHref: user.viewer.can(.read, .cases) ? SiteURL.studentCases(student.id!).path : nil,
            accessBasis: user.role == .youthworker
                ? Catalogue.text("student_access_basis", language, [user.viewer.parts(of: student.id!).sorted().map { Catalogue.text("consent_part_\($0.rawValue)", language) }.joined(separator: ", ")])
                : nil)
        return try await req.renderPage("directory/student", title: "student_title", titleArguments: [student.name.display], page: page, status: status)
    }

    /// Tier, incident band, recent incidents and compliments, and signals: what the team needs on the student's page.
    func support(req: Request, user: CurrentUser, student: Student, enrolValues: [String: String] = [:],
                 enrolErrors: [String: String] = [:]) async throws -> StudentSupport? {
        guard user.viewer.can(.read, .incident) else { return nil }
        let language = req.language
        let parts = user.viewer.parts(of: student.id!)
        let staff = user.role != .youthworker
        let today = LocalDate.today()
        let figures = try await StudentFigures.load(req: req, studentID: student.id!, schoolID: student.$school.id, year: .containing(today),
                                                    viewer: user.viewer, onlyComplete: false, limit: 10)
        var signalFilter = SignalService.Filter()
        signalFilter.studentID = student.id
        let signals = user.viewer.can(.read, .signal) && parts.contains(.signals) ? try await req.signals.list(for: user.viewer, filter: signalFilter, language: language) : []
        let canRecord = user.viewer.can(.create, .incident) && (user.role == .admin || user.viewer.schoolIDs.contains(student.$school.id))
        let canEnrol = user.role == .coordinator
        var enrolments: [LinkedItem] = []
        for e in try await req.enrolments.list(for: user.viewer, studentID: student.id) {
            let last = try await req.enrolments.weeks(e).last
            enrolments.append(LinkedItem(label: e.intervention, href: SiteURL.enrolment(e.id).path,
                                         detail: Catalogue.text("enrolment_line", language, [LocalDate(iso: e.start_on)?.display(language) ?? e.start_on,
                                                                                             e.goalText(language), last.map { e.show($0.average) } ?? "—",
                                                                                             Catalogue.text("enrolment_status_\(e.status)", language)])))
        }
        let signalLines = SignalController()
        var screening: LinkedItem? = nil
        if user.viewer.can(.read, .screening), parts.contains(.screening), let latest = try await req.screening.latest(studentID: student.id!),
           user.role != .teacher || latest.rating.rater_id == user.accountID {
            let d = latest.instrument
            screening = LinkedItem(label: latest.round.name, href: SiteURL.screeningRound(latest.round.id).path,
                                   detail: latest.rating.scores.map { s in
                                       d.text(d.scales.first { $0.code == s.scale }?.name ?? s.scale, language) + " "
                                           + (s.score.map(ScreeningScoring.format) ?? "—") + (s.band.map { " (" + d.text($0, language) + ")" } ?? "")
                                   }.joined(separator: " · "))
        }
        return StudentSupport(
            figures: figures,
            recognitions: figures.recognitions.prefix(5).map {
                LinkedItem(label: $0.expectation.text, href: "", detail: (LocalDate(iso: $0.date)?.display(language) ?? $0.date) + " · " + $0.staff
                           + ($0.note.isEmpty ? "" : " · " + $0.note))
            },
            signals: signals.map { signalLines.line($0, today: today, language: language) },
            incidentHref: canRecord ? SiteURL.incidentNew(studentID: student.id).path : nil,
            recognitionHref: canRecord ? SiteURL.recognitionNew(studentID: student.id).path : nil,
            allIncidentsHref: figures.more > 0 ? SiteURL.incidentsOfStudent(student.id!).path : nil,
            enrolments: enrolments,
            enrolAction: canEnrol ? SiteURL.studentEnrolments(student.id!).path : nil,
            enrolForm: canEnrol ? try await enrolForm(req: req, schoolID: student.$school.id, values: enrolValues, errors: enrolErrors) : nil,
            screening: screening, showsIncidents: staff, showsInterventions: parts.contains(.support),
            noInterventions: Catalogue.text(staff ? "student_no_interventions" : "student_no_pair_interventions", language))
    }

    func enrolForm(req: Request, schoolID: UUID, values: [String: String], errors: [String: String]) async throws -> EnrolFormView {
        let language = req.language
        let today = LocalDate.today()
        let labels = try await req.labels.labels(schoolID: schoolID, kind: .expectation, includeArchived: false, language: language)
        var values = values
        if values.isEmpty {
            values = ["goal": String(Int((try await req.rules.thresholds(schoolID: schoolID).pointCardGoal * 100).rounded())), "start_on": today.iso, "review_on": today.adding(days: 42).iso, "periods": "6",
                      "expectations": labels.map(\.text).joined(separator: "\n"), "monitoring": MonitoringType.pointCard.rawValue,
                      "direction": GoalDirection.atMost.rawValue, "scale_max": "5", "measure": ""]
        }
        let interventions = try await req.pyramids.interventions(schoolID: schoolID).filter { $0.tier > 1 && $0.status == "active" }
        let staff = try await req.directory.groupStaffCandidates(schoolID: schoolID, excluding: [])
        let workers = try await EnrolmentController().youthworkers(req, schoolID: schoolID)
        return EnrolFormView(
            interventions: [Option(value: "", label: Catalogue.text("incident_choose", language), selected: (values["intervention_id"] ?? "").isEmpty)]
                + interventions.map { Option(value: $0.id.uuidString, label: "\($0.name) (\(Catalogue.text("tier_\($0.tier)", language)))",
                                             selected: values["intervention_id"] == $0.id.uuidString) },
            monitorings: MonitoringType.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("monitoring_" + $0.rawValue, language),
                                                              selected: (values["monitoring"] ?? MonitoringType.pointCard.rawValue) == $0.rawValue) },
            directions: GoalDirection.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("direction_" + $0.rawValue, language),
                                                            selected: values["direction"] == $0.rawValue) },
            teachers: [Option(value: "", label: "—", selected: (values["teacher_id"] ?? "").isEmpty)]
                + staff.map { Option(value: $0.id!.uuidString, label: $0.name.display, selected: values["teacher_id"] == $0.id!.uuidString) },
            youthworkers: [Option(value: "", label: "—", selected: (values["youthworker_id"] ?? "").isEmpty)]
                + workers.map { Option(value: $0.id.uuidString, label: $0.name, selected: values["youthworker_id"] == $0.id.uuidString) },
            values: values, errors: errors)
    }

    struct GuardianForm: Content { var name: String?; var email: String?; var phone: String?; var relation: String? }

    func addGuardian(req: Request) async throws -> Response {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try studentID(req), for: user.viewer)
        let form = try req.content.decode(GuardianForm.self)
        switch GuardianFields.validate(name: form.name ?? "", email: form.email ?? "", phone: form.phone ?? "", relation: form.relation ?? "") {
        case .failure(let problems):
            let values = ["name": form.name ?? "", "email": form.email ?? "", "phone": form.phone ?? "", "relation": form.relation ?? ""]
            return try await renderStudent(req: req, guardianValues: values, guardianErrors: problems.messages(req.language), status: .badRequest)
        case .success(let fields):
            try await req.directory.addGuardian(fields, to: student)
            return req.redirect(to: SiteURL.student(student.id!).path)
        }
    }

    func removeGuardian(req: Request) async throws -> Response {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try studentID(req), for: user.viewer)
        guard let guardianID = req.parameters.get("guardian", as: UUID.self) else { throw SamenError.notFound }
        try await req.directory.removeGuardian(guardianID, from: student)
        return req.redirect(to: SiteURL.student(student.id!).path)
    }

    func studentForm(req: Request, schoolID: UUID, values: [String: String], errors: [String: String], action: String, cancel: String,
                     isNew: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let groups = try await req.directory.groups(ofSchool: schoolID)
        let options = [Option(value: "", label: "—", selected: (values["group_id"] ?? "").isEmpty)]
            + groups.map { Option(value: $0.id.uuidString, label: $0.name, selected: values["group_id"] == $0.id.uuidString) }
        return try await req.renderPage("directory/student-form", title: isNew ? "student_new_title" : "student_edit_title",
                                        page: FormPage(action: action, cancelHref: cancel, values: values, errors: errors, options: options, isNew: isNew),
                                        status: status)
    }

    func newStudent(req: Request) async throws -> Response {
        let user = try req.require(.create, .student)
        guard let schoolID = try? req.query.get(UUID.self, at: "school") else { throw SamenError.notFound }
        let school = try await req.directory.school(schoolID, for: user.viewer)
        return try await studentForm(req: req, schoolID: school.id!, values: ["school": schoolID.uuidString], errors: [:],
                                     action: SiteURL.studentNew(schoolID: schoolID).path, cancel: SiteURL.school(schoolID).path, isNew: true)
    }

    struct StudentForm: Content {
        var number: String?
        var first_name: String?
        var particle: String?
        var last_name: String?
        var birth_date: String?
        var group_id: String?
        var enrolled_on: String?
        var left_on: String?
    }

    func values(_ form: StudentForm) -> [String: String] {
        ["number": form.number ?? "", "first_name": form.first_name ?? "", "particle": form.particle ?? "", "last_name": form.last_name ?? "",
         "birth_date": form.birth_date ?? "", "group_id": form.group_id ?? "", "enrolled_on": form.enrolled_on ?? "", "left_on": form.left_on ?? ""]
    }

    func validate(_ form: StudentForm) -> Validated<StudentFields> {
        StudentFields.validate(number: form.number ?? "", firstName: form.first_name ?? "", particle: form.particle ?? "",
                               lastName: form.last_name ?? "", birthDate: form.birth_date ?? "", enrolled: form.enrolled_on ?? "",
                               left: form.left_on ?? "", today: .today())
    }

    func createStudent(req: Request) async throws -> Response {
        let user = try req.require(.create, .student)
        guard let schoolID = try? req.query.get(UUID.self, at: "school") else { throw SamenError.notFound }
        let school = try await req.directory.school(schoolID, for: user.viewer)
        let form = try req.content.decode(StudentForm.self)
        let again = { (errors: [String: String]) in
            try await self.studentForm(req: req, schoolID: schoolID, values: self.values(form), errors: errors,
                                       action: SiteURL.studentNew(schoolID: schoolID).path, cancel: SiteURL.school(schoolID).path,
                                       isNew: true, status: .badRequest)
        }
        switch validate(form) {
        case .failure(let problems): return try await again(problems.messages(req.language))
        case .success(let fields):
            do {
                let student = try await req.directory.createStudent(school: school.id!, groupID: form.group_id.flatMap(UUID.init(uuidString:)), fields: fields)
                return req.redirect(to: SiteURL.student(student.id!).path)
            } catch let error as SamenError where error.field != nil {
                return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
            }
        }
    }

    func editStudent(req: Request) async throws -> Response {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try studentID(req), for: user.viewer)
        let values = ["number": student.number, "first_name": student.firstName, "particle": student.particle, "last_name": student.lastName,
                      "birth_date": student.birthDate, "group_id": student.$group.id?.uuidString ?? "",
                      "enrolled_on": student.enrolledOn ?? "", "left_on": student.leftOn ?? ""]
        return try await studentForm(req: req, schoolID: student.$school.id, values: values, errors: [:],
                                     action: SiteURL.studentEdit(student.id!).path, cancel: SiteURL.student(student.id!).path, isNew: false)
    }

    func updateStudent(req: Request) async throws -> Response {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try studentID(req), for: user.viewer)
        let form = try req.content.decode(StudentForm.self)
        let again = { (errors: [String: String]) in
            try await self.studentForm(req: req, schoolID: student.$school.id, values: self.values(form), errors: errors,
                                       action: SiteURL.studentEdit(student.id!).path, cancel: SiteURL.student(student.id!).path,
                                       isNew: false, status: .badRequest)
        }
        switch validate(form) {
        case .failure(let problems): return try await again(problems.messages(req.language))
        case .success(let fields):
            do {
                try await req.directory.updateStudent(student, groupID: form.group_id.flatMap(UUID.init(uuidString:)), fields: fields)
                return req.redirect(to: SiteURL.student(student.id!).path)
            } catch let error as SamenError where error.field != nil {
                return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
            }
        }
    }
}
