@testable import SamenStats
import Testing

@Suite("Rank tests, Fisher, hard data and conditions")
struct RankAndConditionTests {
    // Reference values from SciPy 1.17 (mannwhitneyu, wilcoxon, fisher_exact).
    let a = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    let b = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.28]

    @Test("Mann–Whitney: exact without ties, normal with tie and continuity correction")
    func mannWhitney() throws {
        let exact = try MannWhitney(Sample(label: "a", values: a), Sample(label: "b", values: b))
        #expect(exact.method == .exact && exact.u == 58)
        expectClose(exact.p, 0.13591114767585355, 1e-12, "exact p")
        let tied = try MannWhitney(Sample(label: "t", values: [4, 3, 5, 4, 4, 2, 3, 4]), Sample(label: "y", values: [3, 2, 3, 4, 2, 3, 1]))
        #expect(tied.method == .normal && tied.u == 44)
        expectClose(tied.p, 0.06166582579878058, 1e-12, "tied p")
        let wide = try MannWhitney(Sample(label: "a", values: (1...30).map(Double.init)),
                                   Sample(label: "b", values: (10..<40).map { Double($0) + 0.5 }))
        #expect(wide.method == .exact && wide.u == 210)
        expectClose(wide.p, 0.0002749445544676173, 1e-10, "n = 30 exact p")
        // U of the second group is n1·n2 − U of the first, and p is the same.
        let swapped = try MannWhitney(Sample(label: "b", values: b), Sample(label: "a", values: a))
        #expect(swapped.u == 81 - 58)
        expectClose(swapped.p, exact.p, 1e-14, "symmetry")
    }

    @Test("Wilcoxon signed-rank: W is the rank sum of positive differences after − before")
    func wilcoxon() throws {
        let exact = try WilcoxonSignedRank(before: a, after: b)
        #expect(exact.method == .exact && exact.w == 5)
        expectClose(exact.p, 0.0390625, 1e-13, "exact p")
        let pre: [Double?] = [10, 12, 11, 14, 13, 15, 12, 11, 16, 10, 13, 12]
        let post: [Double?] = [12, 14, 11, 15, 16, 15, 14, 13, 18, 12, 13, 15]
        let tied = try WilcoxonSignedRank(before: pre, after: post)
        #expect(tied.method == .normal && tied.n == 9 && tied.zeros == 3 && tied.w == 45 && tied.wMinus == 0)
        expectClose(tied.p, 0.007086405184044073, 1e-12, "ties and zeros p")
        #expect(throws: StatsCondition.constantDifferences) { try WilcoxonSignedRank(before: [1, 2], after: [1, 2]) }
    }

    @Test("Fisher's exact test: two-sided p as R and SciPy")
    func fisher() throws {
        expectClose(try FisherExact([[3, 1], [1, 3]]).p, 0.48571428571428565, 1e-13, "3 1 / 1 3")
        let strong = try FisherExact([[10, 0], [2, 8]])
        expectClose(strong.p, 0.0007144558228149558, 1e-12, "10 0 / 2 8")
        #expect(strong.oddsRatio == .infinity)
    }

    @Test("Large values with a tiny spread keep their digits")
    func hardData() throws {
        // Centred as the CLI does (exact decimal differences from 1000000000000.4);
        // expected values by mpmath at 60 digits from the decimal inputs.
        let groups = [[0, 0.1, -0.1, 0, 0.2], [0.1, 0.2, 0.3, 0.1], [-0.1, -0.2, 0, -0.1, -0.2, 0]]
        let samples = groups.enumerated().map { Sample(label: "g\($0.offset)", values: $0.element) }
        let anova = try OneWayANOVA(samples)
        expectClose(anova.ssBetween, 0.1845, 1e-12, "SSB")
        expectClose(anova.ssWithin, 0.1195, 1e-12, "SSW")
        expectClose(anova.f, 9.263598326359833, 1e-12, "F")
        expectClose(anova.p, 0.003689486537990636, 1e-10, "p")
        let welch = try WelchANOVA(samples)
        expectClose(welch.f, 9.74611870340174, 1e-12, "Welch F")
        expectClose(welch.df2, 7.186489015151622, 1e-12, "Welch df2")
        expectClose(welch.p, 0.008976649661859633, 1e-10, "Welch p")
        // Uncentred doubles: the binary inputs themselves differ from the
        // decimals by up to 6e-5, but nothing is lost on top of that.
        let raw = groups.map { $0.map { 1_000_000_000_000.4 + $0 } }
        let direct = try OneWayANOVA(raw.enumerated().map { Sample(label: "g\($0.offset)", values: $0.element) })
        #expect(abs(direct.f - anova.f) / anova.f < 1e-2)
        // A first value far from the mean takes the second, corrected pass.
        let far = [1e8] + (0..<10_000).map { 1e8 + 1e6 + Double($0 % 7) * 0.01 }
        let reference = try Descriptives(far)
        let m = Moments(far)
        expectClose(m.mean, reference.mean, 1e-14, "far mean")
        expectClose(m.variance, reference.variance, 1e-12, "far variance")
        // Many ties and very unequal sizes.
        let big = Sample(label: "big", values: (0..<100_000).map { Double($0 % 5) })
        let small = Sample(label: "small", values: [4, 4, 3])
        let k = try KruskalWallis([big, small])
        #expect(k.p > 0 && k.p < 1)
        let t = try IndependentTTest(big, small)
        #expect(t.df > 2 && t.df < 3)
        // Large samples and a large t: the effect-size interval stays finite and around d.
        let x = Sample(label: "x", values: (0..<200_000).map { Double($0 % 10) + 0.5 })
        let y = Sample(label: "y", values: (0..<200_000).map { Double($0 % 10) })
        let large = try IndependentTTest(x, y, pooled: true)
        #expect(large.t > 30)
        #expect(large.cohensD.ciLow < large.cohensD.value && large.cohensD.value < large.cohensD.ciHigh)
        #expect(large.cohensD.ciHigh - large.cohensD.ciLow < 0.02)
    }

    @Test("Degenerate inputs give typed conditions, not numbers that look valid")
    func edgeCases() throws {
        func s(_ groups: [[Double]]) -> [Sample] { groups.enumerated().map { Sample(label: "g\($0.offset + 1)", values: $0.element) } }
        #expect(throws: StatsCondition.noVariationWithinGroups) { try OneWayANOVA(s([[1, 1, 1], [2, 2, 2]])) }
        #expect(throws: StatsCondition.allValuesEqual) { try OneWayANOVA(s([[3, 3, 3], [3, 3]])) }
        let singleton = try OneWayANOVA(s([[1, 2, 3], [2, 3, 3.5], [5]]))
        expectClose(singleton.f, 4.270676691729321, 1e-12, "singleton F")
        expectClose(singleton.p, 0.10172581359372941, 1e-10, "singleton p")
        #expect(throws: StatsCondition.groupTooSmall(group: "g3", needed: 2, got: 1)) { try WelchANOVA(s([[1, 2, 3], [2, 3, 3.5], [5]])) }
        #expect(throws: StatsCondition.groupWithoutVariation(group: "g2")) { try WelchANOVA(s([[1, 2, 3], [4, 4, 4], [5, 6, 8]])) }
        #expect(throws: StatsCondition.allValuesEqual) { try KruskalWallis(s([[1, 1, 1], [1, 1]])) }
        #expect(throws: StatsCondition.noVariationWithinGroups) { try LeveneTest(s([[1, 1, 1], [2, 2, 2]])) }
        #expect(throws: StatsCondition.constantDifferences) { try PairedTTest(before: [1, 2, 3], after: [2, 3, 4]) }
        #expect(throws: StatsCondition.emptyMargin(label: "row 1")) { try ChiSquareTest([[0, 0], [3, 4]]) }
        #expect(throws: StatsCondition.groupTooSmall(group: "g1", needed: 2, got: 1)) {
            try IndependentTTest(Sample(label: "g1", values: [5]), Sample(label: "g2", values: [1, 2, 3]))
        }
        #expect(throws: StatsCondition.tooFewGroups(needed: 2, got: 1)) { try OneWayANOVA(s([[1, 2, 3], []])) }
        #expect(throws: StatsCondition.noValues) { try OneWayANOVA(s([[], []])) }
        #expect(throws: StatsCondition.tooFewItems(got: 1)) { try CronbachAlpha(answers: [[1], [2]]) }
        #expect(throws: StatsCondition.tableTooSmall(rows: 1, columns: 2)) { try ChiSquareTest([[1, 2]]) }
        // Every condition has a message and a catalogue key.
        #expect(StatsCondition.groupTooSmall(group: "VO", needed: 2, got: 1).description.contains("VO"))
    }

    @Test("The edge cases of the reference file each give a condition or SciPy's number")
    func referenceEdgeCases() throws {
        let edges = try Reference.load()["edge_cases"] as! [[String: Any]]
        #expect(edges.count >= 8)
        for edge in edges {
            let id = edge["id"] as! String
            let input = edge["input"] as! [Any]
            let groups = input.compactMap { $0 as? [Any] }.map { $0.compactMap { number($0) } }
            let samples = groups.enumerated().map { Sample(label: "g\($0.offset + 1)", values: $0.element) }
            let scipy = edge["scipy_result"] as? [String: Any]
            let finite = number(scipy?["statistic"]) != nil
            func outcome(_ body: () throws -> Double) -> Double? {
                do { return try body() } catch { return nil }
            }
            let value: Double?
            switch id {
            case let x where x.hasPrefix("anova"): value = outcome { try OneWayANOVA(samples).f }
            case let x where x.hasPrefix("welch"): value = outcome { try WelchANOVA(samples).f }
            case let x where x.hasPrefix("kruskal"): value = outcome { try KruskalWallis(samples).h }
            case let x where x.hasPrefix("levene"): value = outcome { try LeveneTest(samples).w }
            case let x where x.hasPrefix("paired"): value = outcome { try PairedTTest(before: groups[0], after: groups[1]).t }
            case let x where x.hasPrefix("ttest"): value = outcome { try IndependentTTest(samples[0], samples[1]).t }
            case let x where x.hasPrefix("chi2"):
                let table = (input[0] as! [[Any]]).map { $0.map { number($0)! } }
                value = outcome { try ChiSquareTest(table).chi2 }
            default:
                Issue.record("unknown edge case \(id)"); continue
            }
            if finite {
                expectClose(value, scipy?["statistic"], 1e-12, id)
            } else {
                #expect(value == nil, "\(id) should be a condition, got \(String(describing: value))")
            }
        }
    }
}
