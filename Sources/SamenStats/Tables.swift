#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pearson's chi-square test of independence on an r × c table of counts,
/// with Cramér's V, the likelihood-ratio G², and for a 2 × 2 table Yates'
/// continuity-corrected statistic (as R and SciPy apply by default; SPSS
/// prints it as "Continuity Correction") and Fisher's exact test.
public struct ChiSquareTest: Sendable, Equatable {
    public let observed: [[Double]]
    public let expected: [[Double]]
    public let n: Double
    public let df: Int
    public let chi2: Double
    public let p: Double
    public let g2: Double
    public let pG2: Double
    public let cramersV: Double
    public let minimumExpected: Double
    /// Cells with an expected count below 5: the approximation is doubtful
    /// when more than a fifth of the cells are.
    public let cellsExpectedBelow5: Int
    public let yatesChi2: Double?
    public let yatesP: Double?
    public let fisher: FisherExact?

    /// `rowLabels`/`columnLabels` name an empty margin in the condition.
    public init(_ table: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil) throws(StatsCondition) {
        let r = table.count, c = table.first?.count ?? 0
        if r < 2 || c < 2 { throw .tableTooSmall(rows: r, columns: c) }
        for row in table where row.count != c {
            throw .invalidParameter(name: "table", value: "rows of different lengths")
        }
        for row in table { for x in row where x < 0 || !x.isFinite {
            throw .invalidParameter(name: "count", value: String(x))
        } }
        let rowTotals = table.map { $0.reduce(0, +) }
        let columnTotals = (0..<c).map { j in table.reduce(0) { $0 + $1[j] } }
        for (i, t) in rowTotals.enumerated() where t == 0 { throw .emptyMargin(label: rowLabels?[i] ?? "row \(i + 1)") }
        for (j, t) in columnTotals.enumerated() where t == 0 { throw .emptyMargin(label: columnLabels?[j] ?? "column \(j + 1)") }
        let total = rowTotals.reduce(0, +)
        observed = table
        n = total
        df = (r - 1) * (c - 1)
        var expected: [[Double]] = []
        var chi2 = CompensatedSum(), g2 = CompensatedSum(), yates = CompensatedSum()
        var minimum = Double.infinity, below5 = 0
        for i in 0..<r {
            var row: [Double] = []
            for j in 0..<c {
                let e = rowTotals[i] * columnTotals[j] / total
                row.append(e)
                minimum = Swift.min(minimum, e)
                if e < 5 { below5 += 1 }
                let o = table[i][j]
                let d = o - e
                chi2.add(d * d / e)
                if o > 0 { g2.add(2 * o * log(o / e)) }
                let reduced = Swift.abs(d) - Swift.min(0.5, Swift.abs(d))
                yates.add(reduced * reduced / e)
            }
            expected.append(row)
        }
        self.expected = expected
        self.chi2 = chi2.value
        self.g2 = g2.value
        minimumExpected = minimum
        cellsExpectedBelow5 = below5
        let distribution = ChiSquare(df: Double(df))
        p = distribution.sf(self.chi2)
        pG2 = distribution.sf(self.g2)
        cramersV = (self.chi2 / (total * Double(Swift.min(r, c) - 1))).squareRoot()
        if r == 2 && c == 2 {
            yatesChi2 = yates.value
            yatesP = distribution.sf(yates.value)
            // Fisher's test needs whole counts (weighted tables may not have them).
            let whole = table.allSatisfy { $0.allSatisfy { $0 == $0.rounded() && $0 < 1e9 } }
            fisher = whole ? try FisherExact(table.map { $0.map { Int($0) } }) : nil
        } else {
            yatesChi2 = nil
            yatesP = nil
            fisher = nil
        }
    }
}

/// Fisher's exact test of a 2 × 2 table: the two-sided p-value sums the
/// probabilities of all tables with the same margins that are no more
/// likely than the one observed (R `fisher.test`, SciPy).
public struct FisherExact: Sendable, Equatable {
    public let p: Double
    public let pLess: Double
    public let pGreater: Double
    /// Sample odds ratio ad/bc (infinite when bc = 0).
    public let oddsRatio: Double

    public init(_ table: [[Int]]) throws(StatsCondition) {
        guard table.count == 2, table.allSatisfy({ $0.count == 2 }) else {
            throw .tableTooSmall(rows: table.count, columns: table.first?.count ?? 0)
        }
        let a = table[0][0], b = table[0][1], c = table[1][0], d = table[1][1]
        if [a, b, c, d].contains(where: { $0 < 0 }) { throw .invalidParameter(name: "count", value: "negative") }
        let row1 = a + b, row2 = c + d, col1 = a + c
        let total = row1 + row2
        if total == 0 { throw .noValues }
        oddsRatio = Double(a * d) / Double(b * c)
        // Hypergeometric: x = top-left cell, between max(0, col1 − row2) and min(row1, col1).
        let low = Swift.max(0, col1 - row2), high = Swift.min(row1, col1)
        let share = Double(col1) / Double(total)
        func logDensity(_ x: Int) -> Double {
            Special.logBinomialDensity(Double(x), Double(row1), share, 1 - share)
                + Special.logBinomialDensity(Double(col1 - x), Double(row2), share, 1 - share)
                - Special.logBinomialDensity(Double(col1), Double(total), share, 1 - share)
        }
        let densities = (low...high).map { exp(logDensity($0)) }
        let observed = densities[a - low]
        let relativeError = 1 + 1e-7
        var two = 0.0, less = 0.0, greater = 0.0
        for (offset, density) in densities.enumerated() {
            let x = low + offset
            if density <= observed * relativeError { two += density }
            if x <= a { less += density }
            if x >= a { greater += density }
        }
        p = Swift.min(1, two)
        pLess = Swift.min(1, less)
        pGreater = Swift.min(1, greater)
    }
}
