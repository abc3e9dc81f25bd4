import Foundation
@testable import SamenCore
import SamenStats
import Testing

@Suite("Questionnaires of the evaluation line: definitions, answers, scores, reliability")
struct QuestionnaireTests {
    let scan = EvaluationInstruments.collaborationScan

    func problems<T>(_ result: Validated<T>) -> [String: String] {
        guard case .failure(let problems) = result else { return [:] }
        return Dictionary(problems.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("The shipped questionnaires pass their own rules, with the five collaboration dimensions and five working factors")
    func shipped() {
        for q in EvaluationInstruments.all {
            guard case .success = q.validated() else { Issue.record("\(q.code): \(problems(q.validated()))"); continue }
        }
        #expect(scan.scales.map(\.code) == ["interdependence", "new_activities", "flexibility", "ownership", "reflection"])
        #expect(scan.scales.allSatisfy { s in scan.items(of: s.code).count == 4 && scan.items(of: s.code).filter(\.reverse).count == 1 })
        #expect(EvaluationInstruments.workingFactorsScan.scales.count == 5)
        #expect(EvaluationInstruments.nationalModelShares.map(\.percent).reduce(0, +) == 100)
        #expect(EvaluationInstruments.collaborationModel.items[0].choices?.map(\.code) == ["separated", "chain", "network", "integral"])
    }

    @Test("A definition exports as JSON and loads back the same")
    func jsonRoundTrip() throws {
        for q in EvaluationInstruments.all {
            let data = try JSONEncoder().encode(q)
            #expect(try JSONDecoder().decode(Questionnaire.self, from: data) == q)
        }
    }

    @Test("A file that is not a questionnaire is refused with the place in the document")
    func readsFiles() throws {
        guard case .success(let q) = Questionnaire.read(json: Array(try JSONEncoder().encode(scan))) else { Issue.record("refused"); return }
        #expect(q == scan)
        var text = String(decoding: try JSONEncoder().encode(scan), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"kind\":\"scaled\"", with: "\"kind\":\"slider\"")
        #expect(problems(Questionnaire.read(json: Array(text.utf8))) == ["definition": "questionnaire_json_value"])
        guard case .failure(let p) = Questionnaire.read(json: Array(#"{"code": "x", "version": 1}"#.utf8)) else { Issue.record("accepted"); return }
        #expect(p[0].key == "questionnaire_json_missing" && p[0].arguments == ["title"])
        guard case .failure(let typed) = Questionnaire.read(json: Array(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":\"1\"").utf8)) else {
            Issue.record("accepted"); return
        }
        #expect(typed[0].key == "questionnaire_json_type" && typed[0].arguments == ["version"])
        #expect(problems(Questionnaire.read(json: Array("code;title".utf8))) == ["definition": "questionnaire_not_json"])
    }

    @Test("A definition with an unknown scale, duplicate codes, a reversed choice item or a bad answer scale is refused with the place")
    func refusesDefinitions() {
        var q = scan
        q.items[0].scale = "trust"
        q.items[1].code = q.items[2].code
        q.items.append(QuestionItem(code: "pick", text: BilingualText("Kies"), kind: .choice, reverse: true, choices: [QuestionChoice(code: "a", text: BilingualText("A"))]))
        q.answerScale = AnswerScale(minimum: 1, maximum: 5, labels: [BilingualText("Ja"), BilingualText("Nee")])
        q.minimumAnswered = 1.5
        let found = problems(q.validated())
        #expect(found["items[0].scale"] == "questionnaire_unknown_scale")
        #expect(found["items[2].code"] == "questionnaire_bad_code")
        #expect(found["items[20].choices"] == "questionnaire_bad_choices")
        #expect(found["items[20].reverse"] == "questionnaire_reverse_scaled_only")
        #expect(found["answerScale.labels"] == "questionnaire_bad_labels")
        #expect(found["minimumAnswered"] == "questionnaire_bad_share")
    }

    @Test("Saving as you go accepts a part; submitting needs every required item; answers outside the scale are refused")
    func readsAnswers() {
        guard case .success(let partial) = QuestionnaireAnswers.read(form: ["int1": "4", "int2": " 5 "], questionnaire: scan, complete: false)
        else { Issue.record("refused"); return }
        #expect(partial.values == ["int1": 4, "int2": 5])
        let incomplete = problems(QuestionnaireAnswers.read(form: ["int1": "4"], questionnaire: scan, complete: true))
        #expect(incomplete["int2"] == "answer_required" && incomplete.count == 19)
        #expect(problems(QuestionnaireAnswers.read(form: ["int1": "6"], questionnaire: scan, complete: false)) == ["int1": "answer_out_of_range"])
        let model = EvaluationInstruments.collaborationModel
        guard case .success(let chosen) = QuestionnaireAnswers.read(form: ["model": "network"], questionnaire: model, complete: true)
        else { Issue.record("the optional text is required"); return }
        #expect(chosen.choices == ["model": "network"] && chosen.texts.isEmpty)
        #expect(problems(QuestionnaireAnswers.read(form: ["model": "hybrid"], questionnaire: model, complete: true)) == ["model": "answer_bad_choice"])
    }

    @Test("A scale score is the mean of the answered items with reverse items reversed, and missing when too little was answered")
    func scaleScores() {
        // int4 is reverse-scored: 2 counts as 4.
        let answers = QuestionnaireAnswers(values: ["int1": 5, "int2": 4, "int3": 3, "int4": 2, "new1": 3])
        #expect(QuestionnaireScoring.scaleScore("interdependence", answers: answers, questionnaire: scan) == 4.0)
        // One of four answered is under the default minimum share of one half.
        #expect(QuestionnaireScoring.scaleScore("new_activities", answers: answers, questionnaire: scan) == nil)
        var lenient = scan
        lenient.minimumAnswered = 0.25
        #expect(QuestionnaireScoring.scaleScore("new_activities", answers: answers, questionnaire: lenient) == 3.0)
        // Exactly half answered is enough.
        let half = QuestionnaireAnswers(values: ["fle1": 2, "fle4": 5])
        #expect(QuestionnaireScoring.scaleScore("flexibility", answers: half, questionnaire: scan) == 1.5)
        #expect(QuestionnaireScoring.scores(answers, questionnaire: scan).count == 5)
    }

    @Test("The competence scan scores desired and actual apart")
    func aspects() {
        let q = EvaluationInstruments.competenceScan
        #expect(q.answerKeys(of: q.items[0]) == ["sig1@desired", "sig1@actual"])
        guard case .success(let answers) = QuestionnaireAnswers.read(
            form: ["sig1@desired": "5", "sig1@actual": "2", "sig2@desired": "4", "sig2@actual": "3"], questionnaire: q, complete: false)
        else { Issue.record("refused"); return }
        #expect(QuestionnaireScoring.scaleScore("signalling", answers: answers, questionnaire: q, aspect: "desired") == 4.5)
        #expect(QuestionnaireScoring.scaleScore("signalling", answers: answers, questionnaire: q, aspect: "actual") == 2.5)
    }

    @Test("The fidelity self-assessment gives each tier the points scored of those possible")
    func fidelity() {
        let q = EvaluationInstruments.fidelitySelfAssessment
        let answers = QuestionnaireAnswers(values: ["t1_team": 2, "t1_expectations": 2, "t1_teaching": 1, "t1_acknowledge": 0, "t1_responses": 2, "t1_data": 1,
                                                    "t2_team": 2, "t2_interventions": 1])
        let percent = QuestionnaireScoring.fidelityPercent(answers, questionnaire: q)
        let tier1: Double = (percent[1] ?? nil) ?? 0
        #expect(abs(tier1 - 200.0 / 3.0) < 1e-9)   // 8 of 12 points
        #expect(percent[2] == 75.0)
        #expect(percent[3] == .some(nil))
    }

    @Test("Reliability per scale is SamenStats' Cronbach's alpha on the reverse-scored items")
    func reliability() throws {
        // Five respondents; int4 is written reversed, so reversing it lines the items up.
        let rows: [[Double]] = [[5, 4, 5, 1], [4, 4, 4, 2], [2, 3, 2, 4], [3, 3, 3, 3], [1, 2, 2, 5]]
        let responses = rows.map { r in QuestionnaireAnswers(values: ["int1": r[0], "int2": r[1], "int3": r[2], "int4": r[3]]) }
        guard case .success(let alpha) = QuestionnaireScoring.reliability("interdependence", responses: responses, questionnaire: scan) else {
            Issue.record("no alpha"); return
        }
        let direct = try CronbachAlpha(answers: rows.map { $0.map(Optional.some) }, reversed: [3], minimum: 1, maximum: 5)
        #expect(abs(alpha.alpha - direct.alpha) < 1e-12 && alpha.alpha > QuestionnaireScoring.alphaWarning)
        guard case .failure = QuestionnaireScoring.reliability("interdependence", responses: Array(responses.prefix(1)), questionnaire: scan) else {
            Issue.record("one respondent gave an alpha"); return
        }
    }

    @Test("A wave needs a name, a period from today within a year, schools offered and one's own baseline")
    func waveFields() {
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let school = UUID(), other = UUID(), baseline = UUID()
        func read(_ form: [String: String], _ schools: [String]) -> Validated<WaveFields> {
            WaveFields.read(form: form, schools: schools, schoolsOffered: [school], baselines: [baseline], today: today)
        }
        guard case .success(let wave) = read(["name": " Nulmeting ", "opens_on": "2026-11-23", "closes_on": "2026-12-21", "baseline_id": baseline.uuidString],
                                             [school.uuidString]) else { Issue.record("refused"); return }
        #expect(wave.name == "Nulmeting" && wave.schoolIDs == [school] && wave.baselineID == baseline)
        let found = problems(read(["name": "", "opens_on": "2026-11-22", "closes_on": "2026-11-22", "baseline_id": UUID().uuidString],
                                  [other.uuidString]))
        #expect(found == ["name": "import_required", "opens_on": "wave_opens_past", "closes_on": "wave_bad_period",
                          "school_ids": "wave_bad_schools", "baseline_id": "wave_bad_baseline"])
        #expect(problems(read(["name": "x", "opens_on": "2026-11-23", "closes_on": "2027-12-01"], [school.uuidString])) == ["closes_on": "wave_bad_period"])
        #expect(WaveState.of(opens: today, closes: today, today: today) == .open)
        #expect(WaveState.of(opens: today.adding(days: 1), closes: today.adding(days: 2), today: today) == .planned)
        #expect(responseRate(completed: 3, invited: 4) == 75 && responseRate(completed: 0, invited: 0) == nil)
    }
}
