import Foundation
@testable import SamenCore
import Testing

@Suite("A questionnaire edited on a form; stored answers read back")
struct QuestionnaireFormTests {
    @Test("Every shipped questionnaire survives the form unchanged: its fields read back to the same definition")
    func roundTrip() throws {
        for q in EvaluationInstruments.all {
            guard case .success(let read) = QuestionnaireForm.read(QuestionnaireForm.values(of: q)) else {
                Issue.record("\(q.code) did not read back"); continue
            }
            #expect(read == q, "\(q.code)")
        }
    }

    @Test("Empty rows are left out, cleared rows removed, items ordered by their position; the code stays when editing")
    func rows() throws {
        var form = QuestionnaireForm.values(of: EvaluationInstruments.collaborationScan)
        let count = EvaluationInstruments.collaborationScan.items.count
        // A new item in a spare row, placed first; the second item cleared; an empty spare row.
        form["i\(count + 1)_code"] = "extra1"; form["i\(count + 1)_nl"] = "Nieuwe stelling"; form["i\(count + 1)_kind"] = "scaled"
        form["i\(count + 1)_scale"] = "flexibility"; form["i\(count + 1)_position"] = "0"
        form["i2_code"] = ""; form["i2_nl"] = ""; form["i2_en"] = ""
        form["i\(count + 2)_kind"] = "scaled"; form["i\(count + 2)_position"] = String(count + 2)
        form["code"] = "something_else"
        let outcome = QuestionnaireForm.read(form, code: "collaboration_scan")
        guard case .success(let q) = outcome else { Issue.record("refused: \(outcome)"); return }
        #expect(q.code == "collaboration_scan")
        #expect(q.items.count == count)
        #expect(q.items.first?.code == "extra1" && q.items.first?.scale == "flexibility")
        #expect(!q.items.contains { $0.code == EvaluationInstruments.collaborationScan.items[1].code })
    }

    @Test("Each problem is named at its own field: an unknown scale, a bad line of choices, a duplicate code, an unreadable number")
    func problems() throws {
        let form: [String: String] = [
            "code": "my_scan", "title_nl": "Mijn scan", "scale_min": "1", "scale_max": "vijf", "minimum_answered": "150",
            "labels_nl": "", "labels_en": "",
            "s1_code": "trust", "s1_nl": "Vertrouwen",
            "i1_code": "t1", "i1_kind": "scaled", "i1_scale": "trsut", "i1_nl": "Ik vertrouw mijn collega's.",
            "i2_code": "t1", "i2_kind": "scaled", "i2_scale": "trust", "i2_nl": "Tweede met dezelfde code",
            "i3_code": "model", "i3_kind": "choice", "i3_nl": "Welk model?", "i3_choices": "a | Gescheiden\nzonder code",
            "i4_code": "tier", "i4_kind": "fidelity", "i4_nl": "Punt", "i4_tier": "",
        ]
        guard case .failure(let found) = QuestionnaireForm.read(form) else { Issue.record("accepted"); return }
        let byField = Dictionary(found.map { ($0.field, $0.key) }) { a, _ in a }
        #expect(byField["scale_max"] == "questionnaire_bad_number")
        #expect(byField["minimum_answered"] == "questionnaire_bad_percent")
        #expect(byField["i1_scale"] == "questionnaire_unknown_scale")
        #expect(byField["i2_code"] == "questionnaire_bad_code")
        #expect(byField["i3_choices"] == "questionnaire_bad_line")
        #expect(found.first { $0.field == "i3_choices" }?.arguments == ["2"], "the line that is wrong")
        #expect(byField["i4_tier"] == "questionnaire_bad_tier")
        #expect(Set(found.map(\.field)).count == found.count, "one message per field")
    }

    @Test("A form with labels in both languages needs as many of each; reverse scoring only counts on the answer scale")
    func labelsAndReverse() throws {
        var form = QuestionnaireForm.values(of: EvaluationInstruments.workingFactorsScan)
        form["labels_en"] = "Disagree\nAgree"
        guard case .failure(let found) = QuestionnaireForm.read(form) else { Issue.record("accepted"); return }
        #expect(found.contains { $0.field == "labels_en" && $0.key == "questionnaire_labels_differ" })
        var text = QuestionnaireForm.values(of: EvaluationInstruments.collaborationModel)
        let textRow = EvaluationInstruments.collaborationModel.items.firstIndex { $0.kind == .text }! + 1
        text["i\(textRow)_reverse"] = "on"
        guard case .success(let q) = QuestionnaireForm.read(text) else { Issue.record("refused"); return }
        #expect(q.items[textRow - 1].reverse == false)
    }
}
