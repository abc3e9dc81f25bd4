import Foundation
@testable import SamenCore
import SamenStats
import Testing

@Suite("Evaluation report: two measurements, the data file, the charts, the demo's answers")
struct EvaluationChangeTests {
    func scores(_ prefix: String, _ values: [Double]) -> [(key: String, score: Double)] {
        values.enumerated().map { (prefix + String($0.offset), $0.element) }
    }

    @Test("Respondents linked by their key are compared as pairs, as SamenStats' paired t-test gives it")
    func paired() throws {
        let before: [Double] = [3.0, 3.2, 3.5, 2.8, 4.0, 3.1, 3.6, 3.3]
        let after: [Double] = [3.4, 3.3, 3.9, 3.1, 4.2, 3.6, 3.7, 3.8]
        let row = EvaluationReport.twoMeasurements(label: "PO", first: scores("k", before), second: scores("k", after))
        let direct = try PairedTTest(before: before, after: after)
        let test = try #require(row.test)
        #expect(test.kind == .paired && test.n == 8 && test.t == direct.t && test.df == 7 && test.p == direct.p && test.hedgesG == direct.hedgesG.value)
        #expect(abs(row.difference! - (direct.meanAfter - direct.meanBefore)) < 1e-12)
        #expect(test.statement(.nl).hasPrefix("Gepaarde t-toets (8 paren): t(7) = "))
        #expect(test.statement(.en).contains(", g = "))
    }

    @Test("Without enough links the two waves are independent groups (Welch); under the threshold nothing is shown or tested")
    func independentAndSuppressed() throws {
        let before: [Double] = [3.0, 3.2, 3.5, 2.8, 4.0, 3.1]
        let after: [Double] = [3.4, 3.3, 3.9, 3.1, 4.2, 3.6, 4.4]
        // Only 4 keys occur on both sides: fewer than 5 pairs.
        let first = scores("a", before).enumerated().map { i, s in i < 4 ? s : (key: "only-before-\(i)", score: s.score) }
        let row = EvaluationReport.twoMeasurements(label: "VO", first: first, second: scores("a", after))
        let direct = try IndependentTTest(Sample(label: "after", values: after), Sample(label: "before", values: before), pooled: false)
        let test = try #require(row.test)
        #expect(test.kind == .independent && test.n == 6 && test.n2 == 7 && test.t == direct.t && test.df == direct.df && test.p == direct.p)
        #expect(test.statement(.nl).hasPrefix("Welch t-toets, onafhankelijke groepen (n = 6 en 7): t("))

        let small = EvaluationReport.twoMeasurements(label: "SO", first: scores("k", [3, 4, 5, 4]), second: scores("k", [4, 4, 5, 5, 3]))
        #expect(small.suppressed && small.meanFirst == nil && small.test == nil)
        // A higher threshold suppresses what 5 shows.
        let higher = EvaluationReport.twoMeasurements(label: "PO", first: scores("k", before), second: scores("k", after), minimumCell: 10)
        #expect(higher.suppressed)
    }

    @Test("Per group and for all: the groups in order, a group on one side only still listed, all last")
    func byGroup() {
        let first = (0..<12).map { (group: $0 < 6 ? "PO" : "VO", key: "k\($0)", score: 3.0 + Double($0 % 4) / 4) }
        let second = (0..<12).map { (group: $0 < 6 ? "PO" : "VO", key: "k\($0)", score: 3.3 + Double($0 % 3) / 4) }
        let rows = EvaluationReport.twoMeasurementsByGroup(first: first, second: second + [(group: "SO", key: "x", score: 4)], order: ["PO", "SO", "VO"],
                                                           allLabel: "total")
        #expect(rows.map(\.label) == ["PO", "SO", "VO", "total"])
        #expect(rows[1].suppressed && rows[3].test?.kind == .paired && rows[3].test?.n == 12)
    }

    @Test("The total score is the mean over every scale item of an aspect, reverse items reversed")
    func total() {
        let q = EvaluationInstruments.competenceScan
        var answers = QuestionnaireAnswers()
        for item in q.items where item.kind == .scaled {
            answers.values[item.code + "@desired"] = 5
            answers.values[item.code + "@actual"] = item.scale == "signalling" ? 2 : 4
        }
        #expect(QuestionnaireScoring.totalScore(answers: answers, questionnaire: q, aspect: "desired") == 5)
        let signalling = Double(q.items(of: "signalling").count), all = Double(q.items.filter { $0.kind == .scaled }.count)
        #expect(abs(QuestionnaireScoring.totalScore(answers: answers, questionnaire: q, aspect: "actual")! - (2 * signalling + 4 * (all - signalling)) / all) < 1e-12)
        #expect(QuestionnaireScoring.totalScore(answers: QuestionnaireAnswers(), questionnaire: q, aspect: "actual") == nil)
    }

    @Test("The data file: a column per codebook variable, raw answers, scores, and a small school type left empty")
    func dataFile() {
        let q = EvaluationInstruments.collaborationScan
        let book = WaveDataExport.codebook(q, language: .nl)
        #expect(book.prefix(4).map(\.name) == ["respondent", "pair_key", "school_type", "role"])
        let reversed = q.items.first { $0.reverse }!
        #expect(book.first { $0.name == reversed.code }?.reverse == true && book.first { $0.name == reversed.code }?.values.hasPrefix("1 = Helemaal mee oneens") == true)
        #expect(book.contains { $0.name == "score_interdependence" } && !book.contains { $0.name == "why" })
        #expect(book.allSatisfy { $0.name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil })
        var answers = QuestionnaireAnswers()
        for item in q.items where item.kind == .scaled { answers.values[item.code] = 4 }
        answers.values[reversed.code] = 2
        let people = (0..<7).map { WaveDataExport.Respondent(pairKey: "key\($0)", schoolType: $0 < 5 ? "PO" : "SO", role: "teacher", answers: answers) }
        let rows = WaveDataExport.rows(people, questionnaire: q, minimumCell: 5)
        #expect(rows.count == 7 && rows.allSatisfy { $0.count == book.count })
        #expect(rows[0][2] == "PO" && rows[6][2] == "" && rows[6][0] == "7")
        let column = book.firstIndex { $0.name == reversed.code }!, score = book.firstIndex { $0.name == "score_" + reversed.scale! }!
        #expect(rows[0][column] == "2" && rows[0][score] == "4.0000")
        // The competence scan: an answer and a score per aspect, and the totals.
        let competence = WaveDataExport.codebook(EvaluationInstruments.competenceScan, language: .en).map(\.name)
        #expect(competence.contains("sig1_desired") && competence.contains("score_signalling_actual") && competence.contains("total_desired"))
    }

    @Test("The charts are plain SVG: no script, labels escaped, suppressed values not drawn")
    func charts() {
        let bars = EvaluationCharts.groupedBars(title: "<b>", categories: ["A & B", "C"], series: [
            .init(name: "PO", colour: "#111", values: [3.5, nil], errors: [0.2, nil]),
        ], low: 1, high: 5)
        #expect(bars.hasPrefix("<svg") && !bars.contains("<script") && bars.contains("&lt;b&gt;") && bars.contains("A &amp; B"))
        #expect(bars.components(separatedBy: "<rect").count - 1 == 2) // one bar and the legend's swatch
        let slopes = EvaluationCharts.slopes(title: "t", first: "nulmeting", second: "vervolg", series: [.init(name: "PO", colour: "#111", values: [3.6, 3.9])],
                                             low: 1, high: 5)
        #expect(slopes.contains("3.60") && slopes.contains("3.90") && slopes.contains("slope-chart"))
        let profile = EvaluationCharts.profile(title: "t", rows: ["a", "b"], series: [.init(name: "School", colour: "#111", values: [4, nil])], low: 1, high: 5)
        #expect(profile.components(separatedBy: "<circle").count - 1 == 1)
    }

    @Test("The demo's answers: calibrated so each school type's mean lies near the seeds' table, the same for the same person")
    func demoAnswers() throws {
        #expect(abs(DemoEvaluation.expectedAnswer(mu: DemoEvaluation.calibrated(4.65, sd: 0.4, low: 1, high: 5), sd: 0.4, low: 1, high: 5) - 4.65) < 1e-6)
        let q = EvaluationInstruments.collaborationScan
        var rng = SeededGenerator(seed: 7)
        let people = (0..<60).map { _ in (person: rng.uuid(), type: SchoolType.vo) }
        let outlooks = DemoEvaluation.outlooks(people, questionnaire: q)
        let answers = people.map { DemoEvaluation.answers(q, outlook: outlooks[$0.person]!, type: .vo, phase: .baseline, rng: &rng) }
        let interdependence = answers.map { QuestionnaireScoring.scaleScore("interdependence", answers: $0, questionnaire: q)! }
        #expect(abs(Moments(interdependence).mean - 3.63) < 0.1)
        let alpha = try QuestionnaireScoring.reliability("interdependence", responses: answers, questionnaire: q).get().alpha
        #expect(alpha > 0.6)
        #expect(DemoEvaluation.outlook(person: people[0].person, scales: ["a"]) == DemoEvaluation.outlook(person: people[0].person, scales: ["a"]))
    }

    @Test("The scoring plan gives every line the score scaleScore gives, including too few answered")
    func plan() {
        let q = EvaluationInstruments.competenceScan
        let plan = ScoringPlan(q)
        #expect(plan.lines.count == q.scales.count * 2)
        var rng = SeededGenerator(seed: 3)
        for n in 0..<40 {
            var answers = QuestionnaireAnswers()
            for item in q.items where item.kind == .scaled {
                for key in q.answerKeys(of: item) where Int.random(in: 0..<4, using: &rng) > 0 || n == 0 {
                    answers.values[key] = Double(Int.random(in: 1...5, using: &rng))
                }
            }
            let scores = plan.scores(answers)
            for (l, line) in plan.lines.enumerated() {
                #expect(scores[l] == QuestionnaireScoring.scaleScore(line.scale.code, answers: answers, questionnaire: q, aspect: line.aspect?.code))
            }
        }
    }
}
