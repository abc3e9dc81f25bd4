import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// One figure of a dashboard: categories, one or two series, optional
/// targets. The chart, the data table and the CSV are all drawn from it.
struct Figure: Sendable {
    enum Format: Sendable { case count, decimal, percent }
    struct Series: Sendable { var key: String; var colour: String; var values: [Double] }
    var name: String
    var categories: [String]
    var series: [Series]
    var targets: [Double?] = []
    var format: Format = .count

    func text(_ value: Double, _ language: Language) -> String { Self.text(value, format, language) }

    static func text(_ value: Double, _ format: Format, _ language: Language) -> String {
        switch format {
        case .count: return String(Int(value.rounded()))
        case .decimal:
            let t = String(format: "%.2f", value)
            return language == .nl ? t.replacingOccurrences(of: ".", with: ",") : t
        case .percent: return String(Int((value * 100).rounded())) + "%"
        }
    }

    func svg(_ language: Language) -> String {
        BarChart.svg(title: Catalogue.text("dashboard_\(name)", language), categories: categories,
                     series: series.map { BarChart.Series(name: Catalogue.text($0.key, language), colour: $0.colour, values: $0.values) },
                     targets: targets, valueText: { text($0, language) })
    }

    /// The data table: a category column, a column per series, and the target when there is one.
    func table(_ language: Language) -> (header: [String], rows: [[String]]) {
        var header = [Catalogue.text("dashboard_col_\(name)", language)] + series.map { Catalogue.text($0.key, language) }
        let hasTargets = targets.contains { $0 != nil }
        if hasTargets { header.append(Catalogue.text("dashboard_target", language)) }
        let rows = categories.enumerated().map { i, category in
            [category] + series.map { i < $0.values.count ? text($0.values[i], language) : "" }
                + (hasTargets ? [i < targets.count ? targets[i].map { text($0, language) } ?? "" : ""] : [])
        }
        return (header, rows)
    }
}

/// The coordinator's and leader's dashboard for a school, a school year and
/// optionally one month. Every figure is an SQL aggregate (SQLKit), the same
/// on SQLite and PostgreSQL; Swift only lays them out.
struct DashboardService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    struct Period: Sendable {
        var year: SchoolYearPeriod
        /// "yyyy-mm" for one month of the year, or nil for the whole year.
        var month: String?
        var from: LocalDate { month.flatMap { LocalDate(iso: $0 + "-01") } ?? year.start }
        var to: LocalDate {
            guard let start = month.flatMap({ LocalDate(iso: $0 + "-01") }) else { return year.end }
            return LocalDate(year: start.year, month: start.month, day: LocalDate.daysIn(month: start.month, year: start.year))!
        }
    }

    static let keys = ["per_day", "behaviour", "location", "hour", "weekday", "students", "triangle", "recognitions", "signal_age", "tiers"]

    /// The school years with incidents, newest first (at least the current one).
    func years(schoolID: UUID) async throws -> [String] {
        let found = try await sql.raw("SELECT DISTINCT school_year FROM incidents WHERE school_id = \(bind: schoolID) ORDER BY school_year DESC")
            .all().map { try $0.decode(column: "school_year", as: String.self) }
        let current = SchoolYearPeriod.containing(.today()).name
        return found.contains(current) ? found : [current] + found
    }

    /// The incidents of the school and period that count: complete ones.
    func scope(_ schoolID: UUID, _ period: Period) -> SQLQueryString {
        "i.school_id = \(bind: schoolID) AND i.school_year = \(bind: period.year.name) AND i.status = 'complete' AND i.date >= \(bind: period.from.iso) AND i.date <= \(bind: period.to.iso)"
    }

    /// The dashboard's SQL, by name: `figures` runs these, and `samen dashboard-sql`
    /// prints them for the benchmark that runs them in the sqlite3 shell.
    func queries(schoolID: UUID, period: Period, thresholds: DecisionThresholds, language: Language, today: LocalDate) -> [(name: String, sql: SQLQueryString)] {
        let scope = scope(schoolID, period)
        let text = "text_" + language.rawValue
        let cuts = [today.adding(days: -7), today.adding(days: -14), today.adding(days: -28)].map(\.iso)
        // Counted in the index first, the few label rows joined after.
        func byLabel(_ column: String) -> SQLQueryString {
            """
            SELECT l.\(unsafeRaw: text) AS label, t.n FROM (SELECT i.\(unsafeRaw: column) AS id, COUNT(*) AS n FROM incidents i
            WHERE \(scope) GROUP BY i.\(unsafeRaw: column)) t JOIN labels l ON l.id = t.id ORDER BY t.n DESC, label
            """
        }
        return [
            ("months", "SELECT substr(i.date, 1, 7) AS label, COUNT(*) AS n FROM incidents i WHERE \(scope) GROUP BY substr(i.date, 1, 7) ORDER BY label"),
            ("behaviour", byLabel("behaviour_id")),
            ("location", byLabel("location_id")),
            ("hour", "SELECT i.minute / 60 AS h, COUNT(*) AS n FROM incidents i WHERE \(scope) GROUP BY i.minute / 60"),
            ("weekday", "SELECT i.weekday AS d, COUNT(*) AS n FROM incidents i WHERE \(scope) GROUP BY i.weekday"),
            ("students", """
                SELECT s.first_name, s.particle, s.last_name, s.number, t.n FROM (
                  SELECT x.student_id, COUNT(*) AS n FROM incidents i JOIN incident_students x ON x.incident_id = i.id
                  WHERE \(scope) GROUP BY x.student_id ORDER BY n DESC, x.student_id LIMIT 10) t
                JOIN students s ON s.id = t.student_id ORDER BY t.n DESC, s.last_name
                """),
            // The bucket is computed in an inner query and grouped outside: PostgreSQL does not see two
            // CASE expressions with different parameter numbers as the same expression.
            ("bands", """
                SELECT band, COUNT(*) AS n FROM (
                  SELECT CASE WHEN t.n >= \(bind: thresholds.redFrom) THEN 'red' WHEN t.n >= \(bind: thresholds.yellowFrom) THEN 'yellow' ELSE 'green' END AS band
                  FROM (SELECT x.student_id, COUNT(*) AS n FROM incidents i JOIN incident_students x ON x.incident_id = i.id
                        WHERE \(scope) GROUP BY x.student_id) t JOIN students s ON s.id = t.student_id AND s.left_on IS NULL) b
                GROUP BY band
                """),
            ("enrolled", "SELECT COUNT(*) AS n FROM students WHERE school_id = \(bind: schoolID) AND left_on IS NULL"),
            ("recognitions", """
                SELECT substr(r.date, 1, 7) AS label, COUNT(*) AS n FROM recognitions r
                WHERE r.school_id = \(bind: schoolID) AND r.school_year = \(bind: period.year.name) AND r.date >= \(bind: period.from.iso) AND r.date <= \(bind: period.to.iso)
                GROUP BY substr(r.date, 1, 7)
                """),
            ("signal_age", """
                SELECT age, COUNT(*) AS n FROM (
                  SELECT CASE WHEN fired_on >= \(bind: cuts[0]) THEN 'a' WHEN fired_on >= \(bind: cuts[1]) THEN 'b' WHEN fired_on >= \(bind: cuts[2]) THEN 'c' ELSE 'd' END AS age
                  FROM signals WHERE school_id = \(bind: schoolID) AND status = 'open') t
                GROUP BY age
                """),
            // Students per tier: the latest decision's tier, Tier I without one.
            ("tiers", """
                SELECT tier, COUNT(*) AS n FROM (
                  SELECT COALESCE((SELECT d.tier_after FROM decisions d WHERE d.student_id = s.id ORDER BY d.decided_at DESC LIMIT 1), 1) AS tier
                  FROM students s WHERE s.school_id = \(bind: schoolID) AND s.left_on IS NULL) t
                GROUP BY tier
                """),
        ]
    }

    func figures(schoolID: UUID, period: Period, thresholds: DecisionThresholds, language: Language, today: LocalDate = .today()) async throws -> [Figure] {
        let queries = Dictionary(uniqueKeysWithValues: queries(schoolID: schoolID, period: period, thresholds: thresholds, language: language, today: today)
            .map { ($0.name, $0.sql) })
        func rows(_ name: String) async throws -> [SQLRow] { try await sql.raw(queries[name]!).all() }
        func counts<K: Decodable & Hashable>(_ name: String, _ column: String, as: K.Type) async throws -> [K: Double] {
            Dictionary(try await rows(name).map { (try $0.decode(column: column, as: K.self), Double(try $0.decode(column: "n", as: Int.self))) }, uniquingKeysWith: +)
        }
        func pairs(_ name: String) async throws -> [(String, Double)] {
            try await rows(name).map { (try $0.decode(column: "label", as: String.self), Double(try $0.decode(column: "n", as: Int.self))) }
        }
        var figures: [Figure] = []

        // Incidents per school day, per month (school days: weekdays of the month within the period, less the school's holidays).
        let byMonth = try await counts("months", "label", as: String.self)
        var monthKeys: [String] = []
        var day = LocalDate(year: period.from.year, month: period.from.month, day: 1)!
        while day <= min(period.to, today) {
            monthKeys.append(String(day.iso.prefix(7)))
            day = LocalDate(year: day.month == 12 ? day.year + 1 : day.year, month: day.month % 12 + 1, day: 1)!
        }
        let calendar = try await HolidayService(sql: sql).calendar(schoolID: schoolID)
        let perDay = monthKeys.map { key -> Double in
            let first = LocalDate(iso: key + "-01")!
            let end = min(LocalDate(year: first.year, month: first.month, day: LocalDate.daysIn(month: first.month, year: first.year))!, period.to, today)
            let days = calendar.schoolDays(from: max(first, period.from), through: end)
            return days == 0 ? 0 : (byMonth[key] ?? 0) / Double(days)
        }
        figures.append(Figure(name: "per_day", categories: monthKeys.map { Self.monthName($0, language) },
                              series: [.init(key: "dashboard_series_incidents_per_day", colour: "#c62828", values: perDay)], format: .decimal))

        for name in ["behaviour", "location"] {
            let found = try await pairs(name)
            figures.append(Figure(name: name, categories: found.map(\.0), series: [.init(key: "dashboard_series_incidents", colour: "#c62828", values: found.map(\.1))]))
        }

        let hours = try await counts("hour", "h", as: Int.self)
        let span = (hours.keys.min().map { min($0, 8) } ?? 8)...(hours.keys.max().map { max($0, 16) } ?? 16)
        figures.append(Figure(name: "hour", categories: span.map { "\($0):00" },
                              series: [.init(key: "dashboard_series_incidents", colour: "#c62828", values: span.map { hours[$0] ?? 0 })]))

        let weekdays = try await counts("weekday", "d", as: Int.self)
        figures.append(Figure(name: "weekday", categories: (1...5).map { Catalogue.text("weekday_\($0)", language) },
                              series: [.init(key: "dashboard_series_incidents", colour: "#c62828", values: (1...5).map { weekdays[$0] ?? 0 })]))

        let students = try await rows("students")
        figures.append(Figure(name: "students", categories: try students.map {
            PersonName(first: try $0.decode(column: "first_name", as: String.self), particle: try $0.decode(column: "particle", as: String.self),
                       last: try $0.decode(column: "last_name", as: String.self)).display
        }, series: [.init(key: "dashboard_series_incidents", colour: "#c62828", values: try students.map { Double(try $0.decode(column: "n", as: Int.self)) })]))

        // The triangle: enrolled students by incidents in the period (0–1, 2–5, 6+), against 80/15/5.
        let bands = try await counts("bands", "band", as: String.self)
        let enrolled = try await rows("enrolled").first?.decode(column: "n", as: Int.self) ?? 0
        let red = Int(bands["red"] ?? 0), yellow = Int(bands["yellow"] ?? 0)
        let green = max(0, enrolled - red - yellow)
        let total = Double(max(enrolled, 1))
        figures.append(Figure(name: "triangle", categories: ["green", "yellow", "red"].map { Catalogue.text("band_\($0)", language) },
                              series: [.init(key: "dashboard_series_students_share", colour: "#1f5f8b", values: [Double(green) / total, Double(yellow) / total, Double(red) / total])],
                              targets: [0.80, 0.15, 0.05], format: .percent))

        let praise = try await counts("recognitions", "label", as: String.self)
        figures.append(Figure(name: "recognitions", categories: monthKeys.map { Self.monthName($0, language) },
                              series: [.init(key: "dashboard_series_recognitions", colour: "#2e7d32", values: monthKeys.map { praise[$0] ?? 0 }),
                                       .init(key: "dashboard_series_incidents", colour: "#c62828", values: monthKeys.map { byMonth[$0] ?? 0 })]))

        let ages = try await counts("signal_age", "age", as: String.self)
        figures.append(Figure(name: "signal_age", categories: ["a", "b", "c", "d"].map { Catalogue.text("dashboard_age_\($0)", language) },
                              series: [.init(key: "dashboard_series_signals", colour: "#b58900", values: ["a", "b", "c", "d"].map { ages[$0] ?? 0 })]))

        let tiers = try await counts("tiers", "tier", as: Int.self)
        figures.append(Figure(name: "tiers", categories: Tier.allCases.map { Catalogue.text("tier_\($0.rawValue)", language) },
                              series: [.init(key: "dashboard_series_students", colour: "#1f5f8b", values: Tier.allCases.map { tiers[$0.rawValue] ?? 0 })]))
        return figures
    }

    /// The dashboard's queries as plain SQL with the values written in, for the sqlite3 shell.
    func literalSQL(schoolID: UUID, period: Period, thresholds: DecisionThresholds, today: LocalDate = .today()) -> String {
        LiteralSQL.script(queries(schoolID: schoolID, period: period, thresholds: thresholds, language: .nl, today: today).map(\.sql), on: sql)
    }

    static func monthName(_ key: String, _ language: Language) -> String {
        guard let date = LocalDate(iso: key + "-01") else { return key }
        let names = language == .nl ? ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
                                    : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return names[date.month - 1] + " " + String(date.year % 100 < 10 ? "0" : "") + String(date.year % 100)
    }
}

extension Request {
    var dashboards: DashboardService { DashboardService(db: db) }
}
