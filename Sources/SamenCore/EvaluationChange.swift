import Foundation
import SamenStats

// MARK: - Two measurements compared: baseline against follow-up, desired against actual

/// The test behind a difference between two measurements, stated the way a report writes it.
public struct TwoMeasurementTest: Sendable, Equatable {
    public enum Kind: String, Sendable { case paired, independent }
    public var kind: Kind
    /// Pairs for a paired test; both groups' sizes for an independent one.
    public var n: Int
    public var n2: Int?
    public var t: Double
    public var df: Double
    public var p: Double
    /// Hedges' g (g_z for pairs, g with Welch's standard error otherwise).
    public var hedgesG: Double

    /// "Gepaarde t-toets (38 paren): t(37) = 2.41, p = .02, g = 0.38".
    public func statement(_ language: Language) -> String {
        let name: String
        switch (kind, language) {
        case (.paired, .nl): name = "Gepaarde t-toets (\(n) paren)"
        case (.paired, .en): name = "Paired t-test (\(n) pairs)"
        case (.independent, .nl): name = "Welch t-toets, onafhankelijke groepen (n = \(n) en \(n2 ?? 0))"
        case (.independent, .en): name = "Welch's t-test, independent groups (n = \(n) and \(n2 ?? 0))"
        }
        let degrees = kind == .paired ? String(Int(df)) : StatsFormat.number(df)
        return name + ": t(" + degrees + ") = " + StatsFormat.number(t) + ", " + StatsFormat.p(p) + ", g = " + StatsFormat.number(hedgesG)
    }
}

/// A group's two measurements: means over everyone measured (suppressed under the threshold) and the test of the change.
public struct TwoMeasurementRow: Sendable, Equatable {
    public var label: String
    public var nFirst: Int
    public var nSecond: Int
    public var meanFirst: Double?
    public var meanSecond: Double?
    /// second − first, of the means shown.
    public var difference: Double?
    public var suppressed: Bool
    public var test: TwoMeasurementTest?
}

extension EvaluationReport {
    /// Compares two measurements of the same thing. Scores carry a key: where enough keys occur on both sides
    /// (at least the threshold), the linked respondents are compared with a paired t-test; otherwise everyone is
    /// compared as two independent groups with Welch's t-test. Under the threshold on either side nothing is
    /// shown or tested. All statistics from SamenStats.
    public static func twoMeasurements(label: String, first: [(key: String, score: Double)], second: [(key: String, score: Double)],
                                       minimumCell: Int = minimumCell) -> TwoMeasurementRow {
        let threshold = max(minimumCell, Suppression.minimumThreshold)
        var row = TwoMeasurementRow(label: label, nFirst: first.count, nSecond: second.count, meanFirst: nil, meanSecond: nil,
                                    difference: nil, suppressed: true, test: nil)
        guard first.count >= threshold, second.count >= threshold else { return row }
        row.suppressed = false
        let a = Moments(first.map(\.score)).mean, b = Moments(second.map(\.score)).mean
        row.meanFirst = a; row.meanSecond = b; row.difference = b - a
        var later: [String: Double] = [:]
        for s in second { later[s.key] = s.score }
        let linked = first.compactMap { s in later[s.key].map { (s.score, $0) } }
        if linked.count >= threshold, let paired = try? PairedTTest(before: linked.map { $0.0 }, after: linked.map { $0.1 }) {
            row.test = TwoMeasurementTest(kind: .paired, n: paired.n, n2: nil, t: paired.t, df: paired.df, p: paired.p, hedgesG: paired.hedgesG.value)
        } else if let welch = try? IndependentTTest(Sample(label: "second", values: second.map(\.score)), Sample(label: "first", values: first.map(\.score)),
                                                    pooled: false) {
            row.test = TwoMeasurementTest(kind: .independent, n: first.count, n2: second.count, t: welch.t, df: welch.df, p: welch.p,
                                          hedgesG: welch.hedgesG.value)
        }
        return row
    }

    /// `twoMeasurements` per group (school types in `order`) and for everyone together (labelled `allLabel`, last).
    public static func twoMeasurementsByGroup(first: [(group: String, key: String, score: Double)], second: [(group: String, key: String, score: Double)],
                                              order: [String], allLabel: String, minimumCell: Int = minimumCell) -> [TwoMeasurementRow] {
        var rows: [TwoMeasurementRow] = []
        for label in order {
            let a = first.filter { $0.group == label }.map { (key: $0.key, score: $0.score) }
            let b = second.filter { $0.group == label }.map { (key: $0.key, score: $0.score) }
            if a.isEmpty && b.isEmpty { continue }
            rows.append(twoMeasurements(label: label, first: a, second: b, minimumCell: minimumCell))
        }
        rows.append(twoMeasurements(label: allLabel, first: first.map { (key: $0.key, score: $0.score) }, second: second.map { (key: $0.key, score: $0.score) },
                                    minimumCell: minimumCell))
        return rows
    }
}

extension QuestionnaireScoring {
    /// A respondent's score over all scaled items (of one aspect), reverse items reversed: the questionnaire's total,
    /// as the seeds report "competence desired" and "competence actual"; nil under the minimum answered share.
    public static func totalScore(answers: QuestionnaireAnswers, questionnaire q: Questionnaire, aspect: String? = nil) -> Double? {
        let keys = q.items.filter { $0.kind == .scaled && $0.scale != nil }.map { item in (aspect.map { item.code + "@" + $0 } ?? item.code, item.reverse) }
        return meanOfAnswered(keys, answers: answers, minimumShare: q.minimumAnswered,
                              low: Double(q.answerScale.minimum), high: Double(q.answerScale.maximum))
    }

    /// The rule every score follows: the mean of the answered keys (reverse ones reversed on the answer scale), or nil
    /// when fewer than `minimumShare` of the keys were answered.
    static func meanOfAnswered(_ keys: [(key: String, reverse: Bool)], answers: QuestionnaireAnswers, minimumShare: Double,
                               low: Double, high: Double) -> Double? {
        guard !keys.isEmpty else { return nil }
        var sum = 0.0, count = 0
        for (key, reverse) in keys {
            guard let v = answers.values[key] else { continue }
            sum += reverse ? low + high - v : v
            count += 1
        }
        guard count > 0, Double(count) >= minimumShare * Double(keys.count) - 1e-9 else { return nil }
        return sum / Double(count)
    }
}

/// Every line of a report (a scale, once per aspect) scored for many respondents at once: the item keys and
/// reverse flags are worked out once, not per respondent (a wave of 20,000 × 60 is scored in one pass).
public struct ScoringPlan: Sendable {
    public struct Line: Sendable {
        public var scale: QuestionScale
        public var aspect: QuestionChoice?
        let keys: [(key: String, reverse: Bool)]
    }
    public let lines: [Line]
    let minimumShare: Double
    let low: Double
    let high: Double

    public init(_ q: Questionnaire) {
        var lines: [Line] = []
        for scale in q.scales {
            for aspect in q.aspects?.map({ Optional($0) }) ?? [nil] {
                lines.append(Line(scale: scale, aspect: aspect,
                                  keys: q.items(of: scale.code).map { item in (aspect.map { item.code + "@" + $0.code } ?? item.code, item.reverse) }))
            }
        }
        self.lines = lines
        minimumShare = q.minimumAnswered
        low = Double(q.answerScale.minimum)
        high = Double(q.answerScale.maximum)
    }

    /// The respondent's score on every line, as `QuestionnaireScoring.scaleScore` gives it.
    public func scores(_ answers: QuestionnaireAnswers) -> [Double?] {
        lines.map { QuestionnaireScoring.meanOfAnswered($0.keys, answers: answers, minimumShare: minimumShare, low: low, high: high) }
    }
}
