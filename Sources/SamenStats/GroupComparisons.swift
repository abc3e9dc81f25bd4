#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The values of one group, labelled as in the data. Missing values are
/// left out before a sample is made (see `Sample.init(label:values:)`).
public struct Sample: Sendable, Equatable {
    public let label: String
    public let values: [Double]

    /// Drops missing values (nil and NaN).
    public init(label: String, values: [Double?]) {
        self.label = label
        self.values = values.compactMap { $0 }.filter { !$0.isNaN }
    }

    public init(label: String, values: [Double]) {
        self.label = label
        self.values = values.contains { $0.isNaN } ? values.filter { !$0.isNaN } : values
    }

    /// Values the caller has already cleared of missing values (no NaN):
    /// no extra pass over them.
    public init(label: String, present values: [Double]) {
        self.label = label
        self.values = values
    }
}

/// Per-group summary used by the group comparisons.
public struct GroupSummary: Sendable, Equatable {
    public let label: String
    public let n: Int
    public let mean: Double
    /// Sample variance (n − 1); nil for a single value.
    public let variance: Double?
    public let sumOfSquares: Double

    init(_ sample: Sample) {
        let m = Moments(sample.values)
        label = sample.label
        n = m.n
        mean = m.mean
        variance = m.variance
        sumOfSquares = m.sumOfSquares
    }

    public var sd: Double? { variance.map { $0.squareRoot() } }
}

func summaries(_ samples: [Sample], minimumGroups: Int = 2) throws(StatsCondition) -> [GroupSummary] {
    let present = samples.filter { !$0.values.isEmpty }
    if present.isEmpty { throw .noValues }
    if present.count < minimumGroups { throw .tooFewGroups(needed: minimumGroups, got: present.count) }
    return present.map(GroupSummary.init)
}

/// Classic one-way analysis of variance (Fisher), as in SPSS ONEWAY, R's
/// `aov` and `scipy.stats.f_oneway`. Groups without values are left out; a
/// group of one value is allowed (it adds no within-group degrees of freedom).
public struct OneWayANOVA: Sendable, Equatable {
    public let groups: [GroupSummary]
    public let grandMean: Double
    public let ssBetween: Double
    public let ssWithin: Double
    public let ssTotal: Double
    public let dfBetween: Int
    public let dfWithin: Int
    public let msBetween: Double
    public let msWithin: Double
    public let f: Double
    public let p: Double
    /// SS_between / SS_total (equals partial η² in a one-way design).
    public let etaSquared: Double
    /// (SS_between − df_between·MS_within) / (SS_total + MS_within).
    public let omegaSquared: Double
    /// (SS_between − df_between·MS_within) / SS_total.
    public let epsilonSquared: Double
    /// √(η² / (1 − η²)).
    public let cohensF: Double

    public init(_ samples: [Sample]) throws(StatsCondition) {
        try self.init(summaries: summaries(samples))
    }

    init(summaries groups: [GroupSummary]) throws(StatsCondition) {
        self.groups = groups
        let total = groups.reduce(0) { $0 + $1.n }
        let k = groups.count
        dfBetween = k - 1
        dfWithin = total - k
        if dfWithin < 1 { throw .tooFewValues(needed: k + 1, got: total) }
        grandMean = weightedMean(groups.map(\.mean), weights: groups.map { Double($0.n) })
        var between = CompensatedSum(), within = CompensatedSum()
        for g in groups {
            let d = g.mean - grandMean
            between.add(Double(g.n) * d * d)
            within.add(g.sumOfSquares)
        }
        ssBetween = between.value
        ssWithin = within.value
        ssTotal = ssBetween + ssWithin
        if ssWithin == 0 { throw ssBetween == 0 ? .allValuesEqual : .noVariationWithinGroups }
        msBetween = ssBetween / Double(dfBetween)
        msWithin = ssWithin / Double(dfWithin)
        f = msBetween / msWithin
        p = FDistribution(df1: Double(dfBetween), df2: Double(dfWithin)).sf(f)
        etaSquared = ssBetween / ssTotal
        omegaSquared = (ssBetween - Double(dfBetween) * msWithin) / (ssTotal + msWithin)
        epsilonSquared = (ssBetween - Double(dfBetween) * msWithin) / ssTotal
        cohensF = (etaSquared / (1 - etaSquared)).squareRoot()
    }
}

/// Welch's heteroscedastic one-way ANOVA (R `oneway.test(var.equal = FALSE)`,
/// SPSS "Welch" robust test of equality of means).
public struct WelchANOVA: Sendable, Equatable {
    public let groups: [GroupSummary]
    public let f: Double
    public let df1: Double
    public let df2: Double
    public let p: Double
    /// nᵢ / sᵢ²
    public let weights: [Double]
    public let weightedGrandMean: Double

    public init(_ samples: [Sample]) throws(StatsCondition) {
        let groups = try summaries(samples)
        self.groups = groups
        for g in groups {
            if g.n < 2 { throw .groupTooSmall(group: g.label, needed: 2, got: g.n) }
            if g.variance == 0 { throw .groupWithoutVariation(group: g.label) }
        }
        let k = Double(groups.count)
        weights = groups.map { Double($0.n) / $0.variance! }
        let w = weights.reduce(0, +)
        weightedGrandMean = weightedMean(groups.map(\.mean), weights: weights)
        var a = CompensatedSum(), lambda = CompensatedSum()
        for (g, wi) in zip(groups, weights) {
            let d = g.mean - weightedGrandMean
            a.add(wi * d * d)
            let r = 1 - wi / w
            lambda.add(r * r / Double(g.n - 1))
        }
        let numerator = a.value / (k - 1)
        let denominator = 1 + 2 * (k - 2) / (k * k - 1) * lambda.value
        f = numerator / denominator
        df1 = k - 1
        df2 = (k * k - 1) / (3 * lambda.value)
        if a.value == 0 && groups.allSatisfy({ $0.mean == groups[0].mean }) {
            p = 1
        } else {
            p = FDistribution(df1: df1, df2: df2).sf(f)
        }
    }
}

/// Levene's test of equal variances: a one-way ANOVA on the absolute
/// deviations from each group's centre. Centre `.mean` is Levene's original
/// (SPSS "Based on Mean"); `.median` is the Brown–Forsythe variant (R
/// `car::leveneTest` default, SciPy default).
public struct LeveneTest: Sendable, Equatable {
    public enum Center: String, Sendable { case mean, median }
    public let center: Center
    public let w: Double
    public let df1: Int
    public let df2: Int
    public let p: Double

    public init(_ samples: [Sample], center: Center = .mean) throws(StatsCondition) {
        let groups = samples.filter { !$0.values.isEmpty }
        _ = try summaries(groups)
        let deviations = groups.map { sample -> Sample in
            let c: Double
            switch center {
            case .mean: c = Moments(sample.values).mean
            case .median: c = Descriptives.quantile(sample.values.sorted(), 0.5)
            }
            return Sample(label: sample.label, values: sample.values.map { Swift.abs($0 - c) })
        }
        self.center = center
        do {
            let anova = try OneWayANOVA(deviations)
            w = anova.f; df1 = anova.dfBetween; df2 = anova.dfWithin; p = anova.p
        } catch .allValuesEqual {
            throw .noVariationWithinGroups
        }
    }
}

/// Kruskal–Wallis rank test with midranks and the tie correction (R
/// `kruskal.test`, SPSS, `scipy.stats.kruskal`).
public struct KruskalWallis: Sendable, Equatable {
    public let h: Double
    public let hUncorrected: Double
    public let tieCorrection: Double
    public let df: Int
    public let p: Double
    public let n: [Int]
    public let rankSums: [Double]
    public let meanRanks: [Double]
    /// H / (N − 1).
    public let epsilonSquared: Double
    /// (H − k + 1) / (N − k).
    public let etaSquared: Double

    public init(_ samples: [Sample]) throws(StatsCondition) {
        _ = try summaries(samples)
        let present = samples.filter { !$0.values.isEmpty }
        let pooled = present.flatMap(\.values)
        let total = Double(pooled.count)
        let (ranks, ties) = midranks(pooled)
        var sums: [Double] = [], counts: [Int] = []
        var offset = 0
        for s in present {
            sums.append(ranks[offset..<(offset + s.values.count)].reduce(0, +))
            counts.append(s.values.count)
            offset += s.values.count
        }
        n = counts
        rankSums = sums
        meanRanks = zip(sums, counts).map { $0 / Double($1) }
        let middle = (total + 1) / 2
        var s = CompensatedSum()
        for (m, c) in zip(meanRanks, counts) { s.add(Double(c) * (m - middle) * (m - middle)) }
        hUncorrected = 12 / (total * (total + 1)) * s.value
        tieCorrection = 1 - tieSum(ties) / (total * total * total - total)
        if tieCorrection <= 0 { throw .allValuesEqual }
        h = hUncorrected / tieCorrection
        df = present.count - 1
        p = ChiSquare(df: Double(df)).sf(h)
        epsilonSquared = h / (total - 1)
        etaSquared = (h - Double(present.count) + 1) / (total - Double(present.count))
    }
}
