import Foundation

// MARK: - Reading stored answers quickly

extension QuestionnaireAnswers {
    /// Reads answers as they are stored: the JSON `JSONEncoder` writes for this type
    /// (`{"choices":{…},"texts":{…},"values":{…}}`). A wave's report reads every
    /// response of the wave, and Foundation's decoder took two thirds of a 20,000-response
    /// report; this reads that one shape directly and leaves anything else (another key
    /// order, whitespace, a key it does not know) to `JSONDecoder`, so it never reads a
    /// document differently.
    public static func decode(json: String) throws -> QuestionnaireAnswers {
        var text = json
        if let answers = text.withUTF8({ bytes in var reader = AnswersReader(bytes: bytes); return reader.read() }) { return answers }
        return try JSONDecoder().decode(QuestionnaireAnswers.self, from: Data(json.utf8))
    }
}

/// A reader for one JSON object of three objects: `values` (string → number), `choices` and
/// `texts` (string → string). Nil for anything else.
private struct AnswersReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func read() -> QuestionnaireAnswers? {
        var answers = QuestionnaireAnswers()
        var seen = 0
        guard take(UInt8(ascii: "{")) else { return nil }
        if take(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "values":
                guard let values = object({ $0.number() }) else { return nil }
                answers.values = values
            case "choices":
                guard let choices = object({ $0.string() }) else { return nil }
                answers.choices = choices
            case "texts":
                guard let texts = object({ $0.string() }) else { return nil }
                answers.texts = texts
            default:
                return nil
            }
            seen += 1
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), at == bytes.count, seen == 3 else { return nil }
        return answers
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// `{"key":value,…}` with each value read by `value`.
    mutating func object<Value>(_ value: (inout AnswersReader) -> Value?) -> [String: Value]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var result: [String: Value] = [:]
        if take(UInt8(ascii: "}")) { return result }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), let v = value(&self), result.updateValue(v, forKey: key) == nil else { return nil }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? result : nil
    }

    /// A JSON number.
    mutating func number() -> Double? {
        let start = at
        while at < bytes.count, (48...57).contains(bytes[at]) || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[at]) {
            at += 1
        }
        guard at > start else { return nil }
        // Whole numbers (every scaled answer) without going through text.
        var whole = 0, isWhole = at - start <= 15
        for i in start..<at where isWhole {
            guard (48...57).contains(bytes[i]) else { isWhole = false; break }
            whole = whole * 10 + Int(bytes[i] - 48)
        }
        if isWhole { return Double(whole) }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
    }

    /// A JSON string, its escapes read.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = at
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
        guard at < bytes.count, bytes[at] >= 0x20 else { return nil }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at - 1]), as: UTF8.self)
        }
        // Escapes: collect the bytes, then read them as UTF-8.
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { return nil }
                let escaped = bytes[at]
                at += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A surrogate pair: the low half must follow as \uXXXX.
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                out.append(byte)
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            at += 1
            switch b {
            case 48...57: value = value * 16 + UInt32(b - 48)
            case 65...70: value = value * 16 + UInt32(b - 55)
            case 97...102: value = value * 16 + UInt32(b - 87)
            default: return nil
            }
        }
        return value
    }
}
