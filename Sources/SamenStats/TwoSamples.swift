#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A standardized effect size with its confidence interval.
///
/// Intervals invert the noncentral t distribution (Steiger & Fouladi 1997;
/// R's effectsize and MBESS): the t statistic's noncentrality δ is found
/// where the observed t is at the 97.5th and 2.5th percentile, and scaled
/// to d (× √(1/n₁ + 1/n₂), paired × 1/√n). Hedges' g and its interval are
/// d's times the exact small-sample correction
/// J = Γ(df/2) / (√(df/2)·Γ((df−1)/2)).
public struct EffectSize: Sendable, Equatable {
    public let value: Double
    public let ciLow: Double
    public let ciHigh: Double

    /// d = t·scale with its noncentral-t interval.
    static func fromT(_ t: Double, df: Double, scale: Double, confidenceLevel: Double) -> EffectSize {
        let alpha = 1 - confidenceLevel
        let low = NoncentralT.noncentrality(t: t, df: df, cdf: 1 - alpha / 2)
        let high = NoncentralT.noncentrality(t: t, df: df, cdf: alpha / 2)
        return EffectSize(value: t * scale, ciLow: low * scale, ciHigh: high * scale)
    }

    func scaled(by j: Double) -> EffectSize { EffectSize(value: value * j, ciLow: ciLow * j, ciHigh: ciHigh * j) }
}

/// Hedges' exact small-sample correction J(df).
public func hedgesCorrection(df: Double) -> Double {
    exp(logGammaHalfRatio(df / 2) - 0.5 * log(df / 2))
}

/// Independent-samples t-test. Welch's test (unequal variances) is the
/// default, as in R; `pooled: true` gives Student's test. The difference is
/// group a minus group b.
public struct IndependentTTest: Sendable, Equatable {
    public let a: GroupSummary
    public let b: GroupSummary
    public let pooled: Bool
    public let diff: Double
    public let se: Double
    public let t: Double
    public let df: Double
    public let p: Double
    public let ciLow: Double
    public let ciHigh: Double
    /// Pooled standard deviation (always reported; the d denominator).
    public let pooledSD: Double
    /// Cohen's d with the pooled SD.
    public let cohensD: EffectSize
    /// Hedges' g = J·d, J with df = n₁ + n₂ − 2.
    public let hedgesG: EffectSize

    public init(_ first: Sample, _ second: Sample, pooled: Bool = false, confidenceLevel: Double = 0.95) throws(StatsCondition) {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw .invalidParameter(name: "confidence level", value: String(confidenceLevel))
        }
        let a = GroupSummary(first), b = GroupSummary(second)
        for g in [a, b] where g.n < 2 { throw .groupTooSmall(group: g.label, needed: 2, got: g.n) }
        self.a = a; self.b = b; self.pooled = pooled
        let n1 = Double(a.n), n2 = Double(b.n)
        diff = a.mean - b.mean
        let dfPooled = n1 + n2 - 2
        let pooledVariance = (a.sumOfSquares + b.sumOfSquares) / dfPooled
        pooledSD = pooledVariance.squareRoot()
        if pooledVariance == 0 { throw diff == 0 ? .allValuesEqual : .noVariationWithinGroups }
        if pooled {
            se = (pooledVariance * (1 / n1 + 1 / n2)).squareRoot()
            df = dfPooled
        } else {
            (se, df) = try welchTerms(a, b)
        }
        t = diff / se
        let distribution = StudentT(df: df)
        p = distribution.twoSidedP(t)
        let critical = distribution.upperQuantile((1 - confidenceLevel) / 2)
        ciLow = diff - critical * se
        ciHigh = diff + critical * se
        // d from the pooled (Student) t, whichever test is reported.
        let scale = (1 / n1 + 1 / n2).squareRoot()
        let d = EffectSize.fromT(diff / (pooledSD * scale), df: dfPooled, scale: scale, confidenceLevel: confidenceLevel)
        cohensD = EffectSize(value: diff / pooledSD, ciLow: d.ciLow, ciHigh: d.ciHigh)
        hedgesG = cohensD.scaled(by: hedgesCorrection(df: dfPooled))
    }
}

/// Paired-samples t-test on the differences after − before. Pairs with a
/// missing value on either side are left out.
public struct PairedTTest: Sendable, Equatable {
    public let n: Int
    public let meanBefore: Double
    public let meanAfter: Double
    /// mean(after − before)
    public let meanDifference: Double
    public let sdDifference: Double
    public let se: Double
    public let t: Double
    public let df: Double
    public let p: Double
    public let ciLow: Double
    public let ciHigh: Double
    /// Pearson correlation of before and after.
    public let correlation: Double?
    /// Cohen's d_z = mean / sd of the differences.
    public let cohensD: EffectSize
    /// Hedges' g_z = J(n − 1)·d_z.
    public let hedgesG: EffectSize

    public init(before: [Double?], after: [Double?], confidenceLevel: Double = 0.95) throws(StatsCondition) {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw .invalidParameter(name: "confidence level", value: String(confidenceLevel))
        }
        let pairs = completePairs(before, after)
        n = pairs.before.count
        if n == 0 { throw .noValues }
        if n < 2 { throw .tooFewValues(needed: 2, got: n) }
        let differences = zip(pairs.after, pairs.before).map { $0 - $1 }
        let mb = Moments(pairs.before), ma = Moments(pairs.after), md = Moments(differences)
        meanBefore = mb.mean
        meanAfter = ma.mean
        meanDifference = md.mean
        sdDifference = md.variance!.squareRoot()
        if sdDifference == 0 { throw .constantDifferences }
        let count = Double(n)
        se = sdDifference / count.squareRoot()
        t = meanDifference / se
        df = count - 1
        let distribution = StudentT(df: df)
        p = distribution.twoSidedP(t)
        let critical = distribution.upperQuantile((1 - confidenceLevel) / 2)
        ciLow = meanDifference - critical * se
        ciHigh = meanDifference + critical * se
        correlation = pearson(pairs.before, pairs.after)
        let d = EffectSize.fromT(t, df: df, scale: 1 / count.squareRoot(), confidenceLevel: confidenceLevel)
        cohensD = EffectSize(value: meanDifference / sdDifference, ciLow: d.ciLow, ciHigh: d.ciHigh)
        hedgesG = cohensD.scaled(by: hedgesCorrection(df: df))
    }
}

func completePairs(_ x: [Double?], _ y: [Double?]) -> (before: [Double], after: [Double]) {
    var a: [Double] = [], b: [Double] = []
    for (u, v) in zip(x, y) {
        guard let u, let v, !u.isNaN, !v.isNaN else { continue }
        a.append(u); b.append(v)
    }
    return (a, b)
}

/// Pearson correlation, two-pass; nil when either variable is constant.
public func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count > 1 else { return nil }
    let mx = Moments(x), my = Moments(y)
    var sxy = CompensatedSum()
    for (u, v) in zip(x, y) { sxy.add((u - mx.mean) * (v - my.mean)) }
    let den = (mx.sumOfSquares * my.sumOfSquares).squareRoot()
    return den == 0 ? nil : sxy.value / den
}

/// How a rank test's p-value was found.
public enum RankTestMethod: String, Sendable {
    /// The exact distribution of the statistic (no ties, small samples).
    case exact
    /// Normal approximation with tie and continuity correction.
    case normal
}

/// Mann–Whitney U test (Wilcoxon rank-sum). U is the statistic of the first
/// group: the number of pairs (x from a, y from b) with x > y, ties counting
/// one half (R's W, SciPy's U1). Exact p-value when there are no ties and
/// both groups have fewer than 50 values (R's rule); otherwise the normal
/// approximation with tie and continuity correction.
public struct MannWhitney: Sendable, Equatable {
    public let n1: Int
    public let n2: Int
    public let u: Double
    public let z: Double?
    public let p: Double
    public let method: RankTestMethod
    /// Rank-biserial correlation 2U/(n₁n₂) − 1.
    public let rankBiserial: Double
    public let meanRank1: Double
    public let meanRank2: Double

    public init(_ first: Sample, _ second: Sample, exact: Bool? = nil) throws(StatsCondition) {
        n1 = first.values.count
        n2 = second.values.count
        if n1 == 0 { throw .groupTooSmall(group: first.label, needed: 1, got: 0) }
        if n2 == 0 { throw .groupTooSmall(group: second.label, needed: 1, got: 0) }
        let (ranks, ties) = midranks(first.values + second.values)
        let r1 = ranks[0..<n1].reduce(0, +)
        let total = Double(n1 + n2)
        meanRank1 = r1 / Double(n1)
        meanRank2 = (total * (total + 1) / 2 - r1) / Double(n2)
        u = r1 - Double(n1 * (n1 + 1)) / 2
        let product = Double(n1) * Double(n2)
        rankBiserial = 2 * u / product - 1
        if ties.count == 1 && ties[0] == n1 + n2 { throw .allValuesEqual }
        let useExact = exact ?? (ties.isEmpty && n1 < 50 && n2 < 50)
        if useExact && ties.isEmpty {
            method = .exact
            z = nil
            p = exactTwoSidedP(mannWhitneyCounts(n1, n2), statistic: u)
        } else {
            method = .normal
            let sigma = (product / 12 * ((total + 1) - tieSum(ties) / (total * (total - 1)))).squareRoot()
            (z, p) = continuityCorrectedZ(u - product / 2, sd: sigma)
        }
    }
}

/// Two-sided exact p-value from the frequencies of an integer statistic:
/// twice the smaller tail, capped at 1 (R and SciPy).
func exactTwoSidedP(_ counts: [Double], statistic: Double) -> Double {
    let whole = counts.reduce(0, +)
    let k = Int(statistic.rounded())
    let lower = counts[0...k].reduce(0, +) / whole
    let upper = counts[k...].reduce(0, +) / whole
    return Swift.min(1, 2 * Swift.min(lower, upper))
}

/// z with a continuity correction of ½ towards zero, and its two-sided p.
func continuityCorrectedZ(_ delta: Double, sd: Double) -> (Double?, Double) {
    let correction = delta > 0 ? 0.5 : (delta < 0 ? -0.5 : 0)
    let z = (delta - correction) / sd
    return (z, Normal().twoSidedP(z))
}

/// Frequencies of U = 0…n₁n₂ over all arrangements of two untied samples.
func mannWhitneyCounts(_ n1: Int, _ n2: Int) -> [Double] {
    // f(i, j) = f(i−1, j)·q^j + f(i, j−1): a value of a placed after j values of b adds j.
    let size = n1 * n2 + 1
    var row = [[Double]](repeating: [], count: n2 + 1) // f(i, j) for the current i
    for j in 0...n2 { var p = [Double](repeating: 0, count: size); p[0] = 1; row[j] = p }
    if n1 == 0 { return row[n2] }
    for _ in 1...n1 {
        var next = [[Double]](repeating: [], count: n2 + 1)
        for j in 0...n2 {
            var p = [Double](repeating: 0, count: size)
            let fromA = row[j]
            for u in 0..<(size - j) where fromA[u] != 0 { p[u + j] += fromA[u] }
            if j > 0 {
                let fromB = next[j - 1]
                for u in 0..<size { p[u] += fromB[u] }
            }
            next[j] = p
        }
        row = next
    }
    return row[n2]
}

/// Wilcoxon signed-rank test on paired differences after − before. Zero
/// differences are dropped (Wilcoxon's method, the default of R and SciPy).
/// W is the sum of the ranks of the positive differences (R's V). Exact
/// p-value without ties or zeros and with fewer than 50 pairs; otherwise
/// the normal approximation with tie and continuity correction.
public struct WilcoxonSignedRank: Sendable, Equatable {
    public let n: Int
    public let zeros: Int
    public let w: Double
    public let wMinus: Double
    public let z: Double?
    public let p: Double
    public let method: RankTestMethod
    /// Matched-pairs rank-biserial correlation (W⁺ − W⁻)/(W⁺ + W⁻).
    public let rankBiserial: Double

    public init(before: [Double?], after: [Double?], exact: Bool? = nil) throws(StatsCondition) {
        let pairs = completePairs(before, after)
        if pairs.before.isEmpty { throw .noValues }
        let all = zip(pairs.after, pairs.before).map { $0 - $1 }
        let differences = all.filter { $0 != 0 }
        zeros = all.count - differences.count
        n = differences.count
        if n == 0 { throw .constantDifferences }
        let (ranks, ties) = midranks(differences.map { Swift.abs($0) })
        var plus = 0.0, minus = 0.0
        for (d, r) in zip(differences, ranks) { if d > 0 { plus += r } else { minus += r } }
        w = plus
        wMinus = minus
        rankBiserial = (plus - minus) / (plus + minus)
        let count = Double(n)
        let useExact = exact ?? (ties.isEmpty && zeros == 0 && n < 50)
        if useExact && ties.isEmpty {
            method = .exact
            z = nil
            p = exactTwoSidedP(signedRankCounts(n), statistic: plus)
        } else {
            method = .normal
            let variance = count * (count + 1) * (2 * count + 1) / 24 - tieSum(ties) / 48
            if variance <= 0 { throw .constantDifferences }
            (z, p) = continuityCorrectedZ(plus - count * (count + 1) / 4, sd: variance.squareRoot())
        }
    }
}

/// Frequencies of W⁺ = 0…n(n+1)/2 over the 2ⁿ sign patterns.
func signedRankCounts(_ n: Int) -> [Double] {
    let size = n * (n + 1) / 2 + 1
    var counts = [Double](repeating: 0, count: size)
    counts[0] = 1
    var top = 0
    for i in 1...max(n, 1) where n > 0 {
        top += i
        for s in stride(from: top, through: i, by: -1) { counts[s] += counts[s - i] }
    }
    return counts
}
