import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// A table of the region's page: its chart (when it has one), its rows and its CSV.
struct RegionTablePage: Encodable {
    var key: String
    var title: String
    var note: String?
    var svg: String?
    var header: [String]
    var rows: [[String]]
    /// The rows as markup, each cell escaped (a region's tables have thousands of cells; Leaf's loop over them was slow).
    var rowsHTML: String = ""
    var csvHref: String
}

struct RegionPage: Encodable {
    var region: String
    var action: String
    var years: [Option]
    var threshold: String
    var tables: [RegionTablePage]
    var apiHref: String
}

/// One row of the schools side by side, as the API gives it: every figure a value or suppressed.
struct RegionRowJSON: Content, Sendable {
    var school_id: UUID?
    var school: String
    var school_type: String?
    /// In the order of `RegionDashboardJSON.columns`.
    var cells: [RegionCell]
}

struct RegionQuarterRowJSON: Content, Sendable {
    var school_id: UUID?
    var school: String
    var counts: [RegionCell]
    var total: RegionCell
}

struct RegionYearJSON: Content, Sendable {
    var school_year: String
    var cells: [RegionCell]
}

struct RegionSurveyJSON: Content, Sendable {
    /// "scales" (means per scale), "tiers" (fidelity percentages per tier) or "choices" (the models chosen).
    var kind: String
    var questionnaire: String
    var wave: String
    /// Columns: the scales (working factors) or the tiers (fidelity); rows per school from the threshold on, then the region.
    var columns: [String]
    var rows: [RegionRowJSON]
    /// The collaboration models chosen: count and share against the national share (suppressed cells nil).
    var choices: [ReportChoiceJSON]?
}

struct RegionDashboardJSON: Content, Sendable {
    var region: String
    var school_year: String
    var threshold: Int
    var columns: [String]
    var schools: [RegionRowJSON]
    var region_row: RegionRowJSON
    var quarters: [String]
    var thuiszitters_by_quarter: [RegionQuarterRowJSON]
    var year_columns: [String]
    var years: [RegionYearJSON]
    var surveys: [RegionSurveyJSON]
}

/// The samenwerkingsverband's view: the region's schools side by side and against the region, over school years
/// and quarters, with every count of students under the threshold suppressed (and its complements), and the staff
/// questionnaires' results per school. No student-level data: every figure is an aggregate counted in the database.
struct RegionController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("region", use: page)
        routes.get("region.csv", use: csv)
        routes.grouped("api", "v1").get("region", use: api)
    }

    /// The region's staff and the administrator; 403 for everyone else.
    func viewer(_ req: Request) throws -> CurrentUser {
        let user = try req.requireUser()
        guard user.role == .region || user.role == .admin else { throw SamenError.forbidden }
        return user
    }

    static let yearColumns = ["students", "tier23_share", "incidents_per_100", "absence_reports", "thuiszitters", "lead_days"]
    static let trendYears = 4
    static let quarterCount = 4

    /// Everything the page, the CSV and the API show, for the school year asked (`year=2026-2027`, the current one by default).
    func dashboard(_ req: Request) async throws -> (RegionDashboardJSON, [SchoolYearPeriod]) {
        let user = try viewer(req)
        guard let region = try await req.region.region(for: user.viewer) else { throw SamenError.notFound }
        let service = req.region
        let years = try await service.years(regionID: region.id)
        var year = SchoolYearPeriod.containing(.today())
        if let asked = try? req.query.get(String.self, at: "year") {
            guard let known = years.first(where: { $0.name == asked }) else { throw SamenError.invalid("region_bad_year", field: "year") }
            year = known
        }
        let threshold = req.application.samenConfig.regionMinimumCell
        let schools = try await service.schools(regionID: region.id)

        // The asked year and those before it in the trend below, counted together (one statement a figure).
        let trend = years.filter { $0.startYear <= year.startYear }.prefix(Self.trendYears)
        // The surveys and the quarters are read meanwhile (they wait on other connections).
        async let workingFactors = service.survey(code: EvaluationInstruments.workingFactorsScan.code, regionID: region.id)
        async let fidelity = service.survey(code: EvaluationInstruments.fidelitySelfAssessment.code, regionID: region.id)
        async let models = service.survey(code: EvaluationInstruments.collaborationModel.code, regionID: region.id)
        let quarters = Quarter.last(Self.quarterCount, until: .today())
        async let thuiszittersByQuarter = service.thuiszittersByQuarter(regionID: region.id, quarters: quarters)
        let byYear = try await service.counts(regionID: region.id, years: Array(Set(trend + [year])))
        let counts = byYear[year.name] ?? [:]
        let perSchool = schools.map { counts[$0.id] ?? SchoolYearCounts() }
        let table = RegionOverview.table(perSchool, threshold: threshold)
        let rows = zip(schools, table.schools).map { school, row in
            RegionRowJSON(school_id: school.id, school: school.name, school_type: school.type, cells: row.cells)
        }
        let language = req.language
        let regionRow = RegionRowJSON(school_id: nil, school: Catalogue.text("region_total", language), school_type: nil, cells: table.region.cells)

        // New thuiszitters per quarter: a table of counts with a total per school and per quarter.
        let byQuarter = try await thuiszittersByQuarter
        let grid = schools.map { s in quarters.map { byQuarter[s.id]?[$0] ?? 0 } }
        let hidden = Suppression(threshold: threshold).grid(grid, rowTotals: true, columnTotals: true)
        var quarterRows = schools.enumerated().map { i, s in
            RegionQuarterRowJSON(school_id: s.id, school: s.name,
                                 counts: quarters.indices.map { RegionCell(Double(grid[i][$0]), suppressed: hidden.cells.contains(GridCell(i, $0))) },
                                 total: RegionCell(Double(grid[i].reduce(0, +)), suppressed: hidden.hiddenRowTotals.contains(i)))
        }
        let quarterTotals = quarters.indices.map { q in grid.reduce(0) { $0 + $1[q] } }
        let allQuarters = quarterTotals.reduce(0, +)
        quarterRows.append(RegionQuarterRowJSON(
            school_id: nil, school: Catalogue.text("region_total", language),
            counts: quarters.indices.map { RegionCell(Double(quarterTotals[$0]), suppressed: hidden.hiddenColumnTotals.contains($0)) },
            total: RegionCell(Double(allQuarters), suppressed: allQuarters > 0 && allQuarters < Suppression(threshold: threshold).threshold)))

        // The region over the school years: its totals, each count suppressed on its own.
        var yearRows: [RegionYearJSON] = []
        for y in trend.reversed() {
            let total = SchoolYearCounts.sum(Array((byYear[y.name] ?? [:]).values))
            let region = RegionOverview.table([total], threshold: threshold).region.cells
            let col = { (name: String) in region[RegionOverview.columns.firstIndex(of: name)!] }
            let small = { (n: Int) in n > 0 && n < Suppression(threshold: threshold).threshold }
            let tier23 = total.tiers[1] + total.tiers[2]
            yearRows.append(RegionYearJSON(school_year: y.name, cells: [
                col("students"),
                RegionCell(total.students > 0 ? Double(tier23) / Double(total.students) : nil, suppressed: small(tier23) || small(total.students)),
                col("incidents_per_100"), col("absence_reports"), col("thuiszitters"), col("lead_days"),
            ]))
        }

        // The staff questionnaires: working factors and fidelity per school, the models for the region.
        var surveys: [RegionSurveyJSON] = []
        if let survey = try await workingFactors {
            surveys.append(surveyTable(survey, kind: "scales", cells: survey.tally.scales, schools: schools, language: language,
                                       columns: survey.questionnaire.scales.map { $0.name.text(language) }))
        }
        if let survey = try await fidelity {
            surveys.append(surveyTable(survey, kind: "tiers", cells: survey.tally.fidelity, schools: schools, language: language,
                                       columns: survey.tally.tiers.map { Catalogue.text("tier_\($0)", language) }))
        }
        if let survey = try await models,
           let item = survey.questionnaire.items.first(where: { $0.kind == .choice }) {
            let counts = (item.choices ?? []).map { survey.tally.choices[$0.code] ?? 0 }
            let answered = counts.reduce(0, +)
            let hiddenChoices = Suppression(threshold: max(survey.minimumCell, EvaluationReport.minimumCell)).hidden(counts)
            let national = Dictionary(uniqueKeysWithValues: EvaluationInstruments.nationalModelShares.map { ($0.code, $0.percent) })
            surveys.append(RegionSurveyJSON(
                kind: "choices", questionnaire: survey.questionnaire.title.text(language), wave: survey.wave, columns: [], rows: [],
                choices: (item.choices ?? []).enumerated().map { i, c in
                    let shown = !hiddenChoices.contains(i)
                    return ReportChoiceJSON(code: c.code, label: c.text.text(language), count: shown ? counts[i] : nil,
                                            percent: shown && answered > 0 ? 100 * Double(counts[i]) / Double(answered) : nil,
                                            national_percent: national[c.code])
                }))
        }
        let json = RegionDashboardJSON(
            region: region.name, school_year: year.name, threshold: Suppression(threshold: threshold).threshold, columns: RegionOverview.columns,
            schools: rows, region_row: regionRow, quarters: quarters.map { $0.name(language) }, thuiszitters_by_quarter: quarterRows,
            year_columns: Self.yearColumns, years: yearRows, surveys: surveys)
        return (json, years)
    }

    /// A questionnaire's figures per school (a figure from the wave's threshold of respondents on) and for the region.
    func surveyTable(_ survey: RegionService.Survey, kind: String, cells: [UUID: [SurveyTally.Cell]], schools: [RegionService.School],
                     language: Language, columns: [String]) -> RegionSurveyJSON {
        let threshold = max(survey.minimumCell, EvaluationReport.minimumCell)
        func shown(_ row: [SurveyTally.Cell]) -> [RegionCell] {
            row.map { $0.n >= threshold ? RegionCell($0.mean) : RegionCell(nil, suppressed: $0.n > 0) }
        }
        var rows = schools.compactMap { s in cells[s.id].map { RegionRowJSON(school_id: s.id, school: s.name, school_type: s.type, cells: shown($0)) } }
        rows.append(RegionRowJSON(school_id: nil, school: Catalogue.text("region_total", language), school_type: nil, cells: shown(SurveyTally.total(cells))))
        return RegionSurveyJSON(kind: kind, questionnaire: survey.questionnaire.title.text(language), wave: survey.wave, columns: columns, rows: rows, choices: nil)
    }

    // MARK: The page's tables (the CSV is the same table)

    func tables(_ d: RegionDashboardJSON, year: String, language: Language) -> [RegionTablePage] {
        let suppressed = "< \(d.threshold)"
        func count(_ c: RegionCell) -> String { c.suppressed ? suppressed : c.value.map { String(Int($0.rounded())) } ?? "—" }
        func decimal(_ c: RegionCell) -> String { c.suppressed ? suppressed : c.value.map { Figure.text($0, .decimal, language) } ?? "—" }
        func percent(_ c: RegionCell) -> String { c.suppressed ? suppressed : c.value.map { Figure.text($0, .percent, language) } ?? "—" }
        let formats: [String: (RegionCell) -> String] = ["incidents_per_100": decimal, "lead_days": decimal, "joint_share": percent, "tier23_share": percent]
        func text(_ column: String, _ cell: RegionCell) -> String { (formats[column] ?? count)(cell) }
        func href(_ key: String) -> String { SiteURL.region.path + ".csv?table=\(key)&year=\(year)" }

        var result: [RegionTablePage] = []
        // Schools side by side, with a chart of incidents per 100 students against the region.
        let all = d.schools + [d.region_row]
        let rate = RegionOverview.columns.firstIndex(of: "incidents_per_100")!
        let chartSchools = d.schools.filter { $0.cells[rate].value != nil }
        let svg = chartSchools.isEmpty ? nil : BarChart.svg(
            title: Catalogue.text("region_chart_incidents", language), categories: chartSchools.map(\.school),
            series: [.init(name: Catalogue.text("region_col_incidents_per_100", language), colour: "#1f5f8b", values: chartSchools.map { $0.cells[rate].value ?? 0 })],
            targets: chartSchools.map { _ in d.region_row.cells[rate].value }, valueText: { Figure.text($0, .decimal, language) })
        result.append(RegionTablePage(
            key: "schools", title: Catalogue.text("region_schools", language), note: Catalogue.text("region_schools_note", language, [d.school_year]), svg: svg,
            header: [Catalogue.text("student_school", language), Catalogue.text("school_type", language)]
                + RegionOverview.columns.map { Catalogue.text("region_col_\($0)", language) },
            rows: all.map { r in [r.school, r.school_type ?? ""] + zip(RegionOverview.columns, r.cells).map { text($0, $1) } },
            csvHref: href("schools")))
        result.append(RegionTablePage(
            key: "quarters", title: Catalogue.text("region_quarters", language), note: Catalogue.text("region_quarters_note", language), svg: nil,
            header: [Catalogue.text("student_school", language)] + d.quarters + [Catalogue.text("region_quarters_total", language)],
            rows: d.thuiszitters_by_quarter.map { r in [r.school] + r.counts.map(count) + [count(r.total)] }, csvHref: href("quarters")))
        result.append(RegionTablePage(
            key: "years", title: Catalogue.text("region_years", language), note: nil, svg: nil,
            header: [Catalogue.text("dashboard_year", language)] + Self.yearColumns.map { Catalogue.text("region_col_\($0)", language) },
            rows: d.years.map { y in [y.school_year] + zip(Self.yearColumns, y.cells).map { text($0, $1) } }, csvHref: href("years")))
        for (i, survey) in d.surveys.enumerated() {
            let note = Catalogue.text("region_survey_note", language, [survey.wave])
            if let choices = survey.choices {
                result.append(RegionTablePage(
                    key: "survey\(i)", title: survey.questionnaire, note: note, svg: nil,
                    header: [Catalogue.text("report_choice", language), Catalogue.text("region_count", language), Catalogue.text("region_share", language),
                             Catalogue.text("report_national", language)],
                    rows: choices.map { c in
                        [c.label, c.count.map(String.init) ?? "< \(d.threshold)", c.percent.map { Figure.text($0 / 100, .percent, language) } ?? "—",
                         c.national_percent.map { Figure.text($0 / 100, .percent, language) } ?? "—"]
                    }, csvHref: href("survey\(i)")))
            } else {
                let isFidelity = survey.kind == "tiers"
                result.append(RegionTablePage(
                    key: "survey\(i)", title: survey.questionnaire, note: note, svg: nil,
                    header: [Catalogue.text("student_school", language), Catalogue.text("school_type", language)] + survey.columns,
                    rows: survey.rows.map { r in
                        [r.school, r.school_type ?? ""] + r.cells.map { c in
                            c.suppressed ? Catalogue.text("region_too_few_respondents", language)
                                : c.value.map { isFidelity ? Figure.text($0 / 100, .percent, language) : Figure.text($0, .decimal, language) } ?? "—"
                        }
                    }, csvHref: href("survey\(i)")))
            }
        }
        return result
    }

    func page(req: Request) async throws -> Response {
        let (d, years) = try await dashboard(req)
        let language = req.language
        let page = RegionPage(
            region: d.region, action: SiteURL.region.path,
            years: years.map { Option(value: $0.name, label: $0.name, selected: $0.name == d.school_year) },
            threshold: Catalogue.text("region_threshold", language, [String(d.threshold)]),
            tables: tables(d, year: d.school_year, language: language).map { table in
                var shown = table
                shown.rowsHTML = table.rows.map { "<tr>" + $0.map { "<td>" + HTML.escape($0) + "</td>" }.joined() + "</tr>\n" }.joined()
                shown.rows = []
                return shown
            },
            apiHref: "/api/v1/region?year=\(d.school_year)")
        return try await req.renderPage("region/dashboard", title: "region_title", titleArguments: [d.region], page: page)
    }

    func csv(req: Request) async throws -> Response {
        let (d, _) = try await dashboard(req)
        let key = (try? req.query.get(String.self, at: "table")) ?? "schools"
        guard let table = tables(d, year: d.school_year, language: req.language).first(where: { $0.key == key }) else {
            throw SamenError.invalid("region_bad_table", field: "table")
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"region-\(key)-\(d.school_year).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: "\u{FEFF}" + CSVWriter.write(header: table.header, rows: table.rows)))
    }

    func api(req: Request) async throws -> RegionDashboardJSON {
        try await dashboard(req).0
    }
}
