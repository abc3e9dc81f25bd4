/// A bad cell, column or file for `samen analyze`: what, where, what to do.
public struct AnalysisInputError: Error, Equatable, Sendable {
    public let key: String
    public let arguments: [String]
    public init(_ key: String, _ arguments: [String] = []) {
        self.key = key
        self.arguments = arguments
    }
    /// One line: line breaks and tabs inside quoted cells or names show as
    /// ⏎ and a space, and long texts are cut.
    public func message(_ language: Language) -> String {
        let printable = arguments.map { argument -> String in
            var text = String(argument.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? "⏎" : ($0 == "\t" ? " " : $0) })
            if text.count > 200 { text = String(text.prefix(200)) + "…" }
            return text
        }
        return Catalogue.text(key, language, printable)
    }
}

/// Streams a CSV file (`,` or `;`, RFC 4180 quotes, LF or CRLF) and hands
/// over only the cells of the wanted columns, as byte ranges of the current
/// chunk. The caller feeds chunks; a record cut by the chunk's end is kept
/// for the next one, so the file is never held whole in memory.
public struct CSVColumnStream {
    public private(set) var header: [String] = []
    public private(set) var separator: UInt8 = UInt8(ascii: ",")
    /// Column index → slot in `wanted`, -1 when not wanted.
    private var slots: [Int] = []
    public private(set) var wanted: [String]
    /// The physical line the current record starts on (1 = the header).
    public private(set) var line = 0
    private var pending: [UInt8] = []

    /// A cell: its bytes (quotes removed; doubled quotes still doubled, see
    /// `quoted`) and the 1-based column number.
    public struct Cell {
        public var start: Int
        public var end: Int
        public var quoted: Bool
        public var column: Int
    }

    public init(columns: [String]) { wanted = columns }

    /// Feeds the next chunk of the file (`final` for the last, possibly
    /// empty one). `body` gets each data record's wanted cells, in the
    /// order of `columns`, and the record's line number.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, final: Bool,
                              _ body: (UnsafeBufferPointer<UInt8>, [Cell], Int, UInt8) throws -> Void) throws {
        if pending.isEmpty {
            let used = try scan(chunk, final: final, body)
            pending = Array(chunk[used...])
        } else {
            pending.append(contentsOf: chunk)
            var buffer = pending
            let used = try buffer.withUnsafeBufferPointer { try scan($0, final: final, body) }
            buffer.removeFirst(used)
            pending = buffer
        }
        if final && !pending.isEmpty { pending = [] }
    }

    private mutating func readHeader(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) throws -> Int? {
        // The header ends at the first line break outside quotes.
        var i = 0, inQuotes = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 34 { inQuotes.toggle() } else if !inQuotes && (b == 10 || b == 13) { break }
            i += 1
        }
        if i == bytes.count && !final { return nil }
        var text = Array(bytes[0..<i])
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        var commas = 0, semicolons = 0
        inQuotes = false
        for b in text {
            if b == 34 { inQuotes.toggle() } else if !inQuotes { if b == 44 { commas += 1 } else if b == 59 { semicolons += 1 } }
        }
        separator = semicolons > commas ? 59 : 44
        let decoded = TextDecoding.decode(text).text
        header = ((try? CSVParser.parse(decoded, delimiter: Character(Unicode.Scalar(separator))))?.first?.fields ?? []).map(\.trimmed)
        if header.allSatisfy(\.isEmpty) { throw AnalysisInputError("analyze_empty_file") }
        slots = [Int](repeating: -1, count: header.count)
        for (slot, name) in wanted.enumerated() {
            guard let index = header.firstIndex(where: { $0.lowercased() == name.lowercased() }) else {
                throw AnalysisInputError("analyze_missing_column", [name, header.joined(separator: ", ")])
            }
            slots[index] = slot
        }
        line = 1
        if i < bytes.count && bytes[i] == 13 { i += 1 }
        if i < bytes.count && bytes[i] == 10 { i += 1 }
        return i
    }

    /// Scans whole records; returns how many bytes were consumed.
    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool,
                               _ body: (UnsafeBufferPointer<UInt8>, [Cell], Int, UInt8) throws -> Void) throws -> Int {
        var i = 0
        if line == 0 {
            guard let start = try readHeader(bytes, final: final) else { return 0 }
            i = start
        }
        let n = bytes.count
        let sep = separator
        // Bytes that end an unquoted field.
        var special = [Bool](repeating: false, count: 256)
        special[Int(sep)] = true; special[10] = true; special[13] = true
        let empty = Cell(start: 0, end: 0, quoted: false, column: 0)
        var cells = [Cell](repeating: empty, count: wanted.count)
        let slotCount = slots.count
        return try special.withUnsafeBufferPointer { special -> Int in
            while i < n {
                let recordStart = i
                var lineBreaks = 0
                var column = 0
                var complete = false
                var any = false
                for s in 0..<cells.count { cells[s] = empty }
                fields: while true {
                    let fieldStart = i
                    var quoted = false
                    if i < n && bytes[i] == 34 {
                        // Quoted field: up to the closing quote ("" is a quote).
                        quoted = true
                        i &+= 1
                        while true {
                            if i >= n {
                                if !final { return recordStart }
                                throw AnalysisInputError("analyze_unclosed_quote", [String(line + 1)])
                            }
                            let c = bytes[i]
                            if c == 34 {
                                if i + 1 < n && bytes[i + 1] == 34 { i &+= 2; continue }
                                if i + 1 >= n && !final { return recordStart }
                                break
                            }
                            if c == 10 { lineBreaks &+= 1 }
                            i &+= 1
                        }
                        i &+= 1
                    }
                    let contentEnd = quoted ? i - 1 : -1
                    while i < n && !special[Int(bytes[i])] { i &+= 1 }
                    if i >= n && !final { return recordStart }
                    if column < slotCount {
                        let slot = slots[column]
                        if slot >= 0 {
                            cells[slot] = quoted
                                ? Cell(start: fieldStart + 1, end: contentEnd, quoted: true, column: column + 1)
                                : Cell(start: fieldStart, end: i, quoted: false, column: column + 1)
                        }
                    }
                    if i > fieldStart { any = true }
                    if i >= n { break fields } // the last record, without a line break
                    let b = bytes[i]
                    i &+= 1
                    if b == sep { column &+= 1; continue fields }
                    if b == 13 {
                        if i < n && bytes[i] == 10 { i &+= 1 } else if i >= n && !final { return recordStart }
                    }
                    complete = true
                    break fields
                }
                line &+= 1
                let recordLine = line
                line &+= lineBreaks
                if any || column > 0 {
                    for s in 0..<cells.count where cells[s].column == 0 {
                        // A short record: the cell is missing.
                        cells[s].column = slots.firstIndex(of: s)! + 1
                    }
                    try body(bytes, cells, recordLine, sep)
                }
                if !complete { return n }
            }
            return n
        }
    }
}
