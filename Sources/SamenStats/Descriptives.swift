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
    /// 95% confidence interval of the mean (t with n − 1 df); nil for a single value.
    public let ciLow: Double?
    public let ciHigh: Double?

    public init(_ values: [Double?]) throws(StatsCondition) {
        let present = values.compactMap { $0 }.filter { !$0.isNaN }
        guard !present.isEmpty else { throw .noValues }
        let n = present.count
        missing = values.count - n
        self.n = n
        let sorted = present.sorted()
        // Neumaier-compensated sum for the mean.
        var sum = 0.0, compensation = 0.0
        for x in present {
            let t = sum + x
            compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
            sum = t
        }
        self.sum = sum + compensation
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
            let t = StudentT(df: Double(n - 1)).upperQuantile(0.025)
            ciLow = mean - t * se
            ciHigh = mean + t * se
        } else {
            variance = nil
            sd = nil
            standardError = nil
            ciLow = nil
            ciHigh = nil
        }
        min = sorted.first!
        max = sorted.last!
        median = Descriptives.quantile(sorted, 0.5)
        q1 = Descriptives.quantile(sorted, 0.25)
        q3 = Descriptives.quantile(sorted, 0.75)
    }

    public init(_ values: [Double]) throws(StatsCondition) {
        try self.init(values.map { Optional($0) })
    }

    /// Type-7 quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
