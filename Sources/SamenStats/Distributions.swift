#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A continuous distribution: lower tail (`cdf`), upper tail (`sf`, found
/// directly, not as 1 − cdf, so small p-values keep their digits) and the
/// inverses of both.
public protocol ContinuousDistribution: Sendable {
    func cdf(_ x: Double) -> Double
    func sf(_ x: Double) -> Double
    /// x with cdf(x) = p.
    func quantile(_ p: Double) -> Double
    /// x with sf(x) = alpha: the critical value of an upper-tail test.
    func upperQuantile(_ alpha: Double) -> Double
}

/// Inverts a monotone tail on (lower, ∞) by bracketing and Brent's method in
/// log space (the tail spans many orders of magnitude).
private func invert(target: Double, lower: Double, start: Double, increasing: Bool, _ tail: (Double) -> Double) -> Double {
    let logTarget = log(target)
    func g(_ x: Double) -> Double {
        let v = tail(x)
        let d = (v <= 0 ? -Double.greatestFiniteMagnitude : log(v)) - logTarget
        return increasing ? d : -d
    }
    var lo = lower, hi = max(start, lower + 1)
    if lower == -.infinity {
        lo = min(-1, -abs(start) * 2)
        while g(lo) > 0 && lo > -1e300 { lo *= 2 }
    }
    while g(hi) < 0 && hi < 1e300 { hi = hi * 2 + 1 }
    return Special.findRoot(lo, hi, g)
}

/// The standard normal distribution.
public struct Normal: ContinuousDistribution {
    public init() {}
    public func pdf(_ x: Double) -> Double { exp(-0.5 * x * x - Special.lnSqrt2Pi) }
    public func cdf(_ x: Double) -> Double { Special.normalCDF(x) }
    public func sf(_ x: Double) -> Double { Special.normalCDF(-x) }
    public func quantile(_ p: Double) -> Double { Special.normalQuantile(p) }
    public func upperQuantile(_ alpha: Double) -> Double { -Special.normalQuantile(alpha) }
    /// Two-sided p-value of a z statistic.
    public func twoSidedP(_ z: Double) -> Double { min(1, 2 * Special.normalCDF(-abs(z))) }
}

/// Student's t distribution with `df` degrees of freedom (any real df > 0;
/// infinity gives the normal).
public struct StudentT: ContinuousDistribution {
    public let df: Double
    public init(df: Double) { self.df = df }

    /// P(|T| > |t|).
    public func twoSidedP(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if df.isInfinite || df > 1e20 { return Normal().twoSidedP(t) }
        if t.isInfinite { return 0 }
        if df > 2e4 { return largeDFTwoSidedP(Swift.abs(t)) }
        let t2 = t * t
        let x = df / (df + t2), y = t2 / (df + t2)
        return Special.incompleteBeta(a: df / 2, b: 0.5, x: x, y: y).lower
    }

    /// With very many degrees of freedom the continued fraction of the
    /// incomplete beta runs at an argument within 1e-7 of 1 and loses
    /// digits; there the density, (1 + s²/ν)^−(ν+1)/2 with an exact constant,
    /// is integrated instead: from 0 to |t| when |t| < 1, else over the tail.
    private func largeDFTwoSidedP(_ t: Double) -> Double {
        let logC = logGammaHalfRatio((df + 1) / 2) - 0.5 * log(df * Double.pi)
        let density = { (s: Double) -> Double in exp(logC - (df + 1) / 2 * log1p(s * s / df)) }
        if t < 1 {
            return 1 - 2 * Special.integrate(0, t, pieces: 2, relativeTolerance: 1e-15, density)
        }
        return 2 * Special.integrate(t, t + 60, pieces: 12, relativeTolerance: 1e-14, breakpoints: [t + 1, t + 2, t + 4], density)
    }

    public func cdf(_ t: Double) -> Double {
        let tail = 0.5 * twoSidedP(t)
        return t < 0 ? tail : 1 - tail
    }

    public func sf(_ t: Double) -> Double { cdf(-t) }

    public func upperQuantile(_ alpha: Double) -> Double {
        if alpha <= 0 { return .infinity }
        if alpha >= 1 { return -.infinity }
        if alpha > 0.5 { return -upperQuantile(1 - alpha) }
        if alpha == 0.5 { return 0 }
        if df.isInfinite || df > 1e20 { return Normal().upperQuantile(alpha) }
        let start = max(1, Normal().upperQuantile(alpha))
        return invert(target: 2 * alpha, lower: 0, start: start, increasing: false) { twoSidedP($0) }
    }

    public func quantile(_ p: Double) -> Double {
        p < 0.5 ? -upperQuantile(p) : upperQuantile(1 - p)
    }
}

/// The noncentral t distribution (df, noncentrality δ): lower tail by
/// Lenth's algorithm AS 243 (as R's pnt), a series of incomplete beta
/// functions with Poisson weights. Used for the confidence intervals of
/// Cohen's d and Hedges' g.
public struct NoncentralT: Sendable {
    public let df: Double
    public let delta: Double
    public init(df: Double, delta: Double) { self.df = df; self.delta = delta }

    public func cdf(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if delta == 0 { return StudentT(df: df).cdf(t) }
        if df > 4e5 || delta * delta > 1415 {
            // Where the series underflows (δ > 37.6) or is not needed, R's
            // pnt uses the normal approximation of Abramowitz & Stegun 26.7.10.
            let s = 1 / (4 * df)
            return Special.normalCDF((t * (1 - s) - delta) / (1 + 2 * t * t * s).squareRoot())
        }
        if t < 0 {
            return Swift.max(0, Swift.min(1, 1 - NoncentralT(df: df, delta: -delta).cdf(-t)))
        }
        let del = delta
        var tnc = 0.0
        let x = t * t / (t * t + df)
        if x > 0 {
            let lambda = del * del
            var p = 0.5 * exp(-0.5 * lambda)
            var q = (2 / Double.pi).squareRoot() * p * del
            var s = 0.5 - p
            if s < 1e-7 { s = -0.5 * expm1(-0.5 * lambda) }
            var a = 0.5
            let b = 0.5 * df
            let rxb = pow(df / (t * t + df), b)
            let logBeta = 0.5723649429247001 + Special.logGamma(b) - Special.logGamma(0.5 + b) // log √π
            var xodd = Special.incompleteBeta(a: a, b: b, x: x, y: df / (t * t + df)).lower
            var godd = 2 * rxb * exp(a * log(x) - logBeta)
            tnc = b * x
            var xeven = tnc < Double.ulpOfOne ? tnc : 1 - rxb
            var geven = tnc * rxb
            tnc = p * xodd + q * xeven
            for j in 1...2000 {
                a += 1
                xodd -= godd
                xeven -= geven
                godd *= x * (a + b - 1) / a
                geven *= x * (a + b - 0.5) / (a + 0.5)
                p *= lambda / Double(2 * j)
                q *= lambda / Double(2 * j + 1)
                tnc += p * xodd + q * xeven
                s -= p
                if s < -1e-10 { break }
                if s <= 0 && j > 1 { break }
                let bound = 2 * s * (xodd - godd)
                if Swift.abs(bound) < 1e-15 && j > 1 { break }
            }
        }
        tnc += Special.normalCDF(-del)
        return Swift.max(0, Swift.min(1, tnc))
    }

    /// The noncentrality δ with cdf(t; df, δ) = p (the cdf falls as δ grows).
    static func noncentrality(t: Double, df: Double, cdf p: Double) -> Double {
        let f = { (d: Double) -> Double in NoncentralT(df: df, delta: d).cdf(t) - p }
        var lo = t - 2, hi = t + 2
        while f(lo) < 0 && lo > t - 1e4 { lo -= 2 * (t - lo) }
        while f(hi) > 0 && hi < t + 1e4 { hi += 2 * (hi - t) }
        return Special.findRoot(lo, hi, relativeTolerance: 1e-14, f)
    }
}

/// The F distribution with (df1, df2) degrees of freedom.
public struct FDistribution: ContinuousDistribution {
    public let df1: Double
    public let df2: Double
    public init(df1: Double, df2: Double) { self.df1 = df1; self.df2 = df2 }

    private func tails(_ f: Double) -> (lower: Double, upper: Double) {
        if f.isNaN { return (.nan, .nan) }
        if f <= 0 { return (0, 1) }
        if f.isInfinite { return (1, 0) }
        if df2.isInfinite { // df1·F is chi-square(df1)
            let c = ChiSquare(df: df1)
            return (c.cdf(df1 * f), c.sf(df1 * f))
        }
        let s = df1 * f + df2
        return Special.incompleteBeta(a: df1 / 2, b: df2 / 2, x: df1 * f / s, y: df2 / s)
    }

    public func cdf(_ f: Double) -> Double { tails(f).lower }
    public func sf(_ f: Double) -> Double { tails(f).upper }

    public func quantile(_ p: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return .infinity }
        return invert(target: p, lower: 0, start: 2, increasing: true) { cdf($0) }
    }

    public func upperQuantile(_ alpha: Double) -> Double {
        if alpha <= 0 { return .infinity }
        if alpha >= 1 { return 0 }
        return invert(target: alpha, lower: 0, start: 2, increasing: false) { sf($0) }
    }
}

/// The chi-square distribution with `df` degrees of freedom.
public struct ChiSquare: ContinuousDistribution {
    public let df: Double
    public init(df: Double) { self.df = df }

    public func cdf(_ x: Double) -> Double { x.isNaN ? .nan : Special.incompleteGamma(a: df / 2, x: x / 2).lower }
    public func sf(_ x: Double) -> Double { x.isNaN ? .nan : Special.incompleteGamma(a: df / 2, x: x / 2).upper }

    public func quantile(_ p: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return .infinity }
        return invert(target: p, lower: 0, start: df + 1, increasing: true) { cdf($0) }
    }

    public func upperQuantile(_ alpha: Double) -> Double {
        if alpha <= 0 { return .infinity }
        if alpha >= 1 { return 0 }
        return invert(target: alpha, lower: 0, start: df + 1, increasing: false) { sf($0) }
    }
}

/// The studentized range distribution: the range of k independent standard
/// normal values divided by an independent estimate of their standard
/// deviation with `df` degrees of freedom (Tukey HSD, Games–Howell).
///
/// Computed by adaptive Gauss–Kronrod quadrature of the double integral
/// P(Q > q) = ∫ f_ν(s) · P(W > q·s) ds, where W is the range of k normals and
/// s the scaled chi distribution. The inner upper tail is integrated
/// directly, k ∫ φ(z) [Φ(z)^(k−1) − (Φ(z) − Φ(z−w))^(k−1)] dz, so small
/// p-values are not found as 1 − (something close to 1).
public struct StudentizedRange: ContinuousDistribution {
    public let k: Double
    public let df: Double
    /// The inner upper tail, tabulated once for this k (see `RangeTailTable`).
    let table: RangeTailTable?

    public init(k: Int, df: Double) { self.k = Double(k); self.df = df; table = nil }

    /// With a table of the inner tail for k: many tails and critical values
    /// for the same k (post-hoc pairs) at a fraction of the cost.
    init(k: Int, df: Double, table: RangeTailTable) {
        self.k = Double(k); self.df = df; self.table = table
    }

    public func cdf(_ q: Double) -> Double { compute(q, upper: false) }
    public func sf(_ q: Double) -> Double { compute(q, upper: true) }

    public func quantile(_ p: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return .infinity }
        return invert(target: p, lower: 0, start: 3, increasing: true) { cdf($0) }
    }

    public func upperQuantile(_ alpha: Double) -> Double {
        if alpha <= 0 { return .infinity }
        if alpha >= 1 { return 0 }
        return invert(target: alpha, lower: 0, start: 3, increasing: false) { sf($0) }
    }

    /// The range of k standard normals: P(W > w) or P(W ≤ w).
    func rangeTail(_ w: Double, upper: Bool) -> Double {
        if w <= 0 { return upper ? 1 : 0 }
        if upper, let table { return table.upper(w) }
        let km1 = k - 1
        let hi = max(9.0, w / 2 + 9)
        let lo = upper ? min(-9.0, w / 2 - 9) : -9.0
        let integral = Special.integrate(lo, hi, pieces: 4, relativeTolerance: 1e-12, breakpoints: [w / 2]) { z in
            let a = Special.normalCDF(z)
            if a == 0 { return 0 }
            let b = Special.normalCDF(z - w)
            let phi = exp(-0.5 * z * z - Special.lnSqrt2Pi)
            if upper {
                // A^(k−1) − (A−B)^(k−1) = −A^(k−1)·expm1((k−1)·log1p(−B/A))
                return -phi * pow(a, km1) * expm1(km1 * log1p(-b / a))
            }
            let d = a - b
            return d <= 0 ? 0 : phi * pow(d, km1)
        }
        return min(1, max(0, k * integral))
    }

    private func compute(_ q: Double, upper: Bool) -> Double {
        if q.isNaN { return .nan }
        if q <= 0 { return upper ? 1 : 0 }
        if q.isInfinite { return upper ? 0 : 1 }
        if df.isInfinite || df > 1e7 { return rangeTail(q, upper: upper) }
        let nu = df
        // Density of s = sqrt(χ²_ν/ν): ν·s·dpois(ν/2 − 1; ν s²/2).
        let logScale: Double = nu >= 2 ? 0 : (nu / 2) * log(nu / 2) - Special.logGamma(nu / 2) + log(2)
        func density(_ s: Double) -> Double {
            if s <= 0 { return 0 }
            if nu >= 2 {
                return nu * s * exp(Special.logPoissonDensity(nu / 2 - 1, nu * s * s / 2))
            }
            return exp(logScale + (nu - 1) * log(s) - nu * s * s / 2)
        }
        let mode = nu > 1 ? ((nu - 1) / nu).squareRoot() : 0.5
        let spread = 1 / (2 * nu).squareRoot()
        let hi = mode + max(40 * spread, 2) + 4
        let breaks = [-6.0, -3, -1.5, 0, 1.5, 3, 6].map { mode + $0 * spread }
        let value = Special.integrate(0, hi, pieces: 4, relativeTolerance: 1e-11, breakpoints: breaks) { s in
            let d = density(s)
            return d == 0 ? 0 : d * rangeTail(q * s, upper: upper)
        }
        return min(1, max(0, value))
    }
}

/// P(W > w) for the range W of k standard normals, tabulated for one k as
/// piecewise Chebyshev approximations (degree 16 on pieces of width ½ up to
/// w = 56, beyond which the tail is below 1e-300) of log P(W > w). Built from
/// 1,904 direct quadratures (about 0.1 s); afterwards each value costs a few
/// dozen multiplications instead of a quadrature. Relative error below 1e-11
/// (checked in the tests against the direct integral).
final class RangeTailTable: Sendable {
    static let width = 0.5
    static let limit = 56.0
    static let degree = 16
    let k: Int
    private let coefficients: [Double]

    init(k: Int) {
        self.k = k
        let direct = StudentizedRange(k: k, df: .infinity)
        let n = Self.degree + 1
        let pieces = Int(Self.limit / Self.width)
        var coefficients = [Double](repeating: 0, count: pieces * n)
        var values = [Double](repeating: 0, count: n)
        for piece in 0..<pieces {
            let a = Double(piece) * Self.width, b = a + Self.width
            for j in 0..<n {
                let x = cos(Double.pi * (Double(j) + 0.5) / Double(n))
                let w = 0.5 * (a + b) + 0.5 * (b - a) * x
                let tail = direct.rangeTail(w, upper: true)
                values[j] = tail > 0 ? log(tail) : -745
            }
            for m in 0..<n {
                var sum = 0.0
                for j in 0..<n { sum += values[j] * cos(Double.pi * Double(m) * (Double(j) + 0.5) / Double(n)) }
                coefficients[piece * n + m] = 2 * sum / Double(n)
            }
        }
        self.coefficients = coefficients
    }

    func upper(_ w: Double) -> Double {
        if w <= 0 { return 1 }
        if w >= Self.limit { return 0 }
        let n = Self.degree + 1
        let piece = Swift.min(Int(w / Self.width), Int(Self.limit / Self.width) - 1)
        let a = Double(piece) * Self.width
        let x = (2 * (w - a) / Self.width) - 1
        // Clenshaw
        var b1 = 0.0, b2 = 0.0
        let base = piece * n
        for m in stride(from: n - 1, through: 1, by: -1) {
            let t = 2 * x * b1 - b2 + coefficients[base + m]
            b2 = b1
            b1 = t
        }
        let value = x * b1 - b2 + 0.5 * coefficients[base]
        return Swift.min(1, exp(value))
    }
}
