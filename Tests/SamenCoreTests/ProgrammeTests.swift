import Foundation
@testable import SamenCore
import Testing

@Suite("Programmes, delivered meetings and the expectations matrix")
struct ProgrammeTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    let respect = ProgrammeLibrary.respect

    func problems<T>(_ result: Validated<T>) -> [String: String] {
        guard case .failure(let problems) = result else { return [:] }
        return Dictionary(problems.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a })
    }

    /// The edit form as the page fills it for a definition, in Dutch.
    func form(_ d: ProgrammeDefinition) -> [String: String] {
        var form = ["title": d.title.nl, "summary": d.summary.nl]
        for s in d.sessions {
            let p = "s\(s.number)_"
            form[p + "title"] = s.title.nl; form[p + "goal"] = s.goal.nl; form[p + "activities"] = s.activities.nl; form[p + "materials"] = s.materials.nl
            form[p + "fidelity"] = s.fidelity.map(\.text.nl).joined(separator: "\n")
        }
        return form
    }

    @Test("The Respect programme ships as a kick-off that forms the pairs and seven meetings, the first on what respect means")
    func respectTemplate() {
        #expect(respect.sessions.count == 8)
        #expect(respect.sessions[0].isKickOff && respect.sessions[0].title.nl.contains("koppels"))
        #expect(respect.sessions[1].title.en == "What does respect mean to you?")
        #expect(respect.sessions.allSatisfy { !$0.fidelity.isEmpty })
        #expect(respect.expectations.map(\.en) == ["Respectful", "Safe", "Responsible"])
        #expect(respect.settings.map(\.en) == ["Classroom", "Corridor", "Playground", "Online"])
        guard case .success = respect.validated() else { Issue.record("the shipped template does not pass its own rules"); return }
    }

    @Test("Adapting keeps unchanged checklist points' codes, gives new lines new codes, drops emptied meetings and renumbers")
    func adapt() throws {
        var f = form(respect)
        f["s4_title"] = ""                                      // leave out meeting 4
        f["s1_fidelity"] = respect.sessions[1].fidelity[0].text.nl + "\nDe groep koos zelf een afsluiter"
        f["new_title"] = "Terugblik met ouders"
        guard case .success(let adapted) = respect.adapted(form: f, language: .nl) else { Issue.record("refused"); return }
        #expect(adapted.sessions.map(\.number) == Array(0...7))
        #expect(!adapted.sessions.contains { $0.title.nl == respect.sessions[4].title.nl })
        #expect(adapted.sessions.last?.title.nl == "Terugblik met ouders")
        let checklist = adapted.sessions[1].fidelity
        #expect(checklist.count == 2)
        #expect(checklist[0].code == respect.sessions[1].fidelity[0].code)
        #expect(!respect.sessions[1].fidelity.map(\.code).contains(checklist[1].code))
        // The English text stays where only the Dutch changed.
        #expect(adapted.sessions[1].title.en == respect.sessions[1].title.en)
    }

    @Test("Adapting refuses an empty name, an emptied kick-off and texts over their limits")
    func adaptRefuses() {
        var f = form(respect)
        f["title"] = " "
        f["s0_title"] = ""
        f["s2_goal"] = String(repeating: "x", count: 4_001)
        let found = problems(respect.adapted(form: f, language: .nl))
        #expect(found["title"] == "import_required")
        #expect(found["s0_title"] == "import_required")
        #expect(found["s2_goal"] == "import_too_long")
    }

    @Test("A shared definition must number its meetings from the kick-off and keep checklist codes unique")
    func validateDefinition() {
        var d = respect
        d.sessions.remove(at: 3)
        #expect(problems(d.validated())["sessions"] == "programme_bad_sessions")
        d = respect
        d.sessions[2].fidelity.append(d.sessions[2].fidelity[0])
        #expect(problems(d.validated())["sessions[2].fidelity"] == "programme_bad_codes")
        d = respect
        d.expectations = []
        #expect(problems(d.validated())["expectations"] == "matrix_too_many_expectations")
    }

    func delivery(_ form: [String: String], checked: [String] = []) -> Validated<DeliveryFields> {
        DeliveryFields.read(form: form, checked: checked, session: respect.sessions[1], runStart: LocalDate(year: 2026, month: 10, day: 1)!, today: today)
    }

    @Test("A delivered meeting is read with its attendance and only the meeting's own checklist points")
    func readsDelivery() {
        guard case .success(let d) = delivery(["date": "2026-11-20", "present": "24", "expected": "26", "reflection": " Goed "], checked: ["m1a", "m1c"])
        else { Issue.record("refused"); return }
        #expect(d.present == 24 && d.expected == 26 && d.done == ["m1a", "m1c"] && d.reflection == "Goed")
        #expect(problems(delivery(["date": "2026-11-20", "present": "24", "expected": "26"], checked: ["m2a"]))["fidelity"] == "delivery_bad_item")
    }

    @Test("A delivery in the future, before the run, with more present than expected or without counts is refused")
    func refusesDelivery() {
        #expect(problems(delivery(["date": "2026-11-24", "present": "1", "expected": "2"]))["date"] == "case_step_future")
        #expect(problems(delivery(["date": "2026-09-30", "present": "1", "expected": "2"]))["date"] == "delivery_before_run")
        #expect(problems(delivery(["date": "2026-11-20", "present": "30", "expected": "26"]))["present"] == "delivery_more_present")
        #expect(problems(delivery(["date": "2026-11-20", "present": "", "expected": "201"])) == ["present": "delivery_bad_count", "expected": "delivery_bad_count"])
        #expect(problems(delivery(["date": "gisteren", "present": "1", "expected": "2"]))["date"] == "import_bad_date")
    }

    @Test("A run's figures leave out the kick-off and weigh fidelity and attendance over all deliveries")
    func runFigures() {
        let a = UUID(), b = UUID()
        let deliveries = [
            DeliveryFigures(session: 0, pair: a, present: 0, expected: 0, done: 0, items: 4),
            DeliveryFigures(session: 1, pair: a, present: 24, expected: 26, done: 3, items: 3),
            DeliveryFigures(session: 2, pair: a, present: 26, expected: 26, done: 2, items: 3),
            DeliveryFigures(session: 1, pair: b, present: 20, expected: 28, done: 1, items: 3),
        ]
        let f = ProgrammeRules.figures(deliveries, definition: respect)
        #expect(f.sessionsDelivered == 2 && f.sessionsPlanned == 7 && f.deliveries == 3)
        #expect(f.fidelityPercent == 67)          // 6 of 9 points
        #expect(f.attendancePercent == 88)        // 70 of 80 students
        #expect(ProgrammeRules.figures([], definition: respect).fidelity == nil)
        #expect(ProgrammeRules.nextSession(for: a, deliveries: deliveries, definition: respect)?.number == 3)
        #expect(ProgrammeRules.nextSession(for: b, deliveries: deliveries, definition: respect)?.number == 2)
        #expect(ProgrammeRules.nextSession(for: UUID(), deliveries: deliveries, definition: respect)?.number == 1)
    }

    let matrix = ExpectationMatrix(expectations: ["Respectvol", "Veilig"], settings: ["Klas", "Plein"],
                                   cells: [[["Uitpraten"], ["Meedoen"]], [["Rustig lopen"], []]])

    func matrixForm(_ changes: [String: String] = [:]) -> [String: String] {
        var form = ["e0": "Respectvol", "e1": "Veilig", "s0": "Klas", "s1": "Plein",
                    "c0_0": "Uitpraten", "c0_1": "Meedoen", "c1_0": "Rustig lopen", "c1_1": ""]
        form.merge(changes) { _, new in new }
        return form
    }

    @Test("The matrix form renames, drops and adds rows and columns, keeping the behaviours of the cells that stay")
    func matrixEdits() {
        guard case .success(let m) = ExpectationMatrix.read(form: matrixForm(["e1": "", "s0": "In de klas", "s_new": "Online", "c0_1": "Meedoen\n\n Samen spelen "]),
                                                            current: matrix) else { Issue.record("refused"); return }
        #expect(m.expectations == ["Respectvol"])
        #expect(m.settings == ["In de klas", "Plein", "Online"])
        #expect(m.cells == [[["Uitpraten"], ["Meedoen", "Samen spelen"], []]])
        #expect(!m.isComplete)
        #expect(!matrix.isComplete)
        var full = matrix
        full.cells[1][1] = ["Op het veld voetballen"]
        #expect(full.isComplete)
    }

    @Test("The matrix refuses duplicate names, no rows, too many behaviours in a cell, and a shape that does not fit")
    func matrixRefuses() {
        #expect(problems(ExpectationMatrix.read(form: matrixForm(["e1": "respectvol"]), current: matrix))["e_new"] == "matrix_duplicate_name")
        #expect(problems(ExpectationMatrix.read(form: matrixForm(["e0": "", "e1": ""]), current: matrix))["e0"] == "matrix_no_expectations")
        let seven = (1...7).map { "Gedrag \($0)" }.joined(separator: "\n")
        #expect(problems(ExpectationMatrix.read(form: matrixForm(["c0_0": seven]), current: matrix))["c0_0"] == "matrix_too_many_behaviours")
        var bad = matrix
        bad.cells = [[["x"]]]
        #expect(problems(bad.validated())["cells"] == "matrix_bad_shape")
        guard case .success = matrix.validated() else { Issue.record("a matrix in shape is refused"); return }
    }

    @Test("A student's idea names a row and a column of the draft and says something short")
    func ideas() {
        guard case .success(let idea) = MatrixIdea.read(form: ["expectation": "Veilig", "setting": "Plein", "text": " We voetballen op het veld "], matrix: matrix)
        else { Issue.record("refused"); return }
        #expect(idea.text == "We voetballen op het veld")
        let found = problems(MatrixIdea.read(form: ["expectation": "Eerlijk", "setting": "Gang", "text": String(repeating: "a", count: 201)], matrix: matrix))
        #expect(found == ["expectation": "idea_choose", "setting": "idea_choose", "text": "import_too_long"])
    }
}
