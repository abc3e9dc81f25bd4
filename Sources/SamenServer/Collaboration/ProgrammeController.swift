import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct SessionLine: Encodable {
    var number: Int
    var label: String
    var title: String
    var goal: String
    var activities: String
    var materials: String
    var fidelity: [String]
    var kickOff: Bool
}

struct ProgrammesPage: Encodable {
    var programmes: [LinkedItem]
    var runs: [LinkedItem]
    var pairs: [LinkedItem]
}

struct ProgrammePage: Encodable {
    var title: String
    var summary: String
    var origin: String
    var version: Int
    var sessions: [SessionLine]
    var versions: [LinkedItem]
    var guideHref: String
    var editHref: String?
    var copyAction: String?
    var runAction: String?
    var schools: [Option]
    var runs: [LinkedItem]
    var values: [String: String]
    var errors: [String: String]
}

struct EditSession: Encodable { var number: Int; var label: String; var title: String; var goal: String; var activities: String; var materials: String; var fidelity: String; var kickOff: Bool }

struct ProgrammeEditPage: Encodable {
    var title: String
    var backHref: String
    var action: String
    var version: Int
    var summary: String
    var sessions: [EditSession]
    var values: [String: String]
    var errors: [String: String]
}

struct DeliveryCell: Encodable { var text: String; var href: String?; var done: Bool }
struct PairRow: Encodable { var pair: String; var group: String; var href: String; var cells: [DeliveryCell] }
struct ReflectionLine: Encodable {
    var session: String
    var pair: String
    var date: String
    var attendance: String
    var fidelity: String
    var teacher: String
    var youthworker: String
    var reflectAction: String?
    var reflectionField: String
}

struct RunPage: Encodable {
    var title: String
    var programme: String
    var programmeHref: String
    var school: String
    var started: String
    var finished: String?
    var previousHref: String?
    var sessions: [LinkedItem]
    var rows: [PairRow]
    var reflections: [ReflectionLine]
    var figures: [LinkedItem]
    var matrixHref: String
    var posterHref: String
    var pairAction: String?
    var teachers: [Option]
    var workers: [Option]
    var groups: [Option]
    var evaluation: String
    var finishAction: String?
    var againAction: String?
    var values: [String: String]
    var errors: [String: String]
}

struct RunLogPage: Encodable {
    var run: String
    var runHref: String
    var session: SessionLine
    var action: String
    var pairs: [Option]
    var fidelity: [Option]
    var values: [String: String]
    var errors: [String: String]
}

struct MatrixColumn: Encodable { var field: String; var name: String }
struct MatrixCellEdit: Encodable { var field: String; var text: String; var ideas: [String] }
struct MatrixRowEdit: Encodable { var field: String; var name: String; var cells: [MatrixCellEdit] }
struct PosterRow: Encodable { var name: String; var cells: [[String]] }

struct MatrixPage: Encodable {
    var run: String
    var runHref: String
    var columns: [MatrixColumn]
    var rows: [MatrixRowEdit]
    var action: String?
    var publishAction: String?
    var complete: Bool
    var otherIdeas: [String]
    var ideaCount: Int
    var links: [LinkedItem]
    var linkAction: String?
    var newLink: String?
    var published: [LinkedItem]
    var values: [String: String]
    var errors: [String: String]
    /// The errors as a list: the matrix's fields are its cells, named by position.
    var problems: [String]
    var notice: String?
    var readOnly: Bool
}

struct PosterPage: Encodable {
    var school: String
    var settings: [String]
    var rows: [PosterRow]
    var published: String
    var empty: Bool
}

struct PairsPage: Encodable {
    var school: String
    var schoolHref: String
    var pairs: [LinkedItem]
    var ended: [LinkedItem]
    var action: String
    var teachers: [Option]
    var workers: [Option]
    var groups: [Option]
    var values: [String: String]
    var errors: [String: String]
}

struct PairPage: Encodable {
    var title: String
    var school: String
    var group: String
    var formed: String
    var ended: String?
    var runs: [LinkedItem]
    var deliveries: [LinkedItem]
    var enrolments: [LinkedItem]
    var endAction: String?
}

struct IdeasPage: Encodable {
    var run: String
    var school: String
    var expectations: [Option]
    var settings: [Option]
    var action: String
    var values: [String: String]
    var errors: [String: String]
    var notice: String?
}

/// The programme library and its runs (issue 5, item 7): the Respect programme as a template,
/// copied and adapted by a school (versions kept); runs with the pairs formed at the kick-off,
/// delivered meetings with attendance, fidelity and both partners' reflections; the expectations
/// matrix drafted with students (anonymous link) and published as a poster and as Tier I's labels;
/// evaluation and running again; the printable guide for teacher education.
struct ProgrammeController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("programmes", use: library)
        routes.get("programmes", ":programme", use: programmePage)
        routes.get("programmes", ":programme", "guide", use: guide)
        routes.post("programmes", ":programme", "copy", use: copy)
        routes.get("programmes", ":programme", "edit", use: editPage)
        routes.post("programmes", ":programme", "edit", use: saveEdit)
        routes.post("programmes", ":programme", "runs", use: startRun)
        routes.get("runs", ":run", use: runPage)
        routes.post("runs", ":run", "pairs", use: formRunPair)
        routes.get("runs", ":run", "sessions", ":session", use: logPage)
        routes.post("runs", ":run", "sessions", ":session", use: log)
        routes.post("runs", ":run", "deliveries", ":delivery", "reflection", use: reflect)
        routes.get("runs", ":run", "matrix", use: matrixPage)
        routes.post("runs", ":run", "matrix", use: saveMatrix)
        routes.post("runs", ":run", "matrix", "publish", use: publish)
        routes.post("runs", ":run", "links", use: makeLink)
        routes.post("runs", ":run", "links", ":link", "revoke", use: revokeLink)
        routes.post("runs", ":run", "finish", use: finish)
        routes.post("runs", ":run", "again", use: again)
        routes.get("schools", ":school", "expectations", use: poster)
        routes.get("schools", ":school", "pairs", use: pairsPage)
        routes.post("schools", ":school", "pairs", use: formPair)
        routes.get("pairs", ":pair", use: pairPage)
        routes.post("pairs", ":pair", "end", use: endPair)
        routes.get("ideeen", ":token", use: ideasPage)
        routes.post("ideeen", ":token", use: sendIdea)
        let api = routes.grouped("api", "v1")
        api.get("programmes", use: apiLibrary)
        api.get("programmes", ":programme", use: apiProgramme)
        api.post("programmes", ":programme", "copy", use: apiCopy)
        api.post("programmes", ":programme", "versions", use: apiAdapt)
        api.post("programmes", ":programme", "runs", use: apiStartRun)
        api.get("runs", ":run", use: apiRun)
        api.post("runs", ":run", "deliveries", use: apiLog)
        api.put("runs", ":run", "matrix", use: apiSaveMatrix)
        api.post("runs", ":run", "matrix", "publish", use: apiPublish)
        api.get("schools", ":school", "pairs", use: apiPairs)
        api.post("schools", ":school", "pairs", use: apiFormPair)
    }

    static let managers: Set<Role> = [.admin, .leader, .coordinator]

    // MARK: Access

    /// A programme the person may read (the shipped ones for all; a school's own for its staff); 404 otherwise.
    func programme(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, ProgrammeJSON) {
        let user = try req.require(action, .programme)
        guard let id = req.parameters.get("programme", as: UUID.self), let programme = try await req.programmes.find(id, language: req.language),
              req.programmes.mayRead(programme, user.viewer) else { throw SamenError.notFound }
        return (user, programme)
    }

    /// A run the person may open: the school's leaders and coordinators, the teachers and youth-care
    /// workers in one of its pairs, the administrator; 404 for anyone else.
    func run(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, RunJSON, [PairJSON]) {
        let user = try req.require(action, .programme)
        guard let id = req.parameters.get("run", as: UUID.self), let run = try await req.programmes.run(id, language: req.language) else { throw SamenError.notFound }
        let pairs = try await req.programmes.pairs(runID: id)
        switch user.role {
        case .admin: break
        case .leader, .coordinator: guard user.viewer.schoolIDs.contains(run.school_id) else { throw SamenError.notFound }
        case .teacher, .youthworker:
            guard user.viewer.schoolIDs.contains(run.school_id), pairs.contains(where: { $0.teacher_id == user.accountID || $0.youthworker_id == user.accountID })
            else { throw SamenError.notFound }
        case .region, .researcher: throw SamenError.notFound
        }
        return (user, run, pairs)
    }

    func requireManager(_ user: CurrentUser) throws {
        guard Self.managers.contains(user.role) else { throw SamenError.forbidden }
    }

    /// The school's pairs page and forms: its leaders, coordinators and the administrator.
    func school(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, School) {
        let user = try req.require(action, .programme)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        let school = try await req.directory.school(id, for: user.viewer)
        guard user.role == .admin || user.viewer.schoolIDs.contains(id) else { throw SamenError.notFound }
        return (user, school)
    }

    func sessionLine(_ s: ProgrammeSession, _ language: Language) -> SessionLine {
        SessionLine(number: s.number, label: sessionLabel(s.number, language), title: s.title.text(language), goal: s.goal.text(language),
                    activities: s.activities.text(language), materials: s.materials.text(language), fidelity: s.fidelity.map { $0.text.text(language) },
                    kickOff: s.isKickOff)
    }

    func sessionLabel(_ number: Int, _ language: Language) -> String {
        number == 0 ? Catalogue.text("programme_kickoff", language) : Catalogue.text("programme_meeting_n", language, [String(number)])
    }

    func origin(_ p: ProgrammeJSON, _ language: Language) -> String {
        p.school.map { Catalogue.text("programme_of_school", language, [$0]) } ?? Catalogue.text("programme_shipped", language)
    }

    func date(_ iso: String, _ language: Language) -> String { LocalDate(iso: iso)?.display(language) ?? iso }

    func runLine(_ r: RunJSON, _ language: Language) -> LinkedItem {
        LinkedItem(label: r.title, href: "/runs/\(r.id)",
                   detail: [r.school, r.programme + " v" + String(r.version), Catalogue.text("run_started", language, [date(r.starts_on, language)]),
                            r.finished_on.map { Catalogue.text("run_finished_on", language, [date($0, language)]) } ?? Catalogue.text("run_running", language)]
                       .joined(separator: " · "))
    }

    func pairLine(_ p: PairJSON, _ language: Language) -> LinkedItem {
        LinkedItem(label: p.teacher + " + " + p.youthworker, href: "/pairs/\(p.id)",
                   detail: [p.group.map { Catalogue.text("pair_group", language, [$0]) }, p.organisation, p.ended_on.map { Catalogue.text("pair_ended_on", language, [date($0, language)]) }]
                       .compactMap { $0 }.joined(separator: " · "))
    }

    // MARK: Library and programme

    func library(req: Request) async throws -> Response {
        let user = try req.require(.read, .programme)
        let language = req.language
        let programmes = try await req.programmes.library(for: user.viewer, language: language)
        let runs = [Role.region, .researcher].contains(user.role) ? [] : try await req.programmes.runs(schoolID: nil, for: user.viewer, language: language)
        let pairs = [Role.teacher, .youthworker].contains(user.role) ? try await req.programmes.pairs(accountID: user.accountID) : []
        let page = ProgrammesPage(
            programmes: programmes.map { p in
                LinkedItem(label: p.title, href: "/programmes/\(p.id)",
                           detail: origin(p, language) + " · " + Catalogue.text("programme_version", language, [String(p.version)]) + " · "
                               + Catalogue.text("programme_sessions_count", language, [String(p.definition.sessions.count - 1)]))
            },
            runs: runs.map { runLine($0, language) }, pairs: pairs.map { pairLine($0, language) })
        return try await req.renderPage("collaboration/programmes", title: "programmes_title", page: page)
    }

    func programmePage(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .read)
        return try await renderProgramme(req: req, user: user, programme: programme, values: [:], errors: [:], status: .ok)
    }

    func renderProgramme(req: Request, user: CurrentUser, programme p: ProgrammeJSON, values: [String: String], errors: [String: String],
                         status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let manager = Self.managers.contains(user.role)
        let schools = manager ? try await School.query(on: req.db).sort(\.$name).all().filter { user.role == .admin || user.viewer.schoolIDs.contains($0.id!) } : []
        let runSchools = p.school_id.map { id in schools.filter { $0.id == id } } ?? schools
        let versions = try await req.programmes.versions(familyID: p.family_id, language: language)
        let latest = versions.first?.id == p.id
        var form = ["title": p.title + " " + String(LocalDate.today().year), "starts_on": LocalDate.today().iso,
                    "school_id": runSchools.first?.id?.uuidString ?? ""]
        form.merge(values) { _, new in new }
        // The runs of this programme at the manager's schools (all for the administrator); partners find theirs on their home page.
        let runs = manager ? try await req.programmes.runs(familyID: p.family_id, language: language)
            .filter { user.role == .admin || user.viewer.schoolIDs.contains($0.school_id) } : []
        let page = ProgrammePage(
            title: p.title, summary: p.definition.summary.text(language), origin: origin(p, language), version: p.version,
            sessions: p.definition.sessions.map { sessionLine($0, language) },
            versions: versions.map { v in
                LinkedItem(label: Catalogue.text("programme_version", language, [String(v.version)]), href: "/programmes/\(v.id)",
                           detail: v.created_at.formatted(.iso8601.year().month().day()))
            },
            guideHref: "/programmes/\(p.id)/guide",
            editHref: manager && p.school_id != nil && latest ? "/programmes/\(p.id)/edit" : nil,
            copyAction: manager && !schools.isEmpty ? "/programmes/\(p.id)/copy" : nil,
            runAction: manager && !runSchools.isEmpty ? "/programmes/\(p.id)/runs" : nil,
            schools: schools.map { Option(value: $0.id!.uuidString, label: $0.name, selected: form["school_id"] == $0.id!.uuidString) },
            runs: runs.map { runLine($0, language) },
            values: form, errors: errors)
        return try await req.renderPage("collaboration/programme", title: "programme_title", titleArguments: [p.title], page: page, status: status)
    }

    struct SchoolForm: Content { var school_id: String? }

    /// The school a manager names in a form: one of their own (any for the administrator).
    func chosenSchool(_ req: Request, user: CurrentUser, id: String?) async throws -> UUID {
        guard let id = id.flatMap({ UUID(uuidString: $0) }), user.role == .admin || user.viewer.schoolIDs.contains(id),
              try await School.find(id, on: req.db) != nil else { throw SamenError.invalid("programme_bad_school", field: "school_id") }
        return id
    }

    func copy(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .create)
        try requireManager(user)
        do {
            let school = try await chosenSchool(req, user: user, id: (try? req.content.decode(SchoolForm.self))?.school_id)
            let id = try await req.programmes.copy(programme, schoolID: school, by: user.accountID)
            return req.redirect(to: "/programmes/\(id)/edit")
        } catch let error as SamenError where error.field != nil {
            return try await renderProgramme(req: req, user: user, programme: programme, values: [:],
                                             errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
    }

    /// A school's own programme, latest version, that this manager may adapt; the shipped ones are copied first (409).
    func adaptable(_ req: Request) async throws -> (CurrentUser, ProgrammeJSON) {
        let (user, programme) = try await programme(req, .update)
        try requireManager(user)
        guard programme.school_id != nil else { throw SamenError(status: .conflict, key: "programme_copy_first") }
        let latest = try await req.programmes.versions(familyID: programme.family_id, language: req.language).first
        guard latest?.id == programme.id else { throw SamenError(status: .conflict, key: "programme_not_latest") }
        return (user, programme)
    }

    func editPage(req: Request) async throws -> Response {
        let (_, programme) = try await adaptable(req)
        return try await renderEdit(req: req, programme: programme, values: [:], errors: [:], status: .ok)
    }

    func renderEdit(req: Request, programme p: ProgrammeJSON, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let page = ProgrammeEditPage(
            title: values["title"] ?? p.title, backHref: "/programmes/\(p.id)", action: "/programmes/\(p.id)/edit", version: p.version + 1,
            summary: values["summary"] ?? p.definition.summary.text(language),
            sessions: p.definition.sessions.map { s in
                let k = "s\(s.number)_"
                return EditSession(number: s.number, label: sessionLabel(s.number, language), title: values[k + "title"] ?? s.title.text(language),
                                   goal: values[k + "goal"] ?? s.goal.text(language), activities: values[k + "activities"] ?? s.activities.text(language),
                                   materials: values[k + "materials"] ?? s.materials.text(language),
                                   fidelity: values[k + "fidelity"] ?? s.fidelity.map { $0.text.text(language) }.joined(separator: "\n"), kickOff: s.isKickOff)
            },
            values: values, errors: errors)
        return try await req.renderPage("collaboration/programme-edit", title: "programme_edit_title", titleArguments: [p.title], page: page, status: status)
    }

    func saveEdit(req: Request) async throws -> Response {
        let (user, programme) = try await adaptable(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        switch programme.definition.adapted(form: form, language: req.language) {
        case .failure(let problems):
            return try await renderEdit(req: req, programme: programme, values: form, errors: problems.messages(req.language), status: .badRequest)
        case .success(let definition):
            let id = try await req.programmes.adapt(programme, definition: definition, by: user.accountID)
            return req.redirect(to: "/programmes/\(id)")
        }
    }

    struct RunForm: Content { var school_id: String?; var title: String?; var starts_on: String? }

    /// Reads a new run: the school (the programme's own, or any of the manager's for a shipped one), a title, a start date within a year.
    func readRun(_ req: Request, user: CurrentUser, programme: ProgrammeJSON, form: RunForm) async throws -> (UUID, String, LocalDate) {
        let school = try await chosenSchool(req, user: user, id: form.school_id ?? programme.school_id?.uuidString)
        if let own = programme.school_id, own != school { throw SamenError.invalid("programme_bad_school", field: "school_id") }
        let title = (form.title ?? "").trimmed
        guard !title.isEmpty else { throw SamenError.invalid("import_required", field: "title") }
        guard title.count <= 120 else { throw SamenError.invalid("import_too_long", field: "title", ["120"]) }
        guard let start = LocalDate(iso: (form.starts_on ?? "").trimmed) else { throw SamenError.invalid("import_bad_date", field: "starts_on", [form.starts_on ?? ""]) }
        let today = LocalDate.today()
        guard start >= today.adding(days: -366), start <= today.adding(days: 366) else { throw SamenError.invalid("run_start_range", field: "starts_on") }
        return (school, title, start)
    }

    func startRun(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .create)
        try requireManager(user)
        let form = (try? req.content.decode(RunForm.self)) ?? RunForm()
        do {
            let (school, title, start) = try await readRun(req, user: user, programme: programme, form: form)
            let id = try await req.programmes.start(programme: programme, schoolID: school, title: title, startsOn: start, previous: nil, by: user.accountID,
                                                    language: req.language)
            return req.redirect(to: "/runs/\(id)")
        } catch let error as SamenError where error.field != nil {
            return try await renderProgramme(req: req, user: user, programme: programme,
                                             values: ["school_id": form.school_id ?? "", "title": form.title ?? "", "starts_on": form.starts_on ?? ""],
                                             errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
    }

    // MARK: The guide

    func guide(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .read)
        let language = req.language
        var runs = try await req.programmes.runs(familyID: programme.family_id, language: language)
        // What the evaluations found: the runs the reader may open in full; for the others the figures only.
        var findings: [LinkedItem] = []
        var all: [DeliveryFigures] = []
        var finished = 0
        runs.sort { $0.starts_on < $1.starts_on }
        for run in runs {
            let definition = run.definition
            let figures = try await req.programmes.deliveries(runID: run.id).map(\.figures)
            all += figures
            if run.finished_on != nil { finished += 1 }
            let visible = user.role == .admin || (Self.managers.contains(user.role) && user.viewer.schoolIDs.contains(run.school_id))
            guard visible else { continue }
            findings.append(LinkedItem(label: run.title + " (" + run.school + ", v" + String(run.version) + ")", href: "",
                                       detail: figuresText(ProgrammeRules.figures(figures, definition: definition), language)
                                           + (run.evaluation.isEmpty ? "" : " — " + run.evaluation)))
        }
        let overall = ProgrammeRules.figures(all, definition: programme.definition)
        let page = GuidePage(title: programme.title, summary: programme.definition.summary.text(language), origin: origin(programme, language),
                             version: programme.version, sessions: programme.definition.sessions.map { sessionLine($0, language) },
                             overall: runs.isEmpty ? nil : Catalogue.text("guide_overall", language, [String(runs.count), String(finished)]) + " "
                                 + figuresText(overall, language),
                             findings: findings, expectations: programme.definition.expectations.map { $0.text(language) },
                             settings: programme.definition.settings.map { $0.text(language) },
                             downloadHref: "/programmes/\(programme.id)/guide?download=1", generated: LocalDate.today().display(language))
        guard req.query[String.self, at: "download"] == "1" else {
            return try await req.renderPage("collaboration/programme-guide", title: "guide_title", titleArguments: [programme.title], page: page)
        }
        // One HTML file with its own style: it opens without Samen, to print or to hand to a teacher-education course.
        let response = try await req.renderPage("collaboration/programme-guide-file", title: "guide_title", titleArguments: [programme.title], page: page)
        let name = programme.code.filter { $0.isLetter || $0.isNumber } + "-v\(programme.version).html"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    struct GuidePage: Encodable {
        var title: String
        var summary: String
        var origin: String
        var version: Int
        var sessions: [SessionLine]
        var overall: String?
        var findings: [LinkedItem]
        var expectations: [String]
        var settings: [String]
        var downloadHref: String
        var generated: String
    }

    func figuresText(_ f: RunFigures, _ language: Language) -> String {
        [Catalogue.text("run_figures_sessions", language, [String(f.sessionsDelivered), String(f.sessionsPlanned)]),
         Catalogue.text("run_figures_deliveries", language, [String(f.deliveries)]),
         f.fidelityPercent.map { Catalogue.text("run_figures_fidelity", language, [String($0)]) },
         f.attendancePercent.map { Catalogue.text("run_figures_attendance", language, [String($0)]) }]
            .compactMap { $0 }.joined(separator: " · ")
    }

    // MARK: A run

    func runPage(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .read)
        return try await renderRun(req: req, user: user, run: run, pairs: pairs, values: [:], errors: [:], status: .ok)
    }

    func renderRun(req: Request, user: CurrentUser, run: RunJSON, pairs: [PairJSON], values: [String: String], errors: [String: String],
                   status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let definition = run.definition
        let deliveries = try await req.programmes.deliveries(runID: run.id)
        let manager = Self.managers.contains(user.role) && user.viewer.can(.update, .programme)
        let running = run.finished_on == nil
        let taught = definition.sessions.filter { !$0.isKickOff }
        let rows = pairs.filter { pair in pair.ended_on == nil || deliveries.contains(where: { d in d.pair_id == pair.id }) }.map { pair in
            let mine = manager || pair.teacher_id == user.accountID || pair.youthworker_id == user.accountID
            return PairRow(pair: pair.teacher + " + " + pair.youthworker, group: pair.group ?? "—", href: "/pairs/\(pair.id)",
                           cells: taught.map { s in
                               if let d = deliveries.first(where: { $0.pair_id == pair.id && $0.session == s.number }) {
                                   return DeliveryCell(text: date(d.delivered_on, language) + (d.items > 0 ? " · \(d.done.count)/\(d.items)" : ""), href: nil, done: true)
                               }
                               return DeliveryCell(text: Catalogue.text("run_log", language),
                                                   href: mine && running && pair.ended_on == nil ? "/runs/\(run.id)/sessions/\(s.number)?pair=\(pair.id)" : nil, done: false)
                           })
        }
        let reflections = deliveries.sorted { ($0.session, $0.delivered_on) > ($1.session, $1.delivered_on) }.compactMap { d -> ReflectionLine? in
            guard let pair = pairs.first(where: { $0.id == d.pair_id }), let session = definition.session(d.session) else { return nil }
            let side: String? = pair.teacher_id == user.accountID ? "teacher" : pair.youthworker_id == user.accountID ? "youthworker" : nil
            return ReflectionLine(session: sessionLabel(d.session, language) + ": " + session.title.text(language), pair: pair.teacher + " + " + pair.youthworker,
                                  date: date(d.delivered_on, language),
                                  attendance: Catalogue.text("delivery_attendance_of", language, [String(d.present), String(d.expected)]),
                                  fidelity: d.items == 0 ? "—" : Catalogue.text("delivery_fidelity_of", language, [String(d.done.count), String(d.items)]),
                                  teacher: d.reflection_teacher, youthworker: d.reflection_youthworker,
                                  reflectAction: side.map { _ in "/runs/\(run.id)/deliveries/\(d.id)/reflection" },
                                  reflectionField: side == "teacher" ? d.reflection_teacher : d.reflection_youthworker)
        }
        let figures = ProgrammeRules.figures(deliveries.map(\.figures), definition: definition)
        let candidates = manager && running ? try await req.programmes.pairCandidates(schoolID: run.school_id) : ([], [], [])
        var previousHref: String? = nil
        if let previous = run.previous_run_id { previousHref = "/runs/\(previous)" }
        let page = RunPage(
            title: run.title, programme: run.programme + " · " + Catalogue.text("programme_version", language, [String(run.version)]),
            programmeHref: "/programmes/\(run.programme_id)", school: run.school,
            started: date(run.starts_on, language), finished: run.finished_on.map { date($0, language) }, previousHref: previousHref,
            sessions: taught.map { s in LinkedItem(label: sessionLabel(s.number, language), href: "", detail: s.title.text(language)) },
            rows: rows, reflections: reflections,
            figures: [
                LinkedItem(label: Catalogue.text("run_sessions_delivered", language), href: "", detail: "\(figures.sessionsDelivered) / \(figures.sessionsPlanned)"),
                LinkedItem(label: Catalogue.text("run_deliveries", language), href: "", detail: String(figures.deliveries)),
                LinkedItem(label: Catalogue.text("run_fidelity", language), href: "", detail: figures.fidelityPercent.map { "\($0)%" } ?? "—"),
                LinkedItem(label: Catalogue.text("run_attendance", language), href: "", detail: figures.attendancePercent.map { "\($0)%" } ?? "—"),
            ],
            matrixHref: "/runs/\(run.id)/matrix", posterHref: "/schools/\(run.school_id)/expectations",
            pairAction: manager && running ? "/runs/\(run.id)/pairs" : nil,
            teachers: candidates.0.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["teacher_id"] == $0.0.uuidString) },
            workers: candidates.1.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["youthworker_id"] == $0.0.uuidString) },
            groups: candidates.2.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["group_id"] == $0.0.uuidString) },
            evaluation: values["evaluation"] ?? run.evaluation,
            finishAction: manager ? "/runs/\(run.id)/finish" : nil,
            againAction: manager && !running ? "/runs/\(run.id)/again" : nil,
            values: values, errors: errors)
        return try await req.renderPage("collaboration/run", title: "run_title", titleArguments: [run.title], page: page, status: status)
    }

    struct PairForm: Content { var teacher_id: String?; var youthworker_id: String?; var group_id: String? }

    func formRunPair(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .create)
        try requireManager(user)
        guard run.finished_on == nil else { throw SamenError(status: .conflict, key: "run_finished") }
        let form = (try? req.content.decode(PairForm.self)) ?? PairForm()
        do {
            _ = try await req.programmes.formPair(schoolID: run.school_id, teacherID: form.teacher_id.flatMap { UUID(uuidString: $0) },
                                                  workerID: form.youthworker_id.flatMap { UUID(uuidString: $0) },
                                                  groupID: try optionalID(form.group_id, field: "group_id"), runID: run.id, on: .today(), by: user.accountID)
            return req.redirect(to: "/runs/\(run.id)#pairs")
        } catch let error as SamenError where error.field != nil {
            return try await renderRun(req: req, user: user, run: run, pairs: pairs,
                                       values: ["teacher_id": form.teacher_id ?? "", "youthworker_id": form.youthworker_id ?? "", "group_id": form.group_id ?? ""],
                                       errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
    }

    func optionalID(_ text: String?, field: String) throws -> UUID? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else { throw SamenError.invalid("pair_bad_group", field: field) }
        return id
    }

    // MARK: Logging a delivered meeting

    /// The pairs of the run a person may log for: all running pairs for a manager, their own otherwise.
    func loggablePairs(_ user: CurrentUser, _ pairs: [PairJSON]) -> [PairJSON] {
        pairs.filter { $0.ended_on == nil && (Self.managers.contains(user.role) || $0.teacher_id == user.accountID || $0.youthworker_id == user.accountID) }
    }

    func session(_ req: Request, _ run: RunJSON) async throws -> ProgrammeSession {
        guard let number = req.parameters.get("session", as: Int.self), let session = run.definition.session(number) else {
            throw SamenError.notFound
        }
        return session
    }

    func logPage(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .create)
        let session = try await session(req, run)
        guard run.finished_on == nil else { throw SamenError(status: .conflict, key: "run_finished") }
        guard !loggablePairs(user, pairs).isEmpty else { throw SamenError.forbidden }
        return try await renderLog(req: req, user: user, run: run, pairs: pairs, session: session,
                                   values: ["pair_id": req.query[String.self, at: "pair"] ?? ""], checked: [], errors: [:], status: .ok)
    }

    func renderLog(req: Request, user: CurrentUser, run: RunJSON, pairs: [PairJSON], session: ProgrammeSession, values: [String: String], checked: [String],
                   errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        var form = ["date": LocalDate.today().iso, "present": "", "expected": "", "reflection": ""]
        form.merge(values) { _, new in new }
        let page = RunLogPage(
            run: run.title, runHref: "/runs/\(run.id)", session: sessionLine(session, language), action: "/runs/\(run.id)/sessions/\(session.number)",
            pairs: loggablePairs(user, pairs).map { p in
                Option(value: p.id.uuidString, label: p.teacher + " + " + p.youthworker + (p.group.map { " (" + $0 + ")" } ?? ""), selected: form["pair_id"] == p.id.uuidString)
            },
            fidelity: session.fidelity.map { Option(value: $0.code, label: $0.text.text(language), selected: checked.contains($0.code)) },
            values: form, errors: errors)
        return try await req.renderPage("collaboration/run-log", title: "run_log_title", titleArguments: [sessionLabel(session.number, language)], page: page,
                                        status: status)
    }

    struct LogForm: Content {
        var pair_id: String?; var date: String?; var present: String?; var expected: String?; var reflection: String?; var fidelity: [String]?
    }

    /// Logs a delivery for a pair the person may log for. The reflection is the logging partner's own (a manager logs without one).
    func record(req: Request, user: CurrentUser, run: RunJSON, pairs: [PairJSON], session: ProgrammeSession, form: LogForm) async throws -> Validated<UUID> {
        guard run.finished_on == nil else { throw SamenError(status: .conflict, key: "run_finished") }
        guard let pair = loggablePairs(user, pairs).first(where: { $0.id.uuidString.lowercased() == (form.pair_id ?? "").lowercased() }) else {
            return .failure([FieldProblem(field: "pair_id", key: "delivery_bad_pair")])
        }
        let fields = ["date": form.date ?? "", "present": form.present ?? "", "expected": form.expected ?? "", "reflection": form.reflection ?? ""]
        switch DeliveryFields.read(form: fields, checked: form.fidelity ?? [], session: session, runStart: LocalDate(iso: run.starts_on) ?? .today(), today: .today()) {
        case .failure(let problems): return .failure(problems)
        case .success(let delivery):
            let side: Bool? = pair.teacher_id == user.accountID ? true : pair.youthworker_id == user.accountID ? false : nil
            return .success(try await req.programmes.logDelivery(delivery, runID: run.id, pair: pair, session: session, byTeacherSide: side, by: user.accountID))
        }
    }

    func log(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .create)
        let session = try await session(req, run)
        guard !loggablePairs(user, pairs).isEmpty else { throw SamenError.forbidden }
        let form = (try? req.content.decode(LogForm.self)) ?? LogForm()
        switch try await record(req: req, user: user, run: run, pairs: pairs, session: session, form: form) {
        case .failure(let problems):
            return try await renderLog(req: req, user: user, run: run, pairs: pairs, session: session,
                                       values: ["pair_id": form.pair_id ?? "", "date": form.date ?? "", "present": form.present ?? "",
                                                "expected": form.expected ?? "", "reflection": form.reflection ?? ""],
                                       checked: form.fidelity ?? [], errors: problems.messages(req.language), status: .badRequest)
        case .success:
            return req.redirect(to: "/runs/\(run.id)#deliveries")
        }
    }

    struct ReflectionForm: Content { var reflection: String? }

    /// A partner writes (or rewrites) their own reflection on a delivered meeting of their pair.
    func reflect(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .update)
        guard let id = req.parameters.get("delivery", as: UUID.self), let delivery = try await req.programmes.delivery(id), delivery.run_id == run.id,
              let pair = pairs.first(where: { $0.id == delivery.pair_id }) else { throw SamenError.notFound }
        guard pair.teacher_id == user.accountID || pair.youthworker_id == user.accountID else { throw SamenError.forbidden }
        let text = ((try? req.content.decode(ReflectionForm.self))?.reflection ?? "").trimmed
        guard text.count <= 2_000 else { throw SamenError.invalid("import_too_long", field: "reflection", ["2000"]) }
        try await req.programmes.reflect(deliveryID: id, teacherSide: pair.teacher_id == user.accountID, text: text)
        return req.redirect(to: "/runs/\(run.id)#deliveries")
    }

    // MARK: The expectations matrix

    /// Managers and the run's partners draft the matrix; only managers publish and make links.
    func matrixPage(req: Request) async throws -> Response {
        let (user, run, _) = try await run(req, .read)
        return try await renderMatrix(req: req, user: user, run: run, matrix: try await req.programmes.draft(runID: run.id), form: nil, errors: [:],
                                      notice: nil, newLink: nil, status: .ok)
    }

    func renderMatrix(req: Request, user: CurrentUser, run: RunJSON, matrix: ExpectationMatrix, form: [String: String]?, errors: [String: String],
                      notice: String?, newLink: String?, status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let running = run.finished_on == nil
        let manager = Self.managers.contains(user.role) && user.viewer.can(.update, .programme)
        let canEdit = running && user.viewer.can(.update, .programme)
        let ideas = try await req.programmes.ideas(runID: run.id)
        var placed = Set<Int>()
        let rows = matrix.expectations.enumerated().map { e, name in
            MatrixRowEdit(field: "e\(e)", name: form?["e\(e)"] ?? name, cells: matrix.settings.enumerated().map { s, setting in
                let here = ideas.enumerated().filter { $0.element.expectation == name && $0.element.setting == setting }
                placed.formUnion(here.map(\.offset))
                return MatrixCellEdit(field: "c\(e)_\(s)", text: form?["c\(e)_\(s)"] ?? matrix.behaviours(e, s).joined(separator: "\n"), ideas: here.map(\.element.text))
            })
        }
        let page = MatrixPage(
            run: run.title, runHref: "/runs/\(run.id)",
            columns: matrix.settings.enumerated().map { MatrixColumn(field: "s\($0.offset)", name: form?["s\($0.offset)"] ?? $0.element) },
            rows: rows, action: canEdit ? "/runs/\(run.id)/matrix" : nil,
            publishAction: manager && running ? "/runs/\(run.id)/matrix/publish" : nil, complete: matrix.isComplete,
            otherIdeas: ideas.enumerated().filter { !placed.contains($0.offset) }.map { $0.element.expectation + " · " + $0.element.setting + ": " + $0.element.text },
            ideaCount: ideas.count,
            links: manager ? try await req.programmes.links(runID: run.id).map { l in
                LinkedItem(label: Catalogue.text(l.revoked ? "matrix_link_closed" : "matrix_link_open", language,
                                                 [l.expires_at.formatted(.iso8601.year().month().day())]),
                           href: l.revoked ? "" : "/runs/\(run.id)/links/\(l.id)/revoke", detail: Catalogue.text("matrix_link_ideas", language, [String(l.ideas)]))
            } : [],
            linkAction: manager && running ? "/runs/\(run.id)/links" : nil, newLink: newLink,
            published: try await req.programmes.published(runID: run.id).map { p in
                LinkedItem(label: Catalogue.text("matrix_version", language, [String(p.version)]), href: "/schools/\(run.school_id)/expectations",
                           detail: p.published_at.formatted(.iso8601.year().month().day()))
            },
            values: [:], errors: errors, problems: errors.sorted { $0.key < $1.key }.map(\.value), notice: notice, readOnly: !canEdit)
        return try await req.renderPage("collaboration/matrix", title: "matrix_title", titleArguments: [run.title], page: page, status: status)
    }

    func editableRun(_ req: Request) async throws -> (CurrentUser, RunJSON) {
        let (user, run, _) = try await run(req, .update)
        guard run.finished_on == nil else { throw SamenError(status: .conflict, key: "run_finished") }
        return (user, run)
    }

    func saveMatrix(req: Request) async throws -> Response {
        let (user, run) = try await editableRun(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let current = try await req.programmes.draft(runID: run.id)
        switch ExpectationMatrix.read(form: form, current: current) {
        case .failure(let problems):
            return try await renderMatrix(req: req, user: user, run: run, matrix: current, form: form, errors: problems.messages(req.language), notice: nil,
                                          newLink: nil, status: .badRequest)
        case .success(let matrix):
            try await req.programmes.saveDraft(matrix, runID: run.id)
            return try await renderMatrix(req: req, user: user, run: run, matrix: matrix, form: nil, errors: [:],
                                          notice: Catalogue.text("matrix_saved", req.language), newLink: nil, status: .ok)
        }
    }

    func publish(req: Request) async throws -> Response {
        let (user, run) = try await editableRun(req)
        try requireManager(user)
        let version = try await req.programmes.publish(runID: run.id, schoolID: run.school_id, by: user.accountID)
        return try await renderMatrix(req: req, user: user, run: run, matrix: try await req.programmes.draft(runID: run.id), form: nil, errors: [:],
                                      notice: Catalogue.text("matrix_published", req.language, [String(version)]), newLink: nil, status: .ok)
    }

    struct LinkForm: Content { var days: String? }

    func makeLink(req: Request) async throws -> Response {
        let (user, run) = try await editableRun(req)
        try requireManager(user)
        let days: Int
        switch GuardianLinkRules.days((try? req.content.decode(LinkForm.self))?.days ?? "") {
        case .success(let n): days = n
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        }
        let link = try await req.programmes.createLink(runID: run.id, days: days, by: user.accountID)
        return try await renderMatrix(req: req, user: user, run: run, matrix: try await req.programmes.draft(runID: run.id), form: nil, errors: [:], notice: nil,
                                      newLink: link.url, status: .ok)
    }

    func revokeLink(req: Request) async throws -> Response {
        let (user, run, _) = try await run(req, .update)
        try requireManager(user)
        guard let link = req.parameters.get("link", as: UUID.self) else { throw SamenError.notFound }
        try await req.programmes.revokeLink(link, runID: run.id)
        return req.redirect(to: "/runs/\(run.id)/matrix#links")
    }

    // MARK: Evaluation and running again

    struct FinishForm: Content { var evaluation: String? }

    func finish(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .update)
        try requireManager(user)
        let text = ((try? req.content.decode(FinishForm.self))?.evaluation ?? "").trimmed
        if text.isEmpty || text.count > 8_000 {
            let key = text.isEmpty ? "run_evaluation_required" : "import_too_long"
            return try await renderRun(req: req, user: user, run: run, pairs: pairs, values: ["evaluation": text],
                                       errors: ["evaluation": Catalogue.text(key, req.language, ["8000"])], status: .badRequest)
        }
        try await req.programmes.finish(runID: run.id, on: .today(), evaluation: text)
        return req.redirect(to: "/runs/\(run.id)#evaluation")
    }

    /// Runs the programme again at the school, on its latest version, starting from the matrix this run published.
    func again(req: Request) async throws -> Response {
        let (user, run, _) = try await run(req, .create)
        try requireManager(user)
        guard run.finished_on != nil else { throw SamenError(status: .conflict, key: "run_not_finished") }
        guard let programme = try await req.programmes.find(run.programme_id, language: req.language),
              let latest = try await req.programmes.versions(familyID: programme.family_id, language: req.language).first else { throw SamenError.notFound }
        let id = try await req.programmes.start(programme: latest, schoolID: run.school_id, title: latest.title + " " + String(LocalDate.today().year),
                                                startsOn: .today(), previous: run, by: user.accountID, language: req.language)
        return req.redirect(to: "/runs/\(id)")
    }

    // MARK: The poster

    /// The school's behaviour expectations in force, as a printable poster: everyone working at the school.
    func poster(req: Request) async throws -> Response {
        let (_, school) = try await school(req, .read)
        let inForce = try await req.programmes.inForce(schoolID: school.id!)
        let page = PosterPage(school: school.name, settings: inForce?.matrix.settings ?? [],
                              rows: inForce.map { m in m.matrix.expectations.enumerated().map { e, name in
                                  PosterRow(name: name, cells: m.matrix.settings.indices.map { m.matrix.behaviours(e, $0) }) } } ?? [],
                              published: inForce.map { $0.publishedAt.formatted(.iso8601.year().month().day()) } ?? "", empty: inForce == nil)
        return try await req.renderPage("collaboration/poster", title: "poster_title", titleArguments: [school.name], page: page)
    }

    // MARK: Pairs

    func pairsPage(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .read)
        try requireManager(user)
        return try await renderPairs(req: req, school: school, values: [:], errors: [:], status: .ok)
    }

    func renderPairs(req: Request, school: School, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let pairs = try await req.programmes.pairs(schoolID: school.id!)
        let candidates = try await req.programmes.pairCandidates(schoolID: school.id!)
        let page = PairsPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            pairs: pairs.filter { $0.ended_on == nil }.map { pairLine($0, language) }, ended: pairs.filter { $0.ended_on != nil }.map { pairLine($0, language) },
            action: "/schools/\(school.id!)/pairs",
            teachers: candidates.teachers.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["teacher_id"] == $0.0.uuidString) },
            workers: candidates.workers.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["youthworker_id"] == $0.0.uuidString) },
            groups: candidates.groups.map { Option(value: $0.0.uuidString, label: $0.1, selected: values["group_id"] == $0.0.uuidString) },
            values: values, errors: errors)
        return try await req.renderPage("collaboration/pairs", title: "pairs_title", titleArguments: [school.name], page: page, status: status)
    }

    func formPair(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .create)
        try requireManager(user)
        let form = (try? req.content.decode(PairForm.self)) ?? PairForm()
        do {
            let id = try await req.programmes.formPair(schoolID: school.id!, teacherID: form.teacher_id.flatMap { UUID(uuidString: $0) },
                                                       workerID: form.youthworker_id.flatMap { UUID(uuidString: $0) },
                                                       groupID: try optionalID(form.group_id, field: "group_id"), runID: nil, on: .today(), by: user.accountID)
            return req.redirect(to: "/pairs/\(id)")
        } catch let error as SamenError where error.field != nil {
            return try await renderPairs(req: req, school: school,
                                         values: ["teacher_id": form.teacher_id ?? "", "youthworker_id": form.youthworker_id ?? "", "group_id": form.group_id ?? ""],
                                         errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)], status: .badRequest)
        }
    }

    /// A pair: both partners, and the school's leaders and coordinators (the administrator); 404 for anyone else.
    func pair(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, PairJSON) {
        let user = try req.require(action, .programme)
        guard let id = req.parameters.get("pair", as: UUID.self), let pair = try await req.programmes.pair(id) else { throw SamenError.notFound }
        let visible = user.role == .admin || (Self.managers.contains(user.role) && user.viewer.schoolIDs.contains(pair.school_id))
            || pair.teacher_id == user.accountID || pair.youthworker_id == user.accountID
        guard visible else { throw SamenError.notFound }
        return (user, pair)
    }

    /// The pair's work: the runs it delivers in, the meetings it delivered, and the students it supports together (as far as the viewer may see them).
    func pairPage(req: Request) async throws -> Response {
        let (user, pair) = try await pair(req, .read)
        let language = req.language
        var runs: [LinkedItem] = [], deliveries: [LinkedItem] = []
        if let runID = pair.run_id, let run = try await req.programmes.run(runID, language: language) {
            runs.append(runLine(run, language))
            let definition = run.definition
            for d in try await req.programmes.deliveries(runID: runID) where d.pair_id == pair.id {
                deliveries.append(LinkedItem(label: sessionLabel(d.session, language) + ": " + (definition.session(d.session)?.title.text(language) ?? ""),
                                             href: "/runs/\(runID)#deliveries",
                                             detail: date(d.delivered_on, language) + " · " + Catalogue.text("delivery_attendance_of", language, [String(d.present), String(d.expected)])))
            }
        }
        let enrolments = try await EnrolmentService(db: req.db).list(for: user.viewer)
            .filter { $0.teacher_id == pair.teacher_id && $0.youthworker_id == pair.youthworker_id }
        let page = PairPage(
            title: pair.teacher + " + " + pair.youthworker, school: try await req.directory.school(pair.school_id, for: Viewer(accountID: user.accountID, role: .admin)).name,
            group: pair.group ?? "—", formed: date(pair.formed_on, language), ended: pair.ended_on.map { date($0, language) },
            runs: runs, deliveries: deliveries,
            enrolments: enrolments.map { e in
                LinkedItem(label: e.student, href: SiteURL.enrolment(e.id).path,
                           detail: e.intervention + " · " + Catalogue.text("enrolment_status_\(e.status)", language))
            },
            endAction: Self.managers.contains(user.role) && pair.ended_on == nil ? "/pairs/\(pair.id)/end" : nil)
        return try await req.renderPage("collaboration/pair", title: "pair_title", titleArguments: [page.title], page: page)
    }

    func endPair(req: Request) async throws -> Response {
        let (user, pair) = try await pair(req, .update)
        try requireManager(user)
        guard pair.ended_on == nil else { throw SamenError(status: .conflict, key: "pair_ended") }
        try await req.programmes.endPair(pair.id, on: .today())
        return req.redirect(to: "/pairs/\(pair.id)")
    }

    // MARK: The students' anonymous page

    func opened(_ req: Request) async throws -> (run: RunJSON, link: UUID, matrix: ExpectationMatrix) {
        guard let token = req.parameters.get("token"), let (runID, link) = try await req.programmes.openLink(token: token),
              let run = try await req.programmes.run(runID, language: req.language) else {
            throw SamenError(status: .notFound, key: "idea_link_gone")
        }
        return (run, link, try await req.programmes.draft(runID: runID))
    }

    func ideasPage(req: Request) async throws -> Response {
        let opened = try await opened(req)
        return try await renderIdeas(req: req, opened: opened, values: [:], errors: [:], notice: nil, status: .ok)
    }

    func renderIdeas(req: Request, opened: (run: RunJSON, link: UUID, matrix: ExpectationMatrix), values: [String: String], errors: [String: String],
                     notice: String?, status: HTTPResponseStatus) async throws -> Response {
        let page = IdeasPage(run: opened.run.title, school: opened.run.school,
                             expectations: opened.matrix.expectations.map { Option(value: $0, label: $0, selected: values["expectation"] == $0) },
                             settings: opened.matrix.settings.map { Option(value: $0, label: $0, selected: values["setting"] == $0) },
                             action: req.url.path, values: values, errors: errors, notice: notice)
        let response = try await req.renderPage("collaboration/ideas", title: "ideas_title", page: page, status: status)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    struct IdeaForm: Content { var expectation: String?; var setting: String?; var text: String? }

    func sendIdea(req: Request) async throws -> Response {
        let opened = try await opened(req)
        let body = (try? req.content.decode(IdeaForm.self)) ?? IdeaForm()
        let form = ["expectation": body.expectation ?? "", "setting": body.setting ?? "", "text": body.text ?? ""]
        switch MatrixIdea.read(form: form, matrix: opened.matrix) {
        case .failure(let problems):
            return try await renderIdeas(req: req, opened: opened, values: form, errors: problems.messages(req.language), notice: nil, status: .badRequest)
        case .success(let idea):
            try await req.programmes.addIdea(idea, runID: opened.run.id, linkID: opened.link)
            // The form stays on the same place, so the next idea for it is one line away.
            return try await renderIdeas(req: req, opened: opened, values: ["expectation": idea.expectation, "setting": idea.setting], errors: [:],
                                         notice: Catalogue.text("idea_thanks", req.language), status: .ok)
        }
    }

    // MARK: API

    func apiLibrary(req: Request) async throws -> Items<ProgrammeJSON> {
        let user = try req.require(.read, .programme)
        return Items(items: try await req.programmes.library(for: user.viewer, language: req.language))
    }

    func apiProgramme(req: Request) async throws -> ProgrammeJSON {
        try await programme(req, .read).1
    }

    func created<T: Content>(_ value: T, _ req: Request) async throws -> Response {
        let response = try await value.encodeResponse(for: req)
        response.status = .created
        return response
    }

    func apiCopy(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .create)
        try requireManager(user)
        let school = try await chosenSchool(req, user: user, id: (try? req.content.decode(SchoolForm.self))?.school_id)
        let id = try await req.programmes.copy(programme, schoolID: school, by: user.accountID)
        return try await created(try await req.programmes.find(id, language: req.language)!, req)
    }

    /// A new version from a whole definition (as `GET` returns it): a school's own programme, latest version.
    func apiAdapt(req: Request) async throws -> Response {
        let (user, programme) = try await adaptable(req)
        guard let definition = try? req.content.decode(ProgrammeDefinition.self) else { throw SamenError.invalid("programme_bad_definition", field: "sessions") }
        switch definition.validated() {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let checked):
            let id = try await req.programmes.adapt(programme, definition: checked, by: user.accountID)
            return try await created(try await req.programmes.find(id, language: req.language)!, req)
        }
    }

    func full(_ req: Request, _ run: RunJSON, pairs: [PairJSON]) async throws -> RunJSON {
        var run = run
        let deliveries = try await req.programmes.deliveries(runID: run.id)
        run.pairs = pairs
        run.deliveries = deliveries
        run.figures = RunFiguresJSON(ProgrammeRules.figures(deliveries.map(\.figures), definition: run.definition))
        run.draft = try await req.programmes.draft(runID: run.id)
        run.published = try await req.programmes.published(runID: run.id)
        return run
    }

    func apiStartRun(req: Request) async throws -> Response {
        let (user, programme) = try await programme(req, .create)
        try requireManager(user)
        let (school, title, start) = try await readRun(req, user: user, programme: programme, form: try req.content.decode(RunForm.self))
        let id = try await req.programmes.start(programme: programme, schoolID: school, title: title, startsOn: start, previous: nil, by: user.accountID,
                                                language: req.language)
        let run = try await req.programmes.run(id, language: req.language)!
        return try await created(try await full(req, run, pairs: []), req)
    }

    func apiRun(req: Request) async throws -> RunJSON {
        let (_, run, pairs) = try await run(req, .read)
        return try await full(req, run, pairs: pairs)
    }

    struct DeliveryBody: Content {
        var pair_id: String?; var session: Int?; var date: String?; var present: Int?; var expected: Int?; var done: [String]?; var reflection: String?
    }

    func apiLog(req: Request) async throws -> Response {
        let (user, run, pairs) = try await run(req, .create)
        guard !loggablePairs(user, pairs).isEmpty else { throw SamenError.forbidden }
        let body = try req.content.decode(DeliveryBody.self)
        guard let number = body.session, let session = run.definition.session(number) else {
            throw SamenError.invalid("delivery_bad_session", field: "session")
        }
        let form = LogForm(pair_id: body.pair_id, date: body.date, present: body.present.map(String.init), expected: body.expected.map(String.init),
                           reflection: body.reflection, fidelity: body.done)
        switch try await record(req: req, user: user, run: run, pairs: pairs, session: session, form: form) {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let id): return try await created(try await req.programmes.delivery(id)!, req)
        }
    }

    func apiSaveMatrix(req: Request) async throws -> Response {
        let (_, run) = try await editableRun(req)
        guard let matrix = try? req.content.decode(ExpectationMatrix.self) else { throw SamenError.invalid("matrix_bad_shape", field: "cells", ["?", "?"]) }
        switch matrix.validated() {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let checked):
            try await req.programmes.saveDraft(checked, runID: run.id)
            return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(string: try JSONText.encode(checked)))
        }
    }

    func apiPublish(req: Request) async throws -> Response {
        let (user, run) = try await editableRun(req)
        try requireManager(user)
        let version = try await req.programmes.publish(runID: run.id, schoolID: run.school_id, by: user.accountID)
        return try await created(try await req.programmes.published(runID: run.id).first { $0.version == version }!, req)
    }

    func apiPairs(req: Request) async throws -> Items<PairJSON> {
        let (user, school) = try await school(req, .read)
        let pairs = try await req.programmes.pairs(schoolID: school.id!)
        if Self.managers.contains(user.role) { return Items(items: pairs) }
        return Items(items: pairs.filter { $0.teacher_id == user.accountID || $0.youthworker_id == user.accountID })
    }

    func apiFormPair(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .create)
        try requireManager(user)
        let form = try req.content.decode(PairForm.self)
        let id = try await req.programmes.formPair(schoolID: school.id!, teacherID: form.teacher_id.flatMap { UUID(uuidString: $0) },
                                                   workerID: form.youthworker_id.flatMap { UUID(uuidString: $0) },
                                                   groupID: try optionalID(form.group_id, field: "group_id"), runID: nil, on: .today(), by: user.accountID)
        return try await created(try await req.programmes.pair(id)!, req)
    }
}

extension DeliveryJSON {
    var figures: DeliveryFigures {
        DeliveryFigures(session: session, pair: pair_id, present: present, expected: expected, done: done.count, items: items)
    }
}
