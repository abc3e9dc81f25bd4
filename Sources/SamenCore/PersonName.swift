/// A Dutch person's name: first name used (roepnaam), particle
/// (tussenvoegsel: "van", "de", "van der") and surname.
///
/// Dutch names display as "Jan van der Berg" but sort and are looked up on
/// the surname without its particle: "Berg, Jan van der" (DOMAIN.md §8b).
public struct PersonName: Hashable, Sendable {
    public var first: String
    public var particle: String
    public var last: String

    public init(first: String, particle: String = "", last: String) {
        self.first = first.trimmed
        self.particle = particle.trimmed
        self.last = last.trimmed
    }

    /// "Jan van der Berg".
    public var display: String {
        [first, particle, last].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "Berg, Jan van der": how a list of students reads.
    public var listed: String {
        let rest = [first, particle].filter { !$0.isEmpty }.joined(separator: " ")
        return rest.isEmpty ? last : "\(last), \(rest)"
    }

    /// Lower-cased key that orders on surname, then first name, ignoring the particle.
    public var sortKey: String {
        PersonName.fold("\(last) \(first) \(particle)")
    }

    /// Text to search in: every spelling a user may type ("jan berg", "van der berg", "berg").
    public var searchText: String {
        PersonName.fold("\(display) | \(listed)")
    }

    /// Lower-cases and strips diacritics so "Özdemir" is found by "ozdemir".
    public static func fold(_ text: String) -> String {
        // Most names are plain ASCII: lower-case the bytes without Foundation's
        // folding, which cost 7% of a 100,000-row import.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }
}

import Foundation
