import Fluent
import Foundation
import SamenCore
import Vapor

struct Items<Item: Content & Sendable>: Content, Sendable { var items: [Item] }

struct StaffJSON: Content, Sendable {
    var id: UUID
    var name: String
    var role: String
    var email: String
    var school_ids: [UUID]
    var organisation_id: UUID?
}

struct OrganisationJSON: Content, Sendable { var id: UUID; var name: String }

/// The directory's JSON API under `/api/v1`, described in `openapi.json`.
struct DirectoryAPIController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("schools", use: schools)
        api.post("schools", use: createSchool)
        api.get("schools", ":school", use: school)
        api.patch("schools", ":school", use: updateSchool)
        api.get("schools", ":school", "groups", use: groups)
        api.post("schools", ":school", "groups", use: createGroup)
        api.on(.POST, "schools", ":school", "students", "import", body: .collect(maxSize: "32mb"), use: importStudents)
        api.get("groups", ":group", use: group)
        api.get("students", use: students)
        api.post("students", use: createStudent)
        api.get("students", ":student", use: student)
        api.patch("students", ":student", use: updateStudent)
        api.post("students", ":student", "guardians", use: addGuardian)
        api.delete("students", ":student", "guardians", ":guardian", use: removeGuardian)
        api.get("staff", use: staff)
        api.get("organisations", use: organisations)
    }

    func id(_ req: Request, _ name: String) throws -> UUID {
        guard let id = req.parameters.get(name, as: UUID.self) else { throw SamenError.notFound }
        return id
    }

    static func fail(_ problems: [FieldProblem]) -> SamenError {
        let first = problems[0]
        return SamenError(status: .badRequest, key: first.key, arguments: first.arguments, field: first.field)
    }

    // MARK: Schools

    func schools(req: Request) async throws -> Items<SchoolSummary> {
        let user = try req.require(.read, .directory)
        return Items(items: try await req.directory.schools(for: user.viewer))
    }

    func school(req: Request) async throws -> SchoolSummary {
        let user = try req.require(.read, .directory)
        return req.directory.summary(try await req.directory.school(try id(req, "school"), for: user.viewer))
    }

    struct SchoolBody: Content { var code: String?; var name: String?; var type: String?; var city: String?; var region_id: UUID? }

    func createSchool(req: Request) async throws -> Response {
        _ = try req.require(.create, .directory)
        let body = try req.content.decode(SchoolBody.self)
        switch SchoolFields.validate(code: body.code ?? "", name: body.name ?? "", type: body.type ?? "", city: body.city ?? "") {
        case .failure(let problems): throw Self.fail(problems)
        case .success(let fields):
            let school = try await req.directory.createSchool(fields, regionID: body.region_id)
            let response = Response(status: .created)
            try response.content.encode(req.directory.summary(school))
            return response
        }
    }

    func updateSchool(req: Request) async throws -> SchoolSummary {
        let user = try req.require(.update, .directory)
        let school = try await req.directory.school(try id(req, "school"), for: user.viewer)
        let body = try req.content.decode(SchoolBody.self)
        switch SchoolFields.validate(code: body.code ?? school.code, name: body.name ?? school.name, type: body.type ?? school.type,
                                     city: body.city ?? school.city) {
        case .failure(let problems): throw Self.fail(problems)
        case .success(let fields):
            try await req.directory.updateSchool(school, fields)
            return req.directory.summary(school)
        }
    }

    // MARK: Groups

    func groups(req: Request) async throws -> Items<GroupSummary> {
        let user = try req.require(.read, .directory)
        let school = try await req.directory.school(try id(req, "school"), for: user.viewer)
        return Items(items: try await req.directory.groups(ofSchool: school.id!))
    }

    struct GroupBody: Content { var name: String; var level: String? }

    func createGroup(req: Request) async throws -> Response {
        let user = try req.require(.update, .directory)
        let school = try await req.directory.school(try id(req, "school"), for: user.viewer)
        let body = try req.content.decode(GroupBody.self)
        let group = try await req.directory.createGroup(schoolID: school.id!, name: body.name, level: body.level ?? "")
        let summary = try await req.directory.groups(ofSchool: school.id!).first { $0.id == group.id }!
        let response = Response(status: .created)
        try response.content.encode(summary)
        return response
    }

    func group(req: Request) async throws -> GroupSummary {
        let user = try req.require(.read, .directory)
        let group = try await req.directory.group(try id(req, "group"), for: user.viewer)
        guard let summary = try await req.directory.groups(ofSchool: group.$school.id).first(where: { $0.id == group.id }) else { throw SamenError.notFound }
        return summary
    }

    // MARK: Students

    struct StudentsQuery: Content { var q: String?; var school_id: UUID?; var group_id: UUID?; var page: Int?; var per_page: Int? }

    func students(req: Request) async throws -> Page<StudentRow> {
        let user = try req.require(.read, .student)
        let query = try req.query.decode(StudentsQuery.self)
        var filter = DirectoryService.StudentFilter()
        filter.query = query.q
        filter.schoolID = query.school_id
        filter.groupID = query.group_id
        filter.page = query.page ?? 1
        filter.perPage = query.per_page ?? 50
        return try await req.directory.students(for: user.viewer, filter: filter)
    }

    func student(req: Request) async throws -> StudentDetail {
        let user = try req.require(.read, .student)
        let student = try await req.directory.student(try id(req, "student"), for: user.viewer)
        return try await req.directory.detail(student, for: user.viewer)
    }

    struct StudentBody: Content {
        var school_id: UUID?
        var group_id: UUID?
        var number: String?
        var first_name: String?
        var particle: String?
        var last_name: String?
        var birth_date: String?
        var enrolled_on: String?
        var left_on: String?
    }

    func createStudent(req: Request) async throws -> Response {
        let user = try req.require(.create, .student)
        let body = try req.content.decode(StudentBody.self)
        guard let schoolID = body.school_id else { throw SamenError.invalid("error_field_missing", field: "school_id", ["school_id"]) }
        let school: School
        do { school = try await req.directory.school(schoolID, for: user.viewer) } catch {
            throw SamenError.invalid("student_bad_school", field: "school_id")
        }
        switch StudentFields.validate(number: body.number ?? "", firstName: body.first_name ?? "", particle: body.particle ?? "",
                                      lastName: body.last_name ?? "", birthDate: body.birth_date ?? "", enrolled: body.enrolled_on ?? "",
                                      left: body.left_on ?? "", today: .today()) {
        case .failure(let problems): throw Self.fail(problems)
        case .success(let fields):
            let created = try await req.directory.createStudent(school: school.id!, groupID: body.group_id, fields: fields)
            let student = try await req.directory.student(created.id!, for: user.viewer)
            let response = Response(status: .created)
            try response.content.encode(try await req.directory.detail(student, for: user.viewer))
            return response
        }
    }

    func updateStudent(req: Request) async throws -> StudentDetail {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try id(req, "student"), for: user.viewer)
        let body = try req.content.decode(StudentBody.self)
        switch StudentFields.validate(number: body.number ?? student.number, firstName: body.first_name ?? student.firstName,
                                      particle: body.particle ?? student.particle, lastName: body.last_name ?? student.lastName,
                                      birthDate: body.birth_date ?? student.birthDate, enrolled: body.enrolled_on ?? student.enrolledOn ?? "",
                                      left: body.left_on ?? student.leftOn ?? "", today: .today()) {
        case .failure(let problems): throw Self.fail(problems)
        case .success(let fields):
            try await req.directory.updateStudent(student, groupID: body.group_id ?? student.$group.id, fields: fields)
            let fresh = try await req.directory.student(student.id!, for: user.viewer)
            return try await req.directory.detail(fresh, for: user.viewer)
        }
    }

    struct GuardianBody: Content { var name: String?; var email: String?; var phone: String?; var relation: String? }

    func addGuardian(req: Request) async throws -> Response {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try id(req, "student"), for: user.viewer)
        let body = try req.content.decode(GuardianBody.self)
        switch GuardianFields.validate(name: body.name ?? "", email: body.email ?? "", phone: body.phone ?? "", relation: body.relation ?? "") {
        case .failure(let problems): throw Self.fail(problems)
        case .success(let fields):
            try await req.directory.addGuardian(fields, to: student)
            let response = Response(status: .created)
            try response.content.encode(try await req.directory.detail(student, for: user.viewer))
            return response
        }
    }

    func removeGuardian(req: Request) async throws -> HTTPStatus {
        let user = try req.require(.update, .student)
        let student = try await req.directory.student(try id(req, "student"), for: user.viewer)
        try await req.directory.removeGuardian(try id(req, "guardian"), from: student)
        return .noContent
    }

    /// A CSV body (`text/csv`); all or nothing, as the command and the upload page.
    func importStudents(req: Request) async throws -> ImportReport {
        let user = try req.require(.create, .student)
        let school = try await req.directory.school(try id(req, "school"), for: user.viewer)
        guard let body = req.body.data, body.readableBytes > 0 else { throw SamenError.invalid("import_no_file", field: "body") }
        return try await StudentImporter(db: req.db).run(bytes: Array(buffer: body), schoolID: school.id!)
    }

    // MARK: People

    func staff(req: Request) async throws -> Items<StaffJSON> {
        let user = try req.require(.read, .directory)
        return Items(items: try await req.directory.staff(for: user.viewer).map { account, ids in
            StaffJSON(id: account.id!, name: account.name.display, role: account.role, email: account.email,
                      school_ids: ids.sorted { $0.uuidString < $1.uuidString }, organisation_id: account.$organisation.id)
        })
    }

    func organisations(req: Request) async throws -> Items<OrganisationJSON> {
        _ = try req.require(.read, .organisation)
        return Items(items: try await Organisation.query(on: req.db).sort(\.$name).all().map { OrganisationJSON(id: $0.id!, name: $0.name) })
    }
}
