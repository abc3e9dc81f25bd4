import Foundation

// MARK: - The region's figures: schools side by side, never a child

/// A cell of a table of counts: its row and column.
public struct GridCell: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public init(_ row: Int, _ column: Int) { self.row = row; self.column = column }
}

extension Suppression {
    /// The cells of a table of counts to hide when the table is shown with totals: every count from 1 below the
    /// threshold, and then, in every row whose total is shown and every column whose total is shown, a second
    /// count beside a lone hidden one (the next smallest), repeated until no line has a lone hidden count, so no
    /// hidden count can be worked out from a total and the counts shown. Totals below the threshold are hidden
    /// too (`hiddenRowTotals`, `hiddenColumnTotals`) and then protect nothing, and so is the total of a line whose
    /// only count is hidden.
    /// `hiddenRows` are rows hidden whole already (with their totals), for instance because another table hides them.
    public func grid(_ counts: [[Int]], rowTotals: Bool, columnTotals: Bool,
                     hiddenRows alreadyHidden: Set<Int> = []) -> (cells: Set<GridCell>, hiddenRowTotals: Set<Int>, hiddenColumnTotals: Set<Int>) {
        let columns = counts.map(\.count).max() ?? 0
        func value(_ r: Int, _ c: Int) -> Int { c < counts[r].count ? counts[r][c] : 0 }
        var hidden = Set<GridCell>()
        for r in counts.indices {
            for c in 0..<columns where value(r, c) > 0 && (value(r, c) < threshold || alreadyHidden.contains(r)) { hidden.insert(GridCell(r, c)) }
        }
        let rowSums = counts.indices.map { r in (0..<columns).reduce(0) { $0 + value(r, $1) } }
        let columnSums = (0..<columns).map { c in counts.indices.reduce(0) { $0 + value($1, c) } }
        var hiddenRows = rowTotals ? Set(counts.indices.filter { rowSums[$0] > 0 && rowSums[$0] < threshold }).union(alreadyHidden) : alreadyHidden
        var hiddenColumns = columnTotals ? Set((0..<columns).filter { columnSums[$0] > 0 && columnSums[$0] < threshold }) : []
        // A line whose total is shown may not hold exactly one hidden count: hide the next smallest beside it, or,
        // when the hidden one is the line's only count, the total itself.
        func protect(_ line: [GridCell]) -> (changed: Bool, hideTotal: Bool) {
            let positive = line.filter { value($0.row, $0.column) > 0 }
            guard positive.filter(hidden.contains).count == 1 else { return (false, false) }
            guard let next = positive.filter({ !hidden.contains($0) }).min(by: { value($0.row, $0.column) < value($1.row, $1.column) }) else {
                return (true, true)
            }
            hidden.insert(next)
            return (true, false)
        }
        var changed = true
        while changed {
            changed = false
            if rowTotals {
                for r in counts.indices where !hiddenRows.contains(r) {
                    let outcome = protect((0..<columns).map { GridCell(r, $0) })
                    if outcome.hideTotal { hiddenRows.insert(r) }
                    changed = changed || outcome.changed
                }
            }
            if columnTotals {
                for c in 0..<columns where !hiddenColumns.contains(c) {
                    let outcome = protect(counts.indices.map { GridCell($0, c) })
                    if outcome.hideTotal { hiddenColumns.insert(c) }
                    changed = changed || outcome.changed
                }
            }
        }
        return (hidden, hiddenRows, hiddenColumns)
    }
}

/// One school's counts for a school year, as the database gives them.
public struct SchoolYearCounts: Sendable, Equatable {
    /// Students enrolled at some point of the year.
    public var students: Int
    /// Students per tier (I, II, III) by their latest decision; Tier I without one.
    public var tiers: [Int]
    /// Completed incidents of the year.
    public var incidents: Int
    /// DUO reports of unauthorised absence raised in the year (students, once per crossing).
    public var absenceReports: Int
    /// Students who became thuiszitter in the year.
    public var thuiszitters: Int
    /// Per case that started an intervention in the year: the days from its signal.
    public var leadDays: [Int]
    /// The school's interventions in use, and those delivered jointly with youth care.
    public var interventions: Int
    public var jointInterventions: Int

    public init(students: Int = 0, tiers: [Int] = [0, 0, 0], incidents: Int = 0, absenceReports: Int = 0, thuiszitters: Int = 0,
                leadDays: [Int] = [], interventions: Int = 0, jointInterventions: Int = 0) {
        self.students = students; self.tiers = tiers; self.incidents = incidents; self.absenceReports = absenceReports
        self.thuiszitters = thuiszitters; self.leadDays = leadDays; self.interventions = interventions; self.jointInterventions = jointInterventions
    }

    /// The region's counts: every school's added up (lead days pooled).
    public static func sum(_ all: [SchoolYearCounts]) -> SchoolYearCounts {
        all.reduce(into: SchoolYearCounts()) { t, s in
            t.students += s.students; t.tiers = zip(t.tiers, s.tiers).map(+); t.incidents += s.incidents
            t.absenceReports += s.absenceReports; t.thuiszitters += s.thuiszitters; t.leadDays += s.leadDays
            t.interventions += s.interventions; t.jointInterventions += s.jointInterventions
        }
    }
}

/// A figure as a region account sees it: the value, or suppressed (too few to show without singling out children).
public struct RegionCell: Sendable, Equatable, Codable {
    /// Nil when suppressed or when there is nothing to compute it from.
    public var value: Double?
    public var suppressed: Bool
    public init(_ value: Double?, suppressed: Bool = false) { self.value = suppressed ? nil : value; self.suppressed = suppressed }
}

/// The schools of a region side by side for a school year, with the region's total: students, students per tier,
/// incidents per 100 students, DUO reports, new thuiszitters, the median days from signal to intervention start,
/// and the share of interventions delivered jointly with youth care. Counts of students below the threshold are
/// suppressed with their complements; a rate or median over too few students or cases is suppressed with them.
public enum RegionOverview {
    public static let columns = ["students", "tier1", "tier2", "tier3", "incidents_per_100", "absence_reports", "thuiszitters", "lead_days", "joint_share"]

    public struct Row: Sendable, Equatable {
        public var cells: [RegionCell]
    }

    /// One row per school (in the order given) and the region's row.
    public static func table(_ schools: [SchoolYearCounts], threshold: Int) -> (schools: [Row], region: Row) {
        let suppression = Suppression(threshold: threshold)
        let t = suppression.threshold
        let students = suppression.grid(schools.map { [$0.students] }, rowTotals: false, columnTotals: true)
        let shownStudents = schools.indices.map { !students.cells.contains(GridCell($0, 0)) }
        // A school whose number of students is hidden has its tiers hidden too, and the tier columns protect them.
        let tiers = suppression.grid(schools.map(\.tiers), rowTotals: true, columnTotals: true,
                                     hiddenRows: Set(schools.indices.filter { !shownStudents[$0] }))
        let reports = suppression.grid(schools.map { [$0.absenceReports] }, rowTotals: false, columnTotals: true)
        let thuiszitters = suppression.grid(schools.map { [$0.thuiszitters] }, rowTotals: false, columnTotals: true)

        func row(_ c: SchoolYearCounts, studentsHidden: Bool, tierHidden: (Int) -> Bool, reportsHidden: Bool, thuisHidden: Bool) -> Row {
            var cells = [RegionCell(Double(c.students), suppressed: studentsHidden)]
            cells += (0..<3).map { RegionCell(Double(c.tiers[$0]), suppressed: tierHidden($0)) }
            cells.append(RegionCell(c.students > 0 ? 100 * Double(c.incidents) / Double(c.students) : nil, suppressed: c.students > 0 && c.students < t))
            cells.append(RegionCell(Double(c.absenceReports), suppressed: reportsHidden))
            cells.append(RegionCell(Double(c.thuiszitters), suppressed: thuisHidden))
            cells.append(RegionCell(median(c.leadDays), suppressed: !c.leadDays.isEmpty && c.leadDays.count < t))
            cells.append(RegionCell(c.interventions > 0 ? Double(c.jointInterventions) / Double(c.interventions) : nil))
            return Row(cells: cells)
        }
        let rows = schools.enumerated().map { i, c in
            row(c, studentsHidden: !shownStudents[i], tierHidden: { tiers.cells.contains(GridCell(i, $0)) },
                reportsHidden: reports.cells.contains(GridCell(i, 0)), thuisHidden: thuiszitters.cells.contains(GridCell(i, 0)))
        }
        let total = SchoolYearCounts.sum(schools)
        let region = row(total, studentsHidden: students.hiddenColumnTotals.contains(0), tierHidden: { tiers.hiddenColumnTotals.contains($0) },
                         reportsHidden: reports.hiddenColumnTotals.contains(0), thuisHidden: thuiszitters.hiddenColumnTotals.contains(0))
        return (rows, region)
    }

    /// The middle value (the mean of the two middle ones for an even count); nil for none.
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// A quarter of a calendar year ("2026-K3"), as the inspectorate counts thuiszitters.
public struct Quarter: Hashable, Sendable, Comparable, Codable {
    public var year: Int
    public var number: Int

    public init(year: Int, number: Int) { self.year = year; self.number = number }
    public init(containing date: LocalDate) { self.init(year: date.year, number: (date.month - 1) / 3 + 1) }

    public var first: LocalDate { LocalDate(year: year, month: 3 * (number - 1) + 1, day: 1)! }
    public var last: LocalDate { next.first.adding(days: -1) }
    public var next: Quarter { number == 4 ? Quarter(year: year + 1, number: 1) : Quarter(year: year, number: number + 1) }
    public var previous: Quarter { number == 1 ? Quarter(year: year - 1, number: 4) : Quarter(year: year, number: number - 1) }
    /// "2026-K3" in Dutch, "2026-Q3" in English.
    public func name(_ language: Language) -> String { "\(year)-\(language == .nl ? "K" : "Q")\(number)" }

    /// The quarter a date is in and the `count - 1` before it, oldest first.
    public static func last(_ count: Int, until date: LocalDate) -> [Quarter] {
        var quarters = [Quarter(containing: date)]
        while quarters.count < count { quarters.insert(quarters[0].previous, at: 0) }
        return quarters
    }

    public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.number) < (b.year, b.number) }
}

/// A staff questionnaire's results per group (a school), as sums and counts so groups add up to the region: the
/// mean per scale (working factors) or the percentage per tier (fidelity) of each respondent, and the choices made
/// on its first choice item (the collaboration model). Each respondent is scored once.
public struct SurveyTally: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var sum = 0.0
        public var n = 0
        public var mean: Double? { n > 0 ? sum / Double(n) : nil }
        mutating func add(_ value: Double?) { if let value { sum += value; n += 1 } }
        static func + (a: Cell, b: Cell) -> Cell { Cell(sum: a.sum + b.sum, n: a.n + b.n) }
    }

    /// Per group, per scale (in the questionnaire's order).
    public var scales: [UUID: [Cell]] = [:]
    /// The tiers the fidelity points belong to, and per group one cell per tier.
    public var tiers: [Int] = []
    public var fidelity: [UUID: [Cell]] = [:]
    /// Choice code → how often it was chosen.
    public var choices: [String: Int] = [:]
    public var respondents: [UUID: Int] = [:]

    public init(questionnaire q: Questionnaire, responses: [(group: UUID, answers: QuestionnaireAnswers)]) {
        let plan = ScoringPlan(q)
        let lines = plan.lines.enumerated().filter { $0.element.aspect == nil || $0.element.aspect?.code == q.aspects?.first?.code }.map(\.offset)
        let fidelityTiers = QuestionnaireScoring.fidelityTiers(q)
        tiers = fidelityTiers.map(\.tier)
        let choiceItem = q.items.first { $0.kind == .choice }?.code
        for (group, answers) in responses {
            respondents[group, default: 0] += 1
            if !lines.isEmpty {
                let scores = plan.scores(answers)
                var cells = scales[group] ?? Array(repeating: Cell(), count: lines.count)
                for (i, line) in lines.enumerated() { cells[i].add(scores[line]) }
                scales[group] = cells
            }
            if !tiers.isEmpty {
                let percent = QuestionnaireScoring.fidelityPercent(answers, tiers: fidelityTiers)
                var cells = fidelity[group] ?? Array(repeating: Cell(), count: tiers.count)
                for (i, tier) in tiers.enumerated() { cells[i].add(percent[tier] ?? nil) }
                fidelity[group] = cells
            }
            if let choiceItem, let chosen = answers.choices[choiceItem] { choices[chosen, default: 0] += 1 }
        }
    }

    /// The cells of all groups together.
    public static func total(_ cells: [UUID: [Cell]]) -> [Cell] {
        cells.values.reduce(into: [Cell]()) { total, row in
            if total.isEmpty { total = row } else { total = zip(total, row).map(+) }
        }
    }
}
