import Foundation

// MARK: - Editing a questionnaire on a form

/// A questionnaire as the editing form holds it: flat fields a browser posts without
/// script. Rows are numbered from 1: scales `s1_code`, `s1_nl`, `s1_en`; items
/// `i1_code`, `i1_kind`, `i1_scale`, `i1_nl`, `i1_en`, `i1_reverse`, `i1_optional`,
/// `i1_tier`, `i1_choices` and `i1_position`. A row left empty (no code and no text) is
/// not part of the questionnaire, so the form offers empty rows to add to and
/// clearing a row removes it. Choices and aspects are lines `code | Nederlands | English`;
/// the labels of the answer scale one per line, lowest first.
public enum QuestionnaireForm {
    /// Empty rows the form offers after the questionnaire's own.
    public static let spareScales = 3
    public static let spareItems = 5
    /// More rows than this are not read (a form can be posted by anything).
    public static let maxRows = 400

    /// The form's fields for a definition (to edit it, or to show a form again after a problem).
    public static func values(of q: Questionnaire) -> [String: String] {
        var form: [String: String] = [
            "code": q.code, "title_nl": q.title.nl, "title_en": q.title.en,
            "instructions_nl": q.instructions.nl, "instructions_en": q.instructions.en,
            "scale_min": String(q.answerScale.minimum), "scale_max": String(q.answerScale.maximum),
            "labels_nl": q.answerScale.labels.map(\.nl).joined(separator: "\n"),
            "labels_en": q.answerScale.labels.map(\.en).joined(separator: "\n"),
            "minimum_answered": percent(q.minimumAnswered),
            "aspects": lines(q.aspects ?? []),
        ]
        for (i, scale) in q.scales.enumerated() {
            let p = "s\(i + 1)_"
            form[p + "code"] = scale.code; form[p + "nl"] = scale.name.nl; form[p + "en"] = scale.name.en
        }
        for (i, item) in q.items.enumerated() {
            let p = "i\(i + 1)_"
            form[p + "code"] = item.code; form[p + "kind"] = item.kind.rawValue; form[p + "scale"] = item.scale ?? ""
            form[p + "nl"] = item.text.nl; form[p + "en"] = item.text.en
            if item.reverse { form[p + "reverse"] = "on" }
            if item.optional { form[p + "optional"] = "on" }
            form[p + "tier"] = item.tier.map(String.init) ?? ""
            form[p + "choices"] = lines(item.choices ?? [])
            form[p + "position"] = String(i + 1)
        }
        return form
    }

    /// Reads the form into a definition with `code` (fixed when a questionnaire is edited: a
    /// new code would be a new questionnaire) and checks it as an imported one is checked.
    /// Every problem names the form field it belongs to.
    public static func read(_ form: [String: String], code fixedCode: String? = nil) -> Validated<Questionnaire> {
        var problems: [FieldProblem] = []
        func text(_ key: String) -> String { (form[key] ?? "").trimmed }
        func checked(_ key: String) -> Bool { ["on", "true", "1"].contains(text(key)) }

        let minimum = Int(text("scale_min")), maximum = Int(text("scale_max"))
        if minimum == nil { problems.append(.init(field: "scale_min", key: "questionnaire_bad_number", arguments: [text("scale_min")])) }
        if maximum == nil { problems.append(.init(field: "scale_max", key: "questionnaire_bad_number", arguments: [text("scale_max")])) }
        let nlLabels = nonEmptyLines(text("labels_nl")), enLabels = nonEmptyLines(text("labels_en"))
        if !nlLabels.isEmpty && !enLabels.isEmpty && nlLabels.count != enLabels.count {
            problems.append(.init(field: "labels_en", key: "questionnaire_labels_differ", arguments: [String(nlLabels.count), String(enLabels.count)]))
        }
        let labels = (0..<max(nlLabels.count, enLabels.count)).map { i in
            BilingualText(nl: i < nlLabels.count ? nlLabels[i] : "", en: i < enLabels.count ? enLabels[i] : "")
        }
        var share = 0.5
        let shareText = text("minimum_answered").replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: ".").trimmed
        if !shareText.isEmpty {
            if let value = Double(shareText), (0...100).contains(value) { share = value / 100 }
            else { problems.append(.init(field: "minimum_answered", key: "questionnaire_bad_percent", arguments: [text("minimum_answered")])) }
        }
        var aspects: [QuestionChoice]? = nil
        switch choices(text("aspects")) {
        case .success(let read): aspects = read.isEmpty ? nil : read
        case .failure(let line): problems.append(.init(field: "aspects", key: "questionnaire_bad_line", arguments: [String(line.line)]))
        }

        // Scales and items in row order (items by their position first); the rows each kept one came from.
        var scaleRows: [Int] = [], scales: [QuestionScale] = []
        for n in rows("s", in: form) {
            let p = "s\(n)_"
            guard !(text(p + "code").isEmpty && text(p + "nl").isEmpty && text(p + "en").isEmpty) else { continue }
            scaleRows.append(n)
            scales.append(QuestionScale(code: text(p + "code"), name: BilingualText(nl: text(p + "nl"), en: text(p + "en"))))
        }
        var itemRows: [(row: Int, position: Double, item: QuestionItem)] = []
        for n in rows("i", in: form) {
            let p = "i\(n)_"
            guard !(text(p + "code").isEmpty && text(p + "nl").isEmpty && text(p + "en").isEmpty) else { continue }
            guard let kind = ItemKind(rawValue: text(p + "kind").isEmpty ? "scaled" : text(p + "kind")) else {
                problems.append(.init(field: p + "kind", key: "incident_bad_choice", arguments: [text(p + "kind")])); continue
            }
            var item = QuestionItem(code: text(p + "code"), text: BilingualText(nl: text(p + "nl"), en: text(p + "en")), kind: kind,
                                    reverse: kind == .scaled && checked(p + "reverse"), optional: checked(p + "optional"))
            switch kind {
            case .scaled: item.scale = text(p + "scale")
            case .fidelity:
                item.tier = Int(text(p + "tier"))
                if item.tier == nil { problems.append(.init(field: p + "tier", key: "questionnaire_bad_tier")) }
            case .choice:
                switch choices(text(p + "choices")) {
                case .success(let read): item.choices = read
                case .failure(let line): problems.append(.init(field: p + "choices", key: "questionnaire_bad_line", arguments: [String(line.line)]))
                }
            case .text: break
            }
            let position = Double(text(p + "position").replacingOccurrences(of: ",", with: ".")) ?? Double(n)
            itemRows.append((n, position, item))
        }
        itemRows.sort { ($0.position, $0.row) < ($1.position, $1.row) }

        let q = Questionnaire(code: fixedCode ?? text("code"), title: BilingualText(nl: text("title_nl"), en: text("title_en")),
                              instructions: BilingualText(nl: text("instructions_nl"), en: text("instructions_en")),
                              answerScale: AnswerScale(minimum: minimum ?? 1, maximum: maximum ?? 5, labels: labels),
                              scales: scales, items: itemRows.map(\.item), aspects: aspects, minimumAnswered: share)
        if case .failure(let found) = q.validated() {
            problems += found.map { FieldProblem(field: field(of: $0.field, scaleRows: scaleRows, itemRows: itemRows.map(\.row)),
                                                 key: $0.key, arguments: $0.arguments) }
        }
        // One message per field: the first is the one to act on.
        var seen = Set<String>()
        problems = problems.filter { seen.insert($0.field).inserted }
        return problems.isEmpty ? .success(q) : .failure(problems)
    }

    /// The form field of a place `Questionnaire.validated()` names (`items[3].scale` → `i7_scale` when the fourth item came from row 7).
    static func field(of place: String, scaleRows: [Int], itemRows: [Int]) -> String {
        func indexed(_ prefix: String) -> (Int, String)? {
            guard place.hasPrefix(prefix + "["), let close = place.firstIndex(of: "]"),
                  let i = Int(place[place.index(place.startIndex, offsetBy: prefix.count + 1)..<close]) else { return nil }
            let rest = place[place.index(after: close)...]
            return (i, rest.hasPrefix(".") ? String(rest.dropFirst()) : "")
        }
        if let (i, part) = indexed("items"), i < itemRows.count {
            let p = "i\(itemRows[i])_"
            switch part {
            case "text": return p + "nl"
            case "": return p + "code"
            default: return p + part
            }
        }
        if let (i, part) = indexed("scales"), i < scaleRows.count {
            return "s\(scaleRows[i])_" + (part == "name" ? "nl" : "code")
        }
        return placeFields[place] ?? place
    }

    /// Where a problem with the whole of a part shows on the form.
    static let placeFields = ["title": "title_nl", "answerScale": "scale_max", "answerScale.labels": "labels_nl",
                              "minimumAnswered": "minimum_answered", "items": "i1_code"]

    /// The row numbers of a kind present in the form (`s` or `i`), in order, at most `maxRows`.
    public static func rows(_ kind: String, in form: [String: String]) -> [Int] {
        var numbers = Set<Int>()
        for key in form.keys where key.hasPrefix(kind) {
            guard let underscore = key.firstIndex(of: "_"), let n = Int(key[key.index(after: key.startIndex)..<underscore]),
                  (1...maxRows).contains(n) else { continue }
            numbers.insert(n)
        }
        return numbers.sorted()
    }

    /// Lines `code | Nederlands | English`; the failing line's number when one has no code or no text.
    static func choices(_ text: String) -> Result<[QuestionChoice], LineError> {
        var read: [QuestionChoice] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmed }
            if parts.allSatisfy(\.isEmpty) { continue }
            guard parts.count >= 2, parts.count <= 3, !parts[0].isEmpty, !(parts[1].isEmpty && (parts.count < 3 || parts[2].isEmpty)) else {
                return .failure(LineError(line: i + 1))
            }
            read.append(QuestionChoice(code: parts[0], text: BilingualText(nl: parts[1], en: parts.count > 2 ? parts[2] : "")))
        }
        return .success(read)
    }

    public struct LineError: Error, CustomStringConvertible {
        public var line: Int
        public var description: String { String(line) }
    }

    static func lines(_ choices: [QuestionChoice]) -> String {
        choices.map { $0.code + " | " + $0.text.nl + ($0.text.en.isEmpty ? "" : " | " + $0.text.en) }.joined(separator: "\n")
    }

    static func nonEmptyLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
