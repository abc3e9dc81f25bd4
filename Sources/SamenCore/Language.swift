/// The languages every user-facing word exists in: Dutch first, English by a switch.
public enum Language: String, CaseIterable, Codable, Sendable {
    case nl
    case en

    /// Picks the language from a stored preference, else `nl`.
    public init(preference: String?) {
        self = preference.flatMap { Language(rawValue: $0.lowercased()) } ?? .nl
    }

    /// Picks the first supported language of an `Accept-Language` header; Dutch when none.
    public init(acceptLanguage header: String?) {
        guard let header else { self = .nl; return }
        for part in header.split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if tag.hasPrefix("nl") { self = .nl; return }
            if tag.hasPrefix("en") { self = .en; return }
        }
        self = .nl
    }

    /// Formats a number with a decimal comma in Dutch, a point in English.
    public func decimal(_ value: Double, digits: Int = 1) -> String {
        let text = String(format: "%.\(digits)f", value)
        return self == .nl ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}

import Foundation
