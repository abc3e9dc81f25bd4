#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pairwise comparisons after a one-way ANOVA. Pairs are in the order of
/// the groups (first with second, first with third, …, second with third);
/// the difference is always the first-named group minus the second.
public struct PostHoc: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable {
        /// Tukey HSD (Tukey–Kramer for unequal n): pooled error term,
        /// studentized range with k groups and N − k df.
        case tukey
        /// Games–Howell: per-pair variances and Welch df, studentized range.
        case gamesHowell = "games-howell"
        /// t-tests, p × number of comparisons (capped at 1).
        case bonferroni
        /// t-tests, Holm's step-down adjustment.
        case holm
    }

    public struct Comparison: Sendable, Equatable {
        public let a: String
        public let b: String
        /// mean(a) − mean(b)
        public let diff: Double
        public let se: Double
        /// diff / se
        public let t: Double
        public let df: Double
        /// Studentized range statistic |diff| / (se/√2) (Tukey, Games–Howell).
        public let q: Double?
        /// p-value before adjustment (t-test methods).
        public let pUnadjusted: Double?
        /// Adjusted p-value.
        public let p: Double
        /// Simultaneous confidence interval of diff (not defined for Holm).
        public let ciLow: Double?
        public let ciHigh: Double?
    }

    public let method: Method
    /// t-test methods: pooled error term of all groups (SPSS, R
    /// `pairwise.t.test` default) or Welch t-tests of the two groups alone.
    public let pooled: Bool
    public let confidenceLevel: Double
    public let comparisons: [Comparison]

    public init(_ samples: [Sample], method: Method, pooled: Bool = true, confidenceLevel: Double = 0.95) throws(StatsCondition) {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw .invalidParameter(name: "confidence level", value: String(confidenceLevel))
        }
        let groups = try summaries(samples)
        self.method = method
        self.pooled = pooled
        self.confidenceLevel = confidenceLevel
        let alpha = 1 - confidenceLevel
        let k = groups.count
        let m = k * (k - 1) / 2
        var pairs: [(Int, Int)] = []
        for i in 0..<k { for j in (i + 1)..<k { pairs.append((i, j)) } }

        let usesPooled = method == .tukey || ((method == .bonferroni || method == .holm) && pooled)
        var msWithin = 0.0, dfWithin = 0.0
        if usesPooled {
            let anova = try OneWayANOVA(summaries: groups)
            msWithin = anova.msWithin
            dfWithin = Double(anova.dfWithin)
        } else {
            for g in groups {
                if g.n < 2 { throw .groupTooSmall(group: g.label, needed: 2, got: g.n) }
            }
        }

        var result: [Comparison] = []
        // One table of the normal range's tail serves every pair.
        let table = method == .tukey || method == .gamesHowell ? RangeTailTable(k: k) : nil
        switch method {
        case .tukey:
            let range = StudentizedRange(k: k, df: dfWithin, table: table!)
            let critical = range.upperQuantile(alpha) / 2.squareRoot()
            for (i, j) in pairs {
                let a = groups[i], b = groups[j]
                let diff = a.mean - b.mean
                let se = (msWithin * (1 / Double(a.n) + 1 / Double(b.n))).squareRoot()
                let q = Swift.abs(diff) / se * 2.squareRoot()
                result.append(Comparison(a: a.label, b: b.label, diff: diff, se: se, t: diff / se, df: dfWithin, q: q,
                                         pUnadjusted: nil, p: range.sf(q),
                                         ciLow: diff - critical * se, ciHigh: diff + critical * se))
            }
        case .gamesHowell:
            for (i, j) in pairs {
                let a = groups[i], b = groups[j]
                let (se, df) = try welchTerms(a, b)
                let diff = a.mean - b.mean
                let q = Swift.abs(diff) / se * 2.squareRoot()
                let range = StudentizedRange(k: k, df: df, table: table!)
                let critical = range.upperQuantile(alpha) / 2.squareRoot()
                result.append(Comparison(a: a.label, b: b.label, diff: diff, se: se, t: diff / se, df: df, q: q,
                                         pUnadjusted: nil, p: range.sf(q),
                                         ciLow: diff - critical * se, ciHigh: diff + critical * se))
            }
        case .bonferroni, .holm:
            var raw: [(diff: Double, se: Double, df: Double, p: Double)] = []
            for (i, j) in pairs {
                let a = groups[i], b = groups[j]
                let diff = a.mean - b.mean
                let se: Double, df: Double
                if pooled {
                    se = (msWithin * (1 / Double(a.n) + 1 / Double(b.n))).squareRoot()
                    df = dfWithin
                } else {
                    (se, df) = try welchTerms(a, b)
                }
                raw.append((diff, se, df, StudentT(df: df).twoSidedP(diff / se)))
            }
            let adjusted = method == .bonferroni
                ? raw.map { Swift.min(1, Double(m) * $0.p) }
                : holmAdjust(raw.map(\.p))
            for (index, (i, j)) in pairs.enumerated() {
                let r = raw[index]
                var low: Double?, high: Double?
                if method == .bonferroni {
                    let critical = StudentT(df: r.df).upperQuantile(alpha / Double(2 * m))
                    low = r.diff - critical * r.se
                    high = r.diff + critical * r.se
                }
                result.append(Comparison(a: groups[i].label, b: groups[j].label, diff: r.diff, se: r.se, t: r.diff / r.se,
                                         df: r.df, q: nil, pUnadjusted: r.p, p: adjusted[index], ciLow: low, ciHigh: high))
            }
        }
        comparisons = result
    }
}

/// Standard error and Welch–Satterthwaite df of a difference of two means.
func welchTerms(_ a: GroupSummary, _ b: GroupSummary) throws(StatsCondition) -> (se: Double, df: Double) {
    guard let va = a.variance else { throw .groupTooSmall(group: a.label, needed: 2, got: a.n) }
    guard let vb = b.variance else { throw .groupTooSmall(group: b.label, needed: 2, got: b.n) }
    let ua = va / Double(a.n), ub = vb / Double(b.n)
    let s2 = ua + ub
    if s2 == 0 { throw a.mean == b.mean ? .allValuesEqual : .noVariationWithinGroups }
    let df = s2 * s2 / (ua * ua / Double(a.n - 1) + ub * ub / Double(b.n - 1))
    return (s2.squareRoot(), df)
}

/// Holm's step-down adjusted p-values, in the input order.
public func holmAdjust(_ p: [Double]) -> [Double] {
    let m = p.count
    let order = p.indices.sorted { p[$0] < p[$1] }
    var adjusted = [Double](repeating: 0, count: m)
    var running = 0.0
    for (rank, index) in order.enumerated() {
        running = Swift.max(running, Swift.min(1, Double(m - rank) * p[index]))
        adjusted[index] = running
    }
    return adjusted
}
