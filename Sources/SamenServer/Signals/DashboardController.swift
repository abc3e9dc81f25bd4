import Fluent
import Foundation
import SamenCore
import Vapor

struct FigureView: Encodable {
    var key: String
    var title: String
    var svg: String
    var header: [String]
    var rows: [[String]]
    var csvHref: String
    var empty: Bool
}

struct DashboardPage: Encodable {
    var school: String
    var schoolHref: String
    var years: [Option]
    var months: [Option]
    var action: String
    var headline: [LinkedItem]
    var figures: [FigureView]
}

struct FigureJSON: Content, Sendable {
    var key: String
    var title: String
    var header: [String]
    var rows: [[String]]
}

struct DashboardJSON: Content, Sendable {
    var school_id: UUID
    var school_year: String
    var month: String?
    var figures: [FigureJSON]
}

/// The school dashboard of the coordinator and the leader: each figure as
/// an SVG chart with its data table and a CSV download; the same figures in
/// the API, as JSON and as SVG.
struct DashboardController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "dashboard", use: page)
        routes.get("schools", ":school", "dashboard.csv", use: csv)
        let api = routes.grouped("api", "v1")
        api.get("schools", ":school", "dashboard", use: apiDashboard)
        api.get("schools", ":school", "charts", ":figure", use: apiChart)
    }

    /// Dashboards are for those who see a whole school: leader, coordinator, administrator.
    func school(_ req: Request) async throws -> (CurrentUser, School) {
        let user = try req.require(.read, .incident)
        guard [StudentScope.all, .ownSchools].contains(AccessPolicy.studentScope(user.role)) else { throw SamenError.forbidden }
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return (user, try await req.directory.school(id, for: user.viewer))
    }

    func period(_ req: Request) throws -> DashboardService.Period {
        var year = SchoolYearPeriod.containing(.today())
        if let text = try? req.query.get(String.self, at: "year"), !text.isEmpty {
            guard text.count == 9, let start = Int(text.prefix(4)), text.dropFirst(4).first == "-", Int(text.suffix(4)) == start + 1 else {
                throw SamenError.invalid("dashboard_bad_year", field: "year", [text])
            }
            year = SchoolYearPeriod(startYear: start)
        }
        var month: String? = nil
        if let text = try? req.query.get(String.self, at: "month"), !text.isEmpty {
            guard let first = LocalDate(iso: text + "-01"), first >= year.start, first <= year.end else {
                throw SamenError.invalid("dashboard_bad_month", field: "month", [text])
            }
            month = String(first.iso.prefix(7))
        }
        return DashboardService.Period(year: year, month: month)
    }

    func figures(_ req: Request, _ school: School, _ period: DashboardService.Period, _ language: Language) async throws -> [Figure] {
        try await req.dashboards.figures(schoolID: school.id!, period: period, thresholds: try await req.rules.thresholds(schoolID: school.id!), language: language)
    }

    func query(_ period: DashboardService.Period) -> String {
        "year=\(period.year.name)" + (period.month.map { "&month=\($0)" } ?? "")
    }

    func page(req: Request) async throws -> Response {
        let (_, school) = try await school(req)
        let period = try period(req)
        let language = req.language
        let figures = try await figures(req, school, period, language)
        let years = try await req.dashboards.years(schoolID: school.id!)
        var months: [Option] = [Option(value: "", label: Catalogue.text("dashboard_whole_year", language), selected: period.month == nil)]
        var day = period.year.start
        while day <= min(period.year.end, .today()) {
            let key = String(day.iso.prefix(7))
            months.append(Option(value: key, label: DashboardService.monthName(key, language), selected: key == period.month))
            day = LocalDate(year: day.month == 12 ? day.year + 1 : day.year, month: day.month % 12 + 1, day: 1)!
        }
        // The numbers that matter first: incidents per school day, the triangle's red share, open signals, students beyond Tier I.
        func values(_ key: String) -> [Double] { figures.first { $0.name == key }?.series.first?.values ?? [] }
        let perDay = values("per_day")
        let average = perDay.isEmpty ? 0 : perDay.reduce(0, +) / Double(perDay.count)
        let red = values("triangle").dropFirst(2).first ?? 0
        let headline = [
            LinkedItem(label: Catalogue.text("dashboard_head_per_day", language), href: "#per_day", detail: Figure.text(average, .decimal, language)),
            LinkedItem(label: Catalogue.text("dashboard_head_red", language), href: "#triangle", detail: Figure.text(red, .percent, language)),
            LinkedItem(label: Catalogue.text("dashboard_head_signals", language), href: SiteURL.signals(tab: "open").path,
                       detail: Figure.text(values("signal_age").reduce(0, +), .count, language)),
            LinkedItem(label: Catalogue.text("dashboard_head_tiers", language), href: "#tiers", detail: Figure.text(values("tiers").dropFirst().reduce(0, +), .count, language)),
        ]
        let page = DashboardPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            years: years.map { Option(value: $0, label: $0, selected: $0 == period.year.name) }, months: months,
            action: SiteURL.dashboard(school.id!).path, headline: headline,
            figures: figures.map { figure in
                let table = figure.table(language)
                return FigureView(key: figure.name, title: Catalogue.text("dashboard_\(figure.name)", language), svg: figure.svg(language),
                                  header: table.header, rows: table.rows,
                                  csvHref: SiteURL.dashboardCSV(school.id!).path + "?figure=\(figure.name)&" + query(period),
                                  empty: figure.series.allSatisfy { $0.values.allSatisfy { $0 == 0 } })
            })
        return try await req.renderPage("signals/dashboard", title: "dashboard_title", titleArguments: [school.name], page: page)
    }

    func figure(_ req: Request, _ figures: [Figure], name: String?) throws -> Figure {
        guard let name, let figure = figures.first(where: { $0.name == name }) else {
            throw SamenError.invalid("dashboard_bad_figure", field: "figure", [name ?? "", DashboardService.keys.joined(separator: ", ")])
        }
        return figure
    }

    func csv(req: Request) async throws -> Response {
        let (_, school) = try await school(req)
        let period = try period(req)
        let language = req.language
        let figure = try figure(req, try await figures(req, school, period, language), name: try? req.query.get(String.self, at: "figure"))
        let table = figure.table(language)
        let name = "\(school.code)-\(figure.name)-\(period.month ?? period.year.name).csv"
        return Response(status: .ok, headers: ["Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(name)\""],
                        body: .init(string: "\u{FEFF}" + CSVWriter.write(header: table.header, rows: table.rows)))
    }

    func apiDashboard(req: Request) async throws -> DashboardJSON {
        let (_, school) = try await school(req)
        let period = try period(req)
        let language = req.apiLanguage
        return DashboardJSON(school_id: school.id!, school_year: period.year.name, month: period.month,
                             figures: try await figures(req, school, period, language).map { f in
                                 let table = f.table(language)
                                 return FigureJSON(key: f.name, title: Catalogue.text("dashboard_\(f.name)", language), header: table.header, rows: table.rows)
                             })
    }

    func apiChart(req: Request) async throws -> Response {
        let (_, school) = try await school(req)
        let period = try period(req)
        let language = req.apiLanguage
        let figure = try figure(req, try await figures(req, school, period, language), name: req.parameters.get("figure"))
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8"], body: .init(string: figure.svg(language)))
    }
}
