import Foundation
import SamenCore
import SQLKit

extension UUID {
    /// Parses the 36-character text form (either case) directly; Foundation's
    /// parser goes through `sscanf`, which was 4% of the student list page.
    init?(text: String) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { chars -> uuid_t? in
            guard chars.count == 36, chars[8] == 45, chars[13] == 45, chars[18] == 45, chars[23] == 45 else { return nil }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let complete = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
                var index = 0, high = true
                for char in chars where char != 45 {
                    let digit: UInt8
                    switch char {
                    case 48...57: digit = char - 48
                    case 65...70: digit = char - 55
                    case 97...102: digit = char - 87
                    default: return false
                    }
                    guard index < 16 else { return false }
                    if high { bytes[index] = digit << 4 } else { bytes[index] |= digit; index += 1 }
                    high.toggle()
                }
                return index == 16
            }
            return complete ? value : nil
        }
        switch parsed {
        case .some(.some(let value)): self.init(uuid: value)
        case .some(.none): return nil
        case .none:  // not contiguous UTF-8 (a bridged string): the slow way
            guard let id = UUID(uuidString: text) else { return nil }
            self = id
        }
    }
}

extension UUID {
    /// The text form as Foundation's `uuidString` writes it (upper case), without the `sprintf` Foundation writes
    /// it with (4% of the student list page, which links 50 students and a menu).
    var text: String {
        let digits: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 45; o += 1 }
                    out[o] = digits.utf8Start[Int(byte >> 4)]
                    out[o + 1] = digits.utf8Start[Int(byte & 15)]
                    o += 2
                }
                return o
            }
        }
    }
}

extension DefaultStringInterpolation {
    /// A UUID in text (`"/students/\(id)"`) written by `UUID.text`: the same characters as its `description`, faster.
    mutating func appendInterpolation(_ id: UUID) { appendLiteral(id.text) }
}

extension SQLRow {
    /// A UUID column. SQLite keeps UUIDs as text, which this parses without
    /// Foundation's slow path; PostgreSQL's native uuid decodes as before.
    func uuid(_ column: String) throws -> UUID {
        if let text = try? decode(column: column, as: String.self), let id = UUID(text: text) { return id }
        return try decode(column: column, as: UUID.self)
    }

    /// A nullable UUID column.
    func optionalUUID(_ column: String) throws -> UUID? {
        if try decodeNil(column: column) { return nil }
        return try uuid(column)
    }
}

extension SQLRow {
    /// A person's name from `first_name`, `particle`, `last_name` columns (with a prefix when the query names several people).
    func personName(_ prefix: String = "") throws -> PersonName {
        PersonName(first: try decode(column: prefix + "first_name", as: String.self), particle: try decode(column: prefix + "particle", as: String.self),
                   last: try decode(column: prefix + "last_name", as: String.self))
    }
}

/// Documents kept as JSON text in a column (a programme's definition, a matrix, a questionnaire, answers):
/// keys sorted, so the same document is the same text on both databases.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
