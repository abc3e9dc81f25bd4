import Fluent
import Foundation
import SamenCore
import Vapor

struct ImportPage: Encodable {
    var school: String
    var schoolHref: String
    var action: String
    var report: ImportReport?
    var problems: [ImportProblemJSON]
    var summary: String?
}

struct StaffLine: Encodable { var name: String; var role: String; var schools: String; var email: String; var organisation: String }
struct StaffPage: Encodable { var staff: [StaffLine] }
struct OrganisationLine: Encodable { var name: String; var workers: [StaffLine] }
struct OrganisationsPage: Encodable { var organisations: [OrganisationLine] }

/// The student import page, the staff directory and the youth-care organisations.
struct PeopleController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "import", use: importPage)
        routes.on(.POST, "schools", ":school", "import", body: .collect(maxSize: "32mb"), use: importUpload)
        routes.get("staff", use: staff)
        routes.get("organisations", use: organisations)
    }

    func importSchool(_ req: Request) async throws -> School {
        let user = try req.require(.create, .student)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return try await req.directory.school(id, for: user.viewer)
    }

    func importPage(req: Request) async throws -> Response {
        let school = try await importSchool(req)
        return try await req.renderPage("directory/import", title: "import_title", titleArguments: [school.name],
                                        page: ImportPage(school: school.name, schoolHref: SiteURL.school(school.id!).path,
                                                         action: SiteURL.schoolImport(school.id!).path, report: nil, problems: [], summary: nil))
    }

    struct Upload: Content { var file: File? }

    func importUpload(req: Request) async throws -> Response {
        let school = try await importSchool(req)
        let language = req.language
        var page = ImportPage(school: school.name, schoolHref: SiteURL.school(school.id!).path, action: SiteURL.schoolImport(school.id!).path,
                              report: nil, problems: [], summary: nil)
        guard let upload = try? req.content.decode(Upload.self), let file = upload.file, file.data.readableBytes > 0 else {
            page.problems = [ImportProblemJSON(ImportProblem(line: 0, column: nil, key: "import_no_file"), language)]
            return try await req.renderPage("directory/import", title: "import_title", titleArguments: [school.name], page: page, status: .badRequest)
        }
        do {
            let report = try await StudentImporter(db: req.db).run(bytes: Array(buffer: file.data), schoolID: school.id!)
            page.report = report
            page.summary = Catalogue.text("import_done", language, [String(report.created), String(report.updated), String(report.unchanged)])
            return try await req.renderPage("directory/import", title: "import_title", titleArguments: [school.name], page: page)
        } catch let rejected as ImportRejected {
            page.problems = rejected.problems.map { ImportProblemJSON($0, language) }
            page.summary = Catalogue.text("import_rejected", language, [String(rejected.problems.count)])
            return try await req.renderPage("directory/import", title: "import_title", titleArguments: [school.name], page: page,
                                            status: .unprocessableEntity)
        }
    }

    func staff(req: Request) async throws -> Response {
        let user = try req.require(.read, .directory)
        let language = req.language
        let names = Dictionary(uniqueKeysWithValues: try await req.directory.schools(for: user.viewer).map { ($0.id, $0.name) })
        let lines = try await req.directory.staff(for: user.viewer).map { account, schoolIDs in
            StaffLine(name: account.name.listed, role: Catalogue.text("role_\(account.role)", language),
                      schools: schoolIDs.compactMap { names[$0] }.sorted().joined(separator: ", "),
                      email: account.email, organisation: account.organisation?.name ?? "")
        }
        return try await req.renderPage("directory/staff", title: "staff_title", page: StaffPage(staff: lines))
    }

    func organisations(req: Request) async throws -> Response {
        let user = try req.require(.read, .organisation)
        let language = req.language
        let schools = try await req.directory.schools(for: user.viewer)
        let names = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0.name) })
        var result: [OrganisationLine] = []
        for organisation in try await Organisation.query(on: req.db).sort(\.$name).all() {
            let workers = try await Account.query(on: req.db).filter(\.$organisation.$id == organisation.id).filter(\.$active == true).all()
            var lines: [StaffLine] = []
            for worker in workers.sorted(by: { $0.name.sortKey < $1.name.sortKey }) {
                let linked = try await AccountSchool.query(on: req.db).filter(\.$account.$id == worker.id!).all(\.$school.$id).compactMap { names[$0] }
                // Show a worker to a school's staff only when linked to one of the schools they see.
                if user.role != .admin && linked.isEmpty { continue }
                lines.append(StaffLine(name: worker.name.listed, role: Catalogue.text("role_\(worker.role)", language),
                                       schools: linked.sorted().joined(separator: ", "), email: worker.email, organisation: organisation.name))
            }
            if user.role == .admin || !lines.isEmpty { result.append(OrganisationLine(name: organisation.name, workers: lines)) }
        }
        return try await req.renderPage("directory/organisations", title: "organisations_title", page: OrganisationsPage(organisations: result))
    }
}
