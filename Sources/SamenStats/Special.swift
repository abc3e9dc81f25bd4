#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions behind the distributions. The power terms of the
/// incomplete beta and gamma functions (x^a·y^b/B(a,b), x^a·e^−x/Γ(a)) are
/// computed with Loader's saddle-point method (the one R's dbinom uses):
/// Stirling's error term plus a deviance that never subtracts two large
/// logarithms. That keeps p-values to ~1e-14 relative also when the degrees
/// of freedom run into the millions, where lgamma-based prefixes lose digits.
enum Special {
    static let lnSqrt2Pi = 0.918938533204672741780329736406 // log(sqrt(2π))
    static let ln2Pi = 1.837877066409345483560659472811
    static let epsilon = Double.ulpOfOne

    /// log Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// Stirling's error: log Γ(n+1) − (n + ½)·log n + n − log √(2π).
    static func stirlingError(_ n: Double) -> Double {
        let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
        if n <= 15 {
            return lgamma(n + 1) - (n + 0.5) * log(n) + n - lnSqrt2Pi
        }
        let nn = n * n
        if n > 500 { return (s0 - s1 / nn) / n }
        if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
        if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    }

    /// Deviance term x·log(x/m) + m − x, without cancellation when x ≈ m.
    static func deviance(_ x: Double, _ m: Double) -> Double {
        if abs(x - m) < 0.1 * (x + m) {
            var v = (x - m) / (x + m)
            var s = (x - m) * v
            var ej = 2 * x * v
            v *= v
            for j in 1..<1000 {
                ej *= v
                let next = s + ej / Double(2 * j + 1)
                if next == s { return next }
                s = next
            }
            return s
        }
        return x * log(x / m) + m - x
    }

    /// log of the binomial density C(n, x)·p^x·q^(n−x), for real x and n.
    static func logBinomialDensity(_ x: Double, _ n: Double, _ p: Double, _ q: Double) -> Double {
        if p == 0 { return x == 0 ? 0 : -.infinity }
        if q == 0 { return x == n ? 0 : -.infinity }
        if x == 0 {
            if n == 0 { return 0 }
            return p < 0.1 ? -deviance(n, n * q) - n * p : n * log(q)
        }
        if x == n {
            return q < 0.1 ? -deviance(n, n * p) - n * q : n * log(p)
        }
        if x < 0 || x > n { return -.infinity }
        let lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q)
        let lf = ln2Pi + log(x) + log1p(-x / n)
        return lc - 0.5 * lf
    }

    /// log of the Poisson density λ^x·e^−λ/Γ(x+1), for real x ≥ 0.
    static func logPoissonDensity(_ x: Double, _ lambda: Double) -> Double {
        if lambda == 0 { return x == 0 ? 0 : -.infinity }
        if x == 0 { return -lambda }
        if x < 0 { return -.infinity }
        return -stirlingError(x) - deviance(x, lambda) - 0.5 * (ln2Pi + log(x))
    }

    /// Regularized incomplete beta: (I_x(a,b), 1 − I_x(a,b)), with y = 1 − x
    /// given separately so that neither tail is found by subtraction.
    static func incompleteBeta(a: Double, b: Double, x: Double, y: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        // x^a y^b / B(a,b) = dbinom(a; a+b, x) · ab/(a+b)
        let logPrefix = logBinomialDensity(a, a + b, x, y) + log(a * b / (a + b))
        if x < (a + 1) / (a + b + 2) {
            let lower = exp(logPrefix + log(betaFraction(a, b, x)) - log(a))
            return (lower, 1 - lower)
        } else {
            let upper = exp(logPrefix + log(betaFraction(b, a, y)) - log(b))
            return (1 - upper, upper)
        }
    }

    /// Continued fraction of the incomplete beta (modified Lentz).
    private static func betaFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for mi in 1...200_000 {
            let m = Double(mi), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) <= epsilon { break }
        }
        return h
    }

    /// Regularized incomplete gamma: (P(a,x), Q(a,x)).
    static func incompleteGamma(a: Double, x: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        // x^a e^−x / Γ(a) = a · dpois(a; x)
        let logPrefix = logPoissonDensity(a, x) + log(a)
        if x < a + 1 {
            var ap = a, term = 1 / a, sum = term
            for _ in 0..<1_000_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * epsilon { break }
            }
            let lower = exp(logPrefix + log(sum))
            return (lower, 1 - lower)
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...1_000_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) <= epsilon { break }
        }
        let upper = exp(logPrefix + log(h))
        return (1 - upper, upper)
    }

    /// Standard normal lower tail Φ(z), accurate in the far tails.
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z * 0.70710678118654752440084436210) }

    /// Inverse of Φ (Wichura's AS 241, about 1e-16 relative).
    static func normalQuantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            return q * num / den
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }

    /// Brent's root finder on a bracket [a, b] where f changes sign.
    static func findRoot(_ lo: Double, _ hi: Double, relativeTolerance: Double = 4 * Double.ulpOfOne, _ f: (Double) -> Double) -> Double {
        var a = lo, b = hi
        var fa = f(a), fb = f(b)
        if fa == 0 { return a }
        if fb == 0 { return b }
        var c = a, fc = fa
        var d = b - a, e = d
        for _ in 0..<300 {
            if (fb > 0) == (fc > 0) { c = a; fc = fa; d = b - a; e = d }
            if abs(fc) < abs(fb) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa }
            let tol = 2 * relativeTolerance * abs(b) + 1e-300
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                var p: Double, q: Double
                let s = fb / fa
                if a == c {
                    p = 2 * m * s; q = 1 - s
                } else {
                    let qq = fa / fc, r = fb / fc
                    p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1))
                    q = (qq - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d; d = p / q
                } else {
                    d = m; e = d
                }
            } else {
                d = m; e = d
            }
            a = b; fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = f(b)
        }
        return b
    }

    /// Adaptive Gauss–Kronrod (7/15) integration over [a, b], starting from
    /// `pieces` equal parts, splitting the worst part until the estimated
    /// error is below the tolerance relative to the total.
    static func integrate(_ a: Double, _ b: Double, pieces: Int = 8, relativeTolerance: Double = 1e-14,
                          breakpoints: [Double] = [], _ f: (Double) -> Double) -> Double {
        var edges = [a]
        for i in 1..<pieces { edges.append(a + (b - a) * Double(i) / Double(pieces)) }
        edges.append(b)
        edges.append(contentsOf: breakpoints.filter { $0 > a && $0 < b })
        edges.sort()
        var parts: [(a: Double, b: Double, value: Double, error: Double)] = []
        for i in 0..<(edges.count - 1) where edges[i + 1] > edges[i] {
            let (v, e) = kronrod(edges[i], edges[i + 1], f)
            parts.append((edges[i], edges[i + 1], v, e))
        }
        for _ in 0..<2000 {
            var total = 0.0, error = 0.0, worst = 0
            for (i, p) in parts.enumerated() {
                total += p.value
                error += p.error
                if p.error > parts[worst].error { worst = i }
            }
            if error <= relativeTolerance * abs(total) || error < 1e-300 { return total }
            let p = parts[worst]
            let mid = 0.5 * (p.a + p.b)
            if mid <= p.a || mid >= p.b { return total }
            let left = kronrod(p.a, mid, f), right = kronrod(mid, p.b, f)
            parts[worst] = (p.a, mid, left.0, left.1)
            parts.append((mid, p.b, right.0, right.1))
        }
        return parts.reduce(0) { $0 + $1.value }
    }

    private static let kronrodNodes: [Double] = [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0,
    ]
    private static let kronrodWeights: [Double] = [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ]
    private static let gaussWeights: [Double] = [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
    ]

    /// One Gauss–Kronrod 7/15 panel: the Kronrod estimate and QUADPACK's
    /// error estimate (|K − G| scaled by the integrand's variation, far less
    /// pessimistic than |K − G| itself for smooth integrands).
    private static func kronrod(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> (Double, Double) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 14) { values in
            panel(a, b, values, f)
        }
    }

    private static func panel(_ a: Double, _ b: Double, _ values: UnsafeMutableBufferPointer<Double>, _ f: (Double) -> Double) -> (Double, Double) {
        let center = 0.5 * (a + b), half = 0.5 * (b - a)
        let fc = f(center)
        var kronrod = fc * kronrodWeights[7]
        var gauss = fc * gaussWeights[3]
        for j in 0..<7 {
            let dx = half * kronrodNodes[j]
            let f1 = f(center - dx), f2 = f(center + dx)
            values[2 * j] = f1; values[2 * j + 1] = f2
            let sum = f1 + f2
            kronrod += kronrodWeights[j] * sum
            if j % 2 == 1 { gauss += gaussWeights[j / 2] * sum }
        }
        let mean = kronrod * 0.5
        var variation = kronrodWeights[7] * Swift.abs(fc - mean)
        for j in 0..<7 { variation += kronrodWeights[j] * (Swift.abs(values[2 * j] - mean) + Swift.abs(values[2 * j + 1] - mean)) }
        variation *= Swift.abs(half)
        var error = Swift.abs((kronrod - gauss) * half)
        if variation != 0 && error != 0 { error = variation * Swift.min(1, pow(200 * error / variation, 1.5)) }
        return (kronrod * half, error)
    }
}
