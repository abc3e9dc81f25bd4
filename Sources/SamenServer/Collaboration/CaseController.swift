import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct CaseLine: Encodable {
    var href: String
    var student: String
    var type: String
    var lead: String
    var next: String
    var opened: String
    var days: Int
}

struct LeadTimeRow: Encodable { var month: String; var cells: [String] }

struct CasesPage: Encodable {
    var school: String
    var schoolHref: String
    var open: [CaseLine]
    var closed: [CaseLine]
    var stepHeads: [String]
    var leadTimes: [LeadTimeRow]
}

struct StepLine: Encodable { var step: String; var date: String; var days: String; var note: String }

struct CasePage: Encodable {
    var student: String
    var studentHref: String?
    var type: String
    var lead: String
    var organisation: String
    var worker: String
    var basis: String
    var note: String
    var state: String
    var steps: [StepLine]
    var nextStep: String?
    var stepAction: String?
    var values: [String: String]
    var errors: [String: String]
}

struct StudentCasesPage: Encodable {
    var student: String
    var studentHref: String
    var cases: [CaseLine]
    var action: String?
    var types: [Option]
    var leads: [Option]
    var workers: [Option]
    var organisations: [Option]
    var bases: [Option]
    var values: [String: String]
    var errors: [String: String]
}

/// Cases and referrals: opened from a student (or a signal) with a lead,
/// the organisation and worker involved and the legal basis; steps recorded
/// in order with their dates; lead times per step and month for the school.
struct CaseController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "cases", use: schoolPage)
        routes.get("students", ":student", "cases", use: studentPage)
        routes.post("students", ":student", "cases", use: open)
        routes.get("cases", ":case", use: casePage)
        routes.post("cases", ":case", "steps", use: step)
        let api = routes.grouped("api", "v1")
        api.get("schools", ":school", "cases", use: apiSchool)
        api.post("students", ":student", "cases", use: apiOpen)
        api.get("cases", ":case", use: apiCase)
        api.post("cases", ":case", "steps", use: apiStep)
    }

    func line(_ c: CaseJSON, language: Language, today: LocalDate) -> CaseLine {
        let opened = c.steps.first.flatMap { LocalDate(iso: $0.date) } ?? today
        let end = c.closed_on.flatMap(LocalDate.init(iso:)) ?? today
        return CaseLine(href: "/cases/\(c.id)", student: c.student, type: Catalogue.text("case_type_\(c.type)", language), lead: c.lead,
                        next: c.next_step.map { Catalogue.text("case_step_\($0)", language) } ?? Catalogue.text("case_closed_state", language),
                        opened: opened.display(language), days: end.dayNumber - opened.dayNumber)
    }

    // MARK: School

    func school(_ req: Request) async throws -> (CurrentUser, School) {
        let user = try req.require(.read, .cases)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.school(id, for: user.viewer))
    }

    func schoolPage(req: Request) async throws -> Response {
        let (user, school) = try await school(req)
        let language = req.language
        let today = LocalDate.today()
        let all = try await req.cases.list(for: user.viewer, schoolID: school.id!)
        let times = try await req.cases.leadTimes(schoolID: school.id!)
        let steps = CaseStep.allCases.filter { s in s != .signal && times.contains { $0.step == s.rawValue } }
        let months = Array(Set(times.map(\.month))).sorted()
        let page = CasesPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            open: all.filter { $0.closed_on == nil }.map { line($0, language: language, today: today) },
            closed: all.filter { $0.closed_on != nil }.map { line($0, language: language, today: today) },
            stepHeads: steps.map { Catalogue.text("case_step_\($0.rawValue)", language) },
            leadTimes: months.map { month in
                LeadTimeRow(month: month, cells: steps.map { s in
                    times.first { $0.month == month && $0.step == s.rawValue }.map {
                        Catalogue.text("case_lead_cell", language, [Self.days($0.median_days, language), String($0.cases)])
                    } ?? "—"
                })
            })
        return try await req.renderPage("collaboration/cases", title: "cases_title", titleArguments: [school.name], page: page)
    }

    static func days(_ value: Double, _ language: Language) -> String {
        let text = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        return language == .nl ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    // MARK: Student

    func student(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, Student) {
        let user = try req.require(action, .cases)
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.student(id, for: user.viewer))
    }

    func studentPage(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .read)
        return try await renderStudent(req: req, user: user, student: student, values: [:], errors: [:], status: .ok)
    }

    func renderStudent(req: Request, user: CurrentUser, student: Student, values: [String: String], errors: [String: String],
                       status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let canOpen = user.viewer.can(.create, .cases)
        var form = ["type": "support", "lead_id": user.accountID.uuidString, "organisation_id": "", "worker_id": "", "basis": "consent",
                    "opened_on": LocalDate.today().iso, "note": "", "signal_id": (try? req.query.get(String.self, at: "signal")) ?? ""]
        form.merge(values) { _, new in new }
        let people: (leads: [(UUID, String)], workers: [(UUID, String)]) = canOpen ? try await req.cases.people(schoolID: student.$school.id) : ([], [])
        let organisations = canOpen ? try await Organisation.query(on: req.db).filter(\.$region.$id == student.school.$region.id).sort(\.$name).all() : []
        let page = StudentCasesPage(
            student: student.name.display, studentHref: SiteURL.student(student.id!).path,
            cases: try await req.cases.list(for: user.viewer, studentID: student.id!).map { line($0, language: language, today: .today()) },
            action: canOpen ? "/students/\(student.id!)/cases" : nil,
            types: CaseType.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("case_type_\($0.rawValue)", language), selected: form["type"] == $0.rawValue) },
            leads: people.leads.map { Option(value: $0.0.uuidString, label: $0.1, selected: form["lead_id"] == $0.0.uuidString) },
            workers: people.workers.map { Option(value: $0.0.uuidString, label: $0.1, selected: form["worker_id"] == $0.0.uuidString) },
            organisations: organisations.map { Option(value: $0.id!.uuidString, label: $0.name, selected: form["organisation_id"] == $0.id!.uuidString) },
            bases: CaseBasis.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("case_basis_\($0.rawValue)", language), selected: form["basis"] == $0.rawValue) },
            values: form, errors: errors)
        return try await req.renderPage("collaboration/student-cases", title: "cases_student_title", titleArguments: [student.name.display], page: page, status: status)
    }

    struct OpenForm: Content {
        var type: String?; var lead_id: String?; var organisation_id: String?; var worker_id: String?; var basis: String?
        var opened_on: String?; var note: String?; var signal_id: String?
        var fields: [String: String] {
            ["type": type ?? "", "lead_id": lead_id ?? "", "organisation_id": organisation_id ?? "", "worker_id": worker_id ?? "",
             "basis": basis ?? "", "opened_on": opened_on ?? "", "note": note ?? "", "signal_id": signal_id ?? ""]
        }
    }

    /// Reads and checks a new case; the signal it starts from must be the student's.
    func read(req: Request, student: Student, form: [String: String]) async throws -> (Validated<CaseFields>, UUID?) {
        let people = try await req.cases.people(schoolID: student.$school.id)
        let organisations = Set(try await Organisation.query(on: req.db).filter(\.$region.$id == student.school.$region.id).all(\.$id))
        var result = CaseFields.read(form: form, leads: Set(people.leads.map(\.0)), workers: Set(people.workers.map(\.0)),
                                     organisations: organisations, today: .today())
        var signalID: UUID? = nil
        if let id = UUID(uuidString: form["signal_id"] ?? "") {
            let sql = req.db as! any SQLDatabase
            if try await sql.raw("SELECT id FROM signals WHERE id = \(bind: id) AND student_id = \(bind: student.id!)").first() != nil {
                signalID = id
            } else {
                let problem = FieldProblem(field: "signal_id", key: "case_bad_signal")
                if case .failure(let problems) = result { result = .failure(problems + [problem]) } else { result = .failure([problem]) }
            }
        }
        return (result, signalID)
    }

    func open(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .create)
        let form = ((try? req.content.decode(OpenForm.self)) ?? OpenForm()).fields
        let (result, signal) = try await read(req: req, student: student, form: form)
        switch result {
        case .failure(let problems):
            return try await renderStudent(req: req, user: user, student: student, values: form, errors: problems.messages(req.language), status: .badRequest)
        case .success(let fields):
            let id = try await req.cases.open(fields, studentID: student.id!, schoolID: student.$school.id, signalID: signal, by: user.accountID)
            return req.redirect(to: "/cases/\(id)")
        }
    }

    // MARK: Case

    func find(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, CaseJSON) {
        let user = try req.require(action, .cases)
        guard let id = req.parameters.get("case", as: UUID.self) else { throw SamenError.notFound }
        let c = try await req.cases.find(id, for: user.viewer)
        req.auditStudent(c.student_id)
        return (user, c)
    }

    func casePage(req: Request) async throws -> Response {
        let (user, c) = try await find(req, .read)
        return try await renderCase(req: req, user: user, c: c, values: [:], errors: [:], status: .ok)
    }

    func renderCase(req: Request, user: CurrentUser, c: CaseJSON, values: [String: String], errors: [String: String],
                    status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let canRecord = user.viewer.can(.update, .cases) && c.next_step != nil
        var form = ["date": LocalDate.today().iso, "note": ""]
        form.merge(values) { _, new in new }
        let page = CasePage(
            student: c.student, studentHref: user.viewer.can(.read, .student) ? SiteURL.student(c.student_id).path : nil,
            type: Catalogue.text("case_type_\(c.type)", language), lead: c.lead, organisation: c.organisation ?? "—", worker: c.worker ?? "—",
            basis: Catalogue.text("case_basis_\(c.basis)", language), note: c.note,
            state: c.closed_on.flatMap(LocalDate.init(iso:)).map { Catalogue.text("case_closed_on", language, [$0.display(language)]) }
                ?? Catalogue.text("case_open_state", language),
            steps: c.steps.map { s in
                StepLine(step: Catalogue.text("case_step_\(s.step)", language), date: LocalDate(iso: s.date)?.display(language) ?? s.date,
                         days: s.days.map { Catalogue.text("case_days_after", language, [String($0)]) } ?? "", note: s.note)
            },
            nextStep: c.next_step.map { Catalogue.text("case_step_\($0)", language) },
            stepAction: canRecord ? "/cases/\(c.id)/steps" : nil,
            values: form, errors: errors)
        return try await req.renderPage("collaboration/case", title: "case_title", titleArguments: [c.student], page: page, status: status)
    }

    struct StepForm: Content { var step: String?; var date: String?; var note: String? }

    /// Records the next step: the coordinator, or the youth-care worker assigned (the only cases they find).
    func recordStep(req: Request) async throws -> (CurrentUser, CaseJSON, [String: String], SamenError?) {
        let (user, c) = try await find(req, .update)
        let form = (try? req.content.decode(StepForm.self)) ?? StepForm()
        let values = ["date": form.date ?? "", "note": form.note ?? ""]
        // The form records the next step; the API may name it, and must name the right one.
        guard let step = CaseStep(rawValue: form.step ?? c.next_step ?? "") else {
            return (user, c, values, c.next_step == nil ? SamenError(status: .conflict, key: "case_closed") : SamenError.invalid("case_step_out_of_order", field: "step"))
        }
        guard let date = LocalDate.parse(form.date ?? "") else {
            return (user, c, values, SamenError.invalid((form.date ?? "").isEmpty ? "import_required" : "import_bad_date", field: "date", [form.date ?? ""]))
        }
        do {
            try await req.cases.record(step, on: date, note: (form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines), case: c, by: user.accountID)
        } catch let error as SamenError {
            return (user, c, values, error)
        }
        return (user, c, values, nil)
    }

    func step(req: Request) async throws -> Response {
        let (user, c, values, error) = try await recordStep(req: req)
        if let error {
            guard let field = error.field else { throw error }
            return try await renderCase(req: req, user: user, c: c, values: values,
                                        errors: [field: Catalogue.text(error.key, req.language, error.arguments)], status: error.status)
        }
        return req.redirect(to: "/cases/\(c.id)")
    }

    // MARK: API

    struct SchoolCases: Content { var items: [CaseJSON]; var lead_times: [LeadTimeJSON] }

    func apiSchool(req: Request) async throws -> SchoolCases {
        let (user, school) = try await school(req)
        return SchoolCases(items: try await req.cases.list(for: user.viewer, schoolID: school.id!), lead_times: try await req.cases.leadTimes(schoolID: school.id!))
    }

    func apiOpen(req: Request) async throws -> Response {
        let (user, student) = try await student(req, .create)
        let form = try req.content.decode(OpenForm.self).fields
        let (result, signal) = try await read(req: req, student: student, form: form)
        switch result {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let fields):
            let id = try await req.cases.open(fields, studentID: student.id!, schoolID: student.$school.id, signalID: signal, by: user.accountID)
            let response = try await req.cases.find(id, for: user.viewer).encodeResponse(for: req)
            response.status = .created
            return response
        }
    }

    func apiCase(req: Request) async throws -> CaseJSON {
        try await find(req, .read).1
    }

    func apiStep(req: Request) async throws -> CaseJSON {
        let (user, c, _, error) = try await recordStep(req: req)
        if let error { throw error }
        return try await req.cases.find(c.id, for: user.viewer)
    }
}
