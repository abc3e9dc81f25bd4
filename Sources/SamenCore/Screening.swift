import Foundation

// MARK: - Screening instruments

/// Who fills in a screening about a student.
public enum Informant: String, CaseIterable, Codable, Sendable {
    case teacher, student, parent
}

/// What a scale measures, so that dashboards can put internalising problems
/// (anxiety, withdrawal) beside externalising ones (disruptive behaviour).
public enum ScaleKind: String, CaseIterable, Codable, Sendable {
    case internalising, externalising, strengths, other
}

/// A screening instrument as a school or a region defines it: items on one
/// answer scale, grouped in scales, some reverse-scored, and score bands per
/// scale and informant. Stored as JSON; a round keeps the version it used.
public struct ScreeningInstrument: Codable, Sendable, Equatable {
    public struct Scale: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var kind: ScaleKind
        public init(code: String, name: String, kind: ScaleKind) { self.code = code; self.name = name; self.kind = kind }
    }

    public struct Item: Codable, Sendable, Equatable {
        public var text: String
        public var scale: String
        public var reversed: Bool
        public init(text: String, scale: String, reversed: Bool = false) { self.text = text; self.scale = scale; self.reversed = reversed }
    }

    /// Scores from `from` (inclusive) up to the next band's `from` of the same scale and informant.
    public struct Band: Codable, Sendable, Equatable {
        public var informant: Informant
        public var scale: String
        public var from: Double
        public var label: String
        public var atRisk: Bool
        public init(informant: Informant, scale: String, from: Double, label: String, atRisk: Bool) {
            self.informant = informant; self.scale = scale; self.from = from; self.label = label; self.atRisk = atRisk
        }
    }

    public var name: String
    public var description: String
    /// The answer labels, for the values 0, 1, … in order.
    public var answers: [String]
    public var scales: [Scale]
    public var items: [Item]
    public var bands: [Band]
    /// English texts for the instrument's own (Dutch) words, shown with the language switch.
    public var translations: [String: String]

    public init(name: String, description: String, answers: [String], scales: [Scale], items: [Item], bands: [Band], translations: [String: String] = [:]) {
        self.name = name; self.description = description; self.answers = answers; self.scales = scales; self.items = items; self.bands = bands
        self.translations = translations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        answers = try c.decode([String].self, forKey: .answers)
        scales = try c.decode([Scale].self, forKey: .scales)
        items = try c.decode([Item].self, forKey: .items)
        bands = try c.decode([Band].self, forKey: .bands)
        translations = try c.decodeIfPresent([String: String].self, forKey: .translations) ?? [:]
    }

    /// The highest answer value (the lowest is 0).
    public var maxAnswer: Int { answers.count - 1 }

    /// The informants this instrument has bands for.
    public var informants: [Informant] { Informant.allCases.filter { i in bands.contains { $0.informant == i } } }

    /// A text of the instrument in the reader's language (Dutch as entered, English where translated).
    public func text(_ original: String, _ language: Language) -> String {
        language == .en ? translations[original] ?? original : original
    }

    public func items(of scale: String) -> [Int] { items.indices.filter { items[$0].scale == scale } }

    /// The highest score a scale can reach.
    public func maxScore(of scale: String) -> Double { Double(items(of: scale).count * maxAnswer) }

    /// A scale's bands for an informant, lowest first.
    public func bands(of scale: String, informant: Informant) -> [Band] {
        bands.filter { $0.scale == scale && $0.informant == informant }.sorted { $0.from < $1.from }
    }

    /// The band a score falls in; nil below the lowest band.
    public func band(of scale: String, informant: Informant, score: Double) -> Band? {
        bands(of: scale, informant: informant).last { score >= $0.from - 1e-9 }
    }

    public static let maxItems = 60
    public static let maxScales = 10
    public static let maxAnswers = 7
}

// MARK: - Scoring

/// One scale's score for one rating.
public struct ScaleScore: Sendable, Equatable {
    public var scale: String
    /// The sum of the item scores (reverse-scored items turned round); with
    /// missing items, the mean of the answered ones times the item count.
    /// Nil when fewer than two thirds of the scale's items were answered.
    public var score: Double?
    public var answered: Int
    public var items: Int
    public var band: ScreeningInstrument.Band?
}

public enum ScreeningScoring {
    /// Whether enough of a scale's items were answered to score it: at least two thirds.
    public static func enough(answered: Int, of items: Int) -> Bool {
        items > 0 && answered * 3 >= items * 2
    }

    /// The scores of one rating: `answers` holds one value per item (nil: not answered).
    public static func scores(_ instrument: ScreeningInstrument, answers: [Int?], informant: Informant) -> [ScaleScore] {
        instrument.scales.map { scale in
            let indices = instrument.items(of: scale.code)
            let values: [Int] = indices.compactMap { i in
                guard i < answers.count, let a = answers[i] else { return nil }
                return instrument.items[i].reversed ? instrument.maxAnswer - a : a
            }
            guard enough(answered: values.count, of: indices.count) else {
                return ScaleScore(scale: scale.code, score: nil, answered: values.count, items: indices.count, band: nil)
            }
            let sum = Double(values.reduce(0, +))
            let raw = values.count == indices.count ? sum : sum / Double(values.count) * Double(indices.count)
            // One decimal is all a prorated score can claim.
            let score = (raw * 10).rounded() / 10
            return ScaleScore(scale: scale.code, score: score, answered: values.count, items: indices.count,
                              band: instrument.band(of: scale.code, informant: informant, score: score))
        }
    }

    /// Findings for a rating: one per scale whose score falls in an at-risk band.
    public static func findings(_ instrument: ScreeningInstrument, scores: [ScaleScore], date: LocalDate) -> [RuleFinding] {
        scores.compactMap { s in
            guard let score = s.score, let band = s.band, band.atRisk,
                  let scale = instrument.scales.first(where: { $0.code == s.scale }) else { return nil }
            return RuleFinding(rule: .screeningAtRisk, date: date, figures: [scale.name, format(score), band.label])
        }
    }

    /// A score as people write it: "7" or "6.5".
    public static func format(_ score: Double) -> String {
        score == score.rounded() ? String(Int(score)) : String(format: "%.1f", score)
    }

    /// Reads one rating's answers from text values ("" is not answered).
    public static func read(_ instrument: ScreeningInstrument, values: [String]) -> Validated<[Int?]> {
        var answers: [Int?] = []
        for (i, text) in values.enumerated() {
            let t = text.trimmed
            if t.isEmpty { answers.append(nil); continue }
            guard let n = Int(t), (0...instrument.maxAnswer).contains(n) else {
                return .failure([FieldProblem(field: "item\(i + 1)", key: "screening_bad_answer", arguments: [String(i + 1), t, String(instrument.maxAnswer)])])
            }
            answers.append(n)
        }
        return .success(answers)
    }
}

// MARK: - Checking a definition

extension ScreeningInstrument {
    /// Checks a definition, naming every problem by row: `scale2_code`, `item4_scale`, `band3_from` (rows count from 1).
    public func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        let name = self.name.trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        if name.count > 120 { problems.append(.init(field: "name", key: "import_too_long", arguments: ["120"])) }
        if description.count > 2000 { problems.append(.init(field: "description", key: "import_too_long", arguments: ["2000"])) }
        let answers = self.answers.map(\.trimmed)
        if answers.count < 2 || answers.count > Self.maxAnswers || answers.contains(where: \.isEmpty) {
            problems.append(.init(field: "answers", key: "screening_bad_answers", arguments: [String(Self.maxAnswers)]))
        }
        if scales.isEmpty { problems.append(.init(field: "scale1_code", key: "screening_no_scales")) }
        if scales.count > Self.maxScales { problems.append(.init(field: "scales", key: "screening_too_many", arguments: [String(Self.maxScales)])) }
        var codes: Set<String> = []
        for (i, scale) in scales.enumerated() {
            let row = String(i + 1)
            if !Self.isCode(scale.code) { problems.append(.init(field: "scale\(row)_code", key: "screening_bad_code", arguments: [row, scale.code])) }
            else if !codes.insert(scale.code).inserted { problems.append(.init(field: "scale\(row)_code", key: "screening_duplicate_code", arguments: [row, scale.code])) }
            if scale.name.trimmed.isEmpty || scale.name.count > 80 { problems.append(.init(field: "scale\(row)_name", key: "screening_bad_scale_name", arguments: [row])) }
        }
        if items.isEmpty { problems.append(.init(field: "item1_text", key: "screening_no_items")) }
        if items.count > Self.maxItems { problems.append(.init(field: "items", key: "screening_too_many", arguments: [String(Self.maxItems)])) }
        for (i, item) in items.enumerated() {
            let row = String(i + 1)
            if item.text.trimmed.isEmpty || item.text.count > 200 { problems.append(.init(field: "item\(row)_text", key: "screening_bad_item_text", arguments: [row])) }
            if !codes.contains(item.scale) { problems.append(.init(field: "item\(row)_scale", key: "screening_unknown_scale", arguments: [row, item.scale])) }
        }
        for scale in scales where codes.contains(scale.code) && items(of: scale.code).isEmpty {
            problems.append(.init(field: "items", key: "screening_scale_without_items", arguments: [scale.code]))
        }
        var seen: Set<String> = []
        for (i, band) in bands.enumerated() {
            let row = String(i + 1)
            if !codes.contains(band.scale) { problems.append(.init(field: "band\(row)_scale", key: "screening_unknown_scale", arguments: [row, band.scale])); continue }
            let top = maxScore(of: band.scale)
            if !band.from.isFinite || band.from < 0 || band.from > top {
                problems.append(.init(field: "band\(row)_from", key: "screening_bad_band_from", arguments: [row, ScreeningScoring.format(band.from), ScreeningScoring.format(top)]))
            }
            if band.label.trimmed.isEmpty || band.label.count > 40 { problems.append(.init(field: "band\(row)_label", key: "screening_bad_band_label", arguments: [row])) }
            if !seen.insert("\(band.informant.rawValue) \(band.scale) \(band.from)").inserted {
                problems.append(.init(field: "band\(row)_from", key: "screening_duplicate_band", arguments: [row]))
            }
        }
        if bands.isEmpty { problems.append(.init(field: "band1_scale", key: "screening_no_bands")) }
        // Every informant with bands has them for every scale, starting at 0, so each score lands in a band.
        for informant in informants {
            for scale in scales where codes.contains(scale.code) {
                let list = bands(of: scale.code, informant: informant)
                if list.isEmpty || list[0].from > 0 {
                    problems.append(.init(field: "bands", key: "screening_bands_incomplete", arguments: [scale.code, informant.rawValue]))
                }
            }
        }
        return problems
    }

    static func isCode(_ code: String) -> Bool {
        (1...12).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// A definition from the editor's form: rows `scaleN_*`, `itemN_*`, `bandN_*` (N from 1); empty rows are skipped.
    public static func read(form: [String: String]) -> Validated<ScreeningInstrument> {
        func value(_ key: String) -> String { (form[key] ?? "").trimmed }
        func rows(_ prefix: String, _ fields: [String]) -> [Int] {
            let numbers = Set(form.keys.compactMap { key -> Int? in
                guard key.hasPrefix(prefix), let underscore = key.firstIndex(of: "_") else { return nil }
                return Int(key[key.index(key.startIndex, offsetBy: prefix.count)..<underscore])
            })
            return numbers.sorted().filter { n in fields.contains { !value("\(prefix)\(n)_\($0)").isEmpty } }
        }
        var problems: [FieldProblem] = []
        let scales = rows("scale", ["code", "name"]).map { n in
            Scale(code: value("scale\(n)_code"), name: value("scale\(n)_name"), kind: ScaleKind(rawValue: value("scale\(n)_kind")) ?? .other)
        }
        let items = rows("item", ["text"]).map { n in
            Item(text: value("item\(n)_text"), scale: value("item\(n)_scale"), reversed: !value("item\(n)_reversed").isEmpty)
        }
        var bands: [Band] = []
        for n in rows("band", ["scale", "from", "label"]) {
            let fromText = value("band\(n)_from").replacingOccurrences(of: ",", with: ".")
            guard let from = Double(fromText), let informant = Informant(rawValue: value("band\(n)_informant")) else {
                problems.append(.init(field: "band\(n)_from", key: "screening_bad_band_from_text", arguments: [String(n), value("band\(n)_from")]))
                continue
            }
            bands.append(Band(informant: informant, scale: value("band\(n)_scale"), from: from, label: value("band\(n)_label"),
                              atRisk: !value("band\(n)_risk").isEmpty))
        }
        let answers = (form["answers"] ?? "").split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }
        var translations: [String: String] = [:]
        if let json = form["translations"], let data = json.data(using: .utf8), let parsed = try? JSONDecoder().decode([String: String].self, from: data) {
            translations = parsed
        }
        let instrument = ScreeningInstrument(name: value("name"), description: value("description"), answers: answers, scales: scales,
                                             items: items, bands: bands, translations: translations)
        problems += instrument.problems()
        return problems.isEmpty ? .success(instrument) : .failure(problems)
    }

    /// The editor's form values for this definition, with `spare` empty rows after each list.
    public func formValues(spare: Int = 3) -> [String: String] {
        var values: [String: String] = ["name": name, "description": description, "answers": answers.joined(separator: "\n")]
        for (i, s) in scales.enumerated() {
            values["scale\(i + 1)_code"] = s.code; values["scale\(i + 1)_name"] = s.name; values["scale\(i + 1)_kind"] = s.kind.rawValue
        }
        for (i, item) in items.enumerated() {
            values["item\(i + 1)_text"] = item.text; values["item\(i + 1)_scale"] = item.scale; values["item\(i + 1)_reversed"] = item.reversed ? "on" : ""
        }
        for (i, b) in bands.enumerated() {
            values["band\(i + 1)_informant"] = b.informant.rawValue; values["band\(i + 1)_scale"] = b.scale
            values["band\(i + 1)_from"] = ScreeningScoring.format(b.from); values["band\(i + 1)_label"] = b.label; values["band\(i + 1)_risk"] = b.atRisk ? "on" : ""
        }
        if !translations.isEmpty, let data = try? JSONEncoder().encode(translations) { values["translations"] = String(decoding: data, as: UTF8.self) }
        return values
    }
}

// MARK: - Rounds

/// A screening round's fields, validated.
public struct ScreeningRoundFields: Sendable, Equatable {
    public var name: String
    public var opens: LocalDate
    public var closes: LocalDate
    public init(name: String, opens: LocalDate, closes: LocalDate) { self.name = name; self.opens = opens; self.closes = closes }

    public static func validate(name: String, opens: String, closes: String) -> Validated<ScreeningRoundFields> {
        var problems: [FieldProblem] = []
        let name = name.trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        if name.count > 80 { problems.append(.init(field: "name", key: "import_too_long", arguments: ["80"])) }
        let opensOn = LocalDate.parse(opens)
        if opensOn == nil { problems.append(.init(field: "opens_on", key: opens.trimmed.isEmpty ? "import_required" : "import_bad_date", arguments: [opens])) }
        let closesOn = LocalDate.parse(closes)
        if closesOn == nil { problems.append(.init(field: "closes_on", key: closes.trimmed.isEmpty ? "import_required" : "import_bad_date", arguments: [closes])) }
        else if let opensOn, let closesOn, closesOn < opensOn { problems.append(.init(field: "closes_on", key: "screening_closes_before_opens")) }
        else if let opensOn, let closesOn, closesOn.dayNumber - opensOn.dayNumber > 92 { problems.append(.init(field: "closes_on", key: "screening_round_too_long")) }
        guard problems.isEmpty, let opensOn, let closesOn else { return .failure(problems) }
        return .success(ScreeningRoundFields(name: name, opens: opensOn, closes: closesOn))
    }
}

/// Students of a round by what their scores say, for the side-by-side view:
/// internalising problems must not stay invisible behind disruptive behaviour.
public struct ScreeningOverview: Sendable, Equatable {
    public var rated = 0
    public var internalisingOnly = 0
    public var externalisingOnly = 0
    public var both = 0
    public var neither = 0

    public init() {}

    /// `risks` holds, per rated student, whether any internalising and any externalising scale is at risk.
    public init(_ risks: [(internalising: Bool, externalising: Bool)]) {
        for r in risks {
            rated += 1
            switch (r.internalising, r.externalising) {
            case (true, true): both += 1
            case (true, false): internalisingOnly += 1
            case (false, true): externalisingOnly += 1
            case (false, false): neither += 1
            }
        }
    }
}

// MARK: - The example instrument

extension ScreeningInstrument {
    /// The example instrument shipped with Samen. Its items were written for
    /// Samen; it is not SDQ, SAEBRS, SCOL or any other published, licensed
    /// instrument, and it has no norms: its bands are a starting point for a
    /// school to adjust.
    public static let example = ScreeningInstrument(
        name: "Samen-signaleringslijst welbevinden",
        description: "Voorbeeldinstrument, geschreven voor Samen: geen SDQ, SAEBRS of SCOL en niet genormeerd. Denk aan de afgelopen vier weken.",
        answers: ["Klopt niet", "Klopt een beetje", "Klopt helemaal"],
        scales: [
            Scale(code: "INT", name: "Teruggetrokken en gespannen", kind: .internalising),
            Scale(code: "EXT", name: "Onrustig en botsend", kind: .externalising),
            Scale(code: "STR", name: "Verbinding", kind: .strengths),
        ],
        items: [
            Item(text: "Lijkt vaak zorgen te hebben of gespannen te zijn", scale: "INT"),
            Item(text: "Trekt zich terug uit het groepsgebeuren", scale: "INT"),
            Item(text: "Oogt somber of verdrietig", scale: "INT"),
            Item(text: "Klaagt over buikpijn, hoofdpijn of moeheid", scale: "INT"),
            Item(text: "Durft in de klas iets te vragen of te zeggen", scale: "INT", reversed: true),
            Item(text: "Verstoort de les met praten of bewegen", scale: "EXT"),
            Item(text: "Raakt snel in conflict met klasgenoten", scale: "EXT"),
            Item(text: "Reageert boos als iets niet lukt", scale: "EXT"),
            Item(text: "Houdt zich aan de afspraken in de klas", scale: "EXT", reversed: true),
            Item(text: "Handelt voordat hij of zij nadenkt", scale: "EXT"),
            Item(text: "Heeft minstens één vriend of vriendin in de groep", scale: "STR"),
            Item(text: "Helpt anderen uit zichzelf", scale: "STR"),
        ],
        bands: [Informant.teacher, .student, .parent].flatMap { informant in
            // Informants see different sides of a child; teachers report fewer internalising worries, so their cut-off lies lower.
            let intRisk: Double = informant == .teacher ? 6 : 7
            return [
                Band(informant: informant, scale: "INT", from: 0, label: "Geen zorg", atRisk: false),
                Band(informant: informant, scale: "INT", from: intRisk - 2, label: "Let op", atRisk: false),
                Band(informant: informant, scale: "INT", from: intRisk, label: "Zorg", atRisk: true),
                Band(informant: informant, scale: "EXT", from: 0, label: "Geen zorg", atRisk: false),
                Band(informant: informant, scale: "EXT", from: 5, label: "Let op", atRisk: false),
                Band(informant: informant, scale: "EXT", from: 7, label: "Zorg", atRisk: true),
                Band(informant: informant, scale: "STR", from: 0, label: "Weinig verbinding", atRisk: false),
                Band(informant: informant, scale: "STR", from: 2, label: "Verbonden", atRisk: false),
            ]
        },
        translations: [
            "Samen-signaleringslijst welbevinden": "Samen well-being screening list",
            "Voorbeeldinstrument, geschreven voor Samen: geen SDQ, SAEBRS of SCOL en niet genormeerd. Denk aan de afgelopen vier weken.":
                "Example instrument written for Samen: not SDQ, SAEBRS or SCOL, and without norms. Think of the last four weeks.",
            "Klopt niet": "Not true", "Klopt een beetje": "Somewhat true", "Klopt helemaal": "Certainly true",
            "Teruggetrokken en gespannen": "Withdrawn and tense", "Onrustig en botsend": "Restless and clashing", "Verbinding": "Connection",
            "Lijkt vaak zorgen te hebben of gespannen te zijn": "Often seems worried or tense",
            "Trekt zich terug uit het groepsgebeuren": "Withdraws from what the group does",
            "Oogt somber of verdrietig": "Looks low or sad",
            "Klaagt over buikpijn, hoofdpijn of moeheid": "Complains of stomach aches, headaches or tiredness",
            "Durft in de klas iets te vragen of te zeggen": "Dares to ask or say something in class",
            "Verstoort de les met praten of bewegen": "Disrupts the lesson by talking or moving about",
            "Raakt snel in conflict met klasgenoten": "Gets into conflicts with classmates quickly",
            "Reageert boos als iets niet lukt": "Reacts angrily when something does not work out",
            "Houdt zich aan de afspraken in de klas": "Keeps to the class agreements",
            "Handelt voordat hij of zij nadenkt": "Acts before thinking",
            "Heeft minstens één vriend of vriendin in de groep": "Has at least one friend in the group",
            "Helpt anderen uit zichzelf": "Helps others unasked",
            "Geen zorg": "No concern", "Let op": "Watch", "Zorg": "Concern", "Weinig verbinding": "Little connection", "Verbonden": "Connected",
        ])
}

// MARK: - Demo ratings

public enum DemoScreening {
    /// A teacher's answers on the example instrument for a student with this
    /// many incidents this school year: externalising scores follow the
    /// incidents; internalising ones do not (about one student in twelve
    /// worries a lot, whatever their behaviour), as in the seeds.
    public static func answers(incidents: Int, rng: inout SeededGenerator) -> [Int?] {
        let x = Double.random(in: 0..<1, using: &rng)
        let internalising = x < 0.08 ? 1.45 : (x < 0.22 ? 0.85 : 0.2)
        let y = Double.random(in: 0..<1, using: &rng)
        let externalising = min(1.7, (y < 0.06 ? 1.3 : (y < 0.2 ? 0.7 : 0.15)) + 0.3 * Double(incidents)) + Double.random(in: -0.15...0.15, using: &rng)
        let strength = Double.random(in: 0.9...1.9, using: &rng) - internalising * 0.3
        func answer(_ level: Double, reversed: Bool) -> Int? {
            let v = level + Double.random(in: -0.55...0.55, using: &rng)
            let a = v < 0.55 ? 0 : (v < 1.25 ? 1 : 2)
            return reversed ? 2 - a : a
        }
        return ScreeningInstrument.example.items.map { item in
            switch item.scale {
            case "INT": return answer(internalising, reversed: item.reversed)
            case "EXT": return answer(externalising, reversed: item.reversed)
            default: return answer(strength, reversed: false)
            }
        }
    }
}
