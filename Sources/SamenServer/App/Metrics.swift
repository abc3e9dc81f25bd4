import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// `/metrics` in Prometheus's text format: requests by method, route pattern and status (never a concrete path,
/// which can carry an id or a name typed into a search), their latency as a histogram, the decision rules'
/// evaluation times, and the open signals waiting on the worklists. Counts only; no person appears. Served to
/// the machine itself (a scraper on loopback) or to whoever sends `Authorization: Bearer $SAMEN_METRICS_TOKEN`.
final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var count = 0
        mutating func observe(_ seconds: Double) {
            for (i, bound) in Metrics.buckets.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            count += 1
        }
    }

    /// A route by its method and pattern (`GET`, `/students/:student`).
    private struct Route: Hashable, Comparable {
        var method: String
        var pattern: String
        static func < (a: Route, b: Route) -> Bool { (a.pattern, a.method) < (b.pattern, b.method) }
    }

    /// What a route answered: a count per status and the latency of all.
    private struct Answers {
        var statuses: [UInt: Int] = [:]
        var latency = Histogram()
        mutating func record(status: UInt, seconds: Double) {
            statuses[status, default: 0] += 1
            latency.observe(seconds)
        }
    }

    private struct State {
        var routes: [Route: Answers] = [:]
        var rules = Histogram()
    }

    private let state = NIOLockedValueBox(State())

    /// A request answered, by its method and route pattern.
    func request(method: String, pattern: String, status: UInt, seconds: Double) {
        state.withLockedValue { $0.routes[Route(method: method, pattern: pattern), default: Answers()].record(status: status, seconds: seconds) }
    }

    /// One school's decision rules evaluated.
    func ruleEvaluation(seconds: Double) {
        state.withLockedValue { $0.rules.observe(seconds) }
    }

    /// The exposition text; `openSignals` by school code.
    func text(openSignals: [(String, Int)]) -> String {
        let s = state.withLockedValue { $0 }
        var out = "# HELP samen_http_requests_total Requests answered, by method, route pattern and status.\n# TYPE samen_http_requests_total counter\n"
        let routes = s.routes.sorted { $0.key < $1.key }
        func labels(_ route: Route) -> String { "method=\"\(route.method)\",route=\"\(Self.label(route.pattern))\"" }
        for (route, answers) in routes {
            for (status, count) in answers.statuses.sorted(by: { $0.key < $1.key }) {
                out += "samen_http_requests_total{\(labels(route)),status=\"\(status)\"} \(count)\n"
            }
        }
        out += "# HELP samen_http_request_duration_seconds Time to answer a request, by method and route pattern.\n# TYPE samen_http_request_duration_seconds histogram\n"
        for (route, answers) in routes {
            out += Self.histogram("samen_http_request_duration_seconds", labels: labels(route), answers.latency)
        }
        out += "# HELP samen_rule_evaluation_seconds Time to evaluate one school's decision rules.\n# TYPE samen_rule_evaluation_seconds histogram\n"
        out += Self.histogram("samen_rule_evaluation_seconds", labels: nil, s.rules)
        out += "# HELP samen_open_signals Signals waiting on a worklist (status open), by school.\n# TYPE samen_open_signals gauge\n"
        for (school, n) in openSignals { out += "samen_open_signals{school=\"\(Self.label(school))\"} \(n)\n" }
        return out
    }

    private static func histogram(_ name: String, labels: String?, _ h: Histogram) -> String {
        let prefix = labels.map { $0 + "," } ?? ""
        var out = ""
        for (i, bound) in buckets.enumerated() { out += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(h.counts[i])\n" }
        out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(h.count)\n"
        let braces = labels.map { "{" + $0 + "}" } ?? ""
        out += "\(name)_sum\(braces) \(h.sum)\n\(name)_count\(braces) \(h.count)\n"
        return out
    }

    /// A label value with `\`, `"` and line breaks escaped, as the format asks.
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}

struct MetricsKey: StorageKey { typealias Value = Metrics }

extension Application {
    /// Set up by `configure`.
    var metrics: Metrics { storage[MetricsKey.self]! }
}

struct MetricsController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        let token = req.application.samenConfig.metricsToken
        let loopback = ["127.0.0.1", "::1"].contains(req.remoteAddress?.ipAddress ?? "") && req.headers.first(name: "X-Forwarded-For") == nil
        guard loopback || (!token.isEmpty && req.headers.bearerAuthorization?.token == token) else { throw SamenError.forbidden }
        let open = try await (req.db as! any SQLDatabase).raw("""
            SELECT s.code, COUNT(g.id) AS n FROM schools s LEFT JOIN signals g ON g.school_id = s.id AND g.status = 'open' GROUP BY s.code ORDER BY s.code
            """).all().map { (try $0.decode(column: "code", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: req.application.metrics.text(openSignals: open)))
    }
}
