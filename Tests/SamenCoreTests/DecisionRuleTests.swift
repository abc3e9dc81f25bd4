@testable import SamenCore
import Testing

func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

@Suite("Decision rules")
struct DecisionRuleTests {
    let year = SchoolYearPeriod(startYear: 2026)

    @Test("Calendar arithmetic: day numbers, weekdays, school days around a holiday")
    func calendar() {
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("2026-11-23").weekday == 1) // a Monday
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        for n in stride(from: -800_000, to: 800_000, by: 9_973) { #expect(LocalDate(dayNumber: n).dayNumber == n) }
        let calendar = SchoolCalendar(holidays: [day("2026-11-25")])
        // Friday + 5 school days = the next Friday; a holiday on Wednesday pushes it to Monday.
        #expect(SchoolCalendar().schoolDays(after: day("2026-11-20"), 5) == day("2026-11-27"))
        #expect(calendar.schoolDays(after: day("2026-11-20"), 5) == day("2026-11-30"))
        #expect(calendar.schoolDays(from: day("2026-11-23"), through: day("2026-11-29")) == 4)
    }

    @Test("Incidents in a school year: 0–1 green, 2–5 yellow, 6+ red; thresholds per school")
    func bands() {
        #expect([0, 1, 2, 5, 6, 12].map { IncidentRules.band(incidents: $0) } == [.green, .green, .yellow, .yellow, .red, .red])
        var strict = DecisionThresholds()
        strict.yellowFrom = 1; strict.redFrom = 3
        #expect(IncidentRules.band(incidents: 1, strict) == .yellow && IncidentRules.band(incidents: 3, strict) == .red)
        var wrong = DecisionThresholds()
        wrong.redFrom = 2
        #expect(wrong.problems.map(\.field) == ["red_from"])
        #expect(DecisionThresholds().problems.isEmpty)
    }

    @Test("2+ incidents by 31 October: consider Tier II, fired on the second incident's date")
    func earlyWarning() {
        #expect(IncidentRules.earlyWarningDate(year) == day("2026-10-31"))
        let dates = [day("2026-09-14"), day("2026-10-30"), day("2026-11-02")]
        let findings = IncidentRules.findings(incidentDates: dates, year: year, today: day("2026-11-23"))
        #expect(findings.contains(RuleFinding(rule: .earlyWarning, date: day("2026-10-30"), figures: ["2", "2026-10-31"])))
        #expect(findings.contains { $0.rule == .incidentsYellow && $0.figures == ["3"] && $0.date == day("2026-10-30") })
        // One before the deadline and one after: no early warning; last year's incidents do not count.
        let late = IncidentRules.findings(incidentDates: [day("2026-10-01"), day("2026-11-01"), day("2026-06-01")], year: year, today: day("2026-11-23"))
        #expect(!late.contains { $0.rule == .earlyWarning })
        #expect(late.map(\.rule) == [.incidentsYellow])
        // Red fires on the sixth incident; future-dated records are ignored.
        let six = (1...7).map { day("2026-09-0\($0)") }
        let red = IncidentRules.findings(incidentDates: six, year: year, today: day("2026-09-06"))
        #expect(red.contains(RuleFinding(rule: .incidentsRed, date: day("2026-09-06"), figures: ["6"])))
    }

    func cards(from monday: String, weeks: Int, score: Int) -> [PointCard] {
        // 4 expectations × 5 periods = 40 points possible; `score` of them earned each day.
        (0..<weeks).flatMap { w in (0..<5).map { d in
            var left = score
            let ratings = (0..<4).map { _ in (0..<5).map { _ -> Int? in let r = min(2, left); left -= r; return r } }
            return PointCard(date: day(monday).adding(days: 7 * w + d), ratings: ratings)
        } }
    }

    @Test("Point cards: daily score is earned / possible over rated periods")
    func pointCardScore() {
        #expect(PointCard(date: day("2026-11-23"), ratings: [[2, 1, nil], [0, 2, nil]]).score == 5.0 / 8)
        #expect(PointCard(date: day("2026-11-23"), ratings: [[nil, nil]]).score == nil)
        #expect(cards(from: "2026-11-23", weeks: 1, score: 32)[0].score == 0.8)
    }

    @Test("Below goal two weeks running: review; at goal six weeks: fade; then self-monitoring, fading, graduation")
    func checkInCheckOut() {
        let below = cards(from: "2026-09-07", weeks: 2, score: 28) // 70%
        let review = CheckInCheckOutRules.findings(below)
        #expect(review == [RuleFinding(rule: .pointCardReview, date: day("2026-09-18"), figures: ["2", "70"])])
        #expect(CheckInCheckOutRules.findings(Array(below.prefix(5))).isEmpty) // one week is not yet a pattern
        let good = cards(from: "2026-09-07", weeks: 2, score: 20) + cards(from: "2026-09-21", weeks: 6, score: 32) // 50%, then 80%
        #expect(CheckInCheckOutRules.findings(good).map(\.rule) == [.pointCardFading])
        #expect(CheckInCheckOutRules.findings(Array(good.dropLast(5))).isEmpty) // five weeks at goal: not yet
        let decided = day("2026-11-02")
        #expect(CheckInCheckOutRules.phase(fadingDecided: nil, today: decided) == .running)
        #expect(CheckInCheckOutRules.phase(fadingDecided: decided, today: day("2026-11-09")) == .selfMonitoring)
        #expect(CheckInCheckOutRules.phase(fadingDecided: decided, today: day("2026-11-16")) == .fading)
        #expect(CheckInCheckOutRules.phase(fadingDecided: decided, today: day("2026-11-30")) == .graduated)
    }

    @Test("16 unauthorised hours within 4 weeks: report to DUO within 5 school days; authorised hours do not count")
    func absenceReport() {
        let records = [AbsenceRecord(date: day("2026-11-02"), hours: 6, authorised: false),
                       AbsenceRecord(date: day("2026-11-05"), hours: 8, authorised: true),
                       AbsenceRecord(date: day("2026-11-09"), hours: 5, authorised: false),
                       AbsenceRecord(date: day("2026-11-20"), hours: 5, authorised: false)]
        let findings = AbsenceRules.reportFindings(records)
        #expect(findings == [RuleFinding(rule: .absenceReport, date: day("2026-11-20"), figures: ["16", "28"], dueBy: day("2026-11-27"))])
        // The same hours spread over more than 28 days do not fire.
        let spread = [AbsenceRecord(date: day("2026-10-01"), hours: 8, authorised: false),
                      AbsenceRecord(date: day("2026-10-29"), hours: 8, authorised: false)]
        #expect(AbsenceRules.reportFindings(spread).isEmpty)
        let within = [AbsenceRecord(date: day("2026-10-02"), hours: 8, authorised: false),
                      AbsenceRecord(date: day("2026-10-29"), hours: 8, authorised: false)]
        #expect(AbsenceRules.reportFindings(within).count == 1)
        // After a report, counting starts again, and the next report waits a whole window:
        // 32 hours in a row make one report; staying away makes one every four weeks.
        let long = (0..<8).map { AbsenceRecord(date: day("2026-11-02").adding(days: $0), hours: 4, authorised: false) }
        #expect(AbsenceRules.reportFindings(long).map(\.date) == [day("2026-11-05")])
        let away = (0..<60).map { AbsenceRecord(date: day("2026-11-02").adding(days: $0), hours: 4, authorised: false) }
        #expect(AbsenceRules.reportFindings(away).map(\.date) == [day("2026-11-05"), day("2026-12-03"), day("2026-12-31")])
        // Hours before a report do not count towards the next one.
        let again = [AbsenceRecord(date: day("2026-11-02"), hours: 16, authorised: false), AbsenceRecord(date: day("2026-12-01"), hours: 10, authorised: false),
                     AbsenceRecord(date: day("2026-12-04"), hours: 6, authorised: false)]
        #expect(AbsenceRules.reportFindings(again).map(\.date) == [day("2026-11-02"), day("2026-12-04")])
    }

    @Test("Thuiszitter: of compulsory school age, absent every school day for 4 weeks without exemption")
    func thuiszitter() {
        let today = day("2026-11-27") // a Friday
        let calendar = SchoolCalendar()
        let absent = Set((0..<40).map { today.adding(days: -$0) }.filter { calendar.isSchoolDay($0) })
        let born = day("2014-05-01")
        let finding = AbsenceRules.thuiszitter(absentDays: absent, exemptDays: [], birthDate: born, today: today)
        #expect(finding?.rule == .thuiszitter)
        #expect(finding?.figures.first == String(absent.count))
        // One school day present, an exemption, or an 18-year-old: no flag.
        var present = absent
        present.remove(day("2026-11-10"))
        #expect(AbsenceRules.thuiszitter(absentDays: present, exemptDays: [], birthDate: born, today: today) == nil)
        #expect(AbsenceRules.thuiszitter(absentDays: absent, exemptDays: [day("2026-11-12")], birthDate: born, today: today) == nil)
        #expect(AbsenceRules.thuiszitter(absentDays: absent, exemptDays: [], birthDate: day("2008-01-01"), today: today) == nil)
        // Holidays are not school days: a week off inside the 4 weeks does not break the count.
        let holiday = SchoolCalendar(holidays: Set((0..<5).map { day("2026-11-16").adding(days: $0) }))
        let withHoliday = absent.subtracting(holiday.holidays)
        #expect(AbsenceRules.thuiszitter(absentDays: withHoliday, exemptDays: [], birthDate: born, today: today, calendar: holiday) != nil)
        #expect(finding.map { Catalogue.text($0.key, .nl, $0.figures) }?.contains("schooldagen afwezig") == true)
    }
}
