import Foundation
@testable import SamenCore
import Testing

@Suite("The region's figures: suppression with totals, schools side by side, quarters")
struct RegionTests {
    /// Whether a hidden cell can be worked out: alone in a line whose total is shown.
    func recoverable(_ counts: [[Int]], _ hidden: Set<GridCell>, rowTotals: Set<Int>, columnTotals: Set<Int>) -> Bool {
        for r in rowTotals where counts[r].indices.filter({ counts[r][$0] > 0 && hidden.contains(GridCell(r, $0)) }).count == 1 { return true }
        for c in columnTotals where counts.indices.filter({ counts[$0][c] > 0 && hidden.contains(GridCell($0, c)) }).count == 1 { return true }
        return false
    }

    @Test("Counts under the threshold are hidden, and so many more that none can be worked out from a row's or a column's total")
    func grid() {
        let counts = [[120, 14, 3], [80, 12, 11], [200, 25, 18], [60, 0, 0]]
        let result = Suppression(threshold: 10).grid(counts, rowTotals: true, columnTotals: true)
        #expect(result.cells.contains(GridCell(0, 2)), "3 is under 10")
        #expect(!result.cells.contains(GridCell(3, 1)) && !result.cells.contains(GridCell(3, 2)), "zeros are shown")
        #expect(result.cells.count >= 4, "a lone hidden count takes others with it, in its row and its column")
        #expect(!recoverable(counts, result.cells, rowTotals: Set(counts.indices), columnTotals: [0, 1, 2]))
        // Many random tables: never one recoverable hidden count.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let table = (0..<Int.random(in: 2...8, using: &rng)).map { _ in (0..<3).map { _ in [0, 1, 4, 9, 10, 25, 60].randomElement(using: &rng)! } }
            let hidden = Suppression(threshold: 10).grid(table, rowTotals: true, columnTotals: true)
            let rows = Set(table.indices).subtracting(hidden.hiddenRowTotals), columns = Set(0..<3).subtracting(hidden.hiddenColumnTotals)
            #expect(!recoverable(table, hidden.cells, rowTotals: rows, columnTotals: columns), "\(table)")
            #expect(hidden.cells.allSatisfy { table[$0.row][$0.column] > 0 })
        }
        // The threshold is never below 5.
        #expect(Suppression(threshold: 2).grid([[4]], rowTotals: false, columnTotals: false).cells == [GridCell(0, 0)])
    }

    @Test("Schools side by side: a small school's students and tiers hidden with their complements; rates over too few hidden; joint share always shown")
    func overview() {
        let schools = [
            SchoolYearCounts(students: 300, tiers: [250, 40, 10], incidents: 150, absenceReports: 12, thuiszitters: 2, leadDays: Array(repeating: 20, count: 12),
                             interventions: 10, jointInterventions: 4),
            SchoolYearCounts(students: 8, tiers: [6, 2, 0], incidents: 4, absenceReports: 0, thuiszitters: 0, leadDays: [5], interventions: 2, jointInterventions: 1),
            SchoolYearCounts(students: 150, tiers: [120, 22, 8], incidents: 30, absenceReports: 15, thuiszitters: 11, leadDays: [], interventions: 0, jointInterventions: 0),
        ]
        let (rows, region) = RegionOverview.table(schools, threshold: 10)
        let col = { (name: String) in RegionOverview.columns.firstIndex(of: name)! }
        #expect(rows[0].cells[col("students")] == RegionCell(300))
        #expect(rows[0].cells[col("incidents_per_100")] == RegionCell(50))
        #expect(rows[1].cells[col("students")].suppressed && rows[1].cells[col("tier1")].suppressed && rows[1].cells[col("incidents_per_100")].suppressed)
        #expect(rows[2].cells[col("students")].suppressed, "the complement of the small school, so the region's total gives nothing away")
        #expect(rows[0].cells[col("thuiszitters")].suppressed && rows[2].cells[col("thuiszitters")].suppressed, "2 hidden takes 11 with it")
        #expect(rows[1].cells[col("thuiszitters")] == RegionCell(0) && region.cells[col("thuiszitters")] == RegionCell(13))
        #expect(rows[0].cells[col("lead_days")] == RegionCell(20) && rows[1].cells[col("lead_days")].suppressed && rows[2].cells[col("lead_days")].value == nil)
        #expect(rows[1].cells[col("joint_share")] == RegionCell(0.5) && rows[2].cells[col("joint_share")].value == nil)
        #expect(region.cells[col("students")] == RegionCell(458) && region.cells[col("absence_reports")] == RegionCell(27))
        #expect(region.cells[col("lead_days")] == RegionCell(20))
        #expect(RegionOverview.median([3, 1, 2, 10]) == 2.5 && RegionOverview.median([]) == nil)
    }

    @Test("Quarters as the inspectorate counts them")
    func quarters() {
        let date = LocalDate(year: 2026, month: 12, day: 5)!
        #expect(Quarter(containing: date) == Quarter(year: 2026, number: 4))
        #expect(Quarter.last(4, until: date).map { $0.name(.nl) } == ["2026-K1", "2026-K2", "2026-K3", "2026-K4"])
        #expect(Quarter.last(2, until: LocalDate(year: 2027, month: 2, day: 1)!).map { $0.name(.en) } == ["2026-Q4", "2027-Q1"])
        #expect(Quarter(year: 2026, number: 4).last == LocalDate(year: 2026, month: 12, day: 31)!)
        #expect(Quarter(year: 2026, number: 1).last == LocalDate(year: 2026, month: 3, day: 31)!)
    }
}

@Suite("Retention periods")
struct RetentionPeriodTests {
    @Test("Two years after leaving, five for absence, three for closed cases, counted back from today; 29 February falls back to the 28th")
    func cutoffs() {
        let cut = RetentionPeriods().cutoffs(today: LocalDate(year: 2026, month: 12, day: 5)!)
        #expect(cut.studentsLeftBefore.iso == "2024-12-05" && cut.absencesBefore.iso == "2021-12-05" && cut.casesClosedBefore.iso == "2023-12-05")
        #expect(LocalDate(year: 2028, month: 2, day: 29)!.addingYears(-2).iso == "2026-02-28")
    }

    @Test("Periods are read as whole years from 1 to 50, the default where empty; a bad value is named")
    func read() {
        guard case .success(let periods) = RetentionPeriods.read(studentFile: "3", absence: "", referral: nil) else { Issue.record("refused"); return }
        #expect(periods == RetentionPeriods(studentFileYears: 3, absenceYears: 5, referralYears: 3))
        guard case .failure(let problems) = RetentionPeriods.read(studentFile: "0", absence: "vijf", referral: "2") else { Issue.record("accepted"); return }
        #expect(problems.map(\.field) == ["student_years", "absence_years"] && problems.allSatisfy { $0.key == "retention_bad_years" })
    }
}

@Suite("A staff questionnaire tallied per school")
struct SurveyTallyTests {
    @Test("Each respondent is scored once; groups add up to the whole; fidelity per tier; choices counted")
    func tally() {
        let q = EvaluationInstruments.workingFactorsScan
        let a = UUID(), b = UUID()
        func answers(_ value: Double) -> QuestionnaireAnswers {
            QuestionnaireAnswers(values: Dictionary(uniqueKeysWithValues: q.items.filter { $0.kind == .scaled }.map { ($0.code, value) }))
        }
        let tally = SurveyTally(questionnaire: q, responses: [(a, answers(4)), (a, answers(2)), (b, answers(5))])
        #expect(tally.respondents == [a: 2, b: 1])
        #expect(tally.scales[a]?.count == q.scales.count)
        // The scale means as QuestionnaireScoring gives them, reverse items reversed.
        let first = q.scales[0].code
        let expectedA = [answers(4), answers(2)].compactMap { QuestionnaireScoring.scaleScore(first, answers: $0, questionnaire: q) }
        #expect(tally.scales[a]?[0].mean == expectedA.reduce(0, +) / 2)
        #expect(SurveyTally.total(tally.scales)[0].n == 3)

        let f = EvaluationInstruments.fidelitySelfAssessment
        let all2 = QuestionnaireAnswers(values: Dictionary(uniqueKeysWithValues: f.items.filter { $0.kind == .fidelity }.map { ($0.code, 2.0) }))
        let fidelity = SurveyTally(questionnaire: f, responses: [(a, all2)])
        #expect(fidelity.tiers == [1, 2, 3] && fidelity.fidelity[a]?.map(\.mean) == [100, 100, 100])

        let m = EvaluationInstruments.collaborationModel
        let choice = m.items.first { $0.kind == .choice }!.code
        let models = SurveyTally(questionnaire: m, responses: [(a, QuestionnaireAnswers(choices: [choice: "network"])), (b, QuestionnaireAnswers(choices: [choice: "network"]))])
        #expect(models.choices == ["network": 2])
    }
}
