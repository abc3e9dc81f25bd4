import Foundation

// MARK: - Retention (AVG): how long data about a child is kept

/// The retention periods (DOMAIN.md §9): the student file two years after the student left, absence five years,
/// referral data (closed cases) three years. Configurable, in whole years from 1.
public struct RetentionPeriods: Sendable, Equatable, Codable {
    public var studentFileYears: Int
    public var absenceYears: Int
    public var referralYears: Int

    public init(studentFileYears: Int = 2, absenceYears: Int = 5, referralYears: Int = 3) {
        self.studentFileYears = studentFileYears; self.absenceYears = absenceYears; self.referralYears = referralYears
    }

    /// The dates before which data goes: a student who left before `studentsLeftBefore`, an absence before
    /// `absencesBefore`, a case closed before `casesClosedBefore`.
    public func cutoffs(today: LocalDate) -> (studentsLeftBefore: LocalDate, absencesBefore: LocalDate, casesClosedBefore: LocalDate) {
        (today.addingYears(-studentFileYears), today.addingYears(-absenceYears), today.addingYears(-referralYears))
    }

    /// Reads periods given as text (command-line options, environment): whole years from 1 to 50; the default where empty.
    public static func read(studentFile: String?, absence: String?, referral: String?) -> Validated<RetentionPeriods> {
        var problems: [FieldProblem] = []
        func years(_ text: String?, _ field: String, _ fallback: Int) -> Int {
            guard let text = text?.trimmed, !text.isEmpty else { return fallback }
            guard let n = Int(text), (1...50).contains(n) else {
                problems.append(.init(field: field, key: "retention_bad_years", arguments: [text]))
                return fallback
            }
            return n
        }
        let defaults = RetentionPeriods()
        let periods = RetentionPeriods(studentFileYears: years(studentFile, "student_years", defaults.studentFileYears),
                                       absenceYears: years(absence, "absence_years", defaults.absenceYears),
                                       referralYears: years(referral, "referral_years", defaults.referralYears))
        return problems.isEmpty ? .success(periods) : .failure(problems)
    }
}

extension LocalDate {
    /// The same day `years` years on (or back); 29 February becomes 28 February in a year without it.
    public func addingYears(_ years: Int) -> LocalDate {
        LocalDate(year: year + years, month: month, day: min(day, LocalDate.daysIn(month: month, year: year + years)))!
    }
}
