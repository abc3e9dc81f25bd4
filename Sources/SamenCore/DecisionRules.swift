/// The decision rules that turn signals into a next step (DOMAIN.md §3–4),
/// as pure functions. Thresholds are configurable per school
/// (`DecisionThresholds`); the defaults are the framework's. A rule that
/// fires yields a `RuleFinding`: which rule, on which data, what to consider.
/// Nothing here changes a tier: the team records a decision.

// MARK: - Calendar arithmetic

extension LocalDate {
    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(computed: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }
}

/// School days: Monday to Friday, except the school's holidays.
public struct SchoolCalendar: Sendable, Equatable {
    public var holidays: Set<LocalDate>
    public init(holidays: Set<LocalDate> = []) { self.holidays = holidays }

    public func isSchoolDay(_ date: LocalDate) -> Bool { date.weekday <= 5 && !holidays.contains(date) }

    /// The n-th school day after `date` (not counting `date` itself).
    public func schoolDays(after date: LocalDate, _ n: Int) -> LocalDate {
        var day = date, counted = 0
        while counted < n {
            day = day.adding(days: 1)
            if isSchoolDay(day) { counted += 1 }
        }
        return day
    }

    public func schoolDays(from start: LocalDate, through end: LocalDate) -> Int {
        guard start <= end else { return 0 }
        return (start.dayNumber...end.dayNumber).reduce(0) { $0 + (isSchoolDay(LocalDate(dayNumber: $1)) ? 1 : 0) }
    }
}

// MARK: - Thresholds

/// A school's thresholds; the defaults are the framework's.
public struct DecisionThresholds: Sendable, Equatable, Codable {
    /// Incidents in a school year from which a student is yellow, and red.
    public var yellowFrom = 2
    public var redFrom = 6
    /// Incidents by the early-warning date that suggest Tier II.
    public var earlyWarningIncidents = 2
    public var earlyWarningMonth = 10
    public var earlyWarningDay = 31
    /// Check-In/Check-Out: daily goal (share of points), weeks below goal
    /// before a review, weeks at goal before fading, and the fading path.
    public var pointCardGoal = 0.8
    public var weeksBelowGoalForReview = 2
    public var weeksAtGoalForFading = 6
    public var selfMonitoringWeeks = 2
    public var fadingWeeks = 2
    /// Absence: unauthorised hours within a window of days, and the school
    /// days within which the report is due.
    public var unauthorisedHours = 16.0
    public var absenceWindowDays = 28
    public var reportWithinSchoolDays = 5
    /// Thuiszitter: school days absent without exemption (4 weeks), and the
    /// ages of compulsory schooling and qualification duty.
    public var thuiszitterSchoolDays = 20
    public var compulsoryFromAge = 5
    public var compulsoryUntilAge = 18

    public init() {}

    /// The thresholds are usable: bands in order, a goal between 0 and 1, positive periods.
    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if !(yellowFrom >= 1 && redFrom > yellowFrom) { problems.append(FieldProblem(field: "red_from", key: "rules_bands_order")) }
        if !(pointCardGoal > 0 && pointCardGoal <= 1) { problems.append(FieldProblem(field: "point_card_goal", key: "rules_goal_range")) }
        for (field, value) in [("weeks_below_goal_for_review", weeksBelowGoalForReview), ("weeks_at_goal_for_fading", weeksAtGoalForFading),
                               ("absence_window_days", absenceWindowDays), ("report_within_school_days", reportWithinSchoolDays),
                               ("thuiszitter_school_days", thuiszitterSchoolDays), ("early_warning_incidents", earlyWarningIncidents)]
        where value < 1 {
            problems.append(FieldProblem(field: field, key: "rules_must_be_positive"))
        }
        if unauthorisedHours <= 0 { problems.append(FieldProblem(field: "unauthorised_hours", key: "rules_must_be_positive")) }
        if selfMonitoringWeeks < 0 || fadingWeeks < 0 { problems.append(FieldProblem(field: "fading_weeks", key: "rules_not_negative")) }
        if !(1...12).contains(earlyWarningMonth) || !(1...LocalDate.daysIn(month: earlyWarningMonth, year: 2001)).contains(earlyWarningDay) {
            problems.append(FieldProblem(field: "early_warning_date", key: "rules_bad_day"))
        }
        return problems
    }

    /// The whole-number settings as a school sets them, by form field (immutable; key paths are not marked Sendable).
    nonisolated(unsafe) static let counts: [(field: String, path: WritableKeyPath<DecisionThresholds, Int>)] = [
        ("yellow_from", \.yellowFrom), ("red_from", \.redFrom), ("early_warning_incidents", \.earlyWarningIncidents),
        ("weeks_below_goal_for_review", \.weeksBelowGoalForReview), ("weeks_at_goal_for_fading", \.weeksAtGoalForFading),
        ("self_monitoring_weeks", \.selfMonitoringWeeks), ("fading_weeks", \.fadingWeeks), ("absence_window_days", \.absenceWindowDays),
        ("report_within_school_days", \.reportWithinSchoolDays), ("thuiszitter_school_days", \.thuiszitterSchoolDays),
    ]

    /// The settings page's values: counts as typed, the goal as a percentage, the early-warning date as day-month.
    public var formValues: [String: String] {
        var values = Dictionary(uniqueKeysWithValues: Self.counts.map { ($0.field, String(self[keyPath: $0.path])) })
        values["point_card_goal"] = String(Int((pointCardGoal * 100).rounded()))
        values["unauthorised_hours"] = unauthorisedHours == unauthorisedHours.rounded() ? String(Int(unauthorisedHours)) : String(unauthorisedHours)
        values["early_warning_date"] = String(format: "%02d-%02d", earlyWarningDay, earlyWarningMonth)
        return values
    }

    /// A school's settings from the form, starting from `base` (the ages of
    /// compulsory schooling are the law's, not a school's); every problem by field.
    public static func read(form: [String: String], base: DecisionThresholds = .init()) -> Validated<DecisionThresholds> {
        var t = base
        var problems: [FieldProblem] = []
        for (field, path) in counts {
            let text = (form[field] ?? "").trimmed
            guard let value = Int(text), (0...1000).contains(value) else {
                problems.append(FieldProblem(field: field, key: "rules_not_a_number", arguments: [text])); continue
            }
            t[keyPath: path] = value
        }
        let goal = (form["point_card_goal"] ?? "").trimmed.replacingOccurrences(of: "%", with: "")
        if let percent = Int(goal), (10...100).contains(percent) { t.pointCardGoal = Double(percent) / 100 }
        else { problems.append(FieldProblem(field: "point_card_goal", key: "enrolment_bad_goal", arguments: [goal])) }
        let hours = (form["unauthorised_hours"] ?? "").trimmed.replacingOccurrences(of: ",", with: ".")
        if let value = Double(hours), value.isFinite, value > 0, value <= 1000 { t.unauthorisedHours = value }
        else { problems.append(FieldProblem(field: "unauthorised_hours", key: "rules_not_a_number", arguments: [hours])) }
        let date = (form["early_warning_date"] ?? "").trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        if date.count == 2 { t.earlyWarningDay = date[0]; t.earlyWarningMonth = date[1] }
        else { problems.append(FieldProblem(field: "early_warning_date", key: "rules_bad_day")) }
        if problems.isEmpty { problems = t.problems }
        return problems.isEmpty ? .success(t) : .failure(problems)
    }
}

/// What a rule found, for the student's page and the coordinator's worklist.
public struct RuleFinding: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable {
        case incidentsYellow = "incidents_yellow"
        case incidentsRed = "incidents_red"
        case earlyWarning = "early_warning"
        case pointCardReview = "point_card_review"
        case pointCardFading = "point_card_fading"
        case progressReview = "progress_review"
        case progressFading = "progress_fading"
        case screeningAtRisk = "screening_at_risk"
        case absenceReport = "absence_report"
        case thuiszitter
    }
    public let rule: Rule
    /// The date the rule fired on (the data's date, not today).
    public let date: LocalDate
    /// The figures it fired on, for "which rule, on which data".
    public let figures: [String]
    /// A deadline, when the law sets one (the DUO report).
    public let dueBy: LocalDate?

    public init(rule: Rule, date: LocalDate, figures: [String], dueBy: LocalDate? = nil) {
        self.rule = rule; self.date = date; self.figures = figures; self.dueBy = dueBy
    }

    /// The catalogue key of the finding's text.
    public var key: String { "rule_" + rule.rawValue }
}

// MARK: - Incidents

public enum IncidentBand: String, Sendable, CaseIterable {
    case green, yellow, red
}

public enum IncidentRules {
    /// 0–1 / 2–5 / 6+ incidents in a school year: green / yellow / red.
    public static func band(incidents: Int, _ t: DecisionThresholds = .init()) -> IncidentBand {
        incidents >= t.redFrom ? .red : (incidents >= t.yellowFrom ? .yellow : .green)
    }

    /// The early-warning date of a school year (default 31 October).
    public static func earlyWarningDate(_ year: SchoolYearPeriod, _ t: DecisionThresholds = .init()) -> LocalDate {
        let calendarYear = t.earlyWarningMonth >= 8 ? year.startYear : year.startYear + 1
        let day = min(t.earlyWarningDay, LocalDate.daysIn(month: t.earlyWarningMonth, year: calendarYear))
        return LocalDate(year: calendarYear, month: t.earlyWarningMonth, day: day)!
    }

    /// Findings for one student's incident dates in one school year, as of
    /// `today`: the band once it is yellow or red, and the early warning
    /// when enough incidents came by the warning date.
    public static func findings(incidentDates: [LocalDate], year: SchoolYearPeriod, today: LocalDate,
                                _ t: DecisionThresholds = .init()) -> [RuleFinding] {
        let dates = incidentDates.filter { $0 >= year.start && $0 <= year.end && $0 <= today }.sorted()
        var findings: [RuleFinding] = []
        let warning = earlyWarningDate(year, t)
        let early = dates.filter { $0 <= warning }
        if early.count >= t.earlyWarningIncidents {
            findings.append(RuleFinding(rule: .earlyWarning, date: early[t.earlyWarningIncidents - 1],
                                        figures: [String(early.count), warning.iso]))
        }
        switch band(incidents: dates.count, t) {
        case .green: break
        case .yellow: findings.append(RuleFinding(rule: .incidentsYellow, date: dates[t.yellowFrom - 1], figures: [String(dates.count)]))
        case .red: findings.append(RuleFinding(rule: .incidentsRed, date: dates[t.redFrom - 1], figures: [String(dates.count)]))
        }
        return findings
    }
}

// MARK: - Check-In/Check-Out

/// One day's point card: each expectation rated 0, 1 or 2 per period; nil
/// where a period was not rated (absent, no lesson).
public struct PointCard: Sendable, Equatable {
    public let date: LocalDate
    public let ratings: [[Int?]]

    public init(date: LocalDate, ratings: [[Int?]]) {
        self.date = date
        self.ratings = ratings
    }

    /// Points earned / points possible over the rated cells; nil when nothing was rated.
    public var score: Double? {
        let rated = ratings.flatMap { $0 }.compactMap { $0 }.map { min(2, max(0, $0)) }
        guard !rated.isEmpty else { return nil }
        return Double(rated.reduce(0, +)) / Double(2 * rated.count)
    }
}

public enum CheckInCheckOutPhase: String, Sendable, CaseIterable {
    case running, selfMonitoring = "self_monitoring", fading, graduated
}

public enum CheckInCheckOutRules {
    /// Weekly averages of the daily scores, by ISO week (Monday start),
    /// in order; weeks without a rated card are left out.
    public static func weeklyAverages(_ cards: [PointCard]) -> [(monday: LocalDate, average: Double)] {
        ProgressRules.weeklyAverages(cards.compactMap { card in card.score.map { (card.date, $0) } })
    }

    /// Below goal for the last N weeks running → review; at goal for the
    /// last M weeks running → start fading.
    public static func findings(_ cards: [PointCard], _ t: DecisionThresholds = .init()) -> [RuleFinding] {
        // 0.8 earned as 8/10 counts as at goal.
        ProgressRules.findings(weeklyAverages(cards), reaches: { $0 >= t.pointCardGoal - 1e-12 }, review: .pointCardReview, fading: .pointCardFading,
                               display: { String(Int(($0 * 100).rounded())) }, t)
    }

    /// The phase after the team decided to fade on `fadingDecided`:
    /// self-monitoring, then fading, then graduated, by weeks elapsed.
    public static func phase(fadingDecided: LocalDate?, today: LocalDate, _ t: DecisionThresholds = .init()) -> CheckInCheckOutPhase {
        guard let start = fadingDecided, today >= start else { return .running }
        let weeks = (today.dayNumber - start.dayNumber) / 7
        if weeks < t.selfMonitoringWeeks { return .selfMonitoring }
        if weeks < t.selfMonitoringWeeks + t.fadingWeeks { return .fading }
        return .graduated
    }
}

// MARK: - Absence

/// One absence record: a date, hours (lesson periods count as hours), and
/// whether it was authorised (illness reported, leave granted) or exempt.
public struct AbsenceRecord: Sendable, Equatable {
    public let date: LocalDate
    public let hours: Double
    public let authorised: Bool
    public init(date: LocalDate, hours: Double, authorised: Bool) {
        self.date = date; self.hours = hours; self.authorised = authorised
    }
}

public enum AbsenceRules {
    /// The first day on which the unauthorised hours of the preceding
    /// window (28 days, that day included) reach the threshold, with the
    /// report due 5 school days later. After a report the count starts again
    /// after that day, and the next report comes no sooner than a whole
    /// window later: a student who stays away is reported once every four
    /// weeks (the attendance officer follows up the first), not every few days.
    public static func reportFindings(_ records: [AbsenceRecord], calendar: SchoolCalendar = .init(),
                                      _ t: DecisionThresholds = .init()) -> [RuleFinding] {
        let unauthorised = records.filter { !$0.authorised && $0.hours > 0 }.sorted { $0.date < $1.date }
        var findings: [RuleFinding] = []
        var countFrom = Int.min
        var nextAllowed = Int.min
        for record in unauthorised where record.date.dayNumber > countFrom && record.date.dayNumber >= nextAllowed {
            let windowStart = max(record.date.dayNumber - t.absenceWindowDays + 1, countFrom + 1)
            let hours = unauthorised.filter { $0.date.dayNumber >= windowStart && $0.date.dayNumber <= record.date.dayNumber }
                .reduce(0) { $0 + $1.hours }
            if hours >= t.unauthorisedHours {
                findings.append(RuleFinding(rule: .absenceReport, date: record.date,
                                            figures: [hoursText(hours), String(t.absenceWindowDays)],
                                            dueBy: calendar.schoolDays(after: record.date, t.reportWithinSchoolDays)))
                countFrom = record.date.dayNumber
                nextAllowed = record.date.dayNumber + t.absenceWindowDays
            }
        }
        return findings
    }

    /// A thuiszitter: of compulsory school age and absent without exemption
    /// on every school day of the last 20 school days up to `today`
    /// (authorised absence that is not an exemption still counts, as the
    /// student is not in school; `exempt` days do not).
    public static func thuiszitter(absentDays: Set<LocalDate>, exemptDays: Set<LocalDate>, birthDate: LocalDate,
                                   today: LocalDate, calendar: SchoolCalendar = .init(),
                                   _ t: DecisionThresholds = .init()) -> RuleFinding? {
        let age = birthDate.age(on: today)
        guard age >= t.compulsoryFromAge && age < t.compulsoryUntilAge else { return nil }
        var day = today, counted = 0, first = today
        while counted < t.thuiszitterSchoolDays {
            if calendar.isSchoolDay(day) {
                guard absentDays.contains(day), !exemptDays.contains(day) else { return nil }
                counted += 1
                first = day
            }
            day = day.adding(days: -1)
        }
        // How long it has lasted: keep counting back while absent.
        var total = counted
        day = first.adding(days: -1)
        while true {
            if calendar.isSchoolDay(day) {
                guard absentDays.contains(day), !exemptDays.contains(day) else { break }
                total += 1
                first = day
            }
            day = day.adding(days: -1)
            if total > 400 { break }
        }
        return RuleFinding(rule: .thuiszitter, date: today, figures: [String(total), first.iso])
    }
}

private func hoursText(_ h: Double) -> String {
    h == h.rounded() && abs(h) < 1e9 ? String(Int(h)) : String(h)
}
