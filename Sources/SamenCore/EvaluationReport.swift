import Foundation
import SamenStats

// MARK: - Comparing a scale across school types, in the seeds' style

/// A group's line in a report table: n, mean and SD, or suppressed when fewer respondents than the threshold.
public struct ReportCell: Sendable, Equatable {
    public var label: String
    public var n: Int
    public var mean: Double?
    public var sd: Double?
    public var suppressed: Bool
}

/// Which omnibus test a comparison used, and why (Levene decides).
public enum OmnibusTest: Sendable, Equatable {
    /// Variances comparable: classic one-way ANOVA, Tukey's post-hoc.
    case anova(f: Double, df1: Int, df2: Int, p: Double)
    /// Variances differ: Welch's ANOVA, Games-Howell post-hoc.
    case welch(f: Double, df1: Double, df2: Double, p: Double)

    public var p: Double {
        switch self { case .anova(_, _, _, let p), .welch(_, _, _, let p): p }
    }
}

/// A significant difference between two groups, as the seeds write it ("PO > VO (p = .01)"), with its effect size.
public struct PairwiseDifference: Sendable, Equatable {
    public var higher: String
    public var lower: String
    public var difference: Double
    public var p: Double
    /// Hedges' g of the two groups (SamenStats' independent t-test).
    public var hedgesG: Double?
    public var statement: String { "\(higher) > \(lower) (\(StatsFormat.p(p)))" }
}

public struct ScaleComparison: Sendable, Equatable {
    public var cells: [ReportCell]
    public var levene: (w: Double, df1: Int, df2: Int, p: Double)?
    public var test: OmnibusTest?
    /// Eta squared of the groups compared (share of variance between groups).
    public var etaSquared: Double?
    public var differences: [PairwiseDifference]
    /// Why no test was run (fewer than two groups above the threshold, no variance).
    public var noTest: String?

    public static func == (a: ScaleComparison, b: ScaleComparison) -> Bool {
        a.cells == b.cells && a.test == b.test && a.etaSquared == b.etaSquared && a.differences == b.differences && a.noTest == b.noTest
            && a.levene?.w == b.levene?.w && a.levene?.p == b.levene?.p
    }

    /// The significance statement of the omnibus test, naming the test, the statistic, the degrees of freedom and p.
    public func testStatement(_ language: Language) -> String? {
        guard let test else { return nil }
        switch test {
        case .anova(let f, let df1, let df2, let p):
            return (language == .nl ? "Variantieanalyse (gelijke varianties volgens Levene): " : "One-way ANOVA (equal variances by Levene): ")
                + "F(\(df1), \(df2)) = " + StatsFormat.number(f) + ", " + StatsFormat.p(p)
        case .welch(let f, let df1, let df2, let p):
            return (language == .nl ? "Welch-toets (ongelijke varianties volgens Levene): " : "Welch's test (unequal variances by Levene): ")
                + "F(" + StatsFormat.number(df1) + ", " + StatsFormat.number(df2) + ") = " + StatsFormat.number(f) + ", " + StatsFormat.p(p)
        }
    }
}

/// Numbers as an APA-style report writes them.
public enum StatsFormat {
    /// "p = .01", "p = .004", "p < .001": two decimals from .01, three below, never a leading zero.
    public static func p(_ p: Double) -> String {
        if p < 0.001 { return "p < .001" }
        let text = p >= 0.01 ? String(format: "%.2f", p) : String(format: "%.3f", p)
        return "p = " + (text.hasPrefix("0") ? String(text.dropFirst()) : text)
    }

    /// Two decimals.
    public static func number(_ x: Double) -> String { String(format: "%.2f", x) }
}

public enum EvaluationReport {
    /// The smallest cell shown; configurable upward, never below 5.
    public static let minimumCell = 5

    /// Compares one scale's scores across groups (school types, in `order`): means and SDs per group (suppressed under
    /// `minimumCell`), Levene's test on the groups shown, then one-way ANOVA with Tukey when variances are comparable or
    /// Welch with Games-Howell when they differ (p < `alpha`), and each significant pair with its effect size.
    /// Suppressed groups take no part in the tests, so a test cannot reveal them.
    public static func compare(_ scores: [(group: String, score: Double)], order: [String], minimumCell: Int = minimumCell,
                               alpha: Double = 0.05) -> ScaleComparison {
        let threshold = max(minimumCell, 5)
        var cells: [ReportCell] = []
        var samples: [Sample] = []
        for label in order {
            let values = scores.filter { $0.group == label }.map(\.score)
            if values.isEmpty { continue }
            if values.count < threshold {
                cells.append(ReportCell(label: label, n: values.count, mean: nil, sd: nil, suppressed: true))
                continue
            }
            let summary = Moments(values)
            cells.append(ReportCell(label: label, n: values.count, mean: summary.mean, sd: summary.variance.map { $0.squareRoot() }, suppressed: false))
            samples.append(Sample(label: label, values: values))
        }
        var result = ScaleComparison(cells: cells, levene: nil, test: nil, etaSquared: nil, differences: [], noTest: nil)
        guard samples.count >= 2 else {
            result.noTest = "too_few_groups"
            return result
        }
        do {
            let levene = try LeveneTest(samples, center: .mean)
            result.levene = (levene.w, levene.df1, levene.df2, levene.p)
            let classic = try OneWayANOVA(samples)
            result.etaSquared = classic.etaSquared
            let equal = levene.p >= alpha
            if equal {
                result.test = .anova(f: classic.f, df1: classic.dfBetween, df2: classic.dfWithin, p: classic.p)
            } else {
                let welch = try WelchANOVA(samples)
                result.test = .welch(f: welch.f, df1: welch.df1, df2: welch.df2, p: welch.p)
            }
            if result.test!.p < alpha {
                let posthoc = try PostHoc(samples, method: equal ? .tukey : .gamesHowell, pooled: equal)
                for c in posthoc.comparisons where c.p < alpha {
                    let (higher, lower) = c.diff >= 0 ? (c.a, c.b) : (c.b, c.a)
                    let g = try? IndependentTTest(samples.first { $0.label == higher }!, samples.first { $0.label == lower }!, pooled: equal).hedgesG.value
                    result.differences.append(PairwiseDifference(higher: higher, lower: lower, difference: abs(c.diff), p: c.p, hedgesG: g))
                }
            }
        } catch {
            result.noTest = "no_variance"
            result.test = nil
        }
        return result
    }
}
