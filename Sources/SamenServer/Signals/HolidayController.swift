import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct HolidayJSON: Content, Sendable {
    var id: UUID
    var name: String
    var from: String
    var through: String
}

/// A school's holidays, read for the school-day rules and kept on one page.
struct HolidayService {
    let sql: any SQLDatabase

    func list(schoolID: UUID) async throws -> [HolidayJSON] {
        try await sql.raw("""
            SELECT id, name, starts_on, ends_on FROM school_holidays WHERE school_id = \(bind: schoolID) ORDER BY starts_on, name
            """).all().map { row in
            HolidayJSON(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                        from: try row.decode(column: "starts_on", as: String.self), through: try row.decode(column: "ends_on", as: String.self))
        }
    }

    /// The school's calendar: weekdays minus its holidays.
    func calendar(schoolID: UUID) async throws -> SchoolCalendar {
        SchoolCalendar(periods: try await list(schoolID: schoolID).compactMap { h in
            guard let from = LocalDate(iso: h.from), let through = LocalDate(iso: h.through) else { return nil }
            return HolidayPeriod(name: h.name, from: from, through: through)
        })
    }

    /// Adds periods, leaving out those the school has already (same name and first day); returns how many were new.
    func add(_ periods: [HolidayPeriod], schoolID: UUID, now: Date = Date()) async throws -> Int {
        let existing = Set(try await list(schoolID: schoolID).map { $0.name + "|" + $0.from })
        let fresh = periods.filter { !existing.contains($0.name + "|" + $0.from.iso) }
        guard !fresh.isEmpty else { return 0 }
        let insert = sql.insert(into: "school_holidays").columns("id", "school_id", "name", "starts_on", "ends_on", "created_at")
        for p in fresh { insert.values(SQLBind(UUID()), SQLBind(schoolID), SQLBind(p.name), SQLBind(p.from.iso), SQLBind(p.through.iso), SQLBind(now)) }
        try await insert.run()
        return fresh.count
    }
}

extension Request {
    var holidays: HolidayService { HolidayService(sql: db as! any SQLDatabase) }
}

struct HolidayLine: Encodable { var name: String; var dates: String; var days: Int; var removeAction: String? }

struct HolidaysPage: Encodable {
    var school: String
    var schoolHref: String
    var holidays: [HolidayLine]
    var action: String?
    var publicAction: String?
    var publicLabel: String
    var values: [String: String]
    var errors: [String: String]
    var notice: String?
}

/// Holidays and days off per school: the coordinator keeps them (with the
/// public holidays of a school year in one step); everyone who sees the
/// school reads them. The absence rules and the figures per school day use them.
struct HolidayController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "holidays", use: page)
        routes.post("schools", ":school", "holidays", use: add)
        routes.post("schools", ":school", "holidays", "public", use: addPublic)
        routes.post("schools", ":school", "holidays", ":holiday", "remove", use: remove)
        routes.grouped("api", "v1").get("schools", ":school", "holidays", use: api)
    }

    func school(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, School) {
        let user = try req.require(action, .directory)
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.school(id, for: user.viewer))
    }

    func page(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .read)
        return try await render(req: req, user: user, school: school, values: [:], errors: [:], notice: nil, status: .ok)
    }

    func render(req: Request, user: CurrentUser, school: School, values: [String: String], errors: [String: String], notice: String?,
                status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let canEdit = user.viewer.can(.update, .directory)
        let list = try await req.holidays.list(schoolID: school.id!)
        let year = SchoolYearPeriod.containing(.today())
        let page = HolidaysPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            holidays: list.map { h in
                let from = LocalDate(iso: h.from), through = LocalDate(iso: h.through)
                let weekdays = from.flatMap { f in through.map { SchoolCalendar().schoolDays(from: f, through: $0) } } ?? 0
                return HolidayLine(name: h.name,
                                   dates: h.from == h.through ? (from?.display(language) ?? h.from)
                                       : (from?.display(language) ?? h.from) + " – " + (through?.display(language) ?? h.through),
                                   days: weekdays, removeAction: canEdit ? SiteURL.holidayRemove(school: school.id!, holiday: h.id).path : nil)
            },
            action: canEdit ? SiteURL.holidays(school.id!).path : nil,
            publicAction: canEdit ? SiteURL.holidays(school.id!).path + "/public" : nil,
            publicLabel: Catalogue.text("holiday_public", language, [year.name]),
            values: values, errors: errors, notice: notice)
        return try await req.renderPage("signals/holidays", title: "holidays_title", titleArguments: [school.name], page: page, status: status)
    }

    struct Form: Content { var name: String?; var from: String?; var through: String? }

    func add(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .update)
        let form = try req.content.decode(Form.self)
        switch HolidayPeriod.validate(name: form.name ?? "", from: form.from ?? "", through: form.through ?? "") {
        case .failure(let problems):
            return try await render(req: req, user: user, school: school, values: ["name": form.name ?? "", "from": form.from ?? "", "through": form.through ?? ""],
                                    errors: problems.messages(req.language), notice: nil, status: .badRequest)
        case .success(let period):
            _ = try await req.holidays.add([period], schoolID: school.id!)
            // Holidays change which days are school days: the absence rules run again.
            _ = try await req.rules.evaluateAbsence(schoolID: school.id!)
            return req.redirect(to: SiteURL.holidays(school.id!).path)
        }
    }

    func addPublic(req: Request) async throws -> Response {
        let (user, school) = try await school(req, .update)
        let added = try await req.holidays.add(DutchHolidays.publicHolidays(.containing(.today())), schoolID: school.id!)
        _ = try await req.rules.evaluateAbsence(schoolID: school.id!)
        return try await render(req: req, user: user, school: school, values: [:], errors: [:],
                                notice: Catalogue.text("holiday_public_added", req.language, [String(added)]), status: .ok)
    }

    func remove(req: Request) async throws -> Response {
        let (_, school) = try await school(req, .update)
        guard let id = req.parameters.get("holiday", as: UUID.self) else { throw SamenError.notFound }
        let sql = req.db as! any SQLDatabase
        try await sql.delete(from: "school_holidays").where("id", .equal, SQLBind(id)).where("school_id", .equal, SQLBind(school.id!)).run()
        return req.redirect(to: SiteURL.holidays(school.id!).path)
    }

    func api(req: Request) async throws -> Items<HolidayJSON> {
        let (_, school) = try await school(req, .read)
        return Items(items: try await req.holidays.list(schoolID: school.id!))
    }
}
