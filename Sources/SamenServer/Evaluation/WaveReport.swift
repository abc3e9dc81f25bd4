import Foundation
import SamenCore
import SamenStats
import SQLKit
import Vapor

struct ReportCellJSON: Content, Sendable {
    var school_type: String
    var n: Int
    var mean: Double?
    var sd: Double?
    var suppressed: Bool
}

struct ReportScaleJSON: Content, Sendable {
    var scale: String
    var name: String
    var aspect: String?
    var cells: [ReportCellJSON]
    /// The omnibus test in words: test, statistic, degrees of freedom, p.
    var test: String?
    var eta_squared: Double?
    /// Significant pairs as the seeds write them ("PO > VO (p = .01)"), each with Hedges' g.
    var differences: [String]
    var alpha: Double?
    var alpha_warning: Bool
}

struct ReportChoiceJSON: Content, Sendable {
    var code: String
    var label: String
    var count: Int?
    var percent: Double?
    var national_percent: Double?
}

struct WaveReportJSON: Content, Sendable {
    var wave_id: UUID
    var responses: Int
    var minimum_cell: Int
    var scales: [ReportScaleJSON]
    var choices: [ReportChoiceJSON]
}

/// A wave's report: per scale the school types' means and SDs (small cells suppressed), the test Levene chose with its
/// pairs, and the scale's reliability; the chosen collaboration models against the national shares. Every figure from SamenStats.
enum WaveReport {
    static let order = SchoolType.allCases.map(\.rawValue)

    static func make(waveID: UUID, questionnaire q: Questionnaire, sql: any SQLDatabase, language: Language,
                     minimumCell: Int = EvaluationReport.minimumCell) async throws -> WaveReportJSON {
        let rows = try await sql.raw("SELECT school_type, answers FROM wave_responses WHERE wave_id = \(bind: waveID) AND complete = \(bind: true)").all()
        let responses: [(type: String, answers: QuestionnaireAnswers)] = try rows.map {
            (try $0.decode(column: "school_type", as: String.self), try JSONText.decode(QuestionnaireAnswers.self, try $0.decode(column: "answers", as: String.self)))
        }
        let threshold = max(minimumCell, EvaluationReport.minimumCell)
        var scales: [ReportScaleJSON] = []
        for scale in q.scales {
            for aspect in (q.aspects?.map { Optional($0) } ?? [nil]) {
                let scores = responses.compactMap { r in
                    QuestionnaireScoring.scaleScore(scale.code, answers: r.answers, questionnaire: q, aspect: aspect?.code).map { (group: r.type, score: $0) }
                }
                let comparison = EvaluationReport.compare(scores, order: order, minimumCell: threshold)
                let reliability = responses.count >= threshold
                    ? try? QuestionnaireScoring.reliability(scale.code, responses: responses.map(\.answers), questionnaire: q, aspect: aspect?.code).get() : nil
                scales.append(ReportScaleJSON(
                    scale: scale.code, name: scale.name.text(language), aspect: aspect?.text.text(language),
                    cells: comparison.cells.map { ReportCellJSON(school_type: $0.label, n: $0.n, mean: $0.mean, sd: $0.sd, suppressed: $0.suppressed) },
                    test: comparison.testStatement(language), eta_squared: comparison.etaSquared,
                    differences: comparison.differences.map { d in d.statement + (d.hedgesG.map { ", g = " + StatsFormat.number($0) } ?? "") },
                    alpha: reliability?.alpha, alpha_warning: (reliability?.alpha ?? 1) < QuestionnaireScoring.alphaWarning))
            }
        }
        var choices: [ReportChoiceJSON] = []
        for item in q.items where item.kind == .choice {
            let answered = responses.compactMap { $0.answers.choices[item.code] }
            let national = Dictionary(uniqueKeysWithValues: EvaluationInstruments.nationalModelShares.map { ($0.code, $0.percent) })
            let counts = (item.choices ?? []).map { choice in answered.filter { $0 == choice.code }.count }
            // Counts under the threshold are suppressed, with their shares, and complementary ones with them.
            let hidden = Suppression(threshold: threshold).hidden(counts)
            for (i, choice) in (item.choices ?? []).enumerated() {
                let shown = !hidden.contains(i)
                choices.append(ReportChoiceJSON(code: choice.code, label: choice.text.text(language), count: shown ? counts[i] : nil,
                                                percent: shown && !answered.isEmpty ? 100 * Double(counts[i]) / Double(answered.count) : nil,
                                                national_percent: q.code == EvaluationInstruments.collaborationModel.code ? national[choice.code] : nil))
            }
        }
        return WaveReportJSON(wave_id: waveID, responses: responses.count, minimum_cell: threshold, scales: scales, choices: choices)
    }
}
