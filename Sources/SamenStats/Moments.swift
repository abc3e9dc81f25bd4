#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean and sum of squared deviations of one sample, computed the stable
/// way. One pass sums x − c and (x − c)² around c = the first value; then
/// SS = Σ(x − c)² − (Σ(x − c))²/n. That loses digits only when c lies far
/// from the mean (the second sum much larger than SS); then a second pass
/// runs around the provisional mean m₀ and corrects it:
/// mean = m₀ + Σ(x − m₀)/n, SS = Σ(x − m₀)² − (Σ(x − m₀))²/n (the corrected
/// two-pass algorithm of Chan, Golub and LeVeque). Never Σx² − (Σx)²/n.
/// Sums run in blocks with eight SIMD lanes and combine pairwise, so
/// rounding grows with log n, not n, and the loops run at memory speed.
public struct Moments: Sendable, Equatable {
    public let n: Int
    public let mean: Double
    /// Σ(x − mean)².
    public let sumOfSquares: Double

    public init(_ values: [Double]) {
        self = values.withUnsafeBufferPointer { Moments($0) }
    }

    public init(_ values: UnsafeBufferPointer<Double>) {
        n = values.count
        guard n > 0 else { mean = .nan; sumOfSquares = .nan; return }
        let count = Double(n)
        let c = values[0]
        let (s1, s2) = Moments.deviations(values, from: c)
        let ss = s2 - s1 * s1 / count
        if s2 <= 8 * ss || s2 == 0 {
            mean = c + s1 / count
            sumOfSquares = Swift.max(0, ss)
            return
        }
        let m0 = c + s1 / count
        let (d, d2) = Moments.deviations(values, from: m0)
        mean = m0 + d / count
        sumOfSquares = Swift.max(0, d2 - d * d / count)
    }

    /// Sample variance (n − 1); nil below two values.
    public var variance: Double? { n > 1 ? sumOfSquares / Double(n - 1) : nil }

    static let block = 2048

    /// (Σ(x − c), Σ(x − c)²), pairwise with SIMD lanes.
    static func deviations(_ x: UnsafeBufferPointer<Double>, from c: Double) -> (Double, Double) {
        if x.count <= block { return blockDeviations(x, from: c) }
        let half = (x.count / 2 / block) * block
        let h = half == 0 ? x.count / 2 : half
        let a = deviations(UnsafeBufferPointer(rebasing: x[0..<h]), from: c)
        let b = deviations(UnsafeBufferPointer(rebasing: x[h...]), from: c)
        return (a.0 + b.0, a.1 + b.1)
    }

    private static func blockDeviations(_ x: UnsafeBufferPointer<Double>, from c: Double) -> (Double, Double) {
        guard let base = x.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        let center = SIMD4<Double>(repeating: c)
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), q0 = SIMD4<Double>(), q1 = SIMD4<Double>()
        var i = 0
        let stride = MemoryLayout<Double>.stride
        while i + 8 <= x.count {
            let a = raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD4<Double>.self) - center
            let b = raw.loadUnaligned(fromByteOffset: (i + 4) * stride, as: SIMD4<Double>.self) - center
            s0 += a; s1 += b
            q0 += a * a; q1 += b * b
            i += 8
        }
        var s = (s0 + s1).sum(), q = (q0 + q1).sum()
        while i < x.count {
            let d = x[i] - c
            s += d; q += d * d
            i += 1
        }
        return (s, q)
    }
}

/// Sums with Neumaier's compensation, for short lists of terms (group
/// totals) where every digit counts.
struct CompensatedSum {
    private(set) var sum = 0.0
    private var compensation = 0.0
    mutating func add(_ x: Double) {
        let t = sum + x
        compensation += Swift.abs(sum) >= Swift.abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
    }
    var value: Double { sum + compensation }
}

/// The weighted mean Σwᵢxᵢ/Σwᵢ, computed around a reference value so that
/// large values with a tiny spread keep their digits.
func weightedMean(_ values: [Double], weights: [Double]) -> Double {
    let reference = values[0]
    var num = CompensatedSum(), den = CompensatedSum()
    for (x, w) in zip(values, weights) {
        num.add(w * (x - reference))
        den.add(w)
    }
    return reference + num.value / den.value
}

/// Midranks of values (ties get the mean of the ranks they span), and the
/// tie sizes for tie corrections.
func midranks(_ values: [Double]) -> (ranks: [Double], ties: [Int]) {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var ties: [Int] = []
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
        let rank = Double(i + j + 2) / 2
        for t in i...j { ranks[order[t]] = rank }
        if j > i { ties.append(j - i + 1) }
        i = j + 1
    }
    return (ranks, ties)
}

/// Σ(t³ − t) over tie sizes t.
func tieSum(_ ties: [Int]) -> Double {
    ties.reduce(0.0) { let t = Double($1); return $0 + (t * t * t - t) }
}

/// log Γ(a) − log Γ(a − ½), accurate also for large a (Hedges' J).
func logGammaHalfRatio(_ a: Double) -> Double {
    if a < 20 { return lgamma(a) - lgamma(a - 0.5) }
    let b = a - 0.5
    return Special.stirlingError(a) - Special.stirlingError(b) - (a - 1) * log1p(-0.5 / a) + 0.5 * log(a) - 0.5
}
