import Foundation

// MARK: - A school's holidays

/// A holiday period of a school: from and through a date (a single day when both are the same).
public struct HolidayPeriod: Sendable, Equatable {
    public var name: String
    public var from: LocalDate
    public var through: LocalDate
    public init(name: String, from: LocalDate, through: LocalDate) { self.name = name; self.from = from; self.through = through }

    public var days: [LocalDate] { (from.dayNumber...max(from.dayNumber, through.dayNumber)).map(LocalDate.init(dayNumber:)) }

    /// A name, a start and an end not before it, within a school year's length (holidays are at most 12 weeks).
    public static func validate(name: String, from: String, through: String) -> Validated<HolidayPeriod> {
        var problems: [FieldProblem] = []
        let name = name.trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        if name.count > 80 { problems.append(.init(field: "name", key: "import_too_long", arguments: ["80"])) }
        let start = LocalDate.parse(from)
        if start == nil { problems.append(.init(field: "from", key: from.trimmed.isEmpty ? "import_required" : "import_bad_date", arguments: [from])) }
        // An empty end: a single day.
        let end = through.trimmed.isEmpty ? start : LocalDate.parse(through)
        if end == nil && start != nil { problems.append(.init(field: "through", key: "import_bad_date", arguments: [through])) }
        if let start, let end {
            if end < start { problems.append(.init(field: "through", key: "holiday_end_before_start")) }
            else if end.dayNumber - start.dayNumber > 84 { problems.append(.init(field: "through", key: "holiday_too_long")) }
        }
        guard problems.isEmpty, let start, let end else { return .failure(problems) }
        return .success(HolidayPeriod(name: name, from: start, through: end))
    }
}

extension SchoolCalendar {
    /// The calendar of a school's holiday periods.
    public init(periods: [HolidayPeriod]) {
        self.init(holidays: Set(periods.flatMap(\.days)))
    }
}

public enum DutchHolidays {
    /// Easter Sunday of a year (the Gregorian computus, Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }

    /// The public holidays that fall on school days within a school year:
    /// Christmas and New Year's Day, Good Friday, Easter Monday, King's Day
    /// (27 April, the 26th when the 27th is a Sunday), Liberation Day (5 May;
    /// a day off for schools in a lustrum year, and often in the May break
    /// anyway), Ascension Day and Whit Monday. A school adds its own breaks.
    public static func publicHolidays(_ year: SchoolYearPeriod) -> [HolidayPeriod] {
        let y1 = year.startYear, y2 = year.startYear + 1
        let easter = easter(y2)
        let kingsDay = LocalDate(year: y2, month: 4, day: 27)!
        var days: [HolidayPeriod] = [
            .init(name: "Eerste Kerstdag", from: LocalDate(year: y1, month: 12, day: 25)!, through: LocalDate(year: y1, month: 12, day: 25)!),
            .init(name: "Tweede Kerstdag", from: LocalDate(year: y1, month: 12, day: 26)!, through: LocalDate(year: y1, month: 12, day: 26)!),
            .init(name: "Nieuwjaarsdag", from: LocalDate(year: y2, month: 1, day: 1)!, through: LocalDate(year: y2, month: 1, day: 1)!),
            .init(name: "Goede Vrijdag", from: easter.adding(days: -2), through: easter.adding(days: -2)),
            .init(name: "Tweede Paasdag", from: easter.adding(days: 1), through: easter.adding(days: 1)),
            .init(name: "Koningsdag", from: kingsDay.weekday == 7 ? kingsDay.adding(days: -1) : kingsDay,
                  through: kingsDay.weekday == 7 ? kingsDay.adding(days: -1) : kingsDay),
            .init(name: "Hemelvaartsdag", from: easter.adding(days: 39), through: easter.adding(days: 39)),
            .init(name: "Tweede Pinksterdag", from: easter.adding(days: 50), through: easter.adding(days: 50)),
        ]
        if y2 % 5 == 0 {
            days.append(.init(name: "Bevrijdingsdag", from: LocalDate(year: y2, month: 5, day: 5)!, through: LocalDate(year: y2, month: 5, day: 5)!))
        }
        return days.filter { $0.from.weekday <= 5 }.sorted { $0.from < $1.from }
    }
}
