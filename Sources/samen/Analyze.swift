import ArgumentParser
import Foundation
import SamenCore
import SamenStats

/// `samen analyze TEST FILE.csv [options]`: the statistics engine on a CSV
/// file, for researchers. Reads the file in chunks and keeps only the
/// columns the test needs.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a statistical test on a CSV file (see docs/analyze.md).",
        discussion: """
        Tests: \(AnalysisTest.allCases.map(\.rawValue).joined(separator: ", ")).
        Examples:
          samen analyze anova scores.csv --group school_type --value interdependence
          samen analyze ttest scores.csv --paired --before t0 --after t1
          samen analyze alpha items.csv --items q1,q2,q3 --reverse q2
        The CSV file has column names on its first line; `,` or `;` separates fields;
        numbers use `.` or `,` as decimal mark; an empty cell, NA or . is missing.
        Bad input: one line on stderr and exit code 2.
        """)

    @Argument(help: "The test: \(AnalysisTest.allCases.map(\.rawValue).joined(separator: "|")).")
    var test: String
    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "Column with the group labels.") var group: String?
    @Option(help: "Column with the values.") var value: String?
    @Option(help: "Paired tests: column of the first measure.") var before: String?
    @Option(help: "Paired tests: column of the second measure (differences are after − before).") var after: String?
    @Option(help: "alpha: the item columns, comma-separated.") var items: String?
    @Option(help: "alpha: items to reverse-score, comma-separated.") var reverse: String?
    @Option(help: "chisq: column of the table's rows.") var rows: String?
    @Option(help: "chisq: column of the table's columns.") var cols: String?
    @Option(help: "chisq: column of counts, when each row stands for several observations (SPSS WEIGHT BY).") var count: String?
    @Option(help: "Two-sample tests: the two groups to compare, as A,B.") var groups: String?
    @Option(help: "posthoc: tukey|games-howell|bonferroni|holm.") var method: String = "tukey"
    @Option(help: "levene: mean (Levene) or median (Brown–Forsythe).") var center: String = "mean"
    @Option(name: .customLong("scale-min"), help: "alpha: lowest answer of the scale (for reverse scoring).") var scaleMin: Double?
    @Option(name: .customLong("scale-max"), help: "alpha: highest answer of the scale.") var scaleMax: Double?
    @Option(help: "Confidence level of intervals.") var confidence: Double = 0.95
    @Option(help: "table or json.") var format: String = "table"
    @Flag(help: "ttest: paired samples (--before, --after).") var paired = false
    @Flag(help: "ttest: Student's pooled-variance test instead of Welch's.") var student = false
    @Flag(help: "posthoc bonferroni/holm: Welch t-tests per pair instead of the pooled error term.") var welch = false
    @Flag(help: "mannwhitney/wilcoxon: exact p-value (without ties).") var exact = false
    @Flag(help: "mannwhitney/wilcoxon: normal approximation.") var asymptotic = false
    @Flag(help: .hidden) var timing = false

    func fail(_ message: String) -> ExitCode {
        var standardError = StandardError()
        print("samen analyze: " + message, to: &standardError)
        return ExitCode(2)
    }

    func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func request() throws -> AnalysisRequest {
        guard let kind = AnalysisTest(rawValue: test.lowercased()) else {
            throw fail(Catalogue.text("analyze_unknown_test", cliLanguage, [test, AnalysisTest.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        guard format == "table" || format == "json" else {
            throw fail(Catalogue.text("analyze_bad_choice", cliLanguage, ["--format", format, "table, json"]))
        }
        var r = AnalysisRequest(test: kind)
        r.group = group; r.value = value; r.before = before; r.after = after
        r.items = list(items); r.reverse = list(reverse); r.rows = rows; r.columns = cols; r.count = count
        r.paired = paired; r.student = student; r.welch = welch; r.groups = list(groups)
        guard let m = PostHoc.Method(rawValue: method.lowercased()) else {
            throw fail(Catalogue.text("analyze_bad_choice", cliLanguage, ["--method", method, PostHoc.Method.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        r.method = m
        guard let c = LeveneTest.Center(rawValue: center.lowercased()) else {
            throw fail(Catalogue.text("analyze_bad_choice", cliLanguage, ["--center", center, "mean, median"]))
        }
        r.center = c
        if exact && asymptotic {
            throw fail(Catalogue.text("analyze_exact_or_asymptotic", cliLanguage))
        }
        r.exact = exact ? true : (asymptotic ? false : nil)
        r.scaleMin = scaleMin; r.scaleMax = scaleMax; r.confidence = confidence
        return r
    }

    func run() throws {
        let request = try request()
        let started = DispatchTime.now().uptimeNanoseconds
        var data: AnalysisData
        do {
            data = AnalysisData(shape: try request.shape(), centred: request.centred)
            let descriptor = open(file, O_RDONLY)
            if descriptor < 0 { throw AnalysisInputError("cli_file_unreadable", [file]) }
            defer { close(descriptor) }
            let size = 1 << 22
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
            defer { buffer.deallocate() }
            while true {
                let count = read(descriptor, buffer.baseAddress, size)
                if count < 0 { throw AnalysisInputError("cli_file_unreadable", [file]) }
                try data.feed(UnsafeBufferPointer(rebasing: buffer[0..<count]), final: count == 0)
                if count == 0 { break }
            }
        } catch let error as AnalysisInputError {
            throw fail(error.message(cliLanguage))
        }
        let parsed = DispatchTime.now().uptimeNanoseconds
        var result: AnalysisResult
        do {
            result = try Analysis.run(request, data: data, language: cliLanguage)
        } catch let error as AnalysisInputError {
            throw fail(error.message(cliLanguage))
        }
        let computed = DispatchTime.now().uptimeNanoseconds
        if timing {
            // The benchmark compares the compute step with NumPy's median of
            // five runs on warm arrays; do the same here.
            var runs = [Double(computed - parsed)]
            for _ in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                result = try Analysis.run(request, data: data, language: cliLanguage)
                runs.append(Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            let median = runs.sorted()[2]
            var standardError = StandardError()
            print(String(format: "timing: read %.3f s, compute %.4f s (median of 5), first compute %.4f s",
                         Double(parsed - started) / 1e9, median / 1e9, runs[0] / 1e9), to: &standardError)
        }
        print(format == "json" ? result.json.serialized() : result.table, terminator: format == "json" ? "\n" : "")
    }
}
