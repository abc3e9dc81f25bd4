#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reverse-scores an answer on a scale from `minimum` to `maximum`
/// (1…5: 1 ↔ 5, 2 ↔ 4).
public func reverseScore(_ x: Double, minimum: Double, maximum: Double) -> Double {
    minimum + maximum - x
}

/// Cronbach's alpha of a scale, with the Feldt confidence interval, alpha
/// if item deleted and corrected item–total correlations.
///
/// Missing answers are handled **listwise** (the SPSS RELIABILITY default):
/// a respondent who skipped any item of the scale is left out of every
/// figure, and `excluded` says how many were. Reverse-scored items are
/// reversed before anything is computed.
public struct CronbachAlpha: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let label: String
        public let mean: Double
        public let sd: Double
        /// Correlation of the item with the sum of the other items; nil
        /// when the item does not vary.
        public let correctedItemTotal: Double?
        /// Alpha of the scale without this item; nil with two items.
        public let alphaIfDeleted: Double?
    }

    public let n: Int
    public let excluded: Int
    public let k: Int
    public let alpha: Double
    /// Alpha from the mean inter-item correlation, k·r̄ / (1 + (k−1)·r̄).
    public let standardizedAlpha: Double?
    public let meanInterItemCorrelation: Double?
    public let itemVariances: [Double]
    public let totalVariance: Double
    public let confidenceLevel: Double
    /// Feldt, Woodruff & Salih (1987): 1 − (1 − α)·F(1 − c/2; n−1, (n−1)(k−1)) and 1 − (1 − α)·F(c/2; …).
    public let ciLow: Double
    public let ciHigh: Double
    public let items: [Item]

    /// `answers`: one row per respondent, one column per item.
    public init(answers: [[Double?]], labels: [String]? = nil, reversed: Set<Int> = [],
                minimum: Double? = nil, maximum: Double? = nil, confidenceLevel: Double = 0.95) throws(StatsCondition) {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw .invalidParameter(name: "confidence level", value: String(confidenceLevel))
        }
        let k = answers.first?.count ?? labels?.count ?? 0
        if k < 2 { throw .tooFewItems(got: k) }
        var complete: [[Double]] = []
        for row in answers {
            let values = row.compactMap { $0 }.filter { !$0.isNaN }
            if values.count == k { complete.append(values) }
        }
        excluded = answers.count - complete.count
        if complete.isEmpty { throw .noValues }
        if complete.count < 2 { throw .tooFewValues(needed: 2, got: complete.count) }
        if !reversed.isEmpty {
            let lo = minimum ?? complete.flatMap { $0 }.min()!
            let hi = maximum ?? complete.flatMap { $0 }.max()!
            complete = complete.map { row in
                row.enumerated().map { reversed.contains($0.offset) ? reverseScore($0.element, minimum: lo, maximum: hi) : $0.element }
            }
        }
        self.k = k
        n = complete.count
        self.confidenceLevel = confidenceLevel
        let columns = (0..<k).map { j in complete.map { $0[j] } }
        let moments = columns.map { Moments($0) }
        itemVariances = moments.map { $0.variance! }
        let totals = complete.map { row in row.reduce(0, +) }
        totalVariance = Moments(totals).variance!
        if totalVariance == 0 { throw .allValuesEqual }
        alpha = CronbachAlpha.alpha(k: k, itemVariances: itemVariances, totalVariance: totalVariance)

        // Inter-item correlations (nil when an item is constant).
        var correlations: [Double] = []
        var allDefined = true
        for i in 0..<k {
            for j in (i + 1)..<k {
                if let r = pearson(columns[i], columns[j]) { correlations.append(r) } else { allDefined = false }
            }
        }
        if allDefined && !correlations.isEmpty {
            let rBar = correlations.reduce(0, +) / Double(correlations.count)
            meanInterItemCorrelation = rBar
            standardizedAlpha = Double(k) * rBar / (1 + Double(k - 1) * rBar)
        } else {
            meanInterItemCorrelation = nil
            standardizedAlpha = nil
        }

        let df1 = Double(n - 1), df2 = Double((n - 1) * (k - 1))
        let f = FDistribution(df1: df1, df2: df2)
        let c = 1 - confidenceLevel
        ciLow = 1 - (1 - alpha) * f.upperQuantile(c / 2)
        ciHigh = 1 - (1 - alpha) * f.quantile(c / 2)

        var items: [Item] = []
        for j in 0..<k {
            let rest = complete.map { row in row.reduce(0, +) - row[j] }
            var alphaIfDeleted: Double?
            if k > 2 {
                let restVariance = Moments(rest).variance!
                var variances = itemVariances
                variances.remove(at: j)
                alphaIfDeleted = restVariance == 0 ? nil
                    : CronbachAlpha.alpha(k: k - 1, itemVariances: variances, totalVariance: restVariance)
            }
            items.append(Item(label: labels?[j] ?? "item \(j + 1)", mean: moments[j].mean,
                              sd: itemVariances[j].squareRoot(),
                              correctedItemTotal: pearson(columns[j], rest), alphaIfDeleted: alphaIfDeleted))
        }
        self.items = items
    }

    static func alpha(k: Int, itemVariances: [Double], totalVariance: Double) -> Double {
        let kk = Double(k)
        return kk / (kk - 1) * (1 - itemVariances.reduce(0, +) / totalVariance)
    }

    /// Below .70 a scale is usually not reliable enough to report.
    public var isBelowConvention: Bool { alpha < 0.7 }
}
