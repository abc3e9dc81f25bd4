import Foundation
import SamenCore
import Testing

@Suite("Screening: instruments, scoring, bands and the at-risk rule")
struct ScreeningTests {
    let example = ScreeningInstrument.example

    /// Answers for the example: internalising items, externalising items, strength items.
    func answers(_ int: [Int?], _ ext: [Int?], _ str: [Int?] = [2, 2]) -> [Int?] { int + ext + str }

    func score(_ scores: [ScaleScore], _ scale: String) -> ScaleScore { scores.first { $0.scale == scale }! }

    @Test("A scale's score is the sum of its items, reverse-scored items turned round")
    func sums() {
        // Item 5 (INT) and item 9 (EXT) are reverse-scored: answering 0 counts 2.
        let scores = ScreeningScoring.scores(example, answers: answers([2, 1, 1, 0, 0], [0, 0, 0, 2, 0]), informant: .teacher)
        #expect(score(scores, "INT").score == 6)
        #expect(score(scores, "EXT").score == 0)
        #expect(score(scores, "STR").score == 4)
    }

    @Test("Missing items: scored from two thirds answered (the mean times the item count), not below")
    func missing() {
        // 4 of 5 answered: mean 1.5 times 5 = 7.5.
        let four = ScreeningScoring.scores(example, answers: answers([2, 1, 2, nil, 1], [0, 0, 0, 2, 0]), informant: .teacher)
        #expect(score(four, "INT").score == 7.5)
        #expect(score(four, "INT").answered == 4)
        // 3 of 5 is less than two thirds: not scored, no band.
        let three = ScreeningScoring.scores(example, answers: answers([2, 2, 2, nil, nil], [0, 0, 0, 2, 0]), informant: .teacher)
        #expect(score(three, "INT").score == nil && score(three, "INT").band == nil)
        #expect(ScreeningScoring.enough(answered: 2, of: 3) && !ScreeningScoring.enough(answered: 1, of: 2) && !ScreeningScoring.enough(answered: 0, of: 0))
    }

    @Test("Bands by lower bound, per informant: the teacher's internalising cut-off lies lower than the parent's")
    func bands() {
        #expect(example.band(of: "INT", informant: .teacher, score: 5.9)?.label == "Let op")
        #expect(example.band(of: "INT", informant: .teacher, score: 6)?.label == "Zorg")
        #expect(example.band(of: "INT", informant: .parent, score: 6)?.label == "Let op")
        #expect(example.band(of: "EXT", informant: .teacher, score: 0)?.label == "Geen zorg")
    }

    @Test("A score in an at-risk band gives a finding naming the scale, the score and the band; one signal per scale per school year")
    func finding() {
        let date = LocalDate(iso: "2026-10-09")!
        let scores = ScreeningScoring.scores(example, answers: answers([2, 2, 1, 1, 2], [2, 2, 1, 0, 2]), informant: .teacher)
        let findings = ScreeningScoring.findings(example, scores: scores, date: date)
        #expect(findings == [
            RuleFinding(rule: .screeningAtRisk, date: date, figures: ["Teruggetrokken en gespannen", "6", "Zorg"]),
            RuleFinding(rule: .screeningAtRisk, date: date, figures: ["Onrustig en botsend", "9", "Zorg"]),
        ])
        #expect(findings[0].period == "2026-2027 Teruggetrokken en gespannen")
        #expect(findings[0].period != findings[1].period)
        #expect(Catalogue.text("rule_screening_at_risk", .nl, findings[0].figures).contains("band 'Zorg'"))
        // Below the at-risk band: nothing.
        let calm = ScreeningScoring.scores(example, answers: answers([1, 1, 1, 1, 2], [1, 1, 0, 2, 0]), informant: .teacher)
        #expect(ScreeningScoring.findings(example, scores: calm, date: date).isEmpty)
    }

    @Test("Answers are read from the sheet: empty is not answered; out of the scale is named with its item")
    func readAnswers() {
        guard case .success(let read) = ScreeningScoring.read(example, values: ["2", "", " 1 "]) else { Issue.record("not read"); return }
        #expect(read == [2, nil, 1])
        guard case .failure(let problems) = ScreeningScoring.read(example, values: ["2", "3"]) else { Issue.record("3 accepted"); return }
        #expect(problems == [FieldProblem(field: "item2", key: "screening_bad_answer", arguments: ["2", "3", "2"])])
    }

    @Test("The example instrument is complete, marks internalising and externalising, and is translated")
    func exampleInstrument() {
        #expect(example.problems().isEmpty)
        #expect(example.scales.contains { $0.kind == .internalising } && example.scales.contains { $0.kind == .externalising })
        #expect(example.informants == [.teacher, .student, .parent])
        for item in example.items { #expect(example.translations[item.text] != nil, "no English for \(item.text)") }
        #expect(example.text(example.name, .en) == "Samen well-being screening list")
        #expect(!example.name.contains("SDQ") && example.description.contains("geen SDQ, SAEBRS of SCOL"))
    }

    @Test("A definition's problems are named by row: unknown scale, band outside the scores, bands not from 0, duplicate codes")
    func problems() {
        var d = example
        d.items[1].scale = "XX"
        d.bands[2].from = 11
        d.scales.append(.init(code: "INT", name: "Dubbel", kind: .other))
        let found = d.problems()
        #expect(found.contains(FieldProblem(field: "item2_scale", key: "screening_unknown_scale", arguments: ["2", "XX"])))
        #expect(found.contains(FieldProblem(field: "band3_from", key: "screening_bad_band_from", arguments: ["3", "11", "8"])))
        #expect(found.contains(FieldProblem(field: "scale4_code", key: "screening_duplicate_code", arguments: ["4", "INT"])))
        var noZero = example
        noZero.bands.removeAll { $0.informant == .parent && $0.scale == "EXT" && $0.from == 0 }
        #expect(noZero.problems().contains(FieldProblem(field: "bands", key: "screening_bands_incomplete", arguments: ["EXT", "parent"])))
        var empty = example
        empty.answers = ["alleen"]
        empty.items = []
        let emptyProblems = empty.problems().map(\.key)
        #expect(emptyProblems.contains("screening_bad_answers") && emptyProblems.contains("screening_no_items") && emptyProblems.contains("screening_scale_without_items"))
    }

    @Test("The editor's form gives back the same definition; empty rows are skipped; a bad 'from' is named")
    func formRoundTrip() {
        var values = example.formValues()
        values["item40_text"] = ""
        values["scale9_code"] = ""
        guard case .success(let read) = ScreeningInstrument.read(form: values) else { Issue.record("example rejected"); return }
        #expect(read == example)
        values["band2_from"] = "veel"
        guard case .failure(let problems) = ScreeningInstrument.read(form: values) else { Issue.record("bad from accepted"); return }
        #expect(problems.contains(FieldProblem(field: "band2_from", key: "screening_bad_band_from_text", arguments: ["2", "veel"])))
    }

    @Test("The definition survives JSON, the format schools share instruments in")
    func json() throws {
        let data = try JSONEncoder().encode(example)
        #expect(try JSONDecoder().decode(ScreeningInstrument.self, from: data) == example)
        // Description and translations may be left out.
        let minimal = #"{"name":"Mini","answers":["nee","ja"],"scales":[{"code":"A","name":"A","kind":"internalising"}],"items":[{"text":"x","scale":"A","reversed":false}],"bands":[{"informant":"teacher","scale":"A","from":0,"label":"ok","atRisk":false}]}"#
        let mini = try JSONDecoder().decode(ScreeningInstrument.self, from: Data(minimal.utf8))
        #expect(mini.problems().isEmpty && mini.description == "" && mini.translations.isEmpty)
    }

    @Test("A round: a name, open before it closes, three months at most")
    func round() {
        guard case .success(let r) = ScreeningRoundFields.validate(name: "Najaar 2026", opens: "2026-09-28", closes: "16-10-2026") else { Issue.record("rejected"); return }
        #expect(r.closes.iso == "2026-10-16")
        guard case .failure(let p) = ScreeningRoundFields.validate(name: "", opens: "2026-10-01", closes: "2026-09-01") else { Issue.record("accepted"); return }
        #expect(p.map(\.field) == ["name", "closes_on"])
        guard case .failure(let long) = ScreeningRoundFields.validate(name: "Jaar", opens: "2026-09-01", closes: "2027-06-01") else { Issue.record("accepted"); return }
        #expect(long.map(\.key) == ["screening_round_too_long"])
    }

    @Test("The overview counts students by internalising, externalising, both or neither at risk")
    func overview() {
        let o = ScreeningOverview([(true, false), (true, false), (false, true), (true, true), (false, false)])
        #expect(o.rated == 5 && o.internalisingOnly == 2 && o.externalisingOnly == 1 && o.both == 1 && o.neither == 1)
    }

    @Test("Access: the coordinator starts rounds, a teacher rates, the region defines instruments but sees no ratings")
    func access() {
        #expect(AccessPolicy.allows(.coordinator, .create, .screening))
        #expect(AccessPolicy.allows(.teacher, .create, .screening) && !AccessPolicy.allows(.teacher, .create, .instrument))
        #expect(AccessPolicy.allows(.region, .create, .instrument) && !AccessPolicy.allows(.region, .read, .screening))
        #expect(!AccessPolicy.allows(.researcher, .read, .screening) && !AccessPolicy.allows(.youthworker, .read, .instrument))
        #expect(AccessPolicy.allows(.admin, .read, .screening) && !AccessPolicy.allows(.admin, .create, .screening))
    }
}
