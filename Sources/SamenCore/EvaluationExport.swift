import Foundation

/// A wave's data as a tidy file (one row per response, one column per variable) and its codebook, for R and SPSS.
public enum WaveDataExport {
    public struct Variable: Sendable, Equatable {
        /// A name R and SPSS accept: letters, digits and `_`, starting with a letter.
        public var name: String
        public var label: String
        public var type: String
        /// "1 = Helemaal mee oneens | 2 = …", or empty.
        public var values: String
        public var scale: String
        public var reverse: Bool
    }

    /// A respondent as the export sees them: never a name; the pairing key links a person's responses over a wave chain.
    public struct Respondent: Sendable {
        public var pairKey: String
        public var schoolType: String
        public var role: String
        public var answers: QuestionnaireAnswers
        public init(pairKey: String, schoolType: String, role: String, answers: QuestionnaireAnswers) {
            self.pairKey = pairKey; self.schoolType = schoolType; self.role = role; self.answers = answers
        }
    }

    static func name(_ key: String) -> String { key.replacingOccurrences(of: "@", with: "_") }

    /// The variables in file order: the respondent's number, pairing key, school type and role; every answer (raw, as
    /// given: reverse items are not reversed here); every scale score (reversed, the mean of answered items);
    /// the total per aspect; the fidelity per tier. Free text is left out: it may name people.
    public static func codebook(_ q: Questionnaire, language: Language) -> [Variable] {
        let l = language
        func text(_ key: String) -> String { Catalogue.text(key, l) }
        var variables = [
            Variable(name: "respondent", label: text("codebook_respondent"), type: "numeric", values: "", scale: "", reverse: false),
            Variable(name: "pair_key", label: text("codebook_pair_key"), type: "string", values: "", scale: "", reverse: false),
            Variable(name: "school_type", label: text("codebook_school_type"), type: "string",
                     values: SchoolType.allCases.map(\.rawValue).joined(separator: " | "), scale: "", reverse: false),
            Variable(name: "role", label: text("codebook_role"), type: "string", values: "teacher | youthworker | student", scale: "", reverse: false),
        ]
        let labels = q.answerScale.labels.isEmpty ? "" : (q.answerScale.minimum...q.answerScale.maximum).enumerated().map { i, v in
            "\(v) = " + (i < q.answerScale.labels.count ? q.answerScale.labels[i].text(l) : String(v))
        }.joined(separator: " | ")
        for item in q.items where item.kind != .text {
            for (i, key) in q.answerKeys(of: item).enumerated() {
                let aspect = item.kind == .scaled ? q.aspects.map { " (" + $0[i].text.text(l) + ")" } ?? "" : ""
                switch item.kind {
                case .scaled:
                    variables.append(Variable(name: name(key), label: item.text.text(l) + aspect, type: "numeric", values: labels,
                                              scale: item.scale ?? "", reverse: item.reverse))
                case .fidelity:
                    variables.append(Variable(name: name(key), label: item.text.text(l), type: "numeric",
                                              values: (0...2).map { "\($0) = " + text("fidelity_answer_\($0)") }.joined(separator: " | "),
                                              scale: "tier\(item.tier ?? 0)", reverse: false))
                case .choice:
                    variables.append(Variable(name: name(key), label: item.text.text(l), type: "string",
                                              values: (item.choices ?? []).map { $0.code + " = " + $0.text.text(l) }.joined(separator: " | "),
                                              scale: "", reverse: false))
                case .text: break
                }
            }
        }
        for aspect in q.aspects.map({ $0.map { Optional($0) } }) ?? [nil] {
            for scale in q.scales {
                variables.append(Variable(name: "score_" + scale.code + (aspect.map { "_" + $0.code } ?? ""),
                                          label: Catalogue.text("codebook_score", l, [scale.name.text(l) + (aspect.map { " (" + $0.text.text(l) + ")" } ?? "")]),
                                          type: "numeric", values: "", scale: scale.code, reverse: false))
            }
            if let aspect {
                variables.append(Variable(name: "total_" + aspect.code, label: Catalogue.text("codebook_total", l, [aspect.text.text(l)]),
                                          type: "numeric", values: "", scale: "", reverse: false))
            }
        }
        for tier in Set(q.items.compactMap { $0.kind == .fidelity ? $0.tier : nil }).sorted() {
            variables.append(Variable(name: "fidelity_tier\(tier)", label: Catalogue.text("codebook_fidelity", l, [String(tier)]), type: "numeric",
                                      values: "", scale: "tier\(tier)", reverse: false))
        }
        return variables
    }

    /// The data rows, in the codebook's order. A school type with fewer respondents than `minimumCell` is left empty
    /// (missing), so no small group can be picked out. Numbers with a point, scores to four decimals; missing is empty.
    public static func rows(_ respondents: [Respondent], questionnaire q: Questionnaire, minimumCell: Int) -> [[String]] {
        let threshold = max(minimumCell, Suppression.minimumThreshold)
        var perType: [String: Int] = [:]
        for r in respondents { perType[r.schoolType, default: 0] += 1 }
        let keys = q.items.filter { $0.kind != .text }.flatMap { item in q.answerKeys(of: item).map { (item, $0) } }
        let tiers = Set(q.items.compactMap { $0.kind == .fidelity ? $0.tier : nil }).sorted()
        func score(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "" }
        return respondents.enumerated().map { i, r in
            var row = [String(i + 1), r.pairKey, (perType[r.schoolType] ?? 0) >= threshold ? r.schoolType : "", r.role]
            for (item, key) in keys {
                row.append(item.kind == .choice ? r.answers.choices[key] ?? "" : r.answers.values[key].map { String(Int($0)) } ?? "")
            }
            for aspect in q.aspects.map({ $0.map { Optional($0.code) } }) ?? [nil] {
                for scale in q.scales { row.append(score(QuestionnaireScoring.scaleScore(scale.code, answers: r.answers, questionnaire: q, aspect: aspect))) }
                if let aspect { row.append(score(QuestionnaireScoring.totalScore(answers: r.answers, questionnaire: q, aspect: aspect))) }
            }
            let fidelity = QuestionnaireScoring.fidelityPercent(r.answers, questionnaire: q)
            for tier in tiers { row.append(score(fidelity[tier] ?? nil)) }
            return row
        }
    }
}
