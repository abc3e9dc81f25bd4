import Foundation
@testable import SamenStats
import Testing

/// Reference values from shared/reference/stats-cases.json (evaluated at 50 digits).
@Suite("Descriptives")
struct DescriptivesTests {
    struct Case: Decodable {
        var id: String
        var kind: String
        var input: Input?
        var expected: [String: Expected]?
        struct Input: Decodable { var groups: [String: [Double]]? }
        struct Expected: Decodable {
            var n: Int?; var sum: Double?; var mean: Double?; var variance: Double?; var sd: Double?; var se_mean: Double?
            var min: Double?; var max: Double?; var median: Double?; var q1_type7: Double?; var q3_type7: Double?
            var q1_type6: Double?; var q3_type6: Double?; var skewness_G1: Double?; var se_skewness: Double?
            var excess_kurtosis_G2: Double?; var se_kurtosis: Double?
        }
    }

    static func referenceCases() throws -> [Case] {
        try Reference.cases("descriptives_per_group").map {
            try JSONDecoder().decode(Case.self, from: JSONSerialization.data(withJSONObject: $0))
        }
    }

    func close(_ a: Double?, _ b: Double?, _ what: String) {
        guard let a, let b else { #expect(a == nil && b == nil, "\(what)"); return }
        #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(what): \(a) vs \(b)")
    }

    @Test("Descriptives agree with the reference values to 1e-12")
    func reference() throws {
        let cases = try Self.referenceCases()
        #expect(!cases.isEmpty)
        for c in cases {
            for (group, values) in c.input?.groups ?? [:] {
                guard let expected = c.expected?[group] else { continue }
                let d = try Descriptives(values)
                let at = "\(c.id)/\(group)"
                #expect(d.n == expected.n, "\(at) n")
                close(d.sum, expected.sum, "\(at) sum")
                close(d.mean, expected.mean, "\(at) mean")
                close(d.variance, expected.variance, "\(at) variance")
                close(d.sd, expected.sd, "\(at) sd")
                close(d.standardError, expected.se_mean, "\(at) se")
                close(d.min, expected.min, "\(at) min")
                close(d.max, expected.max, "\(at) max")
                close(d.median, expected.median, "\(at) median")
                close(d.q1, expected.q1_type7, "\(at) q1")
                close(d.q3, expected.q3_type7, "\(at) q3")
                close(d.q1Type6, expected.q1_type6, "\(at) q1 type 6")
                close(d.q3Type6, expected.q3_type6, "\(at) q3 type 6")
                close(d.skewness, expected.skewness_G1, "\(at) skewness")
                close(d.seSkewness, expected.se_skewness, "\(at) se skewness")
                close(d.kurtosis, expected.excess_kurtosis_G2, "\(at) kurtosis")
                close(d.seKurtosis, expected.se_kurtosis, "\(at) se kurtosis")
            }
        }
    }

    @Test("Large values close together keep their variance (no catastrophic cancellation)")
    func stable() throws {
        let d = try Descriptives([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])
        #expect(d.variance == 30)
        #expect(d.mean == 1e9 + 10)
    }

    @Test("Missing values are counted and left out; all missing is a clear condition")
    func missing() throws {
        let d = try Descriptives([1, nil, 3, .nan])
        #expect(d.n == 2 && d.missing == 2 && d.mean == 2)
        #expect(throws: StatsCondition.noValues) { try Descriptives([nil, nil]) }
        let one = try Descriptives([5.0])
        #expect(one.sd == nil && one.median == 5)
    }
}
