import Foundation

/// Who delivers an intervention.
public enum Provider: String, CaseIterable, Sendable, Codable {
    case school, youthcare, joint
    /// Whether youth care takes part (alone or together with the school).
    public var involvesYouthCare: Bool { self != .school }
}

/// Whom an intervention is for.
public enum InterventionTarget: String, CaseIterable, Sendable, Codable {
    case all, group, individual
}

public enum InterventionStatus: String, CaseIterable, Sendable, Codable {
    case planned, active, stopped
}

/// An intervention's fields, validated.
public struct InterventionFields: Sendable, Equatable {
    public static let maxName = 120
    public static let maxEvidence = 2000
    public var name: String
    public var tier: Tier
    public var provider: Provider
    public var target: InterventionTarget
    public var evidence: String
    public var status: InterventionStatus

    public init(name: String, tier: Tier, provider: Provider, target: InterventionTarget, evidence: String = "", status: InterventionStatus = .active) {
        self.name = name; self.tier = tier; self.provider = provider; self.target = target; self.evidence = evidence; self.status = status
    }

    public static func validate(name: String, tier: String, provider: String, target: String, evidence: String, status: String) -> Validated<InterventionFields> {
        var problems: [FieldProblem] = []
        let name = name.trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        else if name.count > maxName { problems.append(.init(field: "name", key: "import_too_long", arguments: [String(maxName)])) }
        let tierValue = Int(tier.trimmed).flatMap(Tier.init(rawValue:))
        if tierValue == nil { problems.append(.init(field: "tier", key: "intervention_bad_tier", arguments: [tier])) }
        let providerValue = Provider(rawValue: provider)
        if providerValue == nil { problems.append(.init(field: "provider", key: "incident_bad_choice", arguments: [provider])) }
        let targetValue = InterventionTarget(rawValue: target)
        if targetValue == nil { problems.append(.init(field: "target", key: "incident_bad_choice", arguments: [target])) }
        let statusValue = InterventionStatus(rawValue: status.isEmpty ? "active" : status)
        if statusValue == nil { problems.append(.init(field: "status", key: "incident_bad_choice", arguments: [status])) }
        let evidence = evidence.trimmed
        if evidence.count > maxEvidence { problems.append(.init(field: "evidence", key: "import_too_long", arguments: [String(maxEvidence)])) }
        guard problems.isEmpty, let tierValue, let providerValue, let targetValue, let statusValue else { return .failure(problems) }
        return .success(InterventionFields(name: name, tier: tierValue, provider: providerValue, target: targetValue, evidence: evidence, status: statusValue))
    }
}

/// One tier of a school's pyramid: the interventions delivered there.
public struct PyramidTier: Sendable, Equatable {
    public var tier: Tier
    /// Names of the interventions (or workshop notes) shown in the band.
    public var items: [String]
    /// How many of them youth care delivers (alone or jointly).
    public var withYouthCare: Int

    public init(tier: Tier, items: [String], withYouthCare: Int) {
        self.tier = tier; self.items = items; self.withYouthCare = withYouthCare
    }

    public var count: Int { items.count }
}

/// The pyramid of alignment: counts per tier, the share delivered with
/// youth care, and its gaps in words (the seeds' exercise).
public struct Pyramid: Sendable, Equatable {
    public var tiers: [PyramidTier]

    /// Active interventions by tier; planned and stopped ones do not count.
    public init(_ interventions: [InterventionFields]) {
        tiers = Tier.allCases.map { tier in
            let here = interventions.filter { $0.tier == tier && $0.status == .active }
            return PyramidTier(tier: tier, items: here.map(\.name), withYouthCare: here.filter { $0.provider.involvesYouthCare }.count)
        }
    }

    public init(tiers: [PyramidTier]) { self.tiers = tiers }

    public func tier(_ t: Tier) -> PyramidTier { tiers.first { $0.tier == t } ?? PyramidTier(tier: t, items: [], withYouthCare: 0) }

    public var total: Int { tiers.reduce(0) { $0 + $1.count } }

    /// The share of interventions youth care takes part in, 0...1 (nil without interventions).
    public var youthCareShare: Double? {
        total == 0 ? nil : Double(tiers.reduce(0) { $0 + $1.withYouthCare }) / Double(total)
    }

    /// What is missing, as catalogue keys with arguments: a tier without
    /// interventions, a tier without youth care, and a top-heavy pyramid
    /// (more at Tier III than at Tier II: the seeds' "Tier II rarely used,
    /// Tier III overloaded").
    public var gaps: [(key: String, arguments: [String])] {
        var gaps: [(String, [String])] = []
        for tier in Tier.allCases {
            let t = self.tier(tier)
            if t.count == 0 { gaps.append(("pyramid_gap_empty", [roman(tier)])) }
            else if t.withYouthCare == 0 { gaps.append(("pyramid_gap_no_youth_care", [roman(tier)])) }
        }
        if tier(.three).count > tier(.two).count { gaps.append(("pyramid_gap_top_heavy", [String(tier(.three).count), String(tier(.two).count)])) }
        return gaps
    }

    public func roman(_ tier: Tier) -> String { ["I", "II", "III"][tier.rawValue - 1] }
}

/// Draws a pyramid as SVG: Tier I green at the base, II yellow, III red at
/// the top, each band with its count and its share with youth care, and up
/// to a few names. Plain SVG, no script, safe to embed anywhere.
public enum PyramidChart {
    public static let width = 640.0
    public static let height = 420.0

    /// `labels` gives the band captions in the reader's language:
    /// for each tier, e.g. "Niveau II: 4 interventies, 2 met jeugdhulp".
    public static func svg(_ pyramid: Pyramid, title: String, labels: [Tier: String], maxNames: Int = 4, moreLabel: (Int) -> String) -> String {
        let w = width, h = height
        let top = 20.0, base = h - 20.0
        let bandHeight = (base - top) / 3
        let apexX = w / 2
        let halfBase = w / 2 - 20
        func halfWidth(at y: Double) -> Double { halfBase * (y - top) / (base - top) }
        let colours: [Tier: (fill: String, stroke: String)] = [.one: ("#c8e6c9", "#2e7d32"), .two: ("#fff3c4", "#b58900"), .three: ("#ffcdd2", "#c62828")]
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escape(title))\" class=\"pyramid\">"
        out += "<title>\(escape(title))</title>"
        for (i, tier) in [Tier.three, .two, .one].enumerated() {
            let y0 = top + Double(i) * bandHeight, y1 = y0 + bandHeight
            let a = halfWidth(at: y0), b = halfWidth(at: y1)
            let c = colours[tier]!
            let points = [(apexX - a, y0), (apexX + a, y0), (apexX + b, y1), (apexX - b, y1)]
                .map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
            out += "<polygon points=\"\(points)\" fill=\"\(c.fill)\" stroke=\"\(c.stroke)\" stroke-width=\"2\" data-tier=\"\(tier.rawValue)\"/>"
            let band = pyramid.tier(tier)
            // The caption sits low in the narrow top band, centred elsewhere.
            let captionY = tier == .three ? y1 - 34 : y0 + 28
            out += "<text x=\"\(format(apexX))\" y=\"\(format(captionY))\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"700\" fill=\"#1d2430\">\(escape(labels[tier] ?? ""))</text>"
            if tier != .three {
                var names = band.items.prefix(maxNames).map { $0 }
                if band.count > maxNames { names.append(moreLabel(band.count - maxNames)) }
                for (j, name) in names.enumerated() {
                    let text = name.count > 48 ? String(name.prefix(47)) + "…" : name
                    out += "<text x=\"\(format(apexX))\" y=\"\(format(y0 + 50 + Double(j) * 17))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1d2430\">\(escape(text))</text>"
                }
            } else if let first = band.items.first {
                let more = band.count > 1 ? " " + moreLabel(band.count - 1) : ""
                let text = (first.count > 22 ? String(first.prefix(21)) + "…" : first) + more
                out += "<text x=\"\(format(apexX))\" y=\"\(format(y1 - 14))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d2430\">\(escape(text))</text>"
            }
        }
        return out + "</svg>"
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}

/// Escaping for HTML and SVG built in code: element content and quoted attributes.
public enum Markup {
    public static func escape(_ text: String) -> String {
        // Most text needs nothing: look at the bytes first.
        if !needsEscaping(text) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        append(text, escapedTo: &out)
        return out
    }

    /// Appends text escaped to markup being built, without a copy of its own in between.
    public static func append(_ text: String, escapedTo out: inout String) {
        guard needsEscaping(text) else { out += text; return }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    private static func needsEscaping(_ text: String) -> Bool {
        func special(_ byte: UInt8) -> Bool { byte == 38 || byte == 60 || byte == 62 || byte == 34 || byte == 39 }
        // Over the bytes in place where the string has them so (a tight loop); else through the view.
        return text.utf8.withContiguousStorageIfAvailable { $0.contains(where: special) } ?? text.utf8.contains(where: special)
    }
}
