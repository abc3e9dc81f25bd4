/// Why a statistic cannot be computed, in words a researcher understands.
///
/// Samen answers a degenerate input with one of these instead of a number
/// that looks valid (SciPy answers several of them with NaN, ±inf or 0).
/// `key` and `arguments` name the message in the application's catalogue;
/// `description` is the English text.
public enum StatsCondition: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every value is missing (or there are none).
    case noValues
    /// The statistic needs at least this many values.
    case tooFewValues(needed: Int, got: Int)
    /// A comparison needs at least this many groups with values.
    case tooFewGroups(needed: Int, got: Int)
    /// One group has fewer values than the statistic needs.
    case groupTooSmall(group: String, needed: Int, got: Int)
    /// Every value is the same: there is no variation to test.
    case allValuesEqual
    /// Within every group all values are equal while the groups differ:
    /// the test statistic would be infinite.
    case noVariationWithinGroups
    /// One group has no variation, which the test cannot handle (Welch).
    case groupWithoutVariation(group: String)
    /// The differences of a paired test are all the same (or all zero).
    case constantDifferences
    /// A row or column of a contingency table has no observations.
    case emptyMargin(label: String)
    /// A contingency table needs at least two rows and two columns.
    case tableTooSmall(rows: Int, columns: Int)
    /// A scale needs at least two items.
    case tooFewItems(got: Int)
    /// A parameter is out of range (e.g. a confidence level of 1.2).
    case invalidParameter(name: String, value: String)

    public var key: String {
        switch self {
        case .noValues: "stats_no_values"
        case .tooFewValues: "stats_too_few_values"
        case .tooFewGroups: "stats_too_few_groups"
        case .groupTooSmall: "stats_group_too_small"
        case .allValuesEqual: "stats_all_values_equal"
        case .noVariationWithinGroups: "stats_no_variation_within_groups"
        case .groupWithoutVariation: "stats_group_without_variation"
        case .constantDifferences: "stats_constant_differences"
        case .emptyMargin: "stats_empty_margin"
        case .tableTooSmall: "stats_table_too_small"
        case .tooFewItems: "stats_too_few_items"
        case .invalidParameter: "stats_invalid_parameter"
        }
    }

    public var arguments: [String] {
        switch self {
        case .noValues, .allValuesEqual, .noVariationWithinGroups, .constantDifferences: []
        case .tooFewValues(let needed, let got), .tooFewGroups(let needed, let got): [String(needed), String(got)]
        case .groupTooSmall(let group, let needed, let got): [group, String(needed), String(got)]
        case .groupWithoutVariation(let group): [group]
        case .emptyMargin(let label): [label]
        case .tableTooSmall(let rows, let columns): [String(rows), String(columns)]
        case .tooFewItems(let got): [String(got)]
        case .invalidParameter(let name, let value): [name, value]
        }
    }

    public var description: String {
        switch self {
        case .noValues: "There are no values: every value is missing."
        case .tooFewValues(let needed, let got): "This needs at least \(needed) values; there are \(got)."
        case .tooFewGroups(let needed, let got): "This test compares at least \(needed) groups; the data have \(got) group(s) with values."
        case .groupTooSmall(let group, let needed, let got): "Group \"\(group)\" has \(got) value(s); this test needs at least \(needed) per group."
        case .allValuesEqual: "Every value is the same, so there is no difference to test."
        case .noVariationWithinGroups: "Within each group all values are equal while the groups differ: the test statistic is infinite and the test does not apply."
        case .groupWithoutVariation(let group): "All values in group \"\(group)\" are equal; this test needs variation within every group."
        case .constantDifferences: "Every paired difference is the same, so the test statistic is undefined."
        case .emptyMargin(let label): "\"\(label)\" has no observations; drop it from the table before testing."
        case .tableTooSmall(let rows, let columns): "The table has \(rows) row(s) and \(columns) column(s); it needs at least two of each."
        case .tooFewItems(let got): "A scale needs at least two items; there are \(got)."
        case .invalidParameter(let name, let value): "\(name) cannot be \(value)."
        }
    }
}
