import Foundation

/// A bar chart as plain SVG (no script): one or two series per category,
/// an optional target per category drawn as a dashed line. Every chart in
/// Samen has its data table under it; the SVG is the picture of that table.
public enum BarChart {
    public struct Series: Sendable {
        public var name: String
        public var colour: String
        public var values: [Double]
        public init(name: String, colour: String, values: [Double]) { self.name = name; self.colour = colour; self.values = values }
    }

    public static func svg(title: String, categories: [String], series: [Series], targets: [Double?] = [], valueText: (Double) -> String,
                           width: Double = 640, height: Double = 260) -> String {
        let left = 44.0, right = 12.0, top = 28.0, bottom = 54.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(series.flatMap(\.values).max() ?? 0, targets.compactMap { $0 }.max() ?? 0, 1e-9)
        let scale = niceCeiling(maxValue)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\" class=\"bar-chart\">"
        out += "<title>\(Markup.escape(title))</title>"
        // Grid lines at round values: steps of 0.5, 1 or 2 times a power of ten.
        let mantissa = scale / pow(10, floor(log10(scale)))
        let steps = abs(mantissa - 2) < 1e-9 ? 4 : 5
        for i in 0...steps {
            let v = scale * Double(i) / Double(steps)
            let y = top + plotH - plotH * v / scale
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#d5dae3\" stroke-width=\"1\"/>"
            out += "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5a6577\">\(Markup.escape(valueText(v)))</text>"
        }
        let n = max(categories.count, 1)
        let slot = plotW / Double(n)
        let groupW = slot * 0.72
        let barW = groupW / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let x0 = left + slot * Double(c) + (slot - groupW) / 2
            for (s, serie) in series.enumerated() {
                let value = c < serie.values.count ? serie.values[c] : 0
                let h = plotH * value / scale
                out += "<rect x=\"\(f(x0 + barW * Double(s)))\" y=\"\(f(top + plotH - h))\" width=\"\(f(max(barW - 2, 1)))\" height=\"\(f(h))\" fill=\"\(serie.colour)\">"
                out += "<title>\(Markup.escape(category + " · " + serie.name + ": " + valueText(value)))</title></rect>"
            }
            if c < targets.count, let target = targets[c] {
                let y = top + plotH - plotH * target / scale
                out += "<line x1=\"\(f(x0 - 4))\" y1=\"\(f(y))\" x2=\"\(f(x0 + groupW + 4))\" y2=\"\(f(y))\" stroke=\"#1d2430\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
            }
            // Labels: every one when there is room, else every second.
            if n <= 16 || c % 2 == 0 {
                let room = max(4, Int((n <= 16 ? slot : slot * 2) / 6.2))
                let label = category.count > room ? String(category.prefix(room - 1)) + "…" : category
                out += "<text x=\"\(f(left + slot * (Double(c) + 0.5)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d2430\">\(Markup.escape(label))</text>"
            }
        }
        // Legend.
        var lx = left
        for serie in series where series.count > 1 {
            out += "<rect x=\"\(f(lx))\" y=\"\(f(height - 18))\" width=\"10\" height=\"10\" fill=\"\(serie.colour)\"/>"
            out += "<text x=\"\(f(lx + 14))\" y=\"\(f(height - 9))\" font-size=\"11\" fill=\"#1d2430\">\(Markup.escape(serie.name))</text>"
            lx += 24 + Double(serie.name.count) * 6.5
        }
        if targets.contains(where: { $0 != nil }) {
            out += "<line x1=\"\(f(lx))\" y1=\"\(f(height - 13))\" x2=\"\(f(lx + 16))\" y2=\"\(f(height - 13))\" stroke=\"#1d2430\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        }
        return out + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten, at least `x`: round axis values.
    public static func niceCeiling(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = pow(10, floor(log10(x)))
        for m in [1.0, 2, 5, 10] where m * p >= x * (1 - 1e-12) { return m * p }
        return 10 * p
    }

    static func f(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}

/// A table as CSV (RFC 4180): fields with a separator, quote or line break are quoted.
public enum CSVWriter {
    public static func write(header: [String], rows: [[String]], separator: Character = ";") -> String {
        func field(_ raw: String) -> String {
            // A cell a spreadsheet would run as a formula is written as text.
            let s = raw.first.map { "=+@\t".contains($0) || ($0 == "-" && Double(raw) == nil) } == true ? "'" + raw : raw
            guard s.contains(separator) || s.contains("\"") || s.contains("\n") || s.contains("\r") else { return s }
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([header] + rows).map { $0.map(field).joined(separator: String(separator)) }.joined(separator: "\r\n") + "\r\n"
    }
}

/// Daily scores as a line against a goal line (the point-card chart), as plain SVG.
public enum LineChart {
    /// Values from 0 up to `top` (1 for point-card scores, shown as percentages); `reaches` colours a day's dot green or red.
    public static func svg(title: String, labels: [String], values: [Double], goal: Double, goalLabel: String, top: Double = 1,
                           valueText: (Double) -> String = { "\(Int(($0 * 100).rounded()))%" }, reaches: ((Double) -> Bool)? = nil,
                           width: Double = 640, height: Double = 240) -> String {
        let reaches = reaches ?? { $0 >= goal - 1e-12 }
        let top = top > 0 ? top : 1
        let left = 44.0, right = 12.0, topMargin = 20.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - topMargin - bottom
        func y(_ v: Double) -> Double { topMargin + plotH - plotH * min(max(v / top, 0), 1) }
        func x(_ i: Int) -> Double { left + (values.count <= 1 ? plotW / 2 : plotW * Double(i) / Double(values.count - 1)) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(BarChart.f(width)) \(BarChart.f(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\" class=\"line-chart\">"
        out += "<title>\(Markup.escape(title))</title>"
        for step in 0...4 {
            let v = top * Double(step) / 4
            out += "<line x1=\"\(BarChart.f(left))\" y1=\"\(BarChart.f(y(v)))\" x2=\"\(BarChart.f(width - right))\" y2=\"\(BarChart.f(y(v)))\" stroke=\"#d5dae3\"/>"
            out += "<text x=\"\(BarChart.f(left - 4))\" y=\"\(BarChart.f(y(v) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5a6577\">\(Markup.escape(valueText(v)))</text>"
        }
        out += "<line x1=\"\(BarChart.f(left))\" y1=\"\(BarChart.f(y(goal)))\" x2=\"\(BarChart.f(width - right))\" y2=\"\(BarChart.f(y(goal)))\" stroke=\"#2e7d32\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
        out += "<text x=\"\(BarChart.f(width - right))\" y=\"\(BarChart.f(y(goal) - 5))\" text-anchor=\"end\" font-size=\"11\" fill=\"#2e7d32\">\(Markup.escape(goalLabel))</text>"
        if !values.isEmpty {
            let points = values.indices.map { "\(BarChart.f(x($0))),\(BarChart.f(y(values[$0])))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"2\"/>"
            for i in values.indices {
                out += "<circle cx=\"\(BarChart.f(x(i)))\" cy=\"\(BarChart.f(y(values[i])))\" r=\"3\" fill=\"\(reaches(values[i]) ? "#2e7d32" : "#c62828")\">"
                out += "<title>\(Markup.escape(labels[i])): \(Markup.escape(valueText(values[i])))</title></circle>"
            }
            let step = max(1, values.count / 8)
            for i in stride(from: 0, to: values.count, by: step) {
                out += "<text x=\"\(BarChart.f(x(i)))\" y=\"\(BarChart.f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d2430\">\(Markup.escape(labels[i]))</text>"
            }
        }
        return out + "</svg>"
    }
}
