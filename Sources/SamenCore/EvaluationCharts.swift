import Foundation

/// The evaluation report's pictures as plain SVG (no script), each the picture of a table printed under it:
/// grouped bars of scale means with error bars, a dot-plot profile of one school against all, and before/after slopes.
public enum EvaluationCharts {
    /// A series of the charts: a name, its colour and a value per category (nil: suppressed or missing, not drawn).
    public struct Series: Sendable {
        public var name: String
        public var colour: String
        public var values: [Double?]
        /// Half the error bar per category (the 95% confidence interval of the mean); nil draws none.
        public var errors: [Double?]
        public init(name: String, colour: String, values: [Double?], errors: [Double?] = []) {
            self.name = name; self.colour = colour; self.values = values; self.errors = errors
        }
    }

    /// Colours by school type, the same in every chart; others from a fixed list.
    public static func colour(_ index: Int) -> String {
        ["#1f5f8b", "#c0622c", "#2e7d32", "#7b4fa0", "#8a6d1d", "#4a5568", "#b03a5b"][index % 7]
    }

    private static func f(_ x: Double) -> String { BarChart.f(x) }
    private static func e(_ s: String) -> String { Markup.escape(s) }

    private static func open(_ title: String, _ width: Double, _ height: Double, _ kind: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(e(title))\" class=\"\(kind)\"><title>\(e(title))</title>"
    }

    private static func legend(_ series: [Series], x: Double, y: Double) -> String {
        var out = "", lx = x
        for s in series {
            out += "<rect x=\"\(f(lx))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(s.colour)\"/>"
            out += "<text x=\"\(f(lx + 14))\" y=\"\(f(y))\" font-size=\"11\" fill=\"#1d2430\">\(e(s.name))</text>"
            lx += 24 + Double(s.name.count) * 6.5
        }
        return out
    }

    private static func shorten(_ label: String, _ room: Int) -> String {
        label.count > room ? String(label.prefix(max(room - 1, 1))) + "…" : label
    }

    /// Grouped bars: per category (a scale) one bar per series (a school type) from the axis floor to the mean,
    /// with an error bar; the axis runs over the answer scale (`low`…`high`).
    public static func groupedBars(title: String, categories: [String], series: [Series], low: Double, high: Double,
                                   width: Double = 680, height: Double = 280) -> String {
        let left = 36.0, right = 10.0, top = 14.0, bottom = 58.0
        let plotW = width - left - right, plotH = height - top - bottom
        let span = max(high - low, 1e-9)
        func y(_ v: Double) -> Double { top + plotH - plotH * min(max((v - low) / span, 0), 1) }
        var out = open(title, width, height, "bar-chart")
        for step in 0...Int(span.rounded()) where span <= 10 {
            let v = low + Double(step)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(v)))\" stroke=\"#d5dae3\"/>"
            out += "<text x=\"\(f(left - 4))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5a6577\">\(f(v))</text>"
        }
        let slot = plotW / Double(max(categories.count, 1))
        let groupW = slot * 0.78
        let barW = groupW / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let x0 = left + slot * Double(c) + (slot - groupW) / 2
            for (s, serie) in series.enumerated() {
                guard c < serie.values.count, let value = serie.values[c] else { continue }
                let x = x0 + barW * Double(s)
                out += "<rect x=\"\(f(x))\" y=\"\(f(y(value)))\" width=\"\(f(max(barW - 2, 1)))\" height=\"\(f(y(low) - y(value)))\" fill=\"\(serie.colour)\">"
                out += "<title>\(e(category + " · " + serie.name + ": " + StatsFormat.number(value)))</title></rect>"
                if c < serie.errors.count, let error = serie.errors[c] {
                    let mid = x + (barW - 2) / 2
                    out += "<path d=\"M\(f(mid)) \(f(y(value - error)))V\(f(y(value + error)))M\(f(mid - 3)) \(f(y(value - error)))h6M\(f(mid - 3)) \(f(y(value + error)))h6\" stroke=\"#1d2430\" stroke-width=\"1.2\" fill=\"none\"/>"
                }
            }
            let room = max(4, Int(slot / 6.2))
            out += "<text x=\"\(f(left + slot * (Double(c) + 0.5)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d2430\">\(e(shorten(category, room)))</text>"
        }
        return out + legend(series, x: left, y: height - 10) + "</svg>"
    }

    /// A profile: per row (a scale) a dot per series (the school, all schools) on the answer scale.
    public static func profile(title: String, rows: [String], series: [Series], low: Double, high: Double,
                               width: Double = 680, rowHeight: Double = 26) -> String {
        let left = 230.0, right = 16.0, top = 10.0
        let height = top + rowHeight * Double(rows.count) + 44
        let plotW = width - left - right
        let span = max(high - low, 1e-9)
        func x(_ v: Double) -> Double { left + plotW * min(max((v - low) / span, 0), 1) }
        var out = open(title, width, height, "profile-chart")
        let bottomY = top + rowHeight * Double(rows.count)
        for step in 0...Int(span.rounded()) where span <= 10 {
            let v = low + Double(step)
            out += "<line x1=\"\(f(x(v)))\" y1=\"\(f(top))\" x2=\"\(f(x(v)))\" y2=\"\(f(bottomY))\" stroke=\"#d5dae3\"/>"
            out += "<text x=\"\(f(x(v)))\" y=\"\(f(bottomY + 14))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5a6577\">\(f(v))</text>"
        }
        for (r, row) in rows.enumerated() {
            let cy = top + rowHeight * (Double(r) + 0.5)
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(cy + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#1d2430\">\(e(shorten(row, 36)))</text>"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(cy))\" x2=\"\(f(width - right))\" y2=\"\(f(cy))\" stroke=\"#eef1f5\"/>"
            for (s, serie) in series.enumerated() {
                guard r < serie.values.count, let value = serie.values[r] else { continue }
                let radius = s == 0 ? 6.0 : 4.0
                out += "<circle cx=\"\(f(x(value)))\" cy=\"\(f(cy))\" r=\"\(f(radius))\" fill=\"\(serie.colour)\"\(s == 0 ? "" : " fill-opacity=\"0.75\"")>"
                out += "<title>\(e(row + " · " + serie.name + ": " + StatsFormat.number(value)))</title></circle>"
            }
        }
        return out + legend(series, x: left, y: height - 8) + "</svg>"
    }

    /// Before/after slopes: per series a line from its first to its second value, with the values written at the ends.
    public static func slopes(title: String, first: String, second: String, series: [Series], low: Double, high: Double,
                              width: Double = 420, height: Double = 320) -> String {
        let left = 110.0, right = 110.0, top = 24.0, bottom = 44.0 + 13 * Double(max(series.count - 1, 0))
        let plotH = height - top - bottom
        let span = max(high - low, 1e-9)
        // The axis is zoomed to the values drawn (padded to a half point), so a change of tenths stays visible.
        let drawn = series.flatMap { $0.values.prefix(2).compactMap { $0 } }
        let lo = max(low, ((drawn.min() ?? low) * 2).rounded(.down) / 2 - 0.5), hi = min(high, ((drawn.max() ?? high) * 2).rounded(.up) / 2 + 0.5)
        let range = max(hi - lo, span / 10)
        func y(_ v: Double) -> Double { top + plotH - plotH * min(max((v - lo) / range, 0), 1) }
        let x1 = left, x2 = width - right
        var out = open(title, width, height, "slope-chart")
        out += "<line x1=\"\(f(x1))\" y1=\"\(f(top))\" x2=\"\(f(x1))\" y2=\"\(f(top + plotH))\" stroke=\"#9aa5b5\"/>"
        out += "<line x1=\"\(f(x2))\" y1=\"\(f(top))\" x2=\"\(f(x2))\" y2=\"\(f(top + plotH))\" stroke=\"#9aa5b5\"/>"
        out += "<text x=\"\(f(x1))\" y=\"\(f(height - 24))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d2430\">\(e(first))</text>"
        out += "<text x=\"\(f(x2))\" y=\"\(f(height - 24))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d2430\">\(e(second))</text>"
        let drawnSeries = series.filter { $0.values.count >= 2 && $0.values[0] != nil && $0.values[1] != nil }
        // Labels kept apart: sorted by height, each at least a line below the one above.
        func spread(_ ys: [Double]) -> [Double] {
            var placed = ys
            let order = ys.indices.sorted { ys[$0] < ys[$1] }
            var last = -Double.infinity
            for i in order {
                placed[i] = max(ys[i], last + 13)
                last = placed[i]
            }
            return placed
        }
        let leftY = spread(drawnSeries.map { y($0.values[0]!) }), rightY = spread(drawnSeries.map { y($0.values[1]!) })
        for (i, serie) in drawnSeries.enumerated() {
            let a = serie.values[0]!, b = serie.values[1]!
            out += "<line x1=\"\(f(x1))\" y1=\"\(f(y(a)))\" x2=\"\(f(x2))\" y2=\"\(f(y(b)))\" stroke=\"\(serie.colour)\" stroke-width=\"2.5\">"
            out += "<title>\(e(serie.name + ": " + StatsFormat.number(a) + " → " + StatsFormat.number(b)))</title></line>"
            out += "<circle cx=\"\(f(x1))\" cy=\"\(f(y(a)))\" r=\"4\" fill=\"\(serie.colour)\"/><circle cx=\"\(f(x2))\" cy=\"\(f(y(b)))\" r=\"4\" fill=\"\(serie.colour)\"/>"
            out += "<text x=\"\(f(x1 - 8))\" y=\"\(f(leftY[i] + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(serie.colour)\">\(e(serie.name + " " + StatsFormat.number(a)))</text>"
            out += "<text x=\"\(f(x2 + 8))\" y=\"\(f(rightY[i] + 4))\" font-size=\"11\" fill=\"\(serie.colour)\">\(e(StatsFormat.number(b) + " " + serie.name))</text>"
        }
        return out + "</svg>"
    }
}
