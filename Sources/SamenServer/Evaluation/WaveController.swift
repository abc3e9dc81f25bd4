import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct WaveLine: Encodable { var name: String; var href: String; var detail: String; var state: String; var stateKey: String }

struct WavesPage: Encodable {
    var waves: [WaveLine]
    var action: String
    var questionnaires: [Option]
    var schools: [Option]
    var groups: [Option]
    var forStudents: Bool
    var baselines: [Option]
    var values: [String: String]
    var errors: [String: String]
}

struct RateLine: Encodable { var school: String; var type: String; var invited: Int; var completed: Int; var rate: String }

struct WaveGroupLine: Encodable { var group: String; var school: String; var students: Int; var completed: Int; var linkAction: String; var linkMade: String?; var newLink: String? }

struct WavePage: Encodable {
    var forStudents: Bool
    var groups: [WaveGroupLine]
    var name: String
    var questionnaire: String
    var questionnaireHref: String
    var period: String
    var state: String
    var baselineHref: String?
    var rates: [RateLine]
    var total: String
    var reportHref: String
    /// Staff waves: the form that makes personal links, and how many there are.
    var personalAction: String?
    var personalSchools: [Option]
    var personalRoles: [Option]
    var personalCount: String?
    var values: [String: String]
    var errors: [String: String]
}

struct PersonalLinkLine: Encodable { var label: String; var school: String; var role: String; var url: String }

/// The personal links just made: shown once (only their hashes are kept), as a table and as CSV for a mail merge.
struct PersonalLinksPage: Encodable {
    var wave: String
    var waveHref: String
    var links: [PersonalLinkLine]
    var csv: String
}

struct ReportPage: Encodable {
    var wave: String
    var waveHref: String
    var questionnaire: String
    var period: String
    var baseline: String?
    var summary: String
    var sections: [ReportSection]
    var dataHref: String
    var codebookHref: String
}

struct AnswerOption: Encodable { var value: String; var label: String; var checked: Bool }
struct AnswerItem: Encodable {
    var key: String
    var text: String
    var aspect: String?
    var kind: String
    var options: [AnswerOption]
    var value: String
    var required: Bool
    var error: String?
}
struct AnswerSection: Encodable { var title: String; var items: [AnswerItem] }

struct RespondPage: Encodable {
    var wave: String
    var instructions: String
    var action: String
    var sections: [AnswerSection]
    var done: Bool
    var notice: String?
    var hasErrors: Bool
}

/// Measurement waves: a researcher puts a questionnaire version to the teachers and youth-care workers
/// of chosen schools, optionally as the follow-up of a baseline, and follows the response rate per school;
/// the invited answer inside Samen on a page that works on a phone, save as they go and resume.
struct WaveController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("waves", use: list)
        routes.post("waves", use: create)
        routes.get("waves", ":wave", use: page)
        routes.get("waves", ":wave", "report", use: reportPage)
        routes.get("waves", ":wave", "report.csv", use: reportCSV)
        routes.get("waves", ":wave", "data.csv", use: dataCSV)
        routes.get("waves", ":wave", "codebook.csv", use: codebookCSV)
        routes.get("waves", ":wave", "respond", use: respondPage)
        routes.post("waves", ":wave", "respond", use: respond)
        routes.post("waves", ":wave", "groups", ":group", "link", use: makeLink)
        routes.get("m", ":token", use: linkPage)
        routes.post("m", ":token", use: linkRespond)
        routes.post("waves", ":wave", "personal-links", use: makePersonalLinks)
        routes.get("r", ":token", use: personalPage)
        routes.post("r", ":token", use: personalRespond)
        let api = routes.grouped("api", "v1")
        api.get("waves", use: apiList)
        api.post("waves", use: apiCreate)
        api.get("waves", ":wave", use: apiWave)
        api.get("waves", ":wave", "report", use: apiReport)
        api.post("waves", ":wave", "links", use: apiPersonalLinks)
    }

    /// The waves' owner side: researchers (their own) and the administrator.
    func researcher(_ req: Request, _ action: SamenCore.Action) throws -> CurrentUser {
        let user = try req.require(action, .questionnaire)
        guard [Role.admin, .researcher].contains(user.role) else { throw SamenError.forbidden }
        return user
    }

    func owned(_ req: Request) async throws -> (CurrentUser, WaveJSON) {
        let user = try researcher(req, .read)
        guard let id = req.parameters.get("wave", as: UUID.self), let wave = try await req.waves.find(id, language: req.language),
              user.role == .admin || wave.owner_id == user.accountID else { throw SamenError.notFound }
        return (user, wave)
    }

    func period(_ w: WaveJSON, _ language: Language) -> String {
        (LocalDate(iso: w.opens_on)?.display(language) ?? w.opens_on) + " – " + (LocalDate(iso: w.closes_on)?.display(language) ?? w.closes_on)
    }

    func list(req: Request) async throws -> Response {
        let user = try researcher(req, .read)
        return try await render(req: req, user: user, values: [:], errors: [:], status: .ok)
    }

    func render(req: Request, user: CurrentUser, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let waves = try await req.waves.waves(for: user.viewer, language: language)
        let chosen = Set((values["school_ids"] ?? "").split(separator: ",").map(String.init))
        let chosenGroups = Set((values["group_ids"] ?? "").split(separator: ",").map(String.init))
        var form = ["opens_on": LocalDate.today().iso, "closes_on": LocalDate.today().adding(days: 28).iso, "minimum_cell": "5"]
        form.merge(values) { _, new in new }
        let page = WavesPage(
            waves: waves.map { w in
                WaveLine(name: w.name, href: "/waves/\(w.id)", detail: w.questionnaire + " v\(w.version) · " + period(w, language),
                         state: Catalogue.text("wave_state_\(w.state)", language), stateKey: w.state)
            },
            action: "/waves",
            questionnaires: try await req.questionnaires.library(for: user.viewer, language: language)
                .filter { q in q.definition.items.contains { $0.kind != .text } }
                .map { Option(value: $0.id.uuidString, label: $0.title + " (v\($0.version))", selected: form["questionnaire_id"] == $0.id.uuidString) },
            schools: try await req.waves.schoolsOffered(for: user.viewer).map { Option(value: $0.0.uuidString, label: $0.1 + " (" + $0.2 + ")", selected: chosen.contains($0.0.uuidString)) },
            groups: try await req.waves.groupsOffered(for: user.viewer).map { g in
                Option(value: g.id.uuidString, label: g.school + " · " + g.name, selected: chosenGroups.contains(g.id.uuidString))
            },
            forStudents: form["target"] == WaveTarget.students.rawValue,
            baselines: waves.map { Option(value: $0.id.uuidString, label: $0.name, selected: form["baseline_id"] == $0.id.uuidString) },
            values: form, errors: errors)
        return try await req.renderPage("evaluation/waves", title: "waves_title", page: page, status: status)
    }

    struct WaveForm: Content {
        var name: String?; var questionnaire_id: String?; var opens_on: String?; var closes_on: String?; var school_ids: [String]?; var baseline_id: String?
        var minimum_cell: FormNumber?
        var target: String?; var group_ids: [String]?
    }

    /// Reads and stores a wave; the problems by field otherwise.
    func make(req: Request, user: CurrentUser, form: WaveForm) async throws -> Validated<UUID> {
        let fields = ["name": form.name ?? "", "opens_on": form.opens_on ?? "", "closes_on": form.closes_on ?? "", "baseline_id": form.baseline_id ?? "",
                      "minimum_cell": form.minimum_cell?.text ?? "", "target": form.target ?? ""]
        let own = try await req.waves.waves(for: user.viewer, language: req.language)
        let offered = Set(try await req.waves.schoolsOffered(for: user.viewer).map(\.0))
        var problems: [FieldProblem] = []
        var questionnaire: QuestionnaireJSON? = nil
        if let id = UUID(uuidString: form.questionnaire_id ?? "") { questionnaire = try await req.questionnaires.find(id, language: req.language) }
        if questionnaire == nil || !req.questionnaires.mayRead(questionnaire!, user.viewer) {
            problems.append(FieldProblem(field: "questionnaire_id", key: "wave_bad_questionnaire"))
        }
        let groupsOffered = Dictionary(try await req.waves.groupsOffered(for: user.viewer).map { ($0.id, $0.schoolID) }, uniquingKeysWith: { a, _ in a })
        switch WaveFields.read(form: fields, schools: form.school_ids ?? [], schoolsOffered: offered, baselines: Set(own.map(\.id)),
                               groups: form.group_ids ?? [], groupsOffered: groupsOffered, today: .today()) {
        case .failure(let more): problems += more
        case .success(let wave):
            if let baseline = wave.baselineID, let base = own.first(where: { $0.id == baseline }), let questionnaire,
               try await req.questionnaires.find(base.questionnaire_id, language: req.language)?.family_id != questionnaire.family_id {
                problems.append(FieldProblem(field: "baseline_id", key: "wave_baseline_other_questionnaire"))
            }
            if problems.isEmpty, let questionnaire {
                return .success(try await req.waves.create(wave, questionnaireID: questionnaire.id, owner: user.accountID))
            }
        }
        return .failure(problems)
    }

    func create(req: Request) async throws -> Response {
        let user = try researcher(req, .create)
        let form = (try? req.content.decode(WaveForm.self)) ?? WaveForm()
        switch try await make(req: req, user: user, form: form) {
        case .success(let id): return req.redirect(to: "/waves/\(id)")
        case .failure(let problems):
            return try await render(req: req, user: user,
                                    values: ["name": form.name ?? "", "questionnaire_id": form.questionnaire_id ?? "", "opens_on": form.opens_on ?? "",
                                             "closes_on": form.closes_on ?? "", "baseline_id": form.baseline_id ?? "",
                                             "minimum_cell": form.minimum_cell?.text ?? "", "target": form.target ?? "",
                                             "group_ids": (form.group_ids ?? []).joined(separator: ","),
                                             "school_ids": (form.school_ids ?? []).joined(separator: ",")],
                                    errors: problems.messages(req.language), status: .badRequest)
        }
    }

    func page(req: Request) async throws -> Response {
        let (_, wave) = try await owned(req)
        return try await renderWave(req: req, wave: wave, newLink: nil)
    }

    // MARK: Personal links (staff waves)

    struct PersonalLinksForm: Content { var school_id: String?; var role: String?; var count: FormNumber?; var labels: String? }
    struct PersonalLinksBody: Content { var school_id: String?; var role: String?; var count: Int?; var labels: [String]? }
    struct PersonalLinkJSON: Content { var label: String?; var school_id: UUID; var role: String; var url: String }

    /// Reads a request for personal links against the wave: a staff wave of this researcher's, not closed.
    func personalRequest(_ req: Request, wave: WaveJSON, schoolID: String?, role: String?, count: String?, labels: String?) async throws -> Validated<PersonalLinkRequest> {
        guard wave.target == WaveTarget.staff.rawValue else { throw SamenError(status: .conflict, key: "wave_personal_staff_only") }
        guard wave.state != WaveState.closed.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        let schools = Set(try await req.waves.rates(waveID: wave.id).map(\.school_id))
        return PersonalLinkRequest.read(schoolID: schoolID, role: role, count: count, labels: labels, schools: schools, roles: WaveService.respondentRoles)
    }

    /// An address to give a person: the link's path on the host the researcher reached Samen on.
    func address(_ req: Request, _ path: String) -> String {
        guard let host = req.headers.first(name: .host), !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " }) else { return path }
        let scheme = req.application.samenConfig.secureCookies || req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http"
        return scheme + "://" + host + path
    }

    func makePersonalLinks(req: Request) async throws -> Response {
        let (user, wave) = try await owned(req)
        guard user.viewer.can(.update, .questionnaire) else { throw SamenError.forbidden }
        let form = (try? req.content.decode(PersonalLinksForm.self)) ?? PersonalLinksForm()
        switch try await personalRequest(req, wave: wave, schoolID: form.school_id, role: form.role, count: form.count?.text, labels: form.labels) {
        case .failure(let problems):
            let values = ["school_id": form.school_id ?? "", "role": form.role ?? "", "count": form.count?.text ?? "", "labels": form.labels ?? ""]
            return try await renderWave(req: req, wave: wave, newLink: nil, values: values, errors: problems.messages(req.language), status: .badRequest)
        case .success(let request):
            let made = try await req.waves.makePersonalLinks(request, wave: wave)
            let language = req.language
            let school = try await req.waves.rates(waveID: wave.id).first { $0.school_id == request.schoolID }?.school ?? ""
            let role = Catalogue.text("role_\(request.role)", language)
            let lines = made.map { PersonalLinkLine(label: $0.label ?? "", school: school, role: role, url: address(req, "/r/" + $0.token)) }
            let csv = CSVWriter.write(header: ["label", "school", "role", "link"], rows: lines.map { [$0.label, $0.school, request.role, $0.url] }, separator: ",")
            let page = PersonalLinksPage(wave: wave.name, waveHref: "/waves/\(wave.id)", links: lines, csv: csv)
            return try await req.renderPage("evaluation/personal-links", title: "wave_personal_links_title", titleArguments: [wave.name], page: page)
        }
    }

    func apiPersonalLinks(req: Request) async throws -> Response {
        let (user, wave) = try await owned(req)
        guard user.viewer.can(.update, .questionnaire) else { throw SamenError.forbidden }
        let body = (try? req.content.decode(PersonalLinksBody.self)) ?? PersonalLinksBody()
        switch try await personalRequest(req, wave: wave, schoolID: body.school_id, role: body.role, count: body.count.map(String.init),
                                         labels: body.labels?.joined(separator: "\n")) {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let request):
            let made = try await req.waves.makePersonalLinks(request, wave: wave)
            let response = try await Items(items: made.map {
                PersonalLinkJSON(label: $0.label, school_id: request.schoolID, role: request.role, url: address(req, "/r/" + $0.token))
            }).encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func openedPersonal(_ req: Request) async throws -> (WaveService.PersonalLink, Questionnaire) {
        guard let token = req.parameters.get("token"), let link = try await req.waves.openPersonalLink(token: token, language: req.language) else {
            throw SamenError(status: .notFound, key: "wave_personal_gone")
        }
        return (link, try await req.waves.questionnaire(of: link.wave))
    }

    /// A personal link's page: the questionnaire, resumed where the link's holder left it; sent, only the thanks.
    func personalPage(req: Request) async throws -> Response {
        let (link, questionnaire) = try await openedPersonal(req)
        guard link.complete || link.wave.state == WaveState.open.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        return linkResponse(try await renderRespond(
            req: req, wave: link.wave, questionnaire: questionnaire, form: link.complete ? [:] : link.answers?.form ?? [:], errors: [:], done: link.complete,
            notice: link.answers.map { _ in Catalogue.text(link.complete ? "respond_done" : "respond_resumed", req.language) }, status: .ok, action: req.url.path))
    }

    func personalRespond(req: Request) async throws -> Response {
        let (link, questionnaire) = try await openedPersonal(req)
        guard link.wave.state == WaveState.open.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        guard !link.complete else { throw SamenError(status: .conflict, key: "respond_already_done") }
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        let submit = form.removeValue(forKey: "send") != nil
        form.removeValue(forKey: "save"); form.removeValue(forKey: "_csrf")
        switch QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: false) {
        case .failure(let problems):
            return linkResponse(try await renderRespond(req: req, wave: link.wave, questionnaire: questionnaire, form: form, errors: problems.messages(req.language),
                                                        done: false, notice: nil, status: .badRequest, action: req.url.path))
        case .success(let partial):
            var missing: [FieldProblem] = []
            if submit, case .failure(let open) = QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: true) { missing = open }
            // Written only while not yet sent: a second request at the same moment finds the link used.
            guard try await req.waves.savePersonalResponse(partial, complete: submit && missing.isEmpty, linkID: link.id) else {
                throw SamenError(status: .conflict, key: "respond_already_done")
            }
            if !missing.isEmpty {
                return linkResponse(try await renderRespond(req: req, wave: link.wave, questionnaire: questionnaire, form: form, errors: missing.messages(req.language),
                                                            done: false, notice: Catalogue.text("respond_saved_missing", req.language, [String(missing.count)]),
                                                            status: .badRequest, action: req.url.path))
            }
            return linkResponse(try await renderRespond(req: req, wave: link.wave, questionnaire: questionnaire, form: form, errors: [:], done: submit,
                                                        notice: Catalogue.text(submit ? "respond_done" : "respond_saved", req.language), status: .ok,
                                                        action: req.url.path))
        }
    }

    /// A new link for one of a students' wave's groups, shown once on the wave's page (only its hash is kept).
    func makeLink(req: Request) async throws -> Response {
        let (user, wave) = try await owned(req)
        guard user.viewer.can(.update, .questionnaire) else { throw SamenError.forbidden }
        guard let group = req.parameters.get("group", as: UUID.self), let token = try await req.waves.makeLink(waveGroupID: group, waveID: wave.id) else {
            throw SamenError.notFound
        }
        return try await renderWave(req: req, wave: wave, newLink: (group, "/m/" + token))
    }

    func renderWave(req: Request, wave: WaveJSON, newLink: (UUID, String)?, values: [String: String] = [:], errors: [String: String] = [:],
                    status: HTTPResponseStatus = .ok) async throws -> Response {
        let language = req.language
        let staff = wave.target == WaveTarget.staff.rawValue
        let personal = staff ? try await req.waves.personalLinkCounts(waveID: wave.id) : (made: 0, sent: 0)
        let groups = wave.target == WaveTarget.students.rawValue ? try await req.waves.groups(waveID: wave.id) : []
        let rates = try await req.waves.rates(waveID: wave.id)
        let invited = rates.reduce(0) { $0 + $1.invited }, completed = rates.reduce(0) { $0 + $1.completed }
        func percent(_ r: Double?) -> String { r.map { String(Int($0.rounded())) + "%" } ?? "—" }
        let page = WavePage(
            forStudents: wave.target == WaveTarget.students.rawValue,
            groups: groups.map { g in
                WaveGroupLine(group: g.group, school: g.school, students: g.students, completed: g.completed, linkAction: "/waves/\(wave.id)/groups/\(g.id)/link",
                          linkMade: g.link_made_at.map { Catalogue.text("wave_link_made", language, [LocalDate.today(now: $0).display(language)]) },
                          newLink: newLink?.0 == g.id ? newLink?.1 : nil)
            },
            name: wave.name, questionnaire: wave.questionnaire + " v\(wave.version)", questionnaireHref: "/questionnaires/\(wave.questionnaire_id)",
            period: period(wave, language), state: Catalogue.text("wave_state_\(wave.state)", language),
            baselineHref: wave.baseline_id.map { "/waves/\($0)" },
            rates: rates.map { RateLine(school: $0.school, type: $0.school_type, invited: $0.invited, completed: $0.completed, rate: percent($0.response_rate)) },
            total: Catalogue.text("wave_total", language, [String(completed), String(invited), percent(responseRate(completed: completed, invited: invited))]),
            reportHref: "/waves/\(wave.id)/report",
            personalAction: staff && wave.state != WaveState.closed.rawValue ? "/waves/\(wave.id)/personal-links" : nil,
            personalSchools: rates.map { Option(value: $0.school_id.uuidString, label: $0.school, selected: values["school_id"] == $0.school_id.uuidString) },
            personalRoles: WaveService.respondentRoles.map { Option(value: $0, label: Catalogue.text("role_\($0)", language), selected: values["role"] == $0) },
            personalCount: personal.made > 0 ? Catalogue.text("wave_personal_count", language, [String(personal.made), String(personal.sent)]) : nil,
            values: values, errors: errors)
        return try await req.renderPage("evaluation/wave", title: "wave_title", titleArguments: [wave.name], page: page, status: status)
    }

    // MARK: The report

    func report(_ req: Request) async throws -> (WaveJSON, Questionnaire, WaveReportJSON) {
        let (_, wave) = try await owned(req)
        let questionnaire = try await req.waves.questionnaire(of: wave)
        var baseline: (UUID, Questionnaire)? = nil
        if let id = wave.baseline_id, let base = try await req.waves.find(id, language: req.language) {
            baseline = (id, try await req.waves.questionnaire(of: base))
        }
        let report = try await WaveReport.make(wave: wave, questionnaire: questionnaire, baseline: baseline, sql: req.db as! any SQLDatabase,
                                               language: req.language)
        return (wave, questionnaire, report)
    }

    func tables(_ req: Request, _ wave: WaveJSON, _ q: Questionnaire, _ report: WaveReportJSON, csv: Bool) -> WaveReportTables {
        WaveReportTables(report: report, low: Double(q.answerScale.minimum), high: Double(q.answerScale.maximum), language: req.language,
                         csvBase: "/waves/\(wave.id)/report.csv",
                         number: csv ? { $0.map { String(format: "%.4f", $0) } ?? "" } : { $0.map(StatsFormat.number) ?? "—" })
    }

    func reportPage(req: Request) async throws -> Response {
        let (wave, questionnaire, report) = try await report(req)
        let language = req.language
        var baseline: String? = nil
        if let id = wave.baseline_id { baseline = try await req.waves.find(id, language: language)?.name }
        let page = ReportPage(
            wave: wave.name, waveHref: "/waves/\(wave.id)", questionnaire: wave.questionnaire + " v\(wave.version)", period: period(wave, language),
            baseline: baseline.map { Catalogue.text("report_followup_of", language, [$0]) },
            summary: Catalogue.text("report_summary", language, [String(report.responses), String(report.minimum_cell)]),
            sections: tables(req, wave, questionnaire, report, csv: false).sections,
            dataHref: "/waves/\(wave.id)/data.csv", codebookHref: "/waves/\(wave.id)/codebook.csv")
        return try await req.renderPage("evaluation/report", title: "report_title", titleArguments: [wave.name], page: page)
    }

    func csvFile(_ text: String, name: String) -> Response {
        // A BOM so that Excel reads the UTF-8 as such.
        Response(status: .ok, headers: ["Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(name)\""],
                 body: .init(string: "\u{FEFF}" + text))
    }

    /// One table of the report as CSV (`?table=` its id, as linked under it on the page).
    func reportCSV(req: Request) async throws -> Response {
        let (wave, questionnaire, report) = try await report(req)
        let id = (try? req.query.get(String.self, at: "table")) ?? ""
        guard let table = tables(req, wave, questionnaire, report, csv: true).table(id) else {
            throw SamenError(status: .notFound, key: "report_no_table")
        }
        let statements = table.statements.map { [$0] + Array(repeating: "", count: max(table.header.count - 1, 0)) }
        return csvFile(CSVWriter.write(header: table.header, rows: table.rows + statements), name: "wave-\(id).csv")
    }

    /// The wave's data, one row per sent response, as the codebook describes; never a name.
    func dataCSV(req: Request) async throws -> Response {
        let (_, wave) = try await owned(req)
        let questionnaire = try await req.waves.questionnaire(of: wave)
        let respondents = try await req.waves.exportRespondents(waveID: wave.id)
        let header = WaveDataExport.codebook(questionnaire, language: req.language).map(\.name)
        let rows = WaveDataExport.rows(respondents, questionnaire: questionnaire, minimumCell: wave.minimum_cell)
        return csvFile(CSVWriter.write(header: header, rows: rows, separator: ","), name: "wave-data.csv")
    }

    func codebookCSV(req: Request) async throws -> Response {
        let (_, wave) = try await owned(req)
        let questionnaire = try await req.waves.questionnaire(of: wave)
        let language = req.language
        let rows = WaveDataExport.codebook(questionnaire, language: language).map { v in
            [v.name, v.label, v.type, v.values, v.scale, v.reverse ? "1" : "0"]
        }
        return csvFile(CSVWriter.write(header: ["variable", "label", "type", "values", "scale", "reverse"], rows: rows, separator: ","),
                       name: "wave-codebook.csv")
    }

    func apiReport(req: Request) async throws -> WaveReportJSON {
        try await report(req).2
    }

    // MARK: Answering

    /// The wave and the person's invitation; 404 for anyone not invited.
    func invited(_ req: Request) async throws -> (CurrentUser, WaveJSON, WaveService.Invitation, Questionnaire) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("wave", as: UUID.self), let wave = try await req.waves.find(id, language: req.language),
              let invitation = try await req.waves.invitation(waveID: id, accountID: user.accountID) else { throw SamenError.notFound }
        return (user, wave, invitation, try await req.waves.questionnaire(of: wave))
    }

    func respondPage(req: Request) async throws -> Response {
        let (_, wave, invitation, questionnaire) = try await invited(req)
        let saved = try await req.waves.savedAnswers(invitationID: invitation.id)
        return try await renderRespond(req: req, wave: wave, questionnaire: questionnaire, form: saved?.form ?? [:], errors: [:], done: invitation.completed,
                                       notice: saved.map { _ in Catalogue.text(invitation.completed ? "respond_done" : "respond_resumed", req.language) },
                                       status: .ok)
    }

    func renderRespond(req: Request, wave: WaveJSON, questionnaire q: Questionnaire, form: [String: String], errors: [String: String], done: Bool,
                       notice: String?, status: HTTPResponseStatus, action: String? = nil) async throws -> Response {
        let language = req.language
        func answerItems(_ item: QuestionItem) -> [AnswerItem] {
            q.answerKeys(of: item).enumerated().map { i, key in
                let options: [AnswerOption]
                switch item.kind {
                case .scaled:
                    options = (q.answerScale.minimum...q.answerScale.maximum).enumerated().map { j, n in
                        AnswerOption(value: String(n), label: j < q.answerScale.labels.count ? q.answerScale.labels[j].text(language) : String(n), checked: form[key] == String(n))
                    }
                case .fidelity:
                    options = (0...2).map { n in AnswerOption(value: String(n), label: Catalogue.text("fidelity_answer_\(n)", language), checked: form[key] == String(n)) }
                case .choice:
                    options = (item.choices ?? []).map { AnswerOption(value: $0.code, label: $0.text.text(language), checked: form[key] == $0.code) }
                case .text:
                    options = []
                }
                return AnswerItem(key: key, text: item.text.text(language), aspect: q.aspects.map { $0[i].text.text(language) }.flatMap { item.kind == .scaled ? $0 : nil },
                                  kind: item.kind.rawValue, options: options, value: form[key] ?? "", required: !item.optional, error: errors[key])
            }
        }
        // Once sent, the page thanks and shows no questions: none are laid out.
        var sections: [AnswerSection] = []
        if !done {
            sections = q.scales.map { s in AnswerSection(title: s.name.text(language), items: q.items(of: s.code).flatMap(answerItems)) }
            let others = q.items.filter { $0.kind != .scaled || $0.scale == nil }.flatMap(answerItems)
            if !others.isEmpty { sections.append(AnswerSection(title: q.scales.isEmpty ? "" : Catalogue.text("questionnaire_other_items", language), items: others)) }
        }
        let page = RespondPage(wave: wave.name, instructions: q.instructions.text(language), action: action ?? "/waves/\(wave.id)/respond", sections: sections,
                               done: done, notice: notice, hasErrors: !errors.isEmpty)
        return try await req.renderPage("evaluation/respond", title: "respond_title", titleArguments: [q.title.text(language)], page: page, status: status)
    }

    /// "Save" keeps what is answered so far; "Send" completes the response when every required question is answered
    /// (and otherwise keeps what was answered and points to what is missing).
    func respond(req: Request) async throws -> Response {
        let (user, wave, invitation, questionnaire) = try await invited(req)
        guard wave.state == WaveState.open.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        guard !invitation.completed else { throw SamenError(status: .conflict, key: "respond_already_done") }
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        let submit = form.removeValue(forKey: "send") != nil
        form.removeValue(forKey: "save"); form.removeValue(forKey: "_csrf")
        switch QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: false) {
        case .failure(let problems):
            return try await renderRespond(req: req, wave: wave, questionnaire: questionnaire, form: form, errors: problems.messages(req.language),
                                           done: false, notice: nil, status: .badRequest)
        case .success(let partial):
            if submit, case .failure(let missing) = QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: true) {
                try await req.waves.save(partial, complete: false, wave: wave, invitation: invitation, accountID: user.accountID, role: user.role)
                return try await renderRespond(req: req, wave: wave, questionnaire: questionnaire, form: form, errors: missing.messages(req.language),
                                               done: false, notice: Catalogue.text("respond_saved_missing", req.language, [String(missing.count)]), status: .badRequest)
            }
            try await req.waves.save(partial, complete: submit, wave: wave, invitation: invitation, accountID: user.accountID, role: user.role)
            return try await renderRespond(req: req, wave: wave, questionnaire: questionnaire, form: form, errors: [:], done: submit,
                                           notice: Catalogue.text(submit ? "respond_done" : "respond_saved", req.language), status: .ok)
        }
    }

    // MARK: Answering through a group's link (students: no account, no name)

    static let resumeCookie = "samen_wave_resume"

    func opened(_ req: Request) async throws -> (WaveService.OpenedLink, Questionnaire) {
        guard let token = req.parameters.get("token"), let opened = try await req.waves.openLink(token: token, language: req.language) else {
            throw SamenError(status: .notFound, key: "wave_link_gone")
        }
        return (opened, try await req.waves.questionnaire(of: opened.wave))
    }

    /// The page for a link: no referrer leaves it, the resume cookie is only this browser's.
    func linkResponse(_ response: Response) -> Response {
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    func linkPage(req: Request) async throws -> Response {
        let (opened, questionnaire) = try await opened(req)
        guard opened.wave.state == WaveState.open.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        var saved: (answers: QuestionnaireAnswers, complete: Bool)? = nil
        if let resume = req.cookies[Self.resumeCookie]?.string { saved = try await req.waves.linkResponse(resume: resume, waveGroupID: opened.group.id) }
        return linkResponse(try await renderRespond(
            req: req, wave: opened.wave, questionnaire: questionnaire, form: saved?.answers.form ?? [:], errors: [:], done: saved?.complete ?? false,
            notice: saved.map { Catalogue.text($0.complete ? "respond_done" : "respond_resumed", req.language) }, status: .ok, action: req.url.path))
    }

    func linkRespond(req: Request) async throws -> Response {
        let (opened, questionnaire) = try await opened(req)
        guard opened.wave.state == WaveState.open.rawValue else { throw SamenError(status: .conflict, key: "wave_not_open") }
        let cookie = req.cookies[Self.resumeCookie]?.string ?? ""
        let existing: String? = cookie.count >= 32 && cookie.count < 100 ? cookie : nil
        if let existing, try await req.waves.linkResponse(resume: existing, waveGroupID: opened.group.id)?.complete == true {
            throw SamenError(status: .conflict, key: "respond_already_done")
        }
        let resume = existing ?? Tokens.make()
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        let submit = form.removeValue(forKey: "send") != nil
        form.removeValue(forKey: "save"); form.removeValue(forKey: "_csrf")
        let response: Response
        switch QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: false) {
        case .failure(let problems):
            return linkResponse(try await renderRespond(req: req, wave: opened.wave, questionnaire: questionnaire, form: form, errors: problems.messages(req.language),
                                                        done: false, notice: nil, status: .badRequest, action: req.url.path))
        case .success(let partial):
            var missing: [FieldProblem] = []
            if submit, case .failure(let open) = QuestionnaireAnswers.read(form: form, questionnaire: questionnaire, complete: true) { missing = open }
            guard try await req.waves.saveLinkResponse(partial, complete: submit && missing.isEmpty, resume: resume, opened: opened) else {
                throw SamenError(status: .conflict, key: "wave_link_full")
            }
            if !missing.isEmpty {
                response = try await renderRespond(req: req, wave: opened.wave, questionnaire: questionnaire, form: form, errors: missing.messages(req.language),
                                                   done: false, notice: Catalogue.text("respond_saved_missing", req.language, [String(missing.count)]),
                                                   status: .badRequest, action: req.url.path)
            } else {
                response = try await renderRespond(req: req, wave: opened.wave, questionnaire: questionnaire, form: form, errors: [:], done: submit,
                                                   notice: Catalogue.text(submit ? "respond_done" : "respond_saved", req.language), status: .ok, action: req.url.path)
            }
        }
        if existing == nil {
            response.cookies[Self.resumeCookie] = HTTPCookies.Value(string: resume, maxAge: 60 * 60 * 24 * 60, path: "/m/",
                                                                    isSecure: req.application.samenConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return linkResponse(response)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Items<WaveJSON> {
        let user = try researcher(req, .read)
        return Items(items: try await req.waves.waves(for: user.viewer, language: req.language))
    }

    func apiCreate(req: Request) async throws -> Response {
        let user = try researcher(req, .create)
        switch try await make(req: req, user: user, form: (try? req.content.decode(WaveForm.self)) ?? WaveForm()) {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let id):
            var wave = try await req.waves.find(id, language: req.language)!
            wave.schools = try await req.waves.rates(waveID: id)
            if wave.target == WaveTarget.students.rawValue { wave.groups = try await req.waves.groups(waveID: id) }
            let response = try await wave.encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func apiWave(req: Request) async throws -> WaveJSON {
        var (_, wave) = try await owned(req)
        wave.schools = try await req.waves.rates(waveID: wave.id)
        if wave.target == WaveTarget.students.rawValue { wave.groups = try await req.waves.groups(waveID: wave.id) }
        return wave
    }
}

/// A form or JSON field that may come as text or as a number (`"10"` from a form, `10` from JSON), read as text.
struct FormNumber: Codable, Sendable {
    var text: String
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { text = String(i) } else if let d = try? c.decode(Double.self) { text = String(d) } else { text = try c.decode(String.self) }
    }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
