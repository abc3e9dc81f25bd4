import Foundation
import SamenCore
import Testing

@Suite("Progress monitoring: counts, durations, percentages and ratings against a goal")
struct ProgressTests {
    let outOfClass = MeasurementPlan(type: .count, measure: "Keer uit de les", goal: 1, direction: .atMost)

    /// A figure on every school day of `weeks` weeks from Monday 2026-09-07, week by week.
    func days(_ perWeek: [Double]) -> [DailyFigure] {
        let monday = LocalDate(iso: "2026-09-07")!
        return perWeek.enumerated().flatMap { w, value in
            (0..<5).map { DailyFigure(date: monday.adding(days: 7 * w + $0), value: value) }
        }
    }

    @Test("A goal is reached at or below a ceiling, at or above a floor")
    func reaches() {
        #expect(outOfClass.reaches(1) && outOfClass.reaches(0.4) && !outOfClass.reaches(1.2))
        let onTask = MeasurementPlan(type: .duration, measure: "Minuten aan de taak", goal: 30, direction: .atLeast)
        #expect(onTask.reaches(30) && !onTask.reaches(29.5))
    }

    @Test("A day's figure: a count is whole, a percentage 0–100, a rating within its scale; the problem names the range")
    func read() {
        guard case .success(let two) = outOfClass.read(" 2 ") else { Issue.record("2 refused"); return }
        #expect(two == 2)
        guard case .failure(let half) = outOfClass.read("1,5") else { Issue.record("1.5 accepted as a count"); return }
        #expect(half == [FieldProblem(field: "value", key: "measurement_bad_value", arguments: ["1,5", "0–500"])])
        let share = MeasurementPlan(type: .percentage, measure: "Werk af", goal: 80, direction: .atLeast)
        guard case .success(let p) = share.read("72,5%") else { Issue.record("72,5% refused"); return }
        #expect(p == 72.5)
        if case .success = share.read("101") { Issue.record("101% accepted") }
        let rating = MeasurementPlan(type: .rating, measure: "Dagbeoordeling", goal: 4, direction: .atLeast, scaleMax: 5)
        if case .success = rating.read("0") { Issue.record("0 accepted on a 1–5 scale") }
        if case .success = rating.read("nan") { Issue.record("nan accepted") }
    }

    @Test("A value is written whole when it is whole, with one decimal otherwise; one too large for a whole number does not stop anything")
    func format() {
        #expect(MeasurementPlan.format(3) == "3" && MeasurementPlan.format(2.5) == "2.5")
        #expect(MeasurementPlan.format(9.9e273).hasPrefix("99") && MeasurementPlan.format(-.infinity) == "-inf")
    }

    @Test("A plan from the form: a measure in words, a goal within the type's range, a rating scale of 2 to 10")
    func validate() {
        guard case .success(let plan) = MeasurementPlan.validate(type: .count, measure: "Keer uit de les", goal: "1", direction: "at_most", scaleMax: "") else {
            Issue.record("refused"); return
        }
        #expect(plan == outOfClass)
        guard case .failure(let problems) = MeasurementPlan.validate(type: .rating, measure: " ", goal: "7", direction: "sideways", scaleMax: "12") else {
            Issue.record("accepted"); return
        }
        #expect(Set(problems.map(\.field)) == ["measure", "scale_max", "direction", "goal"])
    }

    @Test("Two weeks not reaching the goal ask for a review; six weeks reaching it, for fading; the finding names the measure")
    func rules() {
        let review = ProgressRules.findings(outOfClass, days([0, 0, 3, 2]))
        #expect(review == [RuleFinding(rule: .progressReview, date: LocalDate(iso: "2026-10-02")!, figures: ["2", "2", "Keer uit de les"])])
        #expect(Catalogue.text(review[0].key, .nl, review[0].figures) == "Keer uit de les: 2 weken onder het doel (laatste week gemiddeld 2): bespreek in het team.")
        #expect(ProgressRules.findings(outOfClass, days([3, 3, 3, 0])).isEmpty, "one good week ends a bad run")
        let fading = ProgressRules.findings(outOfClass, days([1, 0, 1, 0, 0, 1]))
        #expect(fading.map(\.rule) == [.progressFading] && fading[0].figures[0] == "6")
        #expect(fading[0].period == "since 2026-09-07", "the six weeks running")
        #expect(review[0].period == "since 2026-09-21")
    }

    @Test("Weekly averages by ISO week, over the days that have a figure")
    func weeks() {
        let figures = [DailyFigure(date: LocalDate(iso: "2026-09-07")!, value: 2), DailyFigure(date: LocalDate(iso: "2026-09-11")!, value: 1),
                       DailyFigure(date: LocalDate(iso: "2026-09-14")!, value: 4)]
        let weeks = ProgressRules.weeklyAverages(figures.map { ($0.date, $0.value) })
        #expect(weeks.map(\.monday.iso) == ["2026-09-07", "2026-09-14"] && weeks.map(\.average) == [1.5, 4])
    }

    @Test("An enrolment with a measurement needs no expectations or periods; one with a point card does")
    func enrolment() {
        guard case .success(let fields) = EnrolmentFields.validate(goal: "2", start: "2026-09-07", review: "2026-10-19", expectations: "", periods: "",
                                                                   monitoring: .count) else { Issue.record("refused"); return }
        #expect(fields.expectations.isEmpty && fields.periods == 0)
        guard case .failure(let problems) = EnrolmentFields.validate(goal: "80", start: "2026-09-07", review: "2026-10-19", expectations: "", periods: "") else {
            Issue.record("accepted"); return
        }
        #expect(problems.map(\.field) == ["expectations", "periods"])
    }

    @Test("A school's thresholds from the settings form: counts, the goal in percent, the early-warning day; every problem by field")
    func thresholds() {
        var form = DecisionThresholds().formValues
        #expect(form["point_card_goal"] == "80" && form["early_warning_date"] == "31-10" && form["unauthorised_hours"] == "16")
        form["yellow_from"] = "3"
        form["early_warning_date"] = "15-11"
        guard case .success(let t) = DecisionThresholds.read(form: form) else { Issue.record("refused"); return }
        #expect(t.yellowFrom == 3 && t.earlyWarningDay == 15 && t.earlyWarningMonth == 11 && t.pointCardGoal == 0.8)
        form["red_from"] = "2"
        form["point_card_goal"] = "8"
        form["weeks_at_goal_for_fading"] = "zes"
        guard case .failure(let problems) = DecisionThresholds.read(form: form) else { Issue.record("accepted"); return }
        #expect(Set(problems.map(\.field)) == ["point_card_goal", "weeks_at_goal_for_fading"])
        form["point_card_goal"] = "80"
        form["weeks_at_goal_for_fading"] = "6"
        guard case .failure(let order) = DecisionThresholds.read(form: form) else { Issue.record("red before yellow accepted"); return }
        #expect(order.map(\.key) == ["rules_bands_order"])
        form["red_from"] = "6"
        form["early_warning_date"] = "31-02"
        guard case .failure(let day) = DecisionThresholds.read(form: form) else { Issue.record("31 February accepted"); return }
        #expect(day.map(\.field) == ["early_warning_date"])
    }

    @Test("Easter and the Dutch public holidays on school days, from the computus")
    func publicHolidays() {
        #expect(["2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28"] == [2024, 2025, 2026, 2027].map { DutchHolidays.easter($0).iso })
        let days = DutchHolidays.publicHolidays(SchoolYearPeriod(startYear: 2026))
        let byName = Dictionary(uniqueKeysWithValues: days.map { ($0.name, $0.from.iso) })
        #expect(byName["Goede Vrijdag"] == "2027-03-26" && byName["Tweede Paasdag"] == "2027-03-29" && byName["Koningsdag"] == "2027-04-27")
        #expect(byName["Hemelvaartsdag"] == "2027-05-06" && byName["Tweede Pinksterdag"] == "2027-05-17")
        // 26 December 2026 is a Saturday: not a school day, not listed. No Liberation Day off outside a lustrum year.
        #expect(byName["Tweede Kerstdag"] == nil && byName["Eerste Kerstdag"] == "2026-12-25" && byName["Bevrijdingsdag"] == nil)
        // 5 May 2025, a lustrum, is a Monday.
        #expect(DutchHolidays.publicHolidays(SchoolYearPeriod(startYear: 2024)).contains { $0.name == "Bevrijdingsdag" && $0.from.iso == "2025-05-05" })
        // King's Day on a Sunday moves to the Saturday before: no school day either.
        #expect(!DutchHolidays.publicHolidays(SchoolYearPeriod(startYear: 2024)).contains { $0.name == "Koningsdag" })
    }

    @Test("A holiday period: a single day when the end is empty; the end not before the start; at most twelve weeks")
    func holidayPeriod() {
        guard case .success(let day) = HolidayPeriod.validate(name: "Studiedag", from: "12-03-2027", through: "") else { Issue.record("refused"); return }
        #expect(day.days.map(\.iso) == ["2027-03-12"])
        guard case .failure(let order) = HolidayPeriod.validate(name: "", from: "2027-03-12", through: "2027-03-01") else { Issue.record("accepted"); return }
        #expect(order.map(\.key) == ["import_required", "holiday_end_before_start"])
        guard case .failure(let long) = HolidayPeriod.validate(name: "Jaar", from: "2026-09-01", through: "2027-06-01") else { Issue.record("accepted"); return }
        #expect(long.map(\.key) == ["holiday_too_long"])
        // The calendar skips the period: five school days after a Friday before a week off end a week later.
        let calendar = SchoolCalendar(periods: [HolidayPeriod(name: "Herfst", from: LocalDate(iso: "2026-10-19")!, through: LocalDate(iso: "2026-10-23")!)])
        #expect(calendar.schoolDays(after: LocalDate(iso: "2026-10-16")!, 5).iso == "2026-10-30")
    }
}
