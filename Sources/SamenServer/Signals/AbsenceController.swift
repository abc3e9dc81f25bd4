import Fluent
import Foundation
import SamenCore
import Vapor

struct AbsenceLine: Encodable {
    var student: String
    var studentHref: String
    var date: String
    var hours: String
    var kind: String
    var reason: String
}

struct ReportLine: Encodable {
    var href: String
    var student: String
    var message: String
    var dueBy: String
    var overdue: Bool
    var status: String
}

struct AbsencePage: Encodable {
    var schools: [Option]
    var reports: [ReportLine]
    var thuiszitterHref: String
    var thuiszitterCount: Int
    var importAction: String?
    var entryAction: String?
    var summary: String?
    var summaryIsError: Bool
    var problems: [ImportProblemJSON]
    var students: [StudentChoice]
    var values: [String: String]
    var errors: [String: String]
    var records: [AbsenceLine]
    var total: String
}

struct ThuiszitterLine: Encodable {
    var href: String
    var student: String
    var group: String
    var since: String
    var days: Int
    var back: Bool
    var status: String
    var workingOnIt: String?
    var reviewBy: String
}

struct ThuiszittersPage: Encodable {
    var school: String
    var absenceHref: String
    var rows: [ThuiszitterLine]
}

/// Absence pages: the school's records with import and manual entry, the
/// open DUO reports, and the thuiszitter register.
struct AbsenceController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("absence", use: page)
        routes.on(.POST, "absence", "import", body: .collect(maxSize: "32mb"), use: upload)
        routes.post("absence", "new", use: enter)
        routes.get("absence", "thuiszitters", use: thuiszitters)
        let api = routes.grouped("api", "v1")
        api.get("absences", use: apiList)
        api.post("absences", use: apiCreate)
        api.on(.POST, "schools", ":school", "absences", "import", body: .collect(maxSize: "32mb"), use: apiImport)
        api.get("schools", ":school", "thuiszitters", use: apiThuiszitters)
    }

    /// The school a page is about: the one asked for if the viewer sees it, else their first.
    func school(_ req: Request, _ user: CurrentUser) async throws -> (school: SchoolSummary, options: [Option]) {
        let schools = try await req.directory.schools(for: user.viewer)
        guard !schools.isEmpty else { throw SamenError.notFound }
        let requested = try? req.query.get(UUID.self, at: "school")
        // A school asked for but outside the viewer's scope does not exist for them.
        if let requested, !schools.contains(where: { $0.id == requested }) { throw SamenError.notFound }
        let chosen = schools.first { $0.id == requested } ?? schools[0]
        return (chosen, schools.count > 1 ? schools.map { Option(value: $0.id.uuidString, label: $0.name, selected: $0.id == chosen.id) } : [])
    }

    func page(req: Request) async throws -> Response {
        try await render(req: req, values: [:], errors: [:], summary: nil, summaryIsError: false, problems: [], status: .ok)
    }

    func render(req: Request, values: [String: String], errors: [String: String], summary: String?, summaryIsError: Bool,
                problems: [ImportProblemJSON], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .absence)
        let (school, options) = try await school(req, user)
        let language = req.language
        let today = LocalDate.today()
        var filter = AbsenceService.Filter()
        filter.schoolID = school.id
        let records = try await req.absence.list(for: user.viewer, filter: filter)
        var signals = SignalService.Filter()
        signals.schoolID = school.id
        signals.statuses = [.open, .decided]
        let open = try await req.signals.list(for: user.viewer, filter: signals, language: language)
        let canWrite = user.viewer.can(.create, .absence)
        let defaults = ["date": today.iso, "authorised": "no", "student": "", "hours": "", "periods": "", "reason": ""]
        let page = AbsencePage(
            schools: options,
            reports: open.filter { $0.rule == RuleFinding.Rule.absenceReport.rawValue }.map { s in
                let due = s.due_by.flatMap(LocalDate.init(iso:))
                return ReportLine(href: SiteURL.signal(s.id).path, student: s.student, message: s.message,
                                  dueBy: due?.display(language) ?? "", overdue: (due.map { $0 < today } ?? false) && s.status == "open",
                                  status: Catalogue.text("signal_status_\(s.status)", language))
            },
            thuiszitterHref: SiteURL.thuiszitters(school.id).path,
            thuiszitterCount: open.filter { $0.rule == RuleFinding.Rule.thuiszitter.rawValue }.count,
            importAction: canWrite ? SiteURL.absenceImport(school.id).path : nil,
            entryAction: canWrite ? SiteURL.absenceEntry(school.id).path : nil,
            summary: summary, summaryIsError: summaryIsError, problems: problems,
            students: canWrite ? try await req.incidents.pickable(schoolID: school.id).map { StudentChoice(label: $0.label) } : [],
            values: defaults.merging(values) { _, given in given }, errors: errors,
            records: records.items.map { a in
                AbsenceLine(student: a.student, studentHref: SiteURL.student(a.student_id).path,
                            date: LocalDate(iso: a.date)?.display(language) ?? a.date,
                            hours: Self.hours(a.hours, language) + (a.periods.map { " (\($0) " + Catalogue.text("absence_periods_short", language) + ")" } ?? ""),
                            kind: Catalogue.text(a.exempt ? "absence_exempt" : (a.authorised ? "absence_authorised" : "absence_unauthorised"), language),
                            reason: a.reason_code)
            },
            total: Catalogue.text("absence_total", language, [String(records.total)]))
        return try await req.renderPage("signals/absence", title: "absence_title", titleArguments: [school.name], page: page, status: status)
    }

    /// Hours as a Dutch reader writes them: "1,5", "2".
    static func hours(_ h: Double, _ language: Language) -> String {
        let text = h == h.rounded() ? String(Int(h)) : String(format: "%.2f", h).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
        return language == .nl ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    struct Upload: Content { var file: File? }

    func upload(req: Request) async throws -> Response {
        let user = try req.require(.create, .absence)
        let (school, _) = try await school(req, user)
        let language = req.language
        let upload = try req.content.decode(Upload.self)
        guard let file = upload.file, file.data.readableBytes > 0 else {
            return try await render(req: req, values: [:], errors: [:], summary: Catalogue.text("import_no_file", language), summaryIsError: true,
                                    problems: [], status: .badRequest)
        }
        do {
            let report = try await importFile(Array(buffer: file.data), schoolID: school.id, req: req)
            return try await render(req: req, values: [:], errors: [:],
                                    summary: Catalogue.text("absence_imported", language, [String(report.rows), String(report.students), String(report.signals_raised)]),
                                    summaryIsError: false, problems: [], status: .ok)
        } catch let rejected as ImportRejected {
            return try await render(req: req, values: [:], errors: [:],
                                    summary: Catalogue.text("import_rejected", language, [String(rejected.problems.count)]), summaryIsError: true,
                                    problems: rejected.problems.map { ImportProblemJSON($0, language) }, status: .unprocessableEntity)
        }
    }

    /// Reads, checks and stores a file, then runs the absence rules for the students in it.
    func importFile(_ bytes: [UInt8], schoolID: UUID, req: Request) async throws -> AbsenceImportReport {
        let file = AbsenceImportRules.read(bytes: bytes, today: .today())
        guard file.problems.isEmpty else { throw ImportRejected(problems: file.problems) }
        let stored = try await req.absence.store(file.rows, schoolID: schoolID, source: "import", columnName: AbsenceColumn.number.dutchHeader)
        let raised = try await req.rules.evaluateAbsence(schoolID: schoolID, studentIDs: stored.students)
        return AbsenceImportReport(rows: stored.rows, students: stored.students.count, signals_raised: raised, ignored_columns: file.ignoredColumns)
    }

    struct EntryForm: Content { var student: String?; var date: String?; var hours: String?; var periods: String?; var authorised: String?; var reason: String? }

    func enter(req: Request) async throws -> Response {
        let user = try req.require(.create, .absence)
        let (school, _) = try await school(req, user)
        let language = req.language
        let form = try req.content.decode(EntryForm.self)
        let values = ["student": form.student ?? "", "date": form.date ?? "", "hours": form.hours ?? "", "periods": form.periods ?? "",
                      "authorised": form.authorised ?? "", "reason": form.reason ?? ""]
        var errors: [String: String] = [:]
        // The student as picked from the list ("Name (group, number)") or typed as a number.
        let typed = (form.student ?? "").trimmed
        let choices = try await req.incidents.pickable(schoolID: school.id)
        let number = choices.first { $0.label == typed || $0.number == typed }?.number
        if number == nil { errors["student"] = Catalogue.text(typed.isEmpty ? "incident_student_required" : "incident_student_pick", language, [typed]) }
        let fields: [AbsenceColumn: String] = [.number: "student", .date: "date", .hours: "hours", .periods: "periods", .authorised: "authorised", .reason: "reason"]
        let (row, problems) = AbsenceImportRules.check(line: 1, number: number ?? "0", date: form.date ?? "", hours: form.hours ?? "",
                                                       periods: form.periods ?? "", authorised: form.authorised ?? "", reason: form.reason ?? "",
                                                       today: .today()) { fields[$0]! }
        for problem in problems where errors[problem.column ?? ""] == nil {
            errors[problem.column ?? "student"] = Catalogue.text(problem.key, language, problem.arguments)
        }
        guard errors.isEmpty, let row else {
            return try await render(req: req, values: values, errors: errors, summary: nil, summaryIsError: false, problems: [], status: .badRequest)
        }
        let stored = try await req.absence.store([row], schoolID: school.id, source: "manual", columnName: "student")
        let raised = try await req.rules.evaluateAbsence(schoolID: school.id, studentIDs: stored.students)
        return try await render(req: req, values: [:], errors: [:], summary: Catalogue.text("absence_saved", language, [String(raised)]),
                                summaryIsError: false, problems: [], status: .ok)
    }

    func thuiszitters(req: Request) async throws -> Response {
        let user = try req.require(.read, .absence)
        let (school, _) = try await school(req, user)
        let language = req.language
        let rows = try await visibleThuiszitters(req: req, user: user, schoolID: school.id)
        let page = ThuiszittersPage(
            school: school.name, absenceHref: SiteURL.absence(school.id).path,
            rows: rows.map { r in
                ThuiszitterLine(href: SiteURL.signal(r.signal_id).path, student: r.student, group: r.group ?? "",
                                since: LocalDate(iso: r.since)?.display(language) ?? r.since, days: r.school_days_absent, back: r.back_at_school,
                                status: Catalogue.text("signal_status_\(r.status)", language), workingOnIt: r.working_on_it,
                                reviewBy: r.review_by.flatMap(LocalDate.init(iso:))?.display(language) ?? "—")
            })
        return try await req.renderPage("signals/thuiszitters", title: "thuiszitters_title", titleArguments: [school.name], page: page)
    }

    /// The register, limited to the students the viewer may see.
    func visibleThuiszitters(req: Request, user: CurrentUser, schoolID: UUID) async throws -> [ThuiszitterJSON] {
        var filter = SignalService.Filter()
        filter.schoolID = schoolID
        let visible = Set(try await req.signals.list(for: user.viewer, filter: filter, language: .nl).map(\.id))
        return try await req.absence.thuiszitters(schoolID: schoolID).filter { visible.contains($0.signal_id) }
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<AbsenceJSON> {
        let user = try req.require(.read, .absence)
        let api = SignalsAPIController()
        var filter = AbsenceService.Filter()
        filter.schoolID = try api.query(req, "school_id") { UUID(uuidString: $0) }
        filter.studentID = try api.query(req, "student_id") { UUID(uuidString: $0) }
        filter.from = try api.query(req, "from") { LocalDate(iso: $0) }
        filter.to = try api.query(req, "to") { LocalDate(iso: $0) }
        filter.page = try api.query(req, "page") { Int($0) } ?? 1
        filter.perPage = try api.query(req, "per_page") { Int($0) } ?? 50
        return try await req.absence.list(for: user.viewer, filter: filter)
    }

    struct RecordBody: Content {
        var number: String?
        var date: String?
        var hours: Double?
        var periods: Int?
        var authorised: Bool?
        var reason_code: String?
    }

    struct AbsencesBody: Content { var school_id: UUID?; var records: [RecordBody]? }

    /// Records pushed by a student administration system: all or nothing,
    /// each problem named by its record (1-based, as `line`) and field.
    func apiCreate(req: Request) async throws -> Response {
        let user = try req.require(.create, .absence)
        let body = try req.content.decode(AbsencesBody.self)
        guard let schoolID = body.school_id else { throw SamenError.invalid("error_field_missing", field: "school_id", ["school_id"]) }
        let school: School
        do { school = try await req.directory.school(schoolID, for: user.viewer) } catch { throw SamenError.invalid("student_bad_school", field: "school_id") }
        guard let records = body.records, !records.isEmpty else { throw SamenError.invalid("absence_no_rows", field: "records") }
        guard records.count <= 10_000 else { throw SamenError.invalid("absence_too_many", field: "records", ["10000"]) }
        var rows: [AbsenceRow] = []
        var problems: [ImportProblem] = []
        let names: [AbsenceColumn: String] = [.number: "number", .date: "date", .hours: "hours", .periods: "periods", .authorised: "authorised", .reason: "reason_code"]
        for (i, record) in records.enumerated() {
            let (row, found) = AbsenceImportRules.check(
                line: i + 1, number: record.number ?? "", date: record.date ?? "", hours: record.hours.map { String($0) } ?? "",
                periods: record.periods.map(String.init) ?? "", authorised: record.authorised.map { $0 ? "ja" : "nee" } ?? "",
                reason: record.reason_code ?? "", today: .today()) { names[$0]! }
            problems += found
            if let row { rows.append(row) }
        }
        guard problems.isEmpty else { throw ImportRejected(problems: problems) }
        let stored = try await req.absence.store(rows, schoolID: school.id!, source: "api", columnName: "number")
        let raised = try await req.rules.evaluateAbsence(schoolID: school.id!, studentIDs: stored.students)
        let response = Response(status: .created)
        try response.content.encode(AbsenceImportReport(rows: stored.rows, students: stored.students.count, signals_raised: raised, ignored_columns: []))
        return response
    }

    func apiImport(req: Request) async throws -> AbsenceImportReport {
        let user = try req.require(.create, .absence)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        let school = try await req.directory.school(id, for: user.viewer)
        guard let body = req.body.data, body.readableBytes > 0 else { throw SamenError.invalid("import_no_file", field: "body") }
        return try await importFile(Array(buffer: body), schoolID: school.id!, req: req)
    }

    func apiThuiszitters(req: Request) async throws -> Items<ThuiszitterJSON> {
        let user = try req.require(.read, .absence)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        let school = try await req.directory.school(id, for: user.viewer)
        return Items(items: try await visibleThuiszitters(req: req, user: user, schoolID: school.id!))
    }
}
