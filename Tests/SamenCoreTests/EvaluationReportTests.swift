import Foundation
@testable import SamenCore
import SamenStats
import Testing

@Suite("Evaluation report: a scale across school types")
struct EvaluationReportTests {
    /// Scores of a group: a mean and a spread, deterministic.
    func group(_ label: String, mean: Double, spread: Double, n: Int) -> [(group: String, score: Double)] {
        (0..<n).map { i in (label, mean + spread * (Double(i % 5) - 2) / 2) }
    }

    @Test("Comparable variances: one-way ANOVA as SamenStats gives it, Tukey's pairs written as the seeds do")
    func anova() throws {
        let scores = group("PO", mean: 3.95, spread: 0.6, n: 40) + group("SO", mean: 3.82, spread: 0.6, n: 30) + group("VO", mean: 3.40, spread: 0.6, n: 35)
        let report = EvaluationReport.compare(scores, order: ["SO", "PO", "VO"])
        #expect(report.cells.map(\.label) == ["SO", "PO", "VO"] && report.cells.allSatisfy { !$0.suppressed })
        let direct = try OneWayANOVA([Sample(label: "SO", values: scores.filter { $0.group == "SO" }.map(\.score)),
                                      Sample(label: "PO", values: scores.filter { $0.group == "PO" }.map(\.score)),
                                      Sample(label: "VO", values: scores.filter { $0.group == "VO" }.map(\.score))])
        guard case .anova(let f, let df1, let df2, let p) = report.test else { Issue.record("not an ANOVA: \(String(describing: report.test))"); return }
        #expect(f == direct.f && df1 == 2 && df2 == 102 && p == direct.p && report.etaSquared == direct.etaSquared)
        #expect(report.differences.contains { $0.higher == "PO" && $0.lower == "VO" && $0.statement.hasPrefix("PO > VO (p ") })
        #expect(!report.differences.contains { $0.higher == "PO" && $0.lower == "SO" })
        #expect(report.testStatement(.en)?.hasPrefix("One-way ANOVA (equal variances by Levene): F(2, 102) = ") == true)
    }

    @Test("Differing variances: Welch's test and Games-Howell, the choice stated")
    func welch() {
        let scores = group("PO", mean: 4.0, spread: 0.1, n: 30) + group("VO", mean: 3.0, spread: 1.6, n: 30)
        let report = EvaluationReport.compare(scores, order: ["PO", "VO"])
        guard case .welch(_, let df1, let df2, _) = report.test else { Issue.record("not Welch"); return }
        #expect(df1 == 1 && df2 < 58)
        #expect(report.testStatement(.nl)?.hasPrefix("Welch-toets (ongelijke varianties volgens Levene): F(1.00, ") == true)
        #expect(report.differences.first?.statement.hasPrefix("PO > VO") == true && (report.differences.first?.hedgesG ?? 0) > 0.8)
    }

    @Test("A group under the threshold is shown as suppressed and left out of the tests")
    func suppression() {
        let scores = group("PO", mean: 4, spread: 0.5, n: 20) + group("SO", mean: 1, spread: 0.1, n: 4) + group("VO", mean: 3.9, spread: 0.5, n: 20)
        let report = EvaluationReport.compare(scores, order: ["PO", "SO", "VO"])
        let so = report.cells.first { $0.label == "SO" }!
        #expect(so.suppressed && so.mean == nil && so.sd == nil)
        #expect(report.differences.isEmpty)   // SO's low scores would have made it differ
        // Only one group above a higher threshold: no test.
        #expect(EvaluationReport.compare(scores, order: ["PO", "SO", "VO"], minimumCell: 21).noTest == "too_few_groups")
        // The threshold is never below 5.
        #expect(EvaluationReport.compare(scores, order: ["SO"], minimumCell: 2).cells[0].suppressed)
    }

    @Test("p-values are written as the seeds and APA do")
    func pFormat() {
        #expect(StatsFormat.p(0.0134) == "p = .01")
        #expect(StatsFormat.p(0.0042) == "p = .004")
        #expect(StatsFormat.p(0.0004) == "p < .001")
        #expect(StatsFormat.p(0.5) == "p = .50")
        #expect(PairwiseDifference(higher: "PO", lower: "VO", difference: 0.3, p: 0.012, hedgesG: nil).statement == "PO > VO (p = .01)")
    }

    @Test("Complementary suppression: a lone small count takes the next smallest with it; zeros stay")
    func complementary() {
        let five = Suppression(threshold: 5)
        #expect(five.hidden([12, 3, 20, 0]) == [1, 0])
        #expect(five.hidden([12, 3, 2, 30]) == [1, 2])
        #expect(five.hidden([12, 0, 20, 7]).isEmpty)
        #expect(five.hidden([4]) == [0])
        #expect(Suppression(threshold: 2).hidden([3, 4]) == [0, 1])   // never below 5
    }
}
