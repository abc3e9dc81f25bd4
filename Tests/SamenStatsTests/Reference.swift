import Foundation
import Testing

/// shared/reference/stats-cases.json, read as plain JSON.
enum Reference {
    /// ../shared/reference/stats-cases.json, next to the project's checkout.
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/stats-cases.json")

    static func load() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func cases(_ kind: String) throws -> [[String: Any]] {
        let all = try load()["cases"] as! [[String: Any]]
        return all.filter { $0["kind"] as? String == kind }
    }

    /// Groups in file order (JSONSerialization loses key order, so it is
    /// recovered from the raw text).
    static func groups(_ c: [String: Any]) throws -> [(String, [Double])] {
        let input = c["input"] as! [String: Any]
        let groups = input["groups"] as! [String: [Double]]
        let text = try String(contentsOf: url, encoding: .utf8)
        let id = c["id"] as! String
        let start = text.range(of: "\"id\": \"\(id)\"")!.upperBound
        return groups.keys.sorted {
            text.range(of: "\"\($0)\"", range: start..<text.endIndex)!.lowerBound
                < text.range(of: "\"\($1)\"", range: start..<text.endIndex)!.lowerBound
        }.map { ($0, groups[$0]!) }
    }
}

func number(_ any: Any?) -> Double? {
    switch any {
    case let d as Double: d
    case let i as Int: Double(i)
    case let n as NSNumber: n.doubleValue
    default: nil
    }
}

/// |a − b| ≤ tolerance·|b| (or the absolute floor for values near zero).
func expectClose(_ value: Double?, _ expected: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(value, expected, 1e-12, what, sourceLocation: sourceLocation)
}

func expectClose(_ value: Double?, _ expected: Any?, _ tolerance: Double, absolute: Double = 1e-15,
                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let e = number(expected) else {
        Issue.record("\(what): no expected value", sourceLocation: sourceLocation); return
    }
    guard let value else { Issue.record("\(what): nil, expected \(e)", sourceLocation: sourceLocation); return }
    let ok = value == e || abs(value - e) <= max(tolerance * abs(e), absolute)
    #expect(ok, "\(what): \(value) vs \(e) (rel \(abs(value - e) / abs(e)))", sourceLocation: sourceLocation)
}
