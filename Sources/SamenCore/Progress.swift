import Foundation

// MARK: - Progress monitoring for Tier II and III

/// How a student's progress in an intervention is measured: the daily
/// Check-In/Check-Out point card, or one figure a day.
public enum MonitoringType: String, CaseIterable, Codable, Sendable {
    case pointCard = "point_card"
    /// How often something happened that day (sent out of class, hand raised).
    case count
    /// How long, in minutes (time on task, time in the quiet room).
    case duration
    /// A share, 0 to 100 (work finished, intervals on task).
    case percentage
    /// A rating on a scale from 1 up to the plan's maximum (a daily behaviour rating).
    case rating
}

/// Whether the goal is reached at or above its value, or at or below it.
public enum GoalDirection: String, CaseIterable, Codable, Sendable {
    case atLeast = "at_least"
    case atMost = "at_most"
}

/// What is measured for a student, and the goal.
public struct MeasurementPlan: Sendable, Equatable {
    public var type: MonitoringType
    /// In words: "Keer uit de les gestuurd", "Minuten aan de taak".
    public var measure: String
    public var goal: Double
    public var direction: GoalDirection
    /// The top of a rating scale (from 1).
    public var scaleMax: Int

    public init(type: MonitoringType, measure: String, goal: Double, direction: GoalDirection, scaleMax: Int = 5) {
        self.type = type; self.measure = measure; self.goal = goal; self.direction = direction; self.scaleMax = scaleMax
    }

    /// The values a day's figure may take.
    public var range: ClosedRange<Double> {
        switch type {
        case .pointCard: 0...1
        case .count: 0...500
        case .duration: 0...1440
        case .percentage: 0...100
        case .rating: 1...Double(scaleMax)
        }
    }

    /// Whether a (weekly average) value reaches the goal.
    public func reaches(_ value: Double) -> Bool {
        direction == .atLeast ? value >= goal - 1e-9 : value <= goal + 1e-9
    }

    /// A value as people write it: whole numbers without decimals, else one decimal.
    public static func format(_ value: Double) -> String {
        // Only a value that fits a whole number is written as one (a goal sent as 1e300 must not stop the server).
        if let whole = Int(exactly: value.rounded()), abs(value - value.rounded()) < 1e-9 { return String(whole) }
        return String(format: "%.1f", value)
    }

    /// Checks the plan's fields from a form: a measure in words, a goal within the type's range, a direction; a rating scale of 2 to 10.
    public static func validate(type: MonitoringType, measure: String, goal: String, direction: String, scaleMax: String) -> Validated<MeasurementPlan> {
        var problems: [FieldProblem] = []
        let measure = measure.trimmed
        if measure.isEmpty { problems.append(.init(field: "measure", key: "measurement_measure_required")) }
        if measure.count > 80 { problems.append(.init(field: "measure", key: "import_too_long", arguments: ["80"])) }
        let max = scaleMax.trimmed.isEmpty ? 5 : Int(scaleMax.trimmed)
        if type == .rating, max == nil || !(2...10).contains(max!) { problems.append(.init(field: "scale_max", key: "measurement_bad_scale", arguments: [scaleMax])) }
        let dir = GoalDirection(rawValue: direction)
        if dir == nil { problems.append(.init(field: "direction", key: "incident_bad_choice", arguments: [direction])) }
        var plan = MeasurementPlan(type: type, measure: measure, goal: 0, direction: dir ?? .atLeast,
                                   scaleMax: max.flatMap { (2...10).contains($0) ? $0 : nil } ?? 5)
        switch plan.read(goal) {
        case .failure: problems.append(.init(field: "goal", key: "measurement_bad_goal", arguments: [goal, plan.rangeText]))
        case .success(let value): plan.goal = value
        }
        return problems.isEmpty ? .success(plan) : .failure(problems)
    }

    public var rangeText: String { Self.format(range.lowerBound) + "–" + Self.format(range.upperBound) }

    /// A day's figure from a form ("3", "12,5"): a count is whole, every value within the type's range.
    public func read(_ text: String) -> Validated<Double> {
        let t = text.trimmed.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "")
        guard let value = Double(t), value.isFinite, range.contains(value), type != .count || value == value.rounded() else {
            return .failure([FieldProblem(field: "value", key: "measurement_bad_value", arguments: [text, rangeText])])
        }
        return .success(value)
    }
}

/// One day's figure of a measurement.
public struct DailyFigure: Sendable, Equatable {
    public var date: LocalDate
    public var value: Double
    public init(date: LocalDate, value: Double) { self.date = date; self.value = value }
}

/// The weekly rules every kind of progress monitoring shares.
public enum ProgressRules {
    /// Weekly averages of daily values, by ISO week (Monday start), in order.
    public static func weeklyAverages(_ days: [(LocalDate, Double)]) -> [(monday: LocalDate, average: Double)] {
        var weeks: [Int: [Double]] = [:]
        for (date, value) in days {
            weeks[date.adding(days: 1 - date.weekday).dayNumber, default: []].append(value)
        }
        return weeks.keys.sorted().map { (LocalDate(dayNumber: $0), weeks[$0]!.reduce(0, +) / Double(weeks[$0]!.count)) }
    }

    /// Not reaching the goal for the last N weeks running → review; reaching
    /// it for the last M weeks running → start fading. Figures: the weeks
    /// running, last week's average (as `display` writes it) and any `extra`.
    public static func findings(_ weeks: [(monday: LocalDate, average: Double)], reaches: (Double) -> Bool, review: RuleFinding.Rule,
                                fading: RuleFinding.Rule, display: (Double) -> String, extra: [String] = [],
                                _ t: DecisionThresholds = .init()) -> [RuleFinding] {
        guard let last = weeks.last else { return [] }
        var below = 0, at = 0
        for week in weeks.reversed() {
            if !reaches(week.average) { if at > 0 { break }; below += 1 } else { if below > 0 { break }; at += 1 }
        }
        let lastText = display(last.average)
        let figures = { (n: Int) in [String(n), lastText] + extra }
        if below >= t.weeksBelowGoalForReview { return [RuleFinding(rule: review, date: last.monday.adding(days: 4), figures: figures(below))] }
        if at >= t.weeksAtGoalForFading { return [RuleFinding(rule: fading, date: last.monday.adding(days: 4), figures: figures(at))] }
        return []
    }

    /// The findings for a measurement plan's figures.
    public static func findings(_ plan: MeasurementPlan, _ measurements: [DailyFigure], _ t: DecisionThresholds = .init()) -> [RuleFinding] {
        findings(weeklyAverages(measurements.map { ($0.date, $0.value) }), reaches: plan.reaches, review: .progressReview, fading: .progressFading,
                 display: MeasurementPlan.format, extra: [plan.measure], t)
    }
}
