import Foundation
import SamenStats

// MARK: - Questionnaires of the evaluation line: definition, answers, scoring

/// How an item is answered.
public enum ItemKind: String, Codable, Sendable, CaseIterable {
    /// On the questionnaire's answer scale (e.g. 1–5 Likert); counts towards its scale.
    case scaled
    /// One of the item's choices (e.g. the collaboration model).
    case choice
    /// Free text; never scored.
    case text
    /// 0 not in place, 1 partly, 2 fully: a fidelity self-assessment point of a tier.
    case fidelity
}

/// The points of the answer scale with their labels (`labels[0]` for `minimum`).
public struct AnswerScale: Codable, Sendable, Equatable {
    public var minimum: Int
    public var maximum: Int
    public var labels: [BilingualText]

    public init(minimum: Int, maximum: Int, labels: [BilingualText]) { self.minimum = minimum; self.maximum = maximum; self.labels = labels }

    /// The usual five-point agreement scale.
    public static let agreement = AnswerScale(minimum: 1, maximum: 5, labels: [
        BilingualText(nl: "Helemaal mee oneens", en: "Strongly disagree"), BilingualText(nl: "Mee oneens", en: "Disagree"),
        BilingualText(nl: "Neutraal", en: "Neutral"), BilingualText(nl: "Mee eens", en: "Agree"),
        BilingualText(nl: "Helemaal mee eens", en: "Strongly agree"),
    ])
}

public struct QuestionChoice: Codable, Sendable, Equatable {
    public var code: String
    public var text: BilingualText
    public init(code: String, text: BilingualText) { self.code = code; self.text = text }
}

public struct QuestionItem: Codable, Sendable, Equatable {
    public var code: String
    public var text: BilingualText
    public var kind: ItemKind
    /// The scale a scaled item counts towards.
    public var scale: String?
    public var reverse: Bool
    public var optional: Bool
    public var choices: [QuestionChoice]?
    /// The tier a fidelity point belongs to (1, 2, 3).
    public var tier: Int?

    public init(code: String, text: BilingualText, kind: ItemKind = .scaled, scale: String? = nil, reverse: Bool = false, optional: Bool = false,
                choices: [QuestionChoice]? = nil, tier: Int? = nil) {
        self.code = code; self.text = text; self.kind = kind; self.scale = scale; self.reverse = reverse; self.optional = optional
        self.choices = choices; self.tier = tier
    }
}

public struct QuestionScale: Codable, Sendable, Equatable {
    public var code: String
    public var name: BilingualText
    public init(code: String, name: BilingualText) { self.code = code; self.name = name }
}

/// A questionnaire as a researcher defines it: the JSON of `docs/evaluation.md`.
public struct Questionnaire: Codable, Sendable, Equatable {
    public var code: String
    public var version: Int
    public var title: BilingualText
    public var instructions: BilingualText
    public var answerScale: AnswerScale
    public var scales: [QuestionScale]
    public var items: [QuestionItem]
    /// When set, every scaled item is asked once per aspect (the competence scan: desired, actual);
    /// an answer's key is then `code@aspect`.
    public var aspects: [QuestionChoice]?
    /// The share of a scale's items a respondent must have answered for a scale score (0–1).
    public var minimumAnswered: Double

    public init(code: String, version: Int = 1, title: BilingualText, instructions: BilingualText, answerScale: AnswerScale = .agreement,
                scales: [QuestionScale], items: [QuestionItem], aspects: [QuestionChoice]? = nil, minimumAnswered: Double = 0.5) {
        self.code = code; self.version = version; self.title = title; self.instructions = instructions; self.answerScale = answerScale
        self.scales = scales; self.items = items; self.aspects = aspects; self.minimumAnswered = minimumAnswered
    }

    /// The keys answers are stored under: the item's code, or `code@aspect` for each aspect of a scaled item.
    public func answerKeys(of item: QuestionItem) -> [String] {
        guard item.kind == .scaled, let aspects, !aspects.isEmpty else { return [item.code] }
        return aspects.map { item.code + "@" + $0.code }
    }

    public func items(of scale: String) -> [QuestionItem] { items.filter { $0.kind == .scaled && $0.scale == scale } }

    /// A code: a lowercase letter, then up to 39 lowercase letters, digits or `_`.
    static func isCode(_ text: String) -> Bool {
        guard let first = text.utf8.first, (97...122).contains(first), text.utf8.count <= 40 else { return false }
        return text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// Checks a definition (written by hand or imported): codes of lowercase letters, digits and `_`, unique; every scaled item
    /// in a declared scale; choices only and always on choice items (two or more); tiers 1–3 on fidelity items; an answer scale of
    /// 2 to 11 points with a label for each point or none; texts present in at least one language; a share between 0 and 1.
    public func validated() -> Validated<Questionnaire> {
        var problems: [FieldProblem] = []
        func add(_ field: String, _ key: String, _ arguments: [String] = []) { problems.append(.init(field: field, key: key, arguments: arguments)) }
        func present(_ t: BilingualText) -> Bool { !t.nl.trimmed.isEmpty || !t.en.trimmed.isEmpty }
        if !Self.isCode(code) { add("code", "questionnaire_bad_code", [code]) }
        if version < 1 { add("version", "questionnaire_bad_version") }
        if !present(title) { add("title", "import_required") }
        let points = answerScale.maximum - answerScale.minimum + 1
        if points < 2 || points > 11 { add("answerScale", "questionnaire_bad_answer_scale") }
        if !answerScale.labels.isEmpty && answerScale.labels.count != points { add("answerScale.labels", "questionnaire_bad_labels", [String(max(points, 0))]) }
        if !(0...1).contains(minimumAnswered) { add("minimumAnswered", "questionnaire_bad_share") }
        var scaleCodes = Set<String>()
        for (i, scale) in scales.enumerated() {
            if !Self.isCode(scale.code) || !scaleCodes.insert(scale.code).inserted { add("scales[\(i)].code", "questionnaire_bad_code", [scale.code]) }
            if !present(scale.name) { add("scales[\(i)].name", "import_required") }
        }
        var itemCodes = Set<String>()
        if items.isEmpty { add("items", "questionnaire_no_items") }
        for (i, item) in items.enumerated() {
            let field = "items[\(i)]"
            if !Self.isCode(item.code) || !itemCodes.insert(item.code).inserted { add(field + ".code", "questionnaire_bad_code", [item.code]) }
            if !present(item.text) { add(field + ".text", "import_required") }
            switch item.kind {
            case .scaled:
                if item.scale.map({ !scaleCodes.contains($0) }) ?? true { add(field + ".scale", "questionnaire_unknown_scale", [item.scale ?? ""]) }
            case .choice:
                let codes = (item.choices ?? []).map(\.code)
                if codes.count < 2 || Set(codes).count != codes.count { add(field + ".choices", "questionnaire_bad_choices") }
            case .fidelity:
                if !(1...3).contains(item.tier ?? 0) { add(field + ".tier", "questionnaire_bad_tier") }
            case .text: break
            }
            if item.kind != .choice && item.choices != nil { add(field + ".choices", "questionnaire_bad_choices") }
            if item.reverse && item.kind != .scaled { add(field + ".reverse", "questionnaire_reverse_scaled_only") }
        }
        if let aspects, aspects.count < 2 || Set(aspects.map(\.code)).count != aspects.count { add("aspects", "questionnaire_bad_choices") }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(self)
    }
}

/// One respondent's answers: scaled and fidelity answers as numbers, choices as their code, texts as text.
public struct QuestionnaireAnswers: Codable, Sendable, Equatable {
    public var values: [String: Double]
    public var choices: [String: String]
    public var texts: [String: String]

    public init(values: [String: Double] = [:], choices: [String: String] = [:], texts: [String: String] = [:]) {
        self.values = values; self.choices = choices; self.texts = texts
    }

    public static let maxText = 2_000

    /// The answers as the response form shows them again (to resume).
    public var form: [String: String] {
        var form = texts.merging(choices) { a, _ in a }
        for (key, value) in values { form[key] = String(Int(value)) }
        return form
    }

    public var isEmpty: Bool { values.isEmpty && choices.isEmpty && texts.isEmpty }

    /// Reads a response form (keys as `Questionnaire.answerKeys`). Saving as you go accepts any subset;
    /// submitting (`complete`) also needs every item that is not optional.
    public static func read(form: [String: String], questionnaire q: Questionnaire, complete: Bool) -> Validated<QuestionnaireAnswers> {
        var answers = QuestionnaireAnswers(), problems: [FieldProblem] = []
        for item in q.items {
            for key in q.answerKeys(of: item) {
                let raw = (form[key] ?? "").trimmed
                if raw.isEmpty {
                    if complete && !item.optional { problems.append(.init(field: key, key: "answer_required")) }
                    continue
                }
                switch item.kind {
                case .scaled, .fidelity:
                    let range = item.kind == .fidelity ? 0...2 : q.answerScale.minimum...q.answerScale.maximum
                    guard let n = Int(raw), range.contains(n) else {
                        problems.append(.init(field: key, key: "answer_out_of_range", arguments: [String(range.lowerBound), String(range.upperBound)]))
                        continue
                    }
                    answers.values[key] = Double(n)
                case .choice:
                    guard item.choices?.contains(where: { $0.code == raw }) == true else { problems.append(.init(field: key, key: "answer_bad_choice")); continue }
                    answers.choices[key] = raw
                case .text:
                    if raw.count > maxText { problems.append(.init(field: key, key: "import_too_long", arguments: [String(maxText)])); continue }
                    answers.texts[key] = raw
                }
            }
        }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(answers)
    }
}

/// Scale scores, fidelity percentages and reliability, the way the reports read them.
public enum QuestionnaireScoring {
    /// A respondent's score on a scale: the mean of the answered items (reverse items reversed on the answer scale),
    /// or nil when fewer than the questionnaire's minimum share of the scale's items was answered.
    /// `aspect` picks the answers of one aspect (desired, actual) of a twice-asked questionnaire.
    public static func scaleScore(_ scale: String, answers: QuestionnaireAnswers, questionnaire q: Questionnaire, aspect: String? = nil) -> Double? {
        meanOfAnswered(q.items(of: scale).map { item in (aspect.map { item.code + "@" + $0 } ?? item.code, item.reverse) }, answers: answers,
                       minimumShare: q.minimumAnswered, low: Double(q.answerScale.minimum), high: Double(q.answerScale.maximum))
    }

    /// Every scale's score for one respondent (nil where too little was answered).
    public static func scores(_ answers: QuestionnaireAnswers, questionnaire q: Questionnaire, aspect: String? = nil) -> [String: Double?] {
        Dictionary(uniqueKeysWithValues: q.scales.map { ($0.code, scaleScore($0.code, answers: answers, questionnaire: q, aspect: aspect)) })
    }

    /// The fidelity self-assessment: per tier the points scored of the points possible (2 per answered item), as a percentage;
    /// nil for a tier without answered items.
    public static func fidelityPercent(_ answers: QuestionnaireAnswers, questionnaire q: Questionnaire) -> [Int: Double?] {
        fidelityPercent(answers, tiers: fidelityTiers(q))
    }

    /// The fidelity points of each tier, worked out once for scoring many respondents.
    public static func fidelityTiers(_ q: Questionnaire) -> [(tier: Int, codes: [String])] {
        Set(q.items.compactMap { $0.kind == .fidelity ? $0.tier : nil }).sorted().map { tier in
            (tier, q.items.filter { $0.kind == .fidelity && $0.tier == tier }.map(\.code))
        }
    }

    public static func fidelityPercent(_ answers: QuestionnaireAnswers, tiers: [(tier: Int, codes: [String])]) -> [Int: Double?] {
        var result: [Int: Double?] = [:]
        for (tier, codes) in tiers {
            let scored = codes.compactMap { answers.values[$0] }
            result[tier] = scored.isEmpty ? nil : 100 * scored.reduce(0, +) / (2 * Double(scored.count))
        }
        return result
    }

    /// Reliability of a scale over a wave's respondents (SamenStats' Cronbach's alpha, listwise, reverse items reversed),
    /// or the condition that stopped it (too few respondents or items, no variance).
    public static func reliability(_ scale: String, responses: [QuestionnaireAnswers], questionnaire q: Questionnaire,
                                   aspect: String? = nil) -> Result<CronbachAlpha, StatsCondition> {
        let items = q.items(of: scale)
        let keys = items.map { item in aspect.map { item.code + "@" + $0 } ?? item.code }
        let matrix = responses.map { r in keys.map { r.values[$0] } }
        let reversed = Set(items.enumerated().filter(\.element.reverse).map(\.offset))
        do {
            return .success(try CronbachAlpha(answers: matrix, labels: items.map(\.code), reversed: reversed,
                                              minimum: Double(q.answerScale.minimum), maximum: Double(q.answerScale.maximum)))
        } catch {
            return .failure(error)
        }
    }

    /// Below this alpha a report warns that the scale is not reliable enough to compare groups on.
    public static let alphaWarning = 0.70
}

extension Questionnaire {
    /// Reads a definition file: JSON as `docs/evaluation.md` describes, then `validated()`. A file that is not such JSON
    /// is refused with the place in the document (`items[3].kind`) and what was wrong there.
    public static func read(json bytes: [UInt8]) -> Validated<Questionnaire> {
        guard !bytes.isEmpty else { return .failure([.init(field: "definition", key: "import_no_file")]) }
        guard bytes.count <= 1_000_000 else { return .failure([.init(field: "definition", key: "questionnaire_too_large")]) }
        do {
            return try JSONDecoder().decode(Questionnaire.self, from: Data(bytes)).validated()
        } catch let DecodingError.keyNotFound(key, context) {
            return .failure([.init(field: "definition", key: "questionnaire_json_missing", arguments: [path(context.codingPath + [key])])])
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            return .failure([.init(field: "definition", key: "questionnaire_json_type", arguments: [path(context.codingPath)])])
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            return .failure([.init(field: "definition", key: "questionnaire_json_value", arguments: [path(context.codingPath)])])
        } catch {
            return .failure([.init(field: "definition", key: "questionnaire_not_json")])
        }
    }

    /// `items[3].kind` from a decoding path.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }
}
