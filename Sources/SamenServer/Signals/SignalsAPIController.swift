import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// Incidents, recognitions, labels and signals in the JSON API, so a
/// student administration system can push incidents (see `openapi.json`).
struct SignalsAPIController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("incidents", use: incidents)
        api.post("incidents", use: createIncident)
        api.get("incidents", ":incident", use: incident)
        api.post("incidents", ":incident", "status", use: move)
        api.get("schools", ":school", "labels", use: labels)
        api.get("recognitions", use: recognitions)
        api.post("recognitions", use: createRecognition)
        api.get("signals", use: signals)
        api.get("signals", ":signal", use: signal)
        api.post("signals", ":signal", "decisions", use: decide)
    }

    func id(_ req: Request, _ name: String) throws -> UUID {
        guard let id = req.parameters.get(name, as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    /// A query parameter that, when given, must parse; a clear 400 otherwise.
    func query<T>(_ req: Request, _ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = try? req.query.get(String.self, at: name), !text.isEmpty else { return nil }
        guard let value = parse(text) else { throw SamenError.invalid("api_bad_parameter", field: name, [text]) }
        return value
    }

    // MARK: Incidents

    func incidents(req: Request) async throws -> Page<IncidentJSON> {
        let user = try req.require(.read, .incident)
        var filter = IncidentService.Filter()
        filter.schoolID = try query(req, "school_id") { UUID(uuidString: $0) }
        filter.studentID = try query(req, "student_id") { UUID(uuidString: $0) }
        filter.status = try query(req, "status") { IncidentStatus(rawValue: $0) }
        filter.from = try query(req, "from") { LocalDate(iso: $0) }
        filter.to = try query(req, "to") { LocalDate(iso: $0) }
        filter.page = try query(req, "page") { Int($0) } ?? 1
        filter.perPage = try query(req, "per_page") { Int($0) } ?? 50
        return try await req.incidents.list(for: user.viewer, filter: filter, language: req.apiLanguage)
    }

    func incident(req: Request) async throws -> IncidentJSON {
        let user = try req.require(.read, .incident)
        return try await req.incidents.incident(try id(req, "incident"), for: user.viewer, language: req.apiLanguage)
    }

    struct StudentRef: Content { var student_id: UUID?; var number: String?; var role: String? }

    struct IncidentBody: Content {
        var school_id: UUID?
        var students: [StudentRef]?
        var date: String?
        var time: String?
        var behaviour_id: UUID?
        var location_id: UUID?
        var motivation_id: UUID?
        var action_id: UUID?
        var managed_by: String?
        var others_involved: String?
        var note: String?
        /// "draft" keeps it a draft; otherwise it is sent (to review, or complete for a coordinator).
        var status: String?
    }

    /// The students of a request, by id or by number within `school_id`;
    /// existence and scope are checked afterwards, in one query (`checkStudents`).
    func resolve(_ refs: [StudentRef], schoolID: UUID?, db: Database) async throws -> [(id: UUID, role: IncidentRole)] {
        guard !refs.isEmpty else { throw SamenError.invalid("incident_student_required", field: "students") }
        var result: [(UUID, IncidentRole)] = []
        for (i, ref) in refs.enumerated() {
            let field = "students.\(i)"
            guard let role = IncidentRole(rawValue: ref.role ?? "involved") else {
                throw SamenError.invalid("incident_bad_choice", field: field + ".role", [ref.role ?? ""])
            }
            if let id = ref.student_id { result.append((id, role)); continue }
            guard let number = ref.number, let schoolID else { throw SamenError.invalid("incident_student_ref", field: field) }
            guard let id = try await Student.query(on: db).filter(\.$school.$id == schoolID).filter(\.$number == number).first()?.id else {
                throw SamenError.invalid("incident_student_unknown", field: field)
            }
            result.append((id, role))
        }
        return result
    }

    /// The schools a person may record in: their own (nil for the administrator: any).
    func recordingSchools(_ user: CurrentUser) -> Set<UUID>? { user.role == .admin ? nil : user.viewer.schoolIDs }

    func createIncident(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        let body = try req.content.decode(IncidentBody.self)
        let students = try await resolve(body.students ?? [], schoolID: body.school_id, db: req.db)
        let fields: IncidentFields
        switch IncidentFields.validate(date: body.date ?? "", time: body.time ?? "", managedBy: body.managed_by ?? "staff",
                                       others: body.others_involved ?? "none", note: body.note ?? "", today: .today()) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let value): fields = value
        }
        // The labels are read with the students: one query.
        let labelIDs = [body.behaviour_id, body.location_id, body.motivation_id, body.action_id].compactMap { $0 }
        let (schoolID, named, labels) = try await req.incidents.checkStudents(students.map(\.id), on: fields.date, schoolID: body.school_id,
                                                                              allowed: recordingSchools(user), labelIDs: labelIDs)
        let status: IncidentStatus
        switch body.status {
        case nil, "sent": status = IncidentWorkflow.sentStatus(for: user.role)
        case "draft": status = .draft
        default: throw SamenError.invalid("incident_bad_choice", field: "status", [body.status ?? ""])
        }
        let input = IncidentInput(fields: fields, students: students, behaviourID: body.behaviour_id, locationID: body.location_id,
                                  motivationID: body.motivation_id, actionID: body.action_id)
        let stored = try await req.incidents.create(input, schoolID: schoolID, reporterID: user.accountID, status: status, labels: labels)
        let response = Response(status: .created)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/incidents/\(stored.id)")
        // The answer is built from what was checked and stored: no second read.
        let language = req.apiLanguage
        func ref(_ id: UUID?) -> LabelRef? { id.flatMap { i in stored.texts[i].map { LabelRef(id: i, text: language == .nl ? $0.nl : $0.en) } } }
        try response.content.encode(IncidentJSON(
            id: stored.id, school_id: schoolID, school_year: SchoolYearPeriod.containing(fields.date).name, date: fields.date.iso, time: fields.time.text,
            behaviour: ref(input.behaviourID)!, location: ref(input.locationID)!, motivation: ref(input.motivationID), action: ref(input.actionID),
            managed_by: fields.managedBy.rawValue, others_involved: fields.others.rawValue, note: fields.note, status: status.rawValue,
            reporter_id: user.accountID, reporter: user.name.display,
            students: zip(named, students).map { json, s in var j = json; j.role = s.role.rawValue; return j }))
        return response
    }

    struct StatusBody: Content { var status: String }

    func move(req: Request) async throws -> IncidentJSON {
        let user = try req.require(.update, .incident)
        let incident = try await req.incidents.incident(try id(req, "incident"), for: user.viewer, language: req.apiLanguage)
        let body = try req.content.decode(StatusBody.self)
        guard let to = IncidentStatus(rawValue: body.status) else { throw SamenError.invalid("incident_bad_choice", field: "status", [body.status]) }
        try await req.incidents.move(incident, to: to, by: user)
        if to == .complete { try await req.rules.evaluate(schoolID: incident.school_id, studentIDs: incident.students.map(\.student_id)) }
        return try await req.incidents.incident(incident.id, for: user.viewer, language: req.apiLanguage)
    }

    // MARK: Labels

    func labels(req: Request) async throws -> Items<LabelJSON> {
        let user = try req.require(.read, .labels)
        let school = try await req.directory.school(try id(req, "school"), for: user.viewer)
        let kind = try query(req, "kind") { LabelKind(rawValue: $0) }
        let archived = try query(req, "include_archived") { ["true": true, "false": false][$0] } ?? false
        return Items(items: try await req.labels.labels(schoolID: school.id!, kind: kind, includeArchived: archived, language: req.apiLanguage))
    }

    // MARK: Recognitions

    func recognitions(req: Request) async throws -> Items<RecognitionJSON> {
        let user = try req.require(.read, .incident)
        guard let studentID = try query(req, "student_id", { UUID(uuidString: $0) }) else {
            throw SamenError.invalid("error_field_missing", field: "student_id", ["student_id"])
        }
        let student = try await req.directory.student(studentID, for: user.viewer)
        return Items(items: try await req.incidents.recognitions(studentID: student.id!, language: req.apiLanguage))
    }

    struct RecognitionBody: Content {
        var student_id: UUID?
        var number: String?
        var school_id: UUID?
        var expectation_id: UUID?
        var date: String?
        var time: String?
        var note: String?
    }

    func createRecognition(req: Request) async throws -> Response {
        let user = try req.require(.create, .incident)
        let body = try req.content.decode(RecognitionBody.self)
        let student = try await resolve([StudentRef(student_id: body.student_id, number: body.number, role: nil)], schoolID: body.school_id, db: req.db)[0]
        let fields: IncidentFields
        switch IncidentFields.validate(date: body.date ?? LocalDate.today().iso, time: body.time ?? TimeOfDay.now().text, managedBy: "staff",
                                       others: "none", note: body.note ?? "", today: .today()) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let value): fields = value
        }
        guard let expectation = body.expectation_id else { throw SamenError.invalid("error_field_missing", field: "expectation_id", ["expectation_id"]) }
        let schoolID = try await req.incidents.checkStudents([student.id], on: fields.date, schoolID: body.school_id, allowed: recordingSchools(user)).school
        let id = try await req.incidents.createRecognition(studentID: student.id, schoolID: schoolID, date: fields.date, time: fields.time,
                                                           expectationID: expectation, note: fields.note, staffID: user.accountID)
        guard let created = try await req.incidents.recognitions(studentID: student.id, language: req.apiLanguage, limit: 1000).first(where: { $0.id == id })
        else { throw SamenError.notFound }
        let response = Response(status: .created)
        try response.content.encode(created)
        return response
    }

    // MARK: Signals

    func signals(req: Request) async throws -> Items<SignalJSON> {
        let user = try req.require(.read, .signal)
        var filter = SignalService.Filter()
        filter.schoolID = try query(req, "school_id") { UUID(uuidString: $0) }
        filter.studentID = try query(req, "student_id") { UUID(uuidString: $0) }
        if let status = try query(req, "status", { SignalStatus(rawValue: $0) }) { filter.statuses = [status] }
        return Items(items: try await req.signals.list(for: user.viewer, filter: filter, language: req.apiLanguage))
    }

    func signal(req: Request) async throws -> SignalJSON {
        let user = try req.require(.read, .signal)
        return try await req.signals.signal(try id(req, "signal"), for: user.viewer, language: req.apiLanguage)
    }

    struct DecisionBody: Content { var decision: String?; var tier_after: Int?; var review_by: String?; var note: String?; var owner_id: UUID? }

    func decide(req: Request) async throws -> Response {
        let user = try req.require(.update, .signal)
        let signal = try await req.signals.signal(try id(req, "signal"), for: user.viewer, language: req.apiLanguage)
        guard signal.status != SignalStatus.closed.rawValue else { throw SamenError(status: .conflict, key: "signal_closed") }
        let body = try req.content.decode(DecisionBody.self)
        switch DecisionFields.validate(kind: body.decision ?? "", tierAfter: body.tier_after.map(String.init) ?? "", reviewBy: body.review_by ?? "",
                                       note: body.note ?? "", currentTier: Tier(rawValue: signal.tier) ?? .one, today: .today()) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let fields):
            _ = try await req.signals.decide(signal, fields, ownerID: body.owner_id, by: user)
            let response = Response(status: .created)
            try response.content.encode(try await req.signals.signal(signal.id, for: user.viewer, language: req.apiLanguage))
            return response
        }
    }
}

extension Request {
    /// The API's language: Accept-Language, Dutch by default.
    var apiLanguage: Language { Language(acceptLanguage: headers.first(name: .acceptLanguage)) }
}
