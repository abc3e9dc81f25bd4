import Foundation
import SamenStats

/// The statistics `samen analyze` runs on a CSV file.
public enum AnalysisTest: String, CaseIterable, Sendable {
    case describe, anova, welch, kruskal, levene, posthoc, ttest, mannwhitney, wilcoxon, alpha, chisq
}

/// What the researcher asked for: a test, its columns and options.
public struct AnalysisRequest: Sendable {
    public var test: AnalysisTest
    public var group: String?
    public var value: String?
    public var before: String?
    public var after: String?
    public var items: [String] = []
    public var reverse: [String] = []
    public var rows: String?
    public var columns: String?
    /// chisq: a column of counts (each row stands for that many observations).
    public var count: String?
    public var paired = false
    public var student = false
    /// posthoc bonferroni/holm: Welch t-tests instead of the pooled error term.
    public var welch = false
    /// The two groups a two-sample test compares, when the column has more.
    public var groups: [String] = []
    public var method: PostHoc.Method = .tukey
    public var center: LeveneTest.Center = .mean
    public var exact: Bool?
    public var scaleMin: Double?
    public var scaleMax: Double?
    public var confidence = 0.95

    public init(test: AnalysisTest) { self.test = test }

    /// The data shape the test reads, after checking the options it needs.
    public func shape() throws -> AnalysisData.Shape {
        func need(_ value: String?, _ option: String) throws -> String {
            guard let value, !value.isEmpty else { throw AnalysisInputError("analyze_option_required", [option, test.rawValue]) }
            return value
        }
        if !(confidence > 0 && confidence < 1) {
            throw AnalysisInputError("analyze_bad_confidence", [String(confidence)])
        }
        switch test {
        case .describe:
            let value = try need(value, "--value")
            if let group { return .grouped(group: group, value: value) }
            return .columns([value])
        case .anova, .welch, .kruskal, .levene, .posthoc, .mannwhitney:
            return .grouped(group: try need(group, "--group"), value: try need(value, "--value"))
        case .ttest:
            if paired { return .paired(before: try need(before, "--before"), after: try need(after, "--after")) }
            return .grouped(group: try need(group, "--group"), value: try need(value, "--value"))
        case .wilcoxon:
            return .paired(before: try need(before, "--before"), after: try need(after, "--after"))
        case .alpha:
            if items.count < 2 { throw AnalysisInputError("analyze_option_required", ["--items", test.rawValue]) }
            for r in reverse where !items.contains(where: { $0.lowercased() == r.lowercased() }) {
                throw AnalysisInputError("analyze_reverse_not_item", [r, items.joined(separator: ",")])
            }
            if (scaleMin == nil) != (scaleMax == nil) {
                throw AnalysisInputError("analyze_option_required", [scaleMin == nil ? "--scale-min" : "--scale-max", test.rawValue])
            }
            return .columns(items)
        case .chisq:
            return .crossTable(rows: try need(rows, "--rows"), columns: try need(columns, "--cols"), count: count)
        }
    }

    /// Whether values are shifted by the column's first value before the
    /// statistics run (see `DecimalNumber`): everywhere except scales, whose
    /// reverse scoring needs the answers as written.
    public var centred: Bool { test != .alpha }
}

/// The outcome of an analysis: a JSON document with stable keys and a
/// table a researcher can paste into a report.
public struct AnalysisResult: Sendable {
    public let json: JSONValue
    public let table: String
}

/// Runs a request over data read from a CSV file.
public enum Analysis {
    /// Runs the request on CSV text held whole (tests, small inputs); the CLI feeds chunks instead.
    public static func run(_ request: AnalysisRequest, csv: String, language: Language = .nl) throws -> AnalysisResult {
        var data = AnalysisData(shape: try request.shape(), centred: request.centred)
        try Array(csv.utf8).withUnsafeBufferPointer { try data.feed($0, final: true) }
        return try run(request, data: data, language: language)
    }

    public static func run(_ request: AnalysisRequest, data: AnalysisData, language: Language = .nl) throws -> AnalysisResult {
        var report = Report(request: request, data: data, language: language)
        do {
            try report.build()
        } catch let condition as StatsCondition {
            throw AnalysisInputError(condition.key, condition.arguments)
        }
        return AnalysisResult(json: .object(report.json), table: report.lines.joined(separator: "\n") + "\n")
    }
}

/// Builds the JSON and the table of one analysis.
struct Report {
    let request: AnalysisRequest
    let data: AnalysisData
    let language: Language
    var json: [(String, JSONValue)] = []
    var lines: [String] = []

    init(request: AnalysisRequest, data: AnalysisData, language: Language) {
        self.request = request
        self.data = data
        self.language = language
    }

    func t(_ key: String, _ arguments: [String] = []) -> String { Catalogue.text(key, language, arguments) }

    var shift: Double { data.shift.first ?? 0 }

    /// Samples of the grouped column, in the order the groups first appear.
    func samples() -> [Sample] {
        zip(data.groupLabels, data.groupValues).map { Sample(label: $0, present: $1) }
    }

    var missingTotal: Int { data.groupMissing.reduce(0, +) + data.unlabelled }

    mutating func build() throws {
        json.append(("test", .string(request.test.rawValue)))
        switch request.test {
        case .describe: try describe()
        case .anova: try anova()
        case .welch: try welch()
        case .kruskal: try kruskal()
        case .levene: try levene()
        case .posthoc: try posthoc()
        case .ttest: try request.paired ? pairedTTest() : independentTTest()
        case .mannwhitney: try mannWhitney()
        case .wilcoxon: try wilcoxon()
        case .alpha: try alpha()
        case .chisq: try chiSquare()
        }
    }

    // MARK: describe

    func describeObject(_ values: [Double], missing: Int, shift: Double) -> [(String, JSONValue)] {
        guard let d = try? Descriptives(values, confidenceLevel: request.confidence) else {
            return [("n", .int(0)), ("missing", .int(missing)), ("mean", .null), ("sd", .null), ("se", .null),
                    ("min", .null), ("max", .null), ("median", .null), ("q1", .null), ("q3", .null),
                    ("q1_type6", .null), ("q3_type6", .null), ("ci_low", .null), ("ci_high", .null),
                    ("skewness", .null), ("se_skewness", .null), ("kurtosis", .null), ("se_kurtosis", .null)]
        }
        return [("n", .int(d.n)), ("missing", .int(missing + d.missing)),
                ("mean", .number(shift + d.mean)), ("sd", .number(d.sd)), ("se", .number(d.standardError)),
                ("min", .number(shift + d.min)), ("max", .number(shift + d.max)), ("median", .number(shift + d.median)),
                ("q1", .number(shift + d.q1)), ("q3", .number(shift + d.q3)),
                ("q1_type6", .number(shift + d.q1Type6)), ("q3_type6", .number(shift + d.q3Type6)),
                ("ci_low", .number(d.ciLow.map { shift + $0 })), ("ci_high", .number(d.ciHigh.map { shift + $0 })),
                ("skewness", .number(d.skewness)), ("se_skewness", .number(d.seSkewness)),
                ("kurtosis", .number(d.kurtosis)), ("se_kurtosis", .number(d.seKurtosis))]
    }

    mutating func describe() throws {
        let variable = request.value!
        json.append(("variable", .string(variable)))
        var rows: [[String]] = []
        func row(_ label: String, _ o: [(String, JSONValue)]) -> [String] {
            let get = { (k: String) -> String in
                switch o.first(where: { $0.0 == k })?.1 {
                case .int(let i): String(i)
                case .double(let d): Format.fixed(d, 2)
                default: "–"
                }
            }
            return [label, get("n"), get("missing"), get("mean"), get("sd"), get("min"), get("median"), get("max"), get("ci_low") + " – " + get("ci_high"), get("skewness"), get("kurtosis")]
        }
        if request.group != nil {
            let all = data.groupValues.flatMap { $0 }
            if all.isEmpty { throw StatsCondition.noValues }
            let overall = describeObject(all, missing: missingTotal, shift: shift)
            json.append(contentsOf: overall)
            json += [("group_variable", .string(request.group!))]
            var groups: [JSONValue] = []
            for (i, label) in data.groupLabels.enumerated() {
                let o = describeObject(data.groupValues[i], missing: data.groupMissing[i], shift: shift)
                groups.append(.object([("group", .string(label))] + o))
                rows.append(row(label, o))
            }
            json.append(("groups", .array(groups)))
            rows.append(row(t("analyze_total"), overall))
        } else {
            let values = data.columnValues[0]
            let present = values.filter { !$0.isNaN }
            if present.isEmpty { throw StatsCondition.noValues }
            let o = describeObject(present, missing: values.count - present.count, shift: shift)
            json.append(contentsOf: o)
            rows.append(row(variable, o))
        }
        lines.append(t("analyze_title_describe", [variable]))
        lines.append("")
        lines += Format.table([[t("analyze_col_group"), "n", t("analyze_col_missing"), t("analyze_col_mean"), "SD", "min", t("analyze_col_median"), "max", t("analyze_col_ci", [Format.fixed(request.confidence * 100, 0) + "%"]), t("analyze_col_skewness"), t("analyze_col_kurtosis")]] + rows)
    }

    // MARK: group comparisons

    func groupRows(_ groups: [GroupSummary]) -> [JSONValue] {
        groups.map { g in
            .object([("group", .string(g.label)), ("n", .int(g.n)), ("mean", .number(shift + g.mean)), ("sd", .number(g.sd))])
        }
    }

    mutating func groupTable(_ groups: [GroupSummary]) {
        lines += Format.table([[t("analyze_col_group"), "n", t("analyze_col_mean"), "SD"]] + groups.map {
            [$0.label, String($0.n), Format.fixed(shift + $0.mean, 2), $0.sd.map { Format.fixed($0, 2) } ?? "–"]
        })
        lines.append("")
    }

    mutating func header(_ key: String) {
        json.append(("variable", .string(request.value ?? "")))
        json += [("group_variable", .string(request.group ?? ""))]
        lines.append(t(key, [request.value ?? "", request.group ?? ""]))
        if missingTotal > 0 { lines.append(t("analyze_missing_left_out", [String(missingTotal)])) }
        lines.append("")
    }

    mutating func anova() throws {
        let a = try OneWayANOVA(samples())
        header("analyze_title_anova")
        json += [("df_between", .int(a.dfBetween)), ("df_within", .int(a.dfWithin)),
                 ("ss_between", .number(a.ssBetween)), ("ss_within", .number(a.ssWithin)), ("ss_total", .number(a.ssTotal)),
                 ("ms_between", .number(a.msBetween)), ("ms_within", .number(a.msWithin)),
                 ("f", .number(a.f)), ("p", .number(a.p)),
                 ("eta_squared", .number(a.etaSquared)), ("omega_squared", .number(a.omegaSquared)),
                 ("epsilon_squared", .number(a.epsilonSquared)),
                 ("n", .int(a.groups.reduce(0) { $0 + $1.n })), ("missing", .int(missingTotal)),
                 ("groups", .array(groupRows(a.groups)))]
        groupTable(a.groups)
        lines += Format.table([
            [t("analyze_col_source"), "SS", "df", "MS", "F", "p"],
            [t("analyze_between"), Format.fixed(a.ssBetween, 3), String(a.dfBetween), Format.fixed(a.msBetween, 3), Format.fixed(a.f, 2), Format.p(a.p)],
            [t("analyze_within"), Format.fixed(a.ssWithin, 3), String(a.dfWithin), Format.fixed(a.msWithin, 3), "", ""],
            [t("analyze_total"), Format.fixed(a.ssTotal, 3), String(a.dfBetween + a.dfWithin), "", "", ""],
        ])
        lines.append("")
        lines.append("F(\(a.dfBetween), \(a.dfWithin)) = \(Format.fixed(a.f, 2)), \(Format.apaP(a.p)), η² = \(Format.unit(a.etaSquared)), ω² = \(Format.unit(a.omegaSquared))")
    }

    mutating func welch() throws {
        let w = try WelchANOVA(samples())
        header("analyze_title_welch")
        json += [("f", .number(w.f)), ("df1", .number(w.df1)), ("df2", .number(w.df2)), ("p", .number(w.p)),
                 ("n", .int(w.groups.reduce(0) { $0 + $1.n })), ("missing", .int(missingTotal)),
                 ("groups", .array(groupRows(w.groups)))]
        groupTable(w.groups)
        lines.append("Welch F(\(Format.df(w.df1)), \(Format.df(w.df2))) = \(Format.fixed(w.f, 2)), \(Format.apaP(w.p))")
    }

    mutating func levene() throws {
        let l = try LeveneTest(samples(), center: request.center)
        header("analyze_title_levene")
        json += [("center", .string(l.center.rawValue)), ("w", .number(l.w)), ("df1", .int(l.df1)), ("df2", .int(l.df2)),
                 ("p", .number(l.p)), ("missing", .int(missingTotal))]
        lines.append(t(l.center == .mean ? "analyze_levene_mean" : "analyze_levene_median"))
        lines.append("W(\(l.df1), \(l.df2)) = \(Format.fixed(l.w, 2)), \(Format.apaP(l.p))")
    }

    mutating func kruskal() throws {
        let k = try KruskalWallis(samples())
        header("analyze_title_kruskal")
        let present = data.groupLabels.enumerated().filter { !data.groupValues[$0.offset].isEmpty }.map(\.element)
        json += [("h", .number(k.h)), ("h_uncorrected", .number(k.hUncorrected)), ("tie_correction", .number(k.tieCorrection)),
                 ("df", .int(k.df)), ("p", .number(k.p)), ("epsilon_squared", .number(k.epsilonSquared)),
                 ("n", .int(k.n.reduce(0, +))), ("missing", .int(missingTotal)),
                 ("groups", .array(present.indices.map { i in
                     .object([("group", .string(present[i])), ("n", .int(k.n[i])), ("rank_sum", .number(k.rankSums[i])),
                              ("mean_rank", .number(k.meanRanks[i]))])
                 }))]
        lines += Format.table([[t("analyze_col_group"), "n", t("analyze_col_mean_rank")]] + present.indices.map {
            [present[$0], String(k.n[$0]), Format.fixed(k.meanRanks[$0], 2)]
        })
        lines.append("")
        lines.append("H(\(k.df)) = \(Format.fixed(k.h, 2)), \(Format.apaP(k.p)), ε² = \(Format.unit(k.epsilonSquared))")
    }

    mutating func posthoc() throws {
        let method = request.method
        let result = try PostHoc(samples(), method: method, pooled: !request.welch, confidenceLevel: request.confidence)
        header("analyze_title_posthoc")
        json += [("method", .string(method.rawValue)), ("confidence_level", .number(request.confidence))]
        if method == .bonferroni || method == .holm { json.append(("pooled", .bool(!request.welch))) }
        json.append(("comparisons", .array(result.comparisons.map { c in
            .object([("a", .string(c.a)), ("b", .string(c.b)), ("diff", .number(c.diff)), ("se", .number(c.se)),
                     ("t", .number(c.t)), ("df", .number(c.df)), ("q", .number(c.q)),
                     ("p", .number(c.p)), ("p_unadjusted", .number(c.pUnadjusted)),
                     ("ci_low", .number(c.ciLow)), ("ci_high", .number(c.ciHigh))])
        })))
        lines.append(t("analyze_method_\(method.rawValue.replacingOccurrences(of: "-", with: "_"))"))
        lines.append("")
        let level = Format.fixed(request.confidence * 100, 0) + "%"
        lines += Format.table([[t("analyze_col_pair"), t("analyze_col_diff"), "SE", method == .tukey || method == .gamesHowell ? "q" : "t", "df", "p", t("analyze_col_ci_level", [level])]]
            + result.comparisons.map { c in
                [c.a + " – " + c.b, Format.fixed(c.diff, 3), Format.fixed(c.se, 3),
                 Format.fixed(c.q ?? c.t, 2), Format.df(c.df), Format.p(c.p),
                 c.ciLow.map { Format.fixed($0, 3) + " – " + Format.fixed(c.ciHigh!, 3) } ?? "–"]
            })
    }

    // MARK: two samples

    /// The two groups of a two-sample test: the only two, or the ones named with --groups.
    func twoSamples() throws -> (Sample, Sample) {
        let all = samples().filter { !$0.values.isEmpty }
        if request.groups.isEmpty {
            if all.count != 2 {
                throw AnalysisInputError("analyze_need_two_groups", [request.group ?? "", String(all.count), all.map(\.label).joined(separator: ", ")])
            }
            return (all[0], all[1])
        }
        guard request.groups.count == 2 else {
            throw AnalysisInputError("analyze_need_two_groups", [request.group ?? "", String(request.groups.count), request.groups.joined(separator: ", ")])
        }
        let chosen = try request.groups.map { name in
            guard let s = all.first(where: { $0.label == name }) else {
                throw AnalysisInputError("analyze_unknown_group", [name, request.group ?? "", all.map(\.label).joined(separator: ", ")])
            }
            return s
        }
        return (chosen[0], chosen[1])
    }

    mutating func independentTTest() throws {
        let (a, b) = try twoSamples()
        let r = try IndependentTTest(a, b, pooled: request.student, confidenceLevel: request.confidence)
        header(request.student ? "analyze_title_ttest_student" : "analyze_title_ttest_welch")
        json += [("type", .string(request.student ? "student" : "welch")), ("a", .string(a.label)), ("b", .string(b.label)),
                 ("n_a", .int(r.a.n)), ("n_b", .int(r.b.n)), ("mean_a", .number(shift + r.a.mean)), ("mean_b", .number(shift + r.b.mean)),
                 ("sd_a", .number(r.a.sd)), ("sd_b", .number(r.b.sd)),
                 ("diff", .number(r.diff)), ("se", .number(r.se)), ("t", .number(r.t)), ("df", .number(r.df)), ("p", .number(r.p)),
                 ("ci_low", .number(r.ciLow)), ("ci_high", .number(r.ciHigh)),
                 ("cohen_d", .number(r.cohensD.value)), ("cohen_d_ci_low", .number(r.cohensD.ciLow)), ("cohen_d_ci_high", .number(r.cohensD.ciHigh)),
                 ("hedges_g", .number(r.hedgesG.value)), ("hedges_g_ci_low", .number(r.hedgesG.ciLow)), ("hedges_g_ci_high", .number(r.hedgesG.ciHigh))]
        groupTable([r.a, r.b])
        let level = Format.fixed(request.confidence * 100, 0) + "%"
        lines.append("t(\(Format.df(r.df))) = \(Format.fixed(r.t, 2)), \(Format.apaP(r.p)), d = \(Format.fixed(r.cohensD.value, 2)), \(level) CI [\(Format.fixed(r.cohensD.ciLow, 2)), \(Format.fixed(r.cohensD.ciHigh, 2))]")
        lines.append(t("analyze_diff_line", [a.label, b.label, Format.fixed(r.diff, 3), level, Format.fixed(r.ciLow, 3), Format.fixed(r.ciHigh, 3)]))
    }

    func pairs() -> (before: [Double?], after: [Double?]) {
        (data.columnValues[0].map { $0.isNaN ? nil : $0 }, data.columnValues[1].map { $0.isNaN ? nil : $0 })
    }

    mutating func pairedHeader(_ key: String, n: Int) {
        json.append(("before", .string(request.before ?? "")))
        json.append(("after", .string(request.after ?? "")))
        lines.append(t(key, [request.before ?? "", request.after ?? ""]))
        let dropped = data.columnValues[0].count - n
        if dropped > 0 { lines.append(t("analyze_pairs_left_out", [String(dropped)])) }
        lines.append("")
    }

    mutating func pairedTTest() throws {
        let (before, after) = pairs()
        let r = try PairedTTest(before: before, after: after, confidenceLevel: request.confidence)
        json.append(("type", .string("paired")))
        pairedHeader("analyze_title_ttest_paired", n: r.n)
        json += [("n", .int(r.n)), ("mean_before", .number(shift + r.meanBefore)), ("mean_after", .number(shift + r.meanAfter)),
                 ("diff", .number(r.meanDifference)), ("sd_diff", .number(r.sdDifference)), ("se", .number(r.se)),
                 ("t", .number(r.t)), ("df", .number(r.df)), ("p", .number(r.p)),
                 ("ci_low", .number(r.ciLow)), ("ci_high", .number(r.ciHigh)), ("r", .number(r.correlation)),
                 ("cohen_d", .number(r.cohensD.value)), ("cohen_d_ci_low", .number(r.cohensD.ciLow)), ("cohen_d_ci_high", .number(r.cohensD.ciHigh)),
                 ("hedges_g", .number(r.hedgesG.value)), ("hedges_g_ci_low", .number(r.hedgesG.ciLow)), ("hedges_g_ci_high", .number(r.hedgesG.ciHigh))]
        lines += Format.table([[t("analyze_col_measure"), "n", t("analyze_col_mean")],
                               [request.before ?? "", String(r.n), Format.fixed(shift + r.meanBefore, 2)],
                               [request.after ?? "", String(r.n), Format.fixed(shift + r.meanAfter, 2)]])
        lines.append("")
        let level = Format.fixed(request.confidence * 100, 0) + "%"
        lines.append("t(\(Format.df(r.df))) = \(Format.fixed(r.t, 2)), \(Format.apaP(r.p)), d_z = \(Format.fixed(r.cohensD.value, 2)), \(level) CI [\(Format.fixed(r.cohensD.ciLow, 2)), \(Format.fixed(r.cohensD.ciHigh, 2))]")
        lines.append(t("analyze_diff_line", [request.after ?? "", request.before ?? "", Format.fixed(r.meanDifference, 3), level, Format.fixed(r.ciLow, 3), Format.fixed(r.ciHigh, 3)]))
    }

    mutating func mannWhitney() throws {
        let (a, b) = try twoSamples()
        let r = try MannWhitney(a, b, exact: request.exact)
        header("analyze_title_mannwhitney")
        json += [("a", .string(a.label)), ("b", .string(b.label)), ("n_a", .int(r.n1)), ("n_b", .int(r.n2)),
                 ("u", .number(r.u)), ("z", .number(r.z)), ("p", .number(r.p)), ("method", .string(r.method.rawValue)),
                 ("rank_biserial", .number(r.rankBiserial)), ("mean_rank_a", .number(r.meanRank1)), ("mean_rank_b", .number(r.meanRank2))]
        lines += Format.table([[t("analyze_col_group"), "n", t("analyze_col_mean_rank")],
                               [a.label, String(r.n1), Format.fixed(r.meanRank1, 2)],
                               [b.label, String(r.n2), Format.fixed(r.meanRank2, 2)]])
        lines.append("")
        let zText = r.z.map { ", z = \(Format.fixed($0, 2))" } ?? ""
        lines.append("U = \(Format.fixed(r.u, 1))\(zText), \(Format.apaP(r.p)) (\(t("analyze_rank_\(r.method.rawValue)"))), r = \(Format.unit(r.rankBiserial))")
    }

    mutating func wilcoxon() throws {
        let (before, after) = pairs()
        let r = try WilcoxonSignedRank(before: before, after: after, exact: request.exact)
        pairedHeader("analyze_title_wilcoxon", n: r.n + r.zeros)
        json += [("n", .int(r.n)), ("zeros", .int(r.zeros)), ("w", .number(r.w)), ("w_minus", .number(r.wMinus)),
                 ("z", .number(r.z)), ("p", .number(r.p)), ("method", .string(r.method.rawValue)),
                 ("rank_biserial", .number(r.rankBiserial))]
        if r.zeros > 0 { lines.append(t("analyze_zero_differences", [String(r.zeros)])) }
        let zText = r.z.map { ", z = \(Format.fixed($0, 2))" } ?? ""
        lines.append("W = \(Format.fixed(r.w, 1))\(zText), \(Format.apaP(r.p)) (\(t("analyze_rank_\(r.method.rawValue)"))), n = \(r.n), r = \(Format.unit(r.rankBiserial))")
    }

    // MARK: scales and tables

    mutating func alpha() throws {
        let names = request.items.map { item in data.header.first { $0.lowercased() == item.lowercased() } ?? item }
        let reversed = Set(request.reverse.compactMap { r in names.firstIndex { $0.lowercased() == r.lowercased() } })
        let rows = (0..<(data.columnValues.first?.count ?? 0)).map { i in
            data.columnValues.map { $0[i].isNaN ? nil : Optional($0[i]) }
        }
        let a = try CronbachAlpha(answers: rows, labels: names, reversed: reversed,
                                  minimum: request.scaleMin, maximum: request.scaleMax, confidenceLevel: request.confidence)
        json += [("items", .array(names.map { .string($0) })), ("reversed", .array(reversed.sorted().map { .string(names[$0]) })),
                 ("n", .int(a.n)), ("excluded", .int(a.excluded)), ("k", .int(a.k)),
                 ("alpha", .number(a.alpha)), ("ci_low", .number(a.ciLow)), ("ci_high", .number(a.ciHigh)),
                 ("standardized_alpha", .number(a.standardizedAlpha)), ("mean_inter_item_r", .number(a.meanInterItemCorrelation)),
                 ("below_070", .bool(a.isBelowConvention)),
                 ("item_statistics", .array(a.items.map { i in
                     .object([("item", .string(i.label)), ("mean", .number(i.mean)), ("sd", .number(i.sd)),
                              ("corrected_item_total_r", .number(i.correctedItemTotal)), ("alpha_if_deleted", .number(i.alphaIfDeleted))])
                 }))]
        lines.append(t("analyze_title_alpha", [String(a.k)]))
        if a.excluded > 0 { lines.append(t("analyze_listwise", [String(a.excluded)])) }
        if !reversed.isEmpty {
            let range = request.scaleMin.map { "\(Format.number($0))–\(Format.number(request.scaleMax!))" } ?? t("analyze_observed_range")
            lines.append(t("analyze_reversed", [reversed.sorted().map { names[$0] }.joined(separator: ", "), range]))
        }
        lines.append("")
        let level = Format.fixed(request.confidence * 100, 0) + "%"
        lines.append("α = \(Format.unit(a.alpha, 3)), \(level) CI [\(Format.unit(a.ciLow, 3)), \(Format.unit(a.ciHigh, 3))], n = \(a.n), k = \(a.k)")
        if a.isBelowConvention { lines.append(t("analyze_alpha_low")) }
        lines.append("")
        lines += Format.table([[t("analyze_col_item"), t("analyze_col_mean"), "SD", t("analyze_col_item_total"), t("analyze_col_alpha_deleted")]]
            + a.items.map { i in
                [i.label, Format.fixed(i.mean, 2), Format.fixed(i.sd, 2),
                 i.correctedItemTotal.map { Format.unit($0, 3) } ?? "–", i.alphaIfDeleted.map { Format.unit($0, 3) } ?? "–"]
            })
        if a.items.contains(where: { ($0.correctedItemTotal ?? 0) < 0 }) { lines.append(""); lines.append(t("analyze_negative_item_total")) }
    }

    mutating func chiSquare() throws {
        let x = try ChiSquareTest(data.counts, rowLabels: data.rowLabels, columnLabels: data.columnLabels)
        json += [("rows_variable", .string(request.rows ?? "")), ("columns_variable", .string(request.columns ?? "")),
                 ("chi2", .number(x.chi2)), ("df", .int(x.df)), ("p", .number(x.p)), ("cramers_v", .number(x.cramersV)),
                 ("n", .number(x.n)), ("g2", .number(x.g2)), ("p_g2", .number(x.pG2)),
                 ("min_expected", .number(x.minimumExpected)), ("cells_expected_below_5", .int(x.cellsExpectedBelow5)),
                 ("yates_chi2", .number(x.yatesChi2)), ("yates_p", .number(x.yatesP)), ("fisher_p", .number(x.fisher?.p)),
                 ("rows", .array(data.rowLabels.map { .string($0) })), ("columns", .array(data.columnLabels.map { .string($0) })),
                 ("observed", .array(x.observed.map { .array($0.map { .number($0) }) })),
                 ("expected", .array(x.expected.map { .array($0.map { .number($0) }) })),
                 ("incomplete_rows", .int(data.incompleteRows)), ("count_variable", .text(request.count))]
        lines.append(t("analyze_title_chisq", [request.rows ?? "", request.columns ?? ""]))
        if data.incompleteRows > 0 { lines.append(t("analyze_missing_left_out", [String(data.incompleteRows)])) }
        lines.append("")
        lines += Format.table([[""] + data.columnLabels + [t("analyze_total")]]
            + data.rowLabels.indices.map { i in
                [data.rowLabels[i]] + x.observed[i].map { Format.number($0) } + [Format.number(x.observed[i].reduce(0, +))]
            })
        lines.append("")
        lines.append("χ²(\(x.df), N = \(Format.number(x.n))) = \(Format.fixed(x.chi2, 2)), \(Format.apaP(x.p)), V = \(Format.unit(x.cramersV))")
        if let fisher = x.fisher, let yates = x.yatesChi2, let yp = x.yatesP {
            lines.append(t("analyze_yates", [Format.fixed(yates, 2), Format.apaP(yp)]))
            lines.append(t("analyze_fisher", [Format.apaP(fisher.p)]))
        }
        let cells = x.observed.count * (x.observed.first?.count ?? 0)
        if x.cellsExpectedBelow5 * 5 > cells { lines.append(t("analyze_expected_below_5", [String(x.cellsExpectedBelow5), String(cells)])) }
    }
}

/// Number formatting for the table output (APA conventions).
enum Format {
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "-∞") }
        // Half away from zero, as people round (printf would give 3.62 for 3.625).
        let scale = pow(10, Double(digits))
        let scaled = (x * scale).rounded(.toNearestOrAwayFromZero)
        let s = abs(scaled) < 1e15 ? String(format: "%.\(digits)f", scaled / scale) : String(format: "%.\(digits)f", x)
        // No "-0.00" for a value that rounds to zero.
        return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
    }

    /// A value bounded by 1 (η², r, α): no leading zero.
    static func unit(_ x: Double, _ digits: Int = 2) -> String {
        let s = fixed(x, digits)
        if s.hasPrefix("0.") { return String(s.dropFirst()) }
        if s.hasPrefix("-0.") { return "-" + s.dropFirst(2) }
        return s
    }

    static func p(_ p: Double) -> String { p < 0.001 ? "< .001" : unit(p, 3) }
    static func apaP(_ p: Double) -> String { p < 0.001 ? "p < .001" : "p = " + unit(p, 3) }

    static func df(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : fixed(x, 2)
    }

    static func number(_ x: Double) -> String { df(x) }

    /// Left-aligned first column, right-aligned others.
    static func table(_ rows: [[String]]) -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
