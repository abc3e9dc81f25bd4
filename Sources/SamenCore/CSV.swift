/// Decodes the bytes of an exported file. Student administration systems
/// export UTF-8 with or without a byte-order mark, and older ones
/// Windows-1252 (DOMAIN.md §8b).
public enum TextDecoding {
    public enum Encoding: String, Sendable { case utf8 = "UTF-8", windows1252 = "Windows-1252" }

    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: Encoding) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = body.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) {
            return (text, .utf8)
        }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(body.count)
        for byte in body {
            if (0x80...0x9F).contains(byte), let mapped = cp1252[byte] {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return (String(scalars), .windows1252)
    }

    /// The bytes 0x80–0x9F where Windows-1252 differs from Latin-1.
    private static let cp1252: [UInt8: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}",
        0x86: "\u{2020}", 0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}",
        0x8B: "\u{2039}", 0x8C: "\u{0152}", 0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}",
        0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}", 0x96: "\u{2013}", 0x97: "\u{2014}",
        0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}", 0x9C: "\u{0153}",
        0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]
}

/// One record of a CSV file with the physical line it starts on, so that
/// an error can say "line 17".
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, line breaks
/// inside quotes, `\r\n` or `\n`. It detects `;`, `,` or tab from the
/// header line. It keeps physical line numbers, which a general CSV library
/// does not report, because every import error must name its line.
public enum CSVParser {
    public enum Failure: Error, Equatable, Sendable {
        /// A quote opened on this line is never closed.
        case unterminatedQuote(line: Int)
    }

    /// The delimiter used most outside quotes on the first line.
    public static func detectDelimiter(_ text: Substring) -> Character {
        var counts: [Character: Int] = [";": 0, ",": 0, "\t": 0]
        var inQuotes = false
        for ch in text {
            if ch == "\"" { inQuotes.toggle() }
            else if !inQuotes && (ch == "\n" || ch == "\r\n" || ch == "\r") { break }
            else if !inQuotes, counts[ch] != nil { counts[ch]! += 1 }
        }
        let best = counts.max { a, b in a.value == b.value ? a.key == ";" : a.value < b.value }!
        return best.value == 0 ? "," : best.key
    }

    /// Parses all records; blank lines are skipped.
    public static func parse(_ text: String, delimiter: Character? = nil) throws(Failure) -> [CSVRecord] {
        let sep = delimiter ?? detectDelimiter(text[...])
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }

        while let ch = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if ch == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if ch == "\n" || ch == "\r\n" || ch == "\r" { line += 1 }
                    field.append(ch)
                }
                continue
            }
            switch ch {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case sep:
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(ch)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}

extension String {
    /// Without leading and trailing white space. Faster than Foundation's
    /// `trimmingCharacters(in:)`, which matters when an import trims a million fields.
    public var trimmed: String {
        // Most cells start and end with a visible ASCII character: nothing to trim.
        if let f = utf8.first, let l = utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return self }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}
