import Foundation

/// A calendar date without time or time zone: a date of birth, an
/// enrolment date. Stored as ISO `yyyy-mm-dd` text so it sorts and compares
/// the same on SQLite and PostgreSQL and never shifts with a time zone.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil for a date that does not exist (31-02, 29-02 outside leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A valid calendar date from arithmetic, which may leave 1900–2200.
    init(computed year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO 8601 form, as stored.
    public var iso: String {
        "\(year)-\(LocalDate.twoDigits(month))-\(LocalDate.twoDigits(day))"
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    public var description: String { iso }

    /// Dutch display form, `22-11-2026`.
    public var dutch: String {
        "\(LocalDate.twoDigits(day))-\(LocalDate.twoDigits(month))-\(year)"
    }

    /// Display form for a language: Dutch `22-11-2026`, English `22 Nov 2026`.
    public func display(_ language: Language) -> String {
        switch language {
        case .nl: return dutch
        case .en:
            let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(day) \(names[month - 1]) \(year)"
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Parses the forms a Dutch student administration exports:
    /// `dd-mm-jjjj`, `d-m-jjjj`, `dd/mm/jjjj`, `dd.mm.jjjj` and ISO `jjjj-mm-dd`.
    public static func parse(_ text: String) -> LocalDate? {
        let trimmed = text.trimmed
        let parts = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, parts.allSatisfy({ (p: Substring) in !p.isEmpty && p.count <= 4 && p.allSatisfy { $0.isASCII } }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        if parts[0].count == 4 { return LocalDate(year: a, month: b, day: c) }
        guard parts[2].count == 4 else { return nil }
        return LocalDate(year: c, month: b, day: a)
    }

    /// Parses the stored ISO form only.
    public init?(iso: String) {
        // Stored dates are always `yyyy-mm-dd`: read the digits in place (rules read tens of thousands).
        let utf8 = iso.utf8
        if utf8.count == 10, let fast = utf8.withContiguousStorageIfAvailable({ b -> LocalDate? in
            func digits(_ range: Range<Int>) -> Int? {
                var n = 0
                for i in range { let d = Int(b[i]) - 48; guard d >= 0 && d <= 9 else { return nil }; n = n * 10 + d }
                return n
            }
            guard b[4] == 45, b[7] == 45, let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }) {
            guard let fast else { return nil }
            self = fast
            return
        }
        let parts = iso.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today's date in the Netherlands.
    public static func today(now: Date = Date()) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .current
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Whole years between this date (a birth date) and `date`.
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Encoded as its ISO text.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a date as yyyy-mm-dd"))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// A Dutch school year runs from 1 August to 31 July (the legal school
/// year); it is named after both calendar years, `2026-2027`.
public struct SchoolYearPeriod: Hashable, Sendable {
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    public static func containing(_ date: LocalDate) -> SchoolYearPeriod {
        SchoolYearPeriod(startYear: date.month >= 8 ? date.year : date.year - 1)
    }

    public var name: String { "\(startYear)-\(startYear + 1)" }
    public var start: LocalDate { LocalDate(year: startYear, month: 8, day: 1)! }
    public var end: LocalDate { LocalDate(year: startYear + 1, month: 7, day: 31)! }
}
