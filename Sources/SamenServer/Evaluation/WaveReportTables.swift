import Foundation
import SamenCore
import Vapor

/// One table of a wave's report, the same for the page and its CSV: a heading, the columns, the rows as text,
/// the significance statements under it and the chart that pictures it.
struct ReportTable: Encodable {
    var id: String
    var title: String
    var header: [String]
    var rows: [[String]]
    var statements: [String]
    var warning: String?
    var svg: String?
    var csvHref: String
}

struct ReportSection: Encodable {
    var title: String
    var intro: String?
    var chart: String?
    var tables: [ReportTable]
}

/// Lays a wave's report out as sections of tables (with their charts). `number` writes a figure: two decimals on the
/// page, more in the CSV files.
struct WaveReportTables {
    let report: WaveReportJSON
    let low: Double
    let high: Double
    let language: Language
    let csvBase: String
    let number: (Double?) -> String

    func t(_ key: String, _ arguments: [String] = []) -> String { Catalogue.text(key, language, arguments) }
    func type(_ code: String) -> String { code == WaveReport.total ? t("report_all") : code }
    func n(_ count: Int, _ suppressed: Bool) -> String { suppressed ? "< \(report.minimum_cell)" : String(count) }
    func line(_ name: String, _ aspect: String?) -> String { name + (aspect.map { " (" + $0 + ")" } ?? "") }
    func csv(_ id: String) -> String { csvBase + "?table=" + id }

    var shownTypes: [String] {
        WaveReport.order.filter { type in report.scales.contains { $0.cells.contains { $0.school_type == type && !$0.suppressed } } }
    }

    func scalesSection() -> ReportSection? {
        guard !report.scales.isEmpty else { return nil }
        let types = shownTypes
        let series = types.enumerated().map { i, type in
            EvaluationCharts.Series(name: type, colour: EvaluationCharts.colour(i), values: report.scales.map { s in s.cells.first { $0.school_type == type }?.mean },
                                    errors: report.scales.map { s in s.cells.first { $0.school_type == type }?.ci95 })
        }
        let chart = types.isEmpty ? nil : EvaluationCharts.groupedBars(title: t("report_chart_means"), categories: report.scales.map { line($0.name, $0.aspect) },
                                                                       series: series, low: low, high: high)
        let tables = report.scales.map { s in
            ReportTable(
                id: "scale_" + s.scale + (s.aspect_code.map { "_" + $0 } ?? ""), title: line(s.name, s.aspect),
                header: [t("school_type"), "n", "M", "SD", t("report_ci")],
                rows: s.cells.map { c in
                    [c.school_type, n(c.n, c.suppressed), number(c.mean), number(c.sd),
                     c.mean.flatMap { m in c.ci95.map { number(m - $0) + " – " + number(m + $0) } } ?? "—"]
                },
                statements: [(s.test ?? t("report_no_test")) + (s.eta_squared.map { " · η² = " + StatsFormat.number($0) } ?? "")] + s.differences
                    + [t("report_reliability") + " " + (s.alpha.map { "α = " + StatsFormat.number($0) } ?? t("report_no_alpha"))],
                warning: s.alpha_warning ? t("report_alpha_warning") : nil, svg: nil, csvHref: csv("scale_" + s.scale + (s.aspect_code.map { "_" + $0 } ?? "")))
        }
        return ReportSection(title: t("report_scales"), intro: t("report_scales_intro"), chart: chart, tables: tables)
    }

    func twoTable(_ two: ReportTwoJSON, id: String, first: String, second: String, svg: String?) -> ReportTable {
        ReportTable(
            id: id, title: line(two.name, two.aspect),
            header: [t("school_type"), "n " + first, "M " + first, "n " + second, "M " + second, t("report_difference"), t("report_test")],
            rows: two.rows.map { r in
                [type(r.school_type), n(r.n_first, r.n_first < report.minimum_cell), number(r.mean_first), n(r.n_second, r.n_second < report.minimum_cell),
                 number(r.mean_second), number(r.difference), r.test ?? "—"]
            },
            statements: [], warning: nil, svg: svg, csvHref: csv(id))
    }

    func gapsSection() -> ReportSection? {
        guard !report.gaps.isEmpty else { return nil }
        let (actual, desired) = (t("report_actual"), t("report_desired"))
        var tables: [ReportTable] = []
        for gap in report.gaps {
            var svg: String? = nil
            if gap.scale == WaveReport.total {
                let rows = gap.rows.filter { !$0.suppressed && $0.school_type != WaveReport.total }
                svg = rows.isEmpty ? nil : EvaluationCharts.groupedBars(
                    title: t("report_chart_gap"), categories: rows.map { type($0.school_type) },
                    series: [EvaluationCharts.Series(name: desired, colour: EvaluationCharts.colour(0), values: rows.map(\.mean_second)),
                             EvaluationCharts.Series(name: actual, colour: EvaluationCharts.colour(1), values: rows.map(\.mean_first))],
                    low: low, high: high, width: 520)
            }
            tables.append(twoTable(gap, id: "gap_" + gap.scale, first: actual, second: desired, svg: svg))
        }
        return ReportSection(title: t("report_gaps"), intro: t("report_gaps_intro"), chart: nil, tables: tables)
    }

    func changesSection() -> ReportSection? {
        guard report.baseline_id != nil else { return nil }
        let (before, after) = (t("report_baseline"), t("report_followup"))
        let tables = report.changes.map { change in
            let rows = change.rows.filter { !$0.suppressed }
            let svg = rows.isEmpty ? nil : EvaluationCharts.slopes(
                title: t("report_chart_change", [line(change.name, change.aspect)]), first: before, second: after,
                series: rows.enumerated().map { i, r in
                    EvaluationCharts.Series(name: type(r.school_type), colour: r.school_type == WaveReport.total ? "#1d2430" : EvaluationCharts.colour(shownTypes.firstIndex(of: r.school_type) ?? i),
                                            values: [r.mean_first, r.mean_second])
                },
                low: low, high: high)
            return twoTable(change, id: "change_" + change.scale + (change.aspect_code.map { "_" + $0 } ?? ""),
                            first: before, second: after, svg: svg)
        }
        return ReportSection(title: t("report_changes"), intro: t("report_changes_intro", [String(report.baseline_responses ?? 0)]), chart: nil, tables: tables)
    }

    func choicesSection() -> ReportSection? {
        guard !report.choices.isEmpty else { return nil }
        let national = report.choices.contains { $0.national_percent != nil }
        let chart = national ? BarChart.svg(
            title: t("report_models"), categories: report.choices.map(\.label),
            series: [BarChart.Series(name: t("report_this_wave"), colour: EvaluationCharts.colour(0), values: report.choices.map { $0.percent ?? 0 }),
                     BarChart.Series(name: t("report_national"), colour: "#9aa5b5", values: report.choices.map { $0.national_percent ?? 0 })],
            valueText: { String(Int($0.rounded())) + "%" }) : nil
        let table = ReportTable(
            id: "choices", title: t("report_models"), header: [t("report_choice"), "n", "%"] + (national ? [t("report_national")] : []),
            rows: report.choices.map { c in
                [c.label, c.count.map(String.init) ?? "< \(report.minimum_cell)", c.percent.map { number($0) } ?? "—"]
                    + (national ? [c.national_percent.map { number($0) } ?? "—"] : [])
            },
            statements: [], warning: nil, svg: chart, csvHref: csv("choices"))
        return ReportSection(title: t("report_models"), intro: national ? t("report_models_intro") : nil, chart: nil, tables: [table])
    }

    func fidelitySection() -> ReportSection? {
        guard !report.fidelity.isEmpty else { return nil }
        let table = ReportTable(
            id: "fidelity", title: t("report_fidelity"), header: [t("report_tier"), t("school_type"), "n", "M %", "SD"],
            rows: report.fidelity.flatMap { f in
                f.cells.map { c in [t("tier_\(f.tier)"), type(c.school_type), n(c.n, c.suppressed), number(c.mean), number(c.sd)] }
            },
            statements: [], warning: nil, svg: nil, csvHref: csv("fidelity"))
        return ReportSection(title: t("report_fidelity"), intro: t("report_fidelity_intro"), chart: nil, tables: [table])
    }

    func schoolsSection() -> ReportSection? {
        guard !report.schools.isEmpty, !report.scales.isEmpty else { return nil }
        let names = report.scales.map { line($0.name, $0.aspect) }
        // All schools together: the mean over every respondent (the scales' cells weighted by n).
        let all: [Double?] = report.scales.map { s in
            let shown = s.cells.filter { !$0.suppressed && $0.mean != nil }
            let total = shown.reduce(0) { $0 + $1.n }
            return total == 0 ? nil : shown.reduce(0.0) { $0 + $1.mean! * Double($1.n) } / Double(total)
        }
        let table = ReportTable(
            id: "schools", title: t("report_schools_table"), header: [t("student_school"), t("school_type"), "n"] + names,
            rows: report.schools.map { s in [s.school, s.school_type, n(s.n, s.suppressed)] + s.means.map { number($0) } },
            statements: [], warning: nil, svg: nil, csvHref: csv("schools"))
        var profiles: [ReportTable] = []
        for s in report.schools where !s.suppressed {
            profiles.append(ReportTable(
                id: "profile_" + String(profiles.count + 1), title: s.school, header: [], rows: [], statements: [], warning: nil,
                svg: EvaluationCharts.profile(title: t("report_chart_profile", [s.school]), rows: names,
                                              series: [EvaluationCharts.Series(name: s.school, colour: EvaluationCharts.colour(0), values: s.means),
                                                       EvaluationCharts.Series(name: t("report_all_schools"), colour: "#9aa5b5", values: all)],
                                              low: low, high: high),
                csvHref: ""))
        }
        return ReportSection(title: t("report_schools"), intro: t("report_schools_intro", [String(report.minimum_cell)]), chart: nil, tables: [table] + profiles)
    }

    var sections: [ReportSection] {
        [scalesSection(), gapsSection(), changesSection(), choicesSection(), fidelitySection(), schoolsSection()].compactMap { $0 }
    }

    /// A table by its id, for its CSV file.
    func table(_ id: String) -> ReportTable? {
        sections.flatMap(\.tables).first { $0.id == id && !$0.header.isEmpty }
    }
}
