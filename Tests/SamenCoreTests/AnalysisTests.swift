import Foundation
@testable import SamenCore
import SamenStats
import Testing

@Suite("samen analyze on CSV text")
struct AnalysisTests {
    let likert = """
    role,score
    teachers,4
    teachers,3
    teachers,5
    teachers,4
    teachers,4
    teachers,2
    teachers,3
    teachers,4
    youth_care_workers,3
    youth_care_workers,2
    youth_care_workers,3
    youth_care_workers,4
    youth_care_workers,2
    youth_care_workers,3
    youth_care_workers,1
    school_leaders,5
    school_leaders,4
    school_leaders,4
    school_leaders,5
    school_leaders,3
    school_leaders,5

    """

    func request(_ test: AnalysisTest, _ configure: (inout AnalysisRequest) -> Void = { _ in }) -> AnalysisRequest {
        var r = AnalysisRequest(test: test)
        configure(&r)
        return r
    }

    func grouped(_ test: AnalysisTest) -> AnalysisRequest {
        request(test) { $0.group = "role"; $0.value = "score" }
    }

    func double(_ json: JSONValue, _ key: String) -> Double? {
        switch json[key] {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    func inputError(_ body: () throws -> Void) -> AnalysisInputError? {
        do { try body() } catch let e as AnalysisInputError { return e } catch { Issue.record("\(error)") }
        return nil
    }

    @Test("ANOVA from a CSV file has the documented keys and the reference values")
    func anova() throws {
        let result = try Analysis.run(grouped(.anova), csv: likert)
        let json = result.json
        for key in ["df_between", "df_within", "ss_between", "ss_within", "ms_between", "ms_within", "f", "p", "eta_squared"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(abs(double(json, "f")! - 6.221380135620263) < 1e-12 * 6.2)
        #expect(abs(double(json, "p")! - 0.008832757277880876) < 1e-10 * 0.0088)
        #expect(json["df_between"] == .int(2) && json["df_within"] == .int(18))
        if case .array(let groups) = json["groups"] {
            #expect(groups.map { $0["group"] } == [.string("teachers"), .string("youth_care_workers"), .string("school_leaders")])
        } else { Issue.record("groups") }
        #expect(result.table.contains("F(2, 18) = 6.22, p = .009, η² = .41"))
        #expect(result.table.contains("teachers            8  3.63"), "3.625 rounds half away from zero")
        #expect(Format.fixed(-0.001, 2) == "0.00" && Format.unit(0.4087, 2) == ".41" && Format.p(0.0004) == "< .001")
    }

    @Test("Semicolons, decimal commas, quotes, CRLF, a BOM and missing marks read as a researcher means them")
    func dialects() throws {
        let csv = "\u{FEFF}\"school type\";score\r\nPO;3,5\r\n\"PO\";4\r\nVO;\"2,5\"\r\nVO;NA\r\nVO;3\r\nPO;\r\n;4\r\n"
        let r = try Analysis.run(request(.describe) { $0.group = "School Type"; $0.value = "score" }, csv: csv)
        #expect(double(r.json, "n") == 4)
        #expect(double(r.json, "missing") == 3)
        guard case .array(let groups) = r.json["groups"] else { Issue.record("groups"); return }
        #expect(groups.count == 2)
        #expect(groups[0]["mean"] == .double(3.75) && groups[1]["mean"] == .double(2.75))
        // Comma-separated with a quoted decimal comma.
        let comma = try Analysis.run(request(.describe) { $0.value = "x" }, csv: "x,y\n\"1,5\",a\n2.5,b\n")
        #expect(comma.json["mean"] == .double(2))
    }

    @Test("A cell that is not a number names its line, column and what to do")
    func badCell() {
        let csv = "role,score\nPO,3\nPO,4\n\"VO\nMBO\",x1\nVO,2\n"
        let error = inputError { _ = try Analysis.run(grouped(.anova), csv: csv.replacingOccurrences(of: "role", with: "role")) }
        // The quoted label spans lines 4–5; the record starts on line 4.
        #expect(error == AnalysisInputError("analyze_not_a_number", ["4", "2", "score", "x1"]))
        #expect(error?.message(.en).contains("Line 4, column 2 (score): 'x1' is not a number") == true)
        let multiline = inputError { _ = try Analysis.run(grouped(.anova), csv: "role,score\nPO,\"3\n4\"\n") }
        #expect(multiline?.message(.nl).contains("\n") == false)
        let missing = inputError { _ = try Analysis.run(request(.anova) { $0.group = "role"; $0.value = "nope" }, csv: likert) }
        #expect(missing?.key == "analyze_missing_column" && missing?.arguments.last == "role, score")
        #expect(inputError { _ = try Analysis.run(grouped(.anova), csv: "") }?.key == "analyze_empty_file")
        #expect(inputError { _ = try Analysis.run(request(.anova) { $0.value = "score" }, csv: likert) }
            == AnalysisInputError("analyze_option_required", ["--group", "anova"]))
        #expect(inputError { _ = try Analysis.run(grouped(.anova), csv: "role,score\n\"PO,3\n") }?.key == "analyze_unclosed_quote")
        #expect(inputError { _ = try Analysis.run(grouped(.anova), csv: "role,score\nPO,3\nVO,1e400\n") }
            == AnalysisInputError("analyze_number_too_large", ["3", "2", "score", "1e400"]))
    }

    @Test("Conditions come back as catalogue messages")
    func conditions() {
        let csv = "g,x\na,1\na,1\nb,2\nb,2\n"
        let error = inputError { _ = try Analysis.run(request(.anova) { $0.group = "g"; $0.value = "x" }, csv: csv) }
        #expect(error?.key == "stats_no_variation_within_groups")
        let conditions: [StatsCondition] = [.noValues, .tooFewValues(needed: 2, got: 1), .tooFewGroups(needed: 2, got: 1),
            .groupTooSmall(group: "a", needed: 2, got: 1), .allValuesEqual, .noVariationWithinGroups, .groupWithoutVariation(group: "a"),
            .constantDifferences, .emptyMargin(label: "a"), .tableTooSmall(rows: 1, columns: 1), .tooFewItems(got: 1),
            .invalidParameter(name: "x", value: "y")]
        for c in conditions {
            #expect(Catalogue.entries[c.key] != nil, "\(c.key)")
            #expect(!Catalogue.text(c.key, .nl, c.arguments).contains("%"), "\(c.key)")
        }
        let two = inputError { _ = try Analysis.run(grouped(.ttest), csv: likert) }
        #expect(two?.key == "analyze_need_two_groups")
    }

    @Test("Two-sample tests, paired tests, alpha and chi-square from CSV")
    func otherTests() throws {
        let t = try Analysis.run(request(.ttest) { $0.group = "role"; $0.value = "score"; $0.groups = ["teachers", "school_leaders"] }, csv: likert)
        #expect(t.json["type"] == .string("welch") && t.json["a"] == .string("teachers"))
        for key in ["t", "df", "p", "cohen_d"] { #expect(t.json[key] != nil, "\(key)") }
        let student = try Analysis.run(request(.ttest) { $0.group = "role"; $0.value = "score"; $0.groups = ["teachers", "school_leaders"]; $0.student = true }, csv: likert)
        #expect(student.json["df"] == .double(12))

        let sleep = "id,drug1,drug2\n" + zip([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0], [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
            .enumerated().map { "\($0.offset + 1),\($0.element.0),\($0.element.1)" }.joined(separator: "\n")
        let paired = try Analysis.run(request(.ttest) { $0.paired = true; $0.before = "drug1"; $0.after = "drug2" }, csv: sleep)
        #expect(abs(double(paired.json, "t")! - 4.062127683382036) < 1e-12 * 4.06)
        #expect(abs(double(paired.json, "p")! - 0.002832890197384273) < 1e-10 * 0.0028)
        let w = try Analysis.run(request(.wilcoxon) { $0.before = "drug1"; $0.after = "drug2" }, csv: sleep)
        #expect(w.json["w"] != nil && w.json["p"] != nil)

        let u = try Analysis.run(request(.mannwhitney) { $0.group = "role"; $0.value = "score"; $0.groups = ["teachers", "youth_care_workers"] }, csv: likert)
        #expect(u.json["u"] == .double(44) && u.json["method"] == .string("normal"))

        let items = "q1,q2,q3,q4\n4,5,4,2\n3,3,4,3\n5,5,5,1\n2,2,3,4\n4,4,4,2\n3,4,3,3\n5,4,5,2\n1,2,2,5\n4,3,4,2\n3,3,2,4\n"
        let alpha = try Analysis.run(request(.alpha) { $0.items = ["q1", "q2", "q3", "q4"]; $0.reverse = ["q4"]; $0.scaleMin = 1; $0.scaleMax = 5 }, csv: items)
        #expect(abs(double(alpha.json, "alpha")! - 0.9544838272322294) < 1e-12)
        #expect(alpha.table.contains("α = .954"))
        let plain = try Analysis.run(request(.alpha) { $0.items = ["q1", "q2", "q3", "q4"] }, csv: items)
        #expect(plain.table.contains(Catalogue.text("analyze_negative_item_total", .nl)))

        var table = "party,gender\n"
        for (count, p, g) in [(762, "Democrat", "F"), (327, "Independent", "F"), (468, "Republican", "F"),
                              (484, "Democrat", "M"), (239, "Independent", "M"), (477, "Republican", "M")] {
            table += String(repeating: "\(p),\(g)\n", count: count)
        }
        let chi = try Analysis.run(request(.chisq) { $0.rows = "gender"; $0.columns = "party" }, csv: table)
        #expect(abs(double(chi.json, "chi2")! - 30.070149095754672) < 1e-12 * 30)
        #expect(chi.json["df"] == .int(2))
        #expect(abs(double(chi.json, "cramers_v")! - 0.10443580235646777) < 1e-12)
        // The same table as counts (SPSS's WEIGHT BY): identical results.
        let counts = "party;gender;n\nDemocrat;F;762\nIndependent;F;327\nRepublican;F;468\nDemocrat;M;484\nIndependent;M;239\nRepublican;M;477\n"
        let weighted = try Analysis.run(request(.chisq) { $0.rows = "gender"; $0.columns = "party"; $0.count = "n" }, csv: counts)
        #expect(weighted.json["chi2"] == chi.json["chi2"] && weighted.json["n"] == .double(2757))
        let negative = inputError { _ = try Analysis.run(request(.chisq) { $0.rows = "a"; $0.columns = "b"; $0.count = "n" }, csv: "a,b,n\nx,y,3\nx,z,-1\n") }
        #expect(negative == AnalysisInputError("analyze_bad_count", ["3", "3", "n", "-1"]))
    }

    @Test("Streaming: records cut at any chunk boundary read the same")
    func chunks() throws {
        let csv = "role;score\n\"a;b\";1,5\r\nc;2\n\"a;b\";3\nc;\"4,0\"\nc;5"
        let bytes = Array(csv.utf8)
        for cut in 1..<bytes.count {
            var data = AnalysisData(shape: .grouped(group: "role", value: "score"))
            try bytes[..<cut].withUnsafeBufferPointer { try data.feed($0, final: false) }
            try bytes[cut...].withUnsafeBufferPointer { try data.feed($0, final: false) }
            try [UInt8]().withUnsafeBufferPointer { try data.feed($0, final: true) }
            #expect(data.groupLabels == ["a;b", "c"], "cut \(cut)")
            #expect(data.groupValues.map { $0.count } == [2, 3], "cut \(cut)")
            #expect(data.groupValues[1].map { data.shift[0] + $0 } == [2, 4, 5], "cut \(cut)")
        }
    }

    @Test("Decimal numbers: exact differences, correct rounding")
    func decimals() {
        func parse(_ s: String, comma: Bool = false) -> DecimalNumber? {
            Array(s.utf8).withUnsafeBufferPointer { DecimalNumber.parse($0, comma: comma) }
        }
        #expect(parse("1000000000000.4")!.minus(parse("1000000000000.3")!) == 0.1)
        #expect(parse("0.1")!.double == 0.1 && parse("-2.5e-3")!.double == -0.0025 && parse("3,25", comma: true)!.double == 3.25)
        #expect(parse("12345678901234567890123")!.double == 1.2345678901234568e22)
        #expect(parse("0.30000000000000000000001")!.double == 0.3)
        #expect(parse("1e400")!.double == .infinity)
        for bad in ["", "-", "1.2.3", "1,5", "e5", "1e", "12abc", "--1"] { #expect(parse(bad) == nil, "\(bad)") }
    }
}
