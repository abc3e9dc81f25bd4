/// Descriptive statistics of one variable. Missing values (nil or NaN) are
/// counted and left out. The variance is computed in two passes (mean
/// first, then squared deviations, with a correction term), never as
/// Σx² − (Σx)²/n, which loses all precision when values are large and close.
public struct Descriptives: Sendable, Equatable {
    public let n: Int
    public let missing: Int
    public let sum: Double
    public let mean: Double
    /// Sample variance (n − 1); nil for a single value.
    public let variance: Double?
    public let sd: Double?
    public let standardError: Double?
    public let min: Double
    public let max: Double
    public let median: Double
    /// Quartiles by linear interpolation between order statistics
    /// (Hyndman & Fan type 7, the default of R and NumPy).
    public let q1: Double
    public let q3: Double
    /// Quartiles as SPSS EXPLORE prints them (type 6, weighted average at (n+1)p).
    public let q1Type6: Double
    public let q3Type6: Double
    /// Confidence interval of the mean (t with n − 1 df, 95% unless asked
    /// otherwise); nil for a single value.
    public let ciLow: Double?
    public let ciHigh: Double?
    /// Skewness G1 and excess kurtosis G2 as SPSS and Excel report them
    /// (adjusted Fisher–Pearson), with their standard errors; nil below
    /// three (four) values or without variation.
    public let skewness: Double?
    public let seSkewness: Double?
    public let kurtosis: Double?
    public let seKurtosis: Double?

    public init(_ values: [Double?], confidenceLevel: Double = 0.95) throws(StatsCondition) {
        let present = values.compactMap { $0 }.filter { !$0.isNaN }
        guard !present.isEmpty else { throw .noValues }
        let n = present.count
        missing = values.count - n
        self.n = n
        let sorted = present.sorted()
        // Neumaier-compensated sum for the mean.
        var sum = CompensatedSum()
        for x in present { sum.add(x) }
        self.sum = sum.value
        let mean = self.sum / Double(n)
        self.mean = mean
        if n > 1 {
            var squares = 0.0, deviations = 0.0
            for x in present {
                let d = x - mean
                squares += d * d
                deviations += d
            }
            let variance = (squares - deviations * deviations / Double(n)) / Double(n - 1)
            self.variance = variance
            sd = variance.squareRoot()
            let se = (variance / Double(n)).squareRoot()
            standardError = se
            let t = StudentT(df: Double(n - 1)).upperQuantile((1 - confidenceLevel) / 2)
            ciLow = mean - t * se
            ciHigh = mean + t * se
            // Central moments around the corrected mean.
            let center = mean + deviations / Double(n)
            var m2 = 0.0, m3 = 0.0, m4 = 0.0
            for x in present {
                let d = x - center, d2 = d * d
                m2 += d2; m3 += d2 * d; m4 += d2 * d2
            }
            let count = Double(n)
            if n > 2 && m2 > 0 {
                let v = m2 / count
                let g1 = (m3 / count) / (v * v.squareRoot())
                skewness = g1 * (count * (count - 1)).squareRoot() / (count - 2)
                let seSkew = (6 * count * (count - 1) / ((count - 2) * (count + 1) * (count + 3))).squareRoot()
                seSkewness = seSkew
                if n > 3 {
                    let g2 = (m4 / count) / ((m2 / count) * (m2 / count)) - 3
                    kurtosis = ((count + 1) * g2 + 6) * (count - 1) / ((count - 2) * (count - 3))
                    seKurtosis = 2 * seSkew * ((count * count - 1) / ((count - 3) * (count + 5))).squareRoot()
                } else {
                    kurtosis = nil; seKurtosis = nil
                }
            } else {
                skewness = nil; seSkewness = nil; kurtosis = nil; seKurtosis = nil
            }
        } else {
            variance = nil
            sd = nil
            standardError = nil
            ciLow = nil
            ciHigh = nil
            skewness = nil; seSkewness = nil; kurtosis = nil; seKurtosis = nil
        }
        min = sorted.first!
        max = sorted.last!
        median = Descriptives.quantile(sorted, 0.5)
        q1 = Descriptives.quantile(sorted, 0.25)
        q3 = Descriptives.quantile(sorted, 0.75)
        q1Type6 = Descriptives.quantileType6(sorted, 0.25)
        q3Type6 = Descriptives.quantileType6(sorted, 0.75)
    }

    public init(_ values: [Double], confidenceLevel: Double = 0.95) throws(StatsCondition) {
        try self.init(values.map { Optional($0) }, confidenceLevel: confidenceLevel)
    }

    /// Type-6 quantile of sorted values: position (n + 1)p, clamped to the ends.
    public static func quantileType6(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count + 1) * p
        if h <= 1 { return sorted[0] }
        if h >= Double(sorted.count) { return sorted[sorted.count - 1] }
        let lower = Int(h.rounded(.down))
        return sorted[lower - 1] + (h - Double(lower)) * (sorted[lower] - sorted[lower - 1])
    }

    /// Type-7 quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
