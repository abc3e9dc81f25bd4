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
    /// Half the 95% confidence interval of the mean (the chart's error bar).
    var ci95: Double?
    var suppressed: Bool
}

struct ReportScaleJSON: Content, Sendable {
    var scale: String
    var name: String
    var aspect: String?
    var aspect_code: String?
    var cells: [ReportCellJSON]
    /// The omnibus test in words: test, statistic, degrees of freedom, p.
    var test: String?
    var eta_squared: Double?
    /// Significant pairs as the seeds write them ("PO > VO (p = .01)"), each with Hedges' g.
    var differences: [String]
    var alpha: Double?
    var alpha_warning: Bool
}

/// A group's two measurements (baseline and follow-up, or actual and desired) and the test of the difference.
struct ReportTwoRowJSON: Content, Sendable {
    var school_type: String
    var n_first: Int
    var n_second: Int
    var mean_first: Double?
    var mean_second: Double?
    var difference: Double?
    var suppressed: Bool
    var test: String?
    var test_kind: String?
    var p: Double?
    var hedges_g: Double?
}

struct ReportTwoJSON: Content, Sendable {
    var scale: String
    var name: String
    var aspect: String?
    var aspect_code: String?
    var rows: [ReportTwoRowJSON]
}

struct ReportChoiceJSON: Content, Sendable {
    var code: String
    var label: String
    var count: Int?
    var percent: Double?
    var national_percent: Double?
}

/// One school's means on every line of `scales` (same order), shown only from the threshold on.
struct ReportSchoolJSON: Content, Sendable {
    var school: String
    var school_type: String
    var n: Int
    var suppressed: Bool
    var means: [Double?]
}

struct ReportFidelityJSON: Content, Sendable {
    var tier: Int
    var cells: [ReportCellJSON]
}

struct WaveReportJSON: Content, Sendable {
    var wave_id: UUID
    var responses: Int
    var minimum_cell: Int
    var scales: [ReportScaleJSON]
    /// Desired against actual per scale and in total (questionnaires asking each item twice).
    var gaps: [ReportTwoJSON]
    /// The baseline the wave follows up, and every scale compared with it.
    var baseline_id: UUID?
    var baseline_responses: Int?
    var changes: [ReportTwoJSON]
    var choices: [ReportChoiceJSON]
    var fidelity: [ReportFidelityJSON]
    var schools: [ReportSchoolJSON]
}

/// A wave's report: per scale the school types' means and SDs (small cells suppressed), the test Levene chose with its
/// pairs, and the scale's reliability; desired against actual; the change since the baseline (paired where respondents
/// link); the chosen collaboration models against the national shares; the fidelity per tier; a profile per school.
/// Every figure from SamenStats.
enum WaveReport {
    static let order = SchoolType.allCases.map(\.rawValue)
    static let total = "total"

    struct Response {
        var type: String
        var key: String
        var school: UUID
        var schoolName: String
        var answers: QuestionnaireAnswers
    }

    static func responsesQuery(waveID: UUID) -> SQLQueryString {
        """
            SELECT r.school_type, r.link_key, r.answers, i.school_id, s.name FROM wave_responses r
            JOIN wave_invitations i ON i.id = r.invitation_id JOIN schools s ON s.id = i.school_id
            WHERE r.wave_id = \(bind: waveID) AND r.complete = \(bind: true)
            UNION ALL
            SELECT l.school_type, l.resume_hash, l.answers, l.school_id, s.name FROM wave_link_responses l JOIN schools s ON s.id = l.school_id
            WHERE l.wave_id = \(bind: waveID) AND l.complete = \(bind: true)
            UNION ALL
            SELECT p.school_type, CASE WHEN p.pair_key = '' THEN p.token_hash ELSE p.pair_key END, p.answers, p.school_id, s.name FROM wave_personal_links p JOIN schools s ON s.id = p.school_id
            WHERE p.wave_id = \(bind: waveID) AND p.complete = \(bind: true)
            """
    }

    static func responses(waveID: UUID, sql: any SQLDatabase) async throws -> [Response] {
        try await sql.raw(responsesQuery(waveID: waveID)).all().map { r in
            Response(type: try r.decode(column: "school_type", as: String.self), key: try r.decode(column: "link_key", as: String.self),
                     school: try r.uuid("school_id"), schoolName: try r.decode(column: "name", as: String.self),
                     answers: try QuestionnaireAnswers.decode(json: try r.decode(column: "answers", as: String.self)))
        }
    }

    static func cell(_ label: String, _ values: [Double], threshold: Int) -> ReportCellJSON {
        guard values.count >= threshold else { return ReportCellJSON(school_type: label, n: values.count, mean: nil, sd: nil, ci95: nil, suppressed: true) }
        let m = Moments(values)
        let sd = m.variance.map { $0.squareRoot() }
        let ci = sd.map { StudentT(df: Double(values.count - 1)).upperQuantile(0.025) * $0 / Double(values.count).squareRoot() }
        return ReportCellJSON(school_type: label, n: values.count, mean: m.mean, sd: sd, ci95: ci, suppressed: false)
    }

    static func twoRows(_ rows: [TwoMeasurementRow], _ language: Language) -> [ReportTwoRowJSON] {
        rows.map { r in
            ReportTwoRowJSON(school_type: r.label, n_first: r.nFirst, n_second: r.nSecond, mean_first: r.meanFirst, mean_second: r.meanSecond,
                             difference: r.difference, suppressed: r.suppressed, test: r.test?.statement(language), test_kind: r.test?.kind.rawValue,
                             p: r.test?.p, hedges_g: r.test?.hedgesG)
        }
    }

    static func make(wave: WaveJSON, questionnaire q: Questionnaire, baseline: (id: UUID, questionnaire: Questionnaire)?, sql: any SQLDatabase,
                     language: Language) async throws -> WaveReportJSON {
        let responses = try await responses(waveID: wave.id, sql: sql)
        let threshold = max(wave.minimum_cell, EvaluationReport.minimumCell)
        let plan = ScoringPlan(q)
        let lines = plan.lines
        // Every respondent scored on every line once; the tables below read these.
        let scored = responses.map { plan.scores($0.answers) }

        var scales: [ReportScaleJSON] = []
        for (l, line) in lines.enumerated() {
            let scores = zip(responses, scored).compactMap { r, s in s[l].map { (group: r.type, score: $0) } }
            let comparison = EvaluationReport.compare(scores, order: order, minimumCell: threshold)
            let reliability = responses.count >= threshold
                ? try? QuestionnaireScoring.reliability(line.scale.code, responses: responses.map(\.answers), questionnaire: q, aspect: line.aspect?.code).get() : nil
            scales.append(ReportScaleJSON(
                scale: line.scale.code, name: line.scale.name.text(language), aspect: line.aspect?.text.text(language), aspect_code: line.aspect?.code,
                cells: comparison.cells.map { c in
                    c.suppressed ? ReportCellJSON(school_type: c.label, n: c.n, mean: nil, sd: nil, ci95: nil, suppressed: true)
                        : cell(c.label, scores.filter { $0.group == c.label }.map(\.score), threshold: threshold)
                },
                test: comparison.testStatement(language), eta_squared: comparison.etaSquared,
                differences: comparison.differences.map { d in d.statement + (d.hedgesG.map { ", g = " + StatsFormat.number($0) } ?? "") },
                alpha: reliability?.alpha, alpha_warning: (reliability?.alpha ?? 1) < QuestionnaireScoring.alphaWarning))
        }

        // Desired against actual: the gap per respondent, paired.
        var gaps: [ReportTwoJSON] = []
        if let aspects = q.aspects, aspects.count == 2 {
            let (wanted, actual) = (aspects[0].code, aspects[1].code)
            func gap(name: String, code: String, score: (QuestionnaireAnswers, String) -> Double?) -> ReportTwoJSON {
                var first: [(group: String, key: String, score: Double)] = [], second = first
                for (i, r) in responses.enumerated() {
                    if let a = score(r.answers, actual) { first.append((r.type, String(i), a)) }
                    if let d = score(r.answers, wanted) { second.append((r.type, String(i), d)) }
                }
                return ReportTwoJSON(scale: code, name: name, aspect: nil, aspect_code: nil,
                                     rows: twoRows(EvaluationReport.twoMeasurementsByGroup(first: first, second: second, order: order, allLabel: total,
                                                                                            minimumCell: threshold), language))
            }
            gaps.append(gap(name: Catalogue.text("report_total_score", language), code: total) {
                QuestionnaireScoring.totalScore(answers: $0, questionnaire: q, aspect: $1)
            })
            for s in q.scales {
                let actualLine = lines.firstIndex { $0.scale.code == s.code && $0.aspect?.code == actual }
                let wantedLine = lines.firstIndex { $0.scale.code == s.code && $0.aspect?.code == wanted }
                var first: [(group: String, key: String, score: Double)] = [], second = first
                for (i, r) in responses.enumerated() {
                    if let l = actualLine, let a = scored[i][l] { first.append((r.type, String(i), a)) }
                    if let l = wantedLine, let d = scored[i][l] { second.append((r.type, String(i), d)) }
                }
                gaps.append(ReportTwoJSON(scale: s.code, name: s.name.text(language), aspect: nil, aspect_code: nil,
                                          rows: twoRows(EvaluationReport.twoMeasurementsByGroup(first: first, second: second, order: order, allLabel: total,
                                                                                                minimumCell: threshold), language)))
            }
        }

        // The change since the baseline, on the scales both versions have: paired by the pairing key where it links enough respondents.
        var changes: [ReportTwoJSON] = []
        var baselineCount: Int? = nil
        if let baseline {
            let before = try await Self.responses(waveID: baseline.id, sql: sql)
            baselineCount = before.count
            let basePlan = ScoringPlan(baseline.questionnaire)
            let baseScored = before.map { basePlan.scores($0.answers) }
            for (l, line) in lines.enumerated() {
                guard let b = basePlan.lines.firstIndex(where: { $0.scale.code == line.scale.code && $0.aspect?.code == line.aspect?.code }) else { continue }
                let first = zip(before, baseScored).compactMap { r, s in s[b].map { (group: r.type, key: r.key, score: $0) } }
                let second = zip(responses, scored).compactMap { r, s in s[l].map { (group: r.type, key: r.key, score: $0) } }
                let rows = EvaluationReport.twoMeasurementsByGroup(first: first, second: second, order: order, allLabel: total, minimumCell: threshold)
                changes.append(ReportTwoJSON(scale: line.scale.code, name: line.scale.name.text(language), aspect: line.aspect?.text.text(language),
                                             aspect_code: line.aspect?.code, rows: twoRows(rows, language)))
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

        // The fidelity self-assessment: the percentage per tier per school type.
        var fidelity: [ReportFidelityJSON] = []
        let hasFidelity = q.items.contains { $0.kind == .fidelity }
        let percents = hasFidelity ? responses.map { QuestionnaireScoring.fidelityPercent($0.answers, questionnaire: q) } : []
        for tier in Set(q.items.compactMap { $0.kind == .fidelity ? $0.tier : nil }).sorted() {
            var cells: [ReportCellJSON] = []
            for label in order + [total] {
                let values = zip(responses, percents).compactMap { r, p in label == total || r.type == label ? p[tier] ?? nil : nil }
                if !values.isEmpty { cells.append(cell(label, values, threshold: threshold)) }
            }
            fidelity.append(ReportFidelityJSON(tier: tier, cells: cells))
        }

        // A profile per school: its means on every line, from the threshold on.
        var schools: [ReportSchoolJSON] = []
        for members in Dictionary(grouping: responses.indices, by: { responses[$0].school }).values
            .sorted(by: { responses[$0[0]].schoolName < responses[$1[0]].schoolName }) where !lines.isEmpty {
            let first = responses[members[0]]
            let shown = members.count >= threshold
            schools.append(ReportSchoolJSON(
                school: first.schoolName, school_type: first.type, n: members.count, suppressed: !shown,
                means: lines.indices.map { l in
                    guard shown else { return nil }
                    let values = members.compactMap { scored[$0][l] }
                    return values.count >= threshold ? Moments(values).mean : nil
                }))
        }
        return WaveReportJSON(wave_id: wave.id, responses: responses.count, minimum_cell: threshold, scales: scales, gaps: gaps,
                              baseline_id: baseline?.id, baseline_responses: baselineCount, changes: changes, choices: choices, fidelity: fidelity,
                              schools: schools)
    }
}
