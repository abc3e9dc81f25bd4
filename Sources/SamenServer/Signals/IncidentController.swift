import Fluent
import Foundation
import SamenCore
import Vapor

struct IncidentLine: Encodable {
    var href: String
    var date: String
    var time: String
    var students: String
    var behaviour: String
    var location: String
    var status: String
    var statusKey: String
    var reporter: String
}

struct IncidentsPage: Encodable {
    var tabs: [NavItem]
    var incidents: [IncidentLine]
    var summary: String
    var newHref: String?
    var recognitionHref: String?
    var previousHref: String?
    var nextHref: String?
}

struct StudentChoice: Encodable { var label: String }

/// The quick form for an incident (one screen, phone first) or a recognition.
struct IncidentFormPage: Encodable {
    var action: String
    var cancelHref: String
    var values: [String: String]
    var errors: [String: String]
    var students: [StudentChoice]
    var schools: [Option]
    var behaviours: [Option]
    var locations: [Option]
    var motivations: [Option]
    var actions: [Option]
    var expectations: [Option]
    var managedBy: [Option]
    var others: [Option]
    var isNew: Bool
    /// Whether sending goes to review (a teacher) or completes at once (a coordinator).
    var sendsForReview: Bool
    var saved: String?
}

struct WorkflowButton: Encodable { var to: String; var label: String; var primary: Bool }

struct IncidentPage: Encodable {
    var date: String
    var time: String
    var school: String
    var students: [LinkedItem]
    var behaviour: String
    var location: String
    var motivation: String
    var action: String
    var managedBy: String
    var others: String
    var note: String
    var status: String
    var statusKey: String
    var reporter: String
    var editHref: String?
    var statusAction: String
    var buttons: [WorkflowButton]
    var againHref: String?
}

struct LabelLine: Encodable { var text: String; var english: String; var archived: Bool; var action: String; var code: String }
struct LabelGroup: Encodable { var kind: String; var title: String; var labels: [LabelLine] }

struct LabelsPage: Encodable {
    var school: String
    var schoolHref: String
    var groups: [LabelGroup]
    var action: String
    var kinds: [Option]
    var values: [String: String]
    var errors: [String: String]
}

/// The web pages for incidents, recognitions and a school's label lists.
struct IncidentController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("incidents", use: list)
        routes.get("incidents", "new", use: newIncident)
        routes.post("incidents", "new", use: createIncident)
        routes.get("incidents", ":incident", use: show)
        routes.get("incidents", ":incident", "edit", use: edit)
        routes.post("incidents", ":incident", "edit", use: update)
        routes.post("incidents", ":incident", "status", use: move)
        routes.get("recognitions", "new", use: newRecognition)
        routes.post("recognitions", "new", use: createRecognition)
        routes.get("schools", ":school", "labels", use: labels)
        routes.post("schools", ":school", "labels", use: addLabel)
        routes.post("labels", ":label", "archive", use: archiveLabel)
    }

    // MARK: List

    func list(req: Request) async throws -> Response {
        let user = try req.require(.read, .incident)
        let language = req.language
        var filter = IncidentService.Filter()
        filter.status = (try? req.query.get(String.self, at: "status")).flatMap(IncidentStatus.init(rawValue:))
        filter.page = (try? req.query.get(Int.self, at: "page")) ?? 1
        filter.studentID = try? req.query.get(UUID.self, at: "student")
        let result = try await req.incidents.list(for: user.viewer, filter: filter, language: language)
        let lastPage = max(1, (result.total + result.per_page - 1) / result.per_page)
        func href(_ status: IncidentStatus?, page: Int? = nil) -> String {
            var items: [String] = []
            if let status { items.append("status=\(status.rawValue)") }
            if let student = filter.studentID { items.append("student=\(student)") }
            if let page { items.append("page=\(page)") }
            return SiteURL.incidents.path + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        }
        let tabs = ([nil] + IncidentStatus.allCases.map { Optional($0) }).map { status in
            NavItem(label: Catalogue.text(status.map { "incident_status_\($0.rawValue)" } ?? "incidents_all", language),
                    href: href(status), current: status == filter.status)
        }
        let canCreate = user.viewer.can(.create, .incident) && !user.viewer.schoolIDs.isEmpty
        let page = IncidentsPage(
            tabs: tabs,
            incidents: result.items.map { line($0, language) },
            summary: Catalogue.text("incidents_summary", language, [String(result.total), String(result.page), String(lastPage)]),
            newHref: canCreate ? SiteURL.incidentNew(studentID: nil).path : nil,
            recognitionHref: canCreate ? SiteURL.recognitionNew(studentID: nil).path : nil,
            previousHref: result.page > 1 ? href(filter.status, page: result.page - 1) : nil,
            nextHref: result.page < lastPage ? href(filter.status, page: result.page + 1) : nil)
        return try await req.renderPage("signals/incidents", title: "incidents_title", page: page)
    }

    func line(_ incident: IncidentJSON, _ language: Language) -> IncidentLine {
        IncidentLine(href: SiteURL.incident(incident.id).path, date: LocalDate(iso: incident.date)?.display(language) ?? incident.date,
                     time: incident.time, students: incident.students.map(\.name).joined(separator: ", "),
                     behaviour: incident.behaviour.text, location: incident.location.text,
                     status: Catalogue.text("incident_status_\(incident.status)", language), statusKey: incident.status,
                     reporter: incident.reporter)
    }

    // MARK: The quick form

    /// The school a person records in: the one asked for, if theirs; else their first.
    func recordingSchool(_ req: Request, _ user: CurrentUser, requested: UUID?) async throws -> (id: UUID, options: [Option]) {
        let schools = try await req.directory.schools(for: user.viewer)
        guard !schools.isEmpty else { throw SamenError(status: .forbidden, key: "incident_no_school") }
        let chosen = schools.first { $0.id == requested } ?? schools[0]
        return (chosen.id, schools.count > 1 ? schools.map { Option(value: $0.id.uuidString, label: $0.name, selected: $0.id == chosen.id) } : [])
    }

    func options(_ labels: [LabelJSON], _ kind: LabelKind, selected: String?, placeholder: String?) -> [Option] {
        (placeholder.map { [Option(value: "", label: $0, selected: (selected ?? "").isEmpty)] } ?? [])
            + labels.filter { $0.kind == kind.rawValue }.map { Option(value: $0.id.uuidString, label: $0.text, selected: $0.id.uuidString == selected) }
    }

    func incidentForm(req: Request, user: CurrentUser, schoolID: UUID, schools: [Option], values: [String: String], errors: [String: String],
                      action: String, cancel: String, isNew: Bool, recognition: Bool = false, saved: String? = nil,
                      status: HTTPResponseStatus = .ok) async throws -> Response {
        let language = req.language
        let labels = try await req.labels.labels(schoolID: schoolID, includeArchived: false, language: language)
        let choose = Catalogue.text("incident_choose", language), none = Catalogue.text("incident_none", language)
        // Every field present, so the template can test any of them.
        let values = self.values(IncidentForm()).merging(values) { _, given in given }
        let page = IncidentFormPage(
            action: action, cancelHref: cancel, values: values, errors: errors,
            students: try await req.incidents.pickable(schoolID: schoolID).map { StudentChoice(label: $0.label) },
            schools: schools,
            behaviours: options(labels, .behaviour, selected: values["behaviour_id"], placeholder: choose),
            locations: options(labels, .location, selected: values["location_id"], placeholder: choose),
            motivations: options(labels, .motivation, selected: values["motivation_id"], placeholder: none),
            actions: options(labels, .action, selected: values["action_id"], placeholder: none),
            expectations: options(labels, .expectation, selected: values["expectation_id"], placeholder: choose),
            managedBy: ManagedBy.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("managed_by_\($0.rawValue)", language),
                                                       selected: (values["managed_by"] ?? "staff") == $0.rawValue) },
            others: OthersInvolved.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("others_\($0.rawValue)", language),
                                                         selected: (values["others_involved"] ?? "none") == $0.rawValue) },
            isNew: isNew, sendsForReview: IncidentWorkflow.sentStatus(for: user.role) == .review, saved: saved)
        return try await req.renderPage(recognition ? "signals/recognition-form" : "signals/incident-form",
                                        title: recognition ? "recognition_new_title" : (isNew ? "incident_new_title" : "incident_edit_title"),
                                        page: page, status: status)
    }

    /// The form's defaults: now, today, the person's usual location, and a student when one is given.
    func defaults(req: Request, user: CurrentUser, schoolID: UUID) async throws -> [String: String] {
        var values = ["date": LocalDate.today().iso, "time": TimeOfDay.now().text, "managed_by": "staff", "others_involved": "none",
                      "school": schoolID.uuidString]
        if let location = try await req.incidents.usualLocation(of: user.accountID, schoolID: schoolID) {
            values["location_id"] = location.uuidString
        } else if let classroom = try await req.labels.labels(schoolID: schoolID, kind: .location, includeArchived: false, language: .nl)
            .first(where: { $0.code == "classroom" }) {
            values["location_id"] = classroom.id.uuidString
        }
        if let studentID = try? req.query.get(UUID.self, at: "student"),
           let student = try await Student.query(on: req.db).filter(\.$id == studentID).filter(\.$school.$id == schoolID).with(\.$group).first() {
            values["student_1"] = choiceLabel(student)
        }
        return values
    }

    /// The school of a student named in the address, so the form opens in that school.
    func studentSchool(_ req: Request, _ id: UUID?) async throws -> UUID? {
        guard let id else { return nil }
        return try await Student.find(id, on: req.db)?.$school.id
    }

    func choiceLabel(_ student: Student) -> String {
        "\(student.name.display) (\(student.group.map { $0.name + ", " } ?? "")\(student.number))"
    }

    func newIncident(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        let requested = try? req.query.get(UUID.self, at: "school")
        let student = try? req.query.get(UUID.self, at: "student")
        let studentSchool = try await studentSchool(req, student)
        let school = try await recordingSchool(req, user, requested: requested ?? studentSchool)
        return try await incidentForm(req: req, user: user, schoolID: school.id, schools: school.options,
                                      values: try await defaults(req: req, user: user, schoolID: school.id), errors: [:],
                                      action: SiteURL.incidentNew(studentID: nil).path, cancel: SiteURL.home.path, isNew: true)
    }

    struct IncidentForm: Content {
        init() {}
        var school: String?
        var student_1: String?
        var student_2: String?
        var student_3: String?
        var date: String?
        var time: String?
        var behaviour_id: String?
        var location_id: String?
        var motivation_id: String?
        var action_id: String?
        var managed_by: String?
        var others_involved: String?
        var note: String?
        var expectation_id: String?
        var send: String?
    }

    func values(_ form: IncidentForm) -> [String: String] {
        ["school": form.school ?? "", "student_1": form.student_1 ?? "", "student_2": form.student_2 ?? "", "student_3": form.student_3 ?? "",
         "date": form.date ?? "", "time": form.time ?? "", "behaviour_id": form.behaviour_id ?? "", "location_id": form.location_id ?? "",
         "motivation_id": form.motivation_id ?? "", "action_id": form.action_id ?? "", "managed_by": form.managed_by ?? "",
         "others_involved": form.others_involved ?? "", "note": form.note ?? "", "expectation_id": form.expectation_id ?? ""]
    }

    /// Finds the students typed into the form's student fields: a choice
    /// from the list ("Name (group, number)"), a student number, or a name
    /// that fits exactly one student.
    func resolveStudents(_ form: IncidentForm, schoolID: UUID, req: Request, errors: inout [String: String]) async throws -> [UUID] {
        let choices = try await req.incidents.pickable(schoolID: schoolID)
        var ids: [UUID] = []
        for (field, text) in [("student_1", form.student_1), ("student_2", form.student_2), ("student_3", form.student_3)] {
            let typed = (text ?? "").trimmed
            if typed.isEmpty {
                if field == "student_1" { errors[field] = Catalogue.text("incident_student_required", req.language) }
                continue
            }
            let folded = PersonName.fold(typed)
            let match = choices.filter { $0.label == typed }.first
                ?? choices.filter { $0.number == typed }.first
                ?? { let hits = choices.filter { PersonName.fold($0.label).hasPrefix(folded + " (") }; return hits.count == 1 ? hits[0] : nil }()
            guard let match else {
                errors[field] = Catalogue.text("incident_student_pick", req.language, [typed])
                continue
            }
            if ids.contains(match.id) { errors[field] = Catalogue.text("incident_student_twice", req.language) } else { ids.append(match.id) }
        }
        return ids
    }

    /// Checks the form; the input when valid, else the errors per field.
    func input(_ form: IncidentForm, schoolID: UUID, req: Request) async throws -> (IncidentInput?, [String: String]) {
        var errors: [String: String] = [:]
        let students = try await resolveStudents(form, schoolID: schoolID, req: req, errors: &errors)
        let validated = IncidentFields.validate(date: form.date ?? "", time: form.time ?? "", managedBy: form.managed_by ?? "staff",
                                                others: form.others_involved ?? "none", note: form.note ?? "", today: .today())
        var fields: IncidentFields? = nil
        switch validated {
        case .failure(let problems): errors.merge(problems.messages(req.language)) { a, _ in a }
        case .success(let value): fields = value
        }
        func label(_ text: String?) -> UUID? { text.flatMap { UUID(uuidString: $0) } }
        if label(form.behaviour_id) == nil { errors["behaviour_id"] = Catalogue.text("incident_choose_behaviour", req.language) }
        if label(form.location_id) == nil { errors["location_id"] = Catalogue.text("incident_choose_location", req.language) }
        guard errors.isEmpty, let fields else { return (nil, errors) }
        return (IncidentInput(fields: fields, students: students.enumerated().map { ($0.element, .involved) },
                              behaviourID: label(form.behaviour_id), locationID: label(form.location_id),
                              motivationID: label(form.motivation_id), actionID: label(form.action_id)), [:])
    }

    func createIncident(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        let form = try req.content.decode(IncidentForm.self)
        let school = try await recordingSchool(req, user, requested: form.school.flatMap(UUID.init(uuidString:)))
        let again = { (errors: [String: String]) in
            try await self.incidentForm(req: req, user: user, schoolID: school.id, schools: school.options, values: self.values(form), errors: errors,
                                        action: SiteURL.incidentNew(studentID: nil).path, cancel: SiteURL.home.path, isNew: true, status: .badRequest)
        }
        let (input, errors) = try await input(form, schoolID: school.id, req: req)
        guard let input else { return try await again(errors) }
        let status: IncidentStatus = form.send == "draft" ? .draft : IncidentWorkflow.sentStatus(for: user.role)
        do {
            let id = try await req.incidents.create(input, schoolID: school.id, reporterID: user.accountID, status: status).id
            return req.redirect(to: SiteURL.incident(id).path + "?saved=1")
        } catch let error as SamenError where error.field != nil {
            return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
        }
    }

    // MARK: One incident

    func incidentID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("incident", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func show(req: Request) async throws -> Response {
        let user = try req.require(.read, .incident)
        let language = req.language
        let incident = try await req.incidents.incident(try incidentID(req), for: user.viewer, language: language)
        let isReporter = incident.reporter_id == user.accountID
        let status = IncidentStatus(rawValue: incident.status) ?? .draft
        let canUpdate = user.viewer.can(.update, .incident)
        let moves: [(IncidentStatus, String, Bool)] = [(.review, status == .draft ? "incident_send" : "incident_reopen", true),
                                                      (.complete, "incident_complete", true), (.draft, "incident_back_to_draft", false),
                                                      (.withdrawn, "incident_withdraw", false)]
        let buttons = canUpdate ? moves.filter { IncidentWorkflow.allows(user.role, isReporter: isReporter, from: status, to: $0.0) }
            .map { WorkflowButton(to: $0.0.rawValue, label: Catalogue.text($0.1, language), primary: $0.2) } : []
        let school = try await School.find(incident.school_id, on: req.db)
        let page = IncidentPage(
            date: LocalDate(iso: incident.date)?.display(language) ?? incident.date, time: incident.time, school: school?.name ?? "",
            students: incident.students.map { s in
                LinkedItem(label: s.name, href: user.viewer.can(.read, .student) ? SiteURL.student(s.student_id).path : "",
                           detail: [s.group, s.number].compactMap { $0 }.joined(separator: ", "))
            },
            behaviour: incident.behaviour.text, location: incident.location.text,
            motivation: incident.motivation?.text ?? "—", action: incident.action?.text ?? "—",
            managedBy: Catalogue.text("managed_by_\(incident.managed_by)", language),
            others: Catalogue.text("others_\(incident.others_involved)", language),
            note: incident.note, status: Catalogue.text("incident_status_\(incident.status)", language), statusKey: incident.status,
            reporter: incident.reporter,
            editHref: canUpdate && IncidentWorkflow.canEdit(user.role, isReporter: isReporter, status: status) ? SiteURL.incidentEdit(incident.id).path : nil,
            statusAction: SiteURL.incidentStatus(incident.id).path, buttons: buttons,
            againHref: (try? req.query.get(String.self, at: "saved")) != nil ? SiteURL.incidentNew(studentID: nil).path : nil)
        return try await req.renderPage("signals/incident", title: "incident_title", titleArguments: [page.date], page: page)
    }

    /// The incident if this person may change its fields; 403 otherwise.
    func editable(_ req: Request, _ user: CurrentUser) async throws -> IncidentJSON {
        let incident = try await req.incidents.incident(try incidentID(req), for: user.viewer, language: req.language)
        guard IncidentWorkflow.canEdit(user.role, isReporter: incident.reporter_id == user.accountID,
                                       status: IncidentStatus(rawValue: incident.status) ?? .withdrawn) else { throw SamenError.forbidden }
        return incident
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.require(.update, .incident)
        let incident = try await editable(req, user)
        let students = try await Student.query(on: req.db).filter(\.$id ~~ incident.students.map(\.student_id)).with(\.$group).all()
        var values = ["date": incident.date, "time": incident.time, "behaviour_id": incident.behaviour.id.uuidString,
                      "location_id": incident.location.id.uuidString, "motivation_id": incident.motivation?.id.uuidString ?? "",
                      "action_id": incident.action?.id.uuidString ?? "", "managed_by": incident.managed_by,
                      "others_involved": incident.others_involved, "note": incident.note, "school": incident.school_id.uuidString]
        for (i, s) in incident.students.prefix(3).enumerated() {
            if let student = students.first(where: { $0.id == s.student_id }) { values["student_\(i + 1)"] = choiceLabel(student) }
        }
        return try await incidentForm(req: req, user: user, schoolID: incident.school_id, schools: [], values: values, errors: [:],
                                      action: SiteURL.incidentEdit(incident.id).path, cancel: SiteURL.incident(incident.id).path, isNew: false)
    }

    func update(req: Request) async throws -> Response {
        let user = try req.require(.update, .incident)
        let incident = try await editable(req, user)
        let form = try req.content.decode(IncidentForm.self)
        let again = { (errors: [String: String]) in
            try await self.incidentForm(req: req, user: user, schoolID: incident.school_id, schools: [], values: self.values(form), errors: errors,
                                        action: SiteURL.incidentEdit(incident.id).path, cancel: SiteURL.incident(incident.id).path,
                                        isNew: false, status: .badRequest)
        }
        let (input, errors) = try await input(form, schoolID: incident.school_id, req: req)
        guard var input else { return try await again(errors) }
        // Roles other than "involved" (a target) survive an edit of the same students.
        input.students = input.students.map { s in (s.id, incident.students.first { $0.student_id == s.id }.flatMap { IncidentRole(rawValue: $0.role) } ?? .involved) }
        do {
            try await req.incidents.update(incident.id, input, schoolID: incident.school_id, current: incident)
        } catch let error as SamenError where error.field != nil {
            return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
        }
        if incident.status == IncidentStatus.complete.rawValue {
            try await req.rules.evaluate(schoolID: incident.school_id, studentIDs: input.students.map(\.id))
        }
        return req.redirect(to: SiteURL.incident(incident.id).path)
    }

    struct MoveForm: Content { var to: String? }

    func move(req: Request) async throws -> Response {
        let user = try req.require(.update, .incident)
        let incident = try await req.incidents.incident(try incidentID(req), for: user.viewer, language: req.language)
        let form = try req.content.decode(MoveForm.self)
        guard let to = form.to.flatMap(IncidentStatus.init(rawValue:)) else { throw SamenError.invalid("incident_bad_choice", field: "to", [form.to ?? ""]) }
        try await req.incidents.move(incident, to: to, by: user)
        if to == .complete { try await req.rules.evaluate(schoolID: incident.school_id, studentIDs: incident.students.map(\.student_id)) }
        return req.redirect(to: SiteURL.incident(incident.id).path)
    }

    // MARK: Recognitions

    func newRecognition(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        let student = try? req.query.get(UUID.self, at: "student")
        let studentSchool = try await studentSchool(req, student)
        let school = try await recordingSchool(req, user, requested: (try? req.query.get(UUID.self, at: "school")) ?? studentSchool)
        let saved = (try? req.query.get(String.self, at: "saved")) != nil ? Catalogue.text("recognition_saved", req.language) : nil
        return try await incidentForm(req: req, user: user, schoolID: school.id, schools: school.options,
                                      values: try await defaults(req: req, user: user, schoolID: school.id), errors: [:],
                                      action: SiteURL.recognitionNew(studentID: nil).path, cancel: SiteURL.home.path, isNew: true,
                                      recognition: true, saved: saved)
    }

    func createRecognition(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        var form = try req.content.decode(IncidentForm.self)
        form.student_2 = nil
        form.student_3 = nil
        let school = try await recordingSchool(req, user, requested: form.school.flatMap(UUID.init(uuidString:)))
        var errors: [String: String] = [:]
        let students = try await resolveStudents(form, schoolID: school.id, req: req, errors: &errors)
        let validated = IncidentFields.validate(date: form.date ?? "", time: form.time ?? "", managedBy: "staff", others: "none",
                                                note: form.note ?? "", today: .today())
        if case .failure(let problems) = validated { errors.merge(problems.messages(req.language)) { a, _ in a } }
        let expectation = form.expectation_id.flatMap(UUID.init(uuidString:))
        if expectation == nil { errors["expectation_id"] = Catalogue.text("recognition_choose_expectation", req.language) }
        let again = { (errors: [String: String]) in
            try await self.incidentForm(req: req, user: user, schoolID: school.id, schools: school.options, values: self.values(form), errors: errors,
                                        action: SiteURL.recognitionNew(studentID: nil).path, cancel: SiteURL.home.path, isNew: true,
                                        recognition: true, status: .badRequest)
        }
        guard errors.isEmpty, case .success(let fields) = validated, let expectation, let student = students.first else { return try await again(errors) }
        do {
            _ = try await req.incidents.createRecognition(studentID: student, schoolID: school.id, date: fields.date, time: fields.time,
                                                          expectationID: expectation, note: fields.note, staffID: user.accountID)
        } catch let error as SamenError where error.field != nil {
            return try await again([error.field!: Catalogue.text(error.key, req.language, error.arguments)])
        }
        return req.redirect(to: SiteURL.recognitionNew(studentID: nil).path + "?saved=1&school=\(school.id)")
    }

    // MARK: Labels

    func schoolID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    func labels(req: Request) async throws -> Response {
        try await renderLabels(req: req, values: [:], errors: [:], status: .ok)
    }

    func renderLabels(req: Request, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.update, .labels)
        let school = try await req.directory.school(try schoolID(req), for: user.viewer)
        let language = req.language
        let labels = try await req.labels.labels(schoolID: school.id!, includeArchived: true, language: language)
        let page = LabelsPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            groups: LabelKind.allCases.map { kind in
                LabelGroup(kind: kind.rawValue, title: Catalogue.text("label_kind_\(kind.rawValue)", language),
                           labels: labels.filter { $0.kind == kind.rawValue }.map {
                               LabelLine(text: $0.text_nl, english: $0.text_en, archived: $0.archived, action: SiteURL.labelArchive($0.id).path,
                                         code: $0.code ?? "")
                           })
            },
            action: SiteURL.labels(school.id!).path,
            kinds: LabelKind.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("label_kind_\($0.rawValue)", language),
                                                   selected: (values["kind"] ?? "behaviour") == $0.rawValue) },
            values: values, errors: errors)
        return try await req.renderPage("signals/labels", title: "labels_title", titleArguments: [school.name], page: page, status: status)
    }

    struct LabelForm: Content { var kind: String?; var text_nl: String?; var text_en: String? }

    func addLabel(req: Request) async throws -> Response {
        let user = try req.require(.update, .labels)
        let school = try await req.directory.school(try schoolID(req), for: user.viewer)
        let form = try req.content.decode(LabelForm.self)
        let values = ["kind": form.kind ?? "", "text_nl": form.text_nl ?? "", "text_en": form.text_en ?? ""]
        switch LabelFields.validate(kind: form.kind ?? "", nl: form.text_nl ?? "", en: form.text_en ?? "") {
        case .failure(let problems):
            return try await renderLabels(req: req, values: values, errors: problems.messages(req.language), status: .badRequest)
        case .success(let fields):
            do {
                _ = try await req.labels.add(fields, schoolID: school.id!)
            } catch let error as SamenError where error.field != nil {
                return try await renderLabels(req: req, values: values, errors: [error.field!: Catalogue.text(error.key, req.language, error.arguments)],
                                              status: .badRequest)
            }
            return req.redirect(to: SiteURL.labels(school.id!).path)
        }
    }

    struct ArchiveForm: Content { var archived: String? }

    func archiveLabel(req: Request) async throws -> Response {
        let user = try req.require(.update, .labels)
        guard let id = req.parameters.get("label", as: UUID.self), let schoolID = try await req.labels.schoolOf(label: id) else { throw SamenError.notFound }
        let school = try await req.directory.school(schoolID, for: user.viewer)
        let form = try req.content.decode(ArchiveForm.self)
        guard let value = form.archived, value == "1" || value == "0" else { throw SamenError.invalid("incident_bad_choice", field: "archived", [form.archived ?? ""]) }
        try await req.labels.setArchived(id, value == "1")
        return req.redirect(to: SiteURL.labels(school.id!).path)
    }
}
