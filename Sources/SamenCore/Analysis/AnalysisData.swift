import Foundation

/// The columns `samen analyze` reads from a CSV file, filled while the
/// file streams by. Only the numeric columns a test needs are kept (as
/// doubles), plus group labels as small integers.
public struct AnalysisData {
    public enum Shape {
        /// A value column split by a group column.
        case grouped(group: String, value: String)
        /// Two numeric columns read as pairs (before, after).
        case paired(before: String, after: String)
        /// One or more numeric columns read row by row.
        case columns([String])
        /// Two label columns counted into a contingency table; with a count
        /// column each row adds its count (SPSS's WEIGHT BY).
        case crossTable(rows: String, columns: String, count: String?)
    }

    public let shape: Shape
    /// Whether numbers are shifted by the column's first value (exact
    /// decimal subtraction); `shift` is that value as a double.
    public let centred: Bool
    public private(set) var shift: [Double]
    private var reference: [DecimalNumber?]

    // grouped
    public private(set) var groupLabels: [String] = []
    public private(set) var groupValues: [[Double]] = []
    public private(set) var groupMissing: [Int] = []
    /// Rows without a group label.
    public private(set) var unlabelled = 0
    // paired / columns: NaN marks a missing cell
    public private(set) var columnValues: [[Double]] = []
    // crossTable
    public private(set) var rowLabels: [String] = []
    public private(set) var columnLabels: [String] = []
    public private(set) var counts: [[Double]] = []
    public private(set) var incompleteRows = 0

    private var stream: CSVColumnStream
    private var rawLabelIndex: [[UInt8]: Int] = [:]
    private var labelKeys: [(head: UInt64, tail: UInt64, index: Int, raw: [UInt8])] = []
    private var labelIndex: [String: Int] = [:]
    private var rawColumnLabelIndex: [[UInt8]: Int] = [:]
    private var columnLabelIndex: [String: Int] = [:]

    public init(shape: Shape, centred: Bool = true) {
        self.shape = shape
        self.centred = centred
        let names: [String]
        switch shape {
        case .grouped(let g, let v): names = [g, v]
        case .paired(let b, let a): names = [b, a]
        case .columns(let c): names = c
        case .crossTable(let r, let c, let count): names = [r, c] + (count.map { [$0] } ?? [])
        }
        stream = CSVColumnStream(columns: names)
        let numericColumns: Int
        switch shape {
        case .grouped: numericColumns = 1
        case .paired: numericColumns = 1 // one shared reference, so differences stay exact
        case .columns(let c): numericColumns = c.count
        case .crossTable(_, _, let count): numericColumns = count == nil ? 0 : 1
        }
        shift = [Double](repeating: 0, count: numericColumns)
        reference = [DecimalNumber?](repeating: nil, count: numericColumns)
        switch shape {
        case .paired: columnValues = [[], []]
        case .columns(let c): columnValues = [[Double]](repeating: [], count: c.count)
        default: break
        }
    }

    public var header: [String] { stream.header }

    /// Feeds the next chunk of the file.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, final: Bool) throws {
        var stream = self.stream
        self.stream = CSVColumnStream(columns: []) // no second reference to the pending bytes while feeding
        defer { self.stream = stream }
        do {
            try stream.feed(chunk, final: final) { bytes, cells, line, separator in
                try self.record(bytes, cells, line, comma: separator == UInt8(ascii: ";"))
            }
        } catch let error as AnalysisInputError where ["analyze_not_a_number", "analyze_number_too_large", "analyze_bad_count"].contains(error.key) {
            // Name the column: the header is known by now.
            var arguments = error.arguments
            if let column = Int(arguments[1]), column <= stream.header.count { arguments[2] = stream.header[column - 1] }
            throw AnalysisInputError(error.key, arguments)
        }
        if final && stream.header.isEmpty { throw AnalysisInputError("analyze_empty_file") }
    }

    private mutating func record(_ bytes: UnsafeBufferPointer<UInt8>, _ cells: [CSVColumnStream.Cell], _ line: Int,
                                 comma: Bool) throws {
        switch shape {
        case .grouped:
            let value = try number(bytes, cells[1], line, comma: comma, slot: 0)
            let labelCell = cells[0]
            let (start, end) = trim(bytes, labelCell.start, labelCell.end)
            if start >= end { unlabelled += 1; return }
            let index = groupIndex(bytes, start, end, quoted: labelCell.quoted)
            if let value { groupValues[index].append(value) } else { groupMissing[index] += 1 }
        case .paired:
            let before = try number(bytes, cells[0], line, comma: comma, slot: 0)
            let after = try number(bytes, cells[1], line, comma: comma, slot: 0)
            columnValues[0].append(before ?? .nan)
            columnValues[1].append(after ?? .nan)
        case .columns:
            for (i, cell) in cells.enumerated() {
                columnValues[i].append(try number(bytes, cell, line, comma: comma, slot: i) ?? .nan)
            }
        case .crossTable(_, _, let countColumn):
            let r = trim(bytes, cells[0].start, cells[0].end), c = trim(bytes, cells[1].start, cells[1].end)
            if r.0 >= r.1 || c.0 >= c.1 { incompleteRows += 1; return }
            var weight = 1.0
            if countColumn != nil {
                // Counts are read as written, not centred.
                let (start, end) = trim(bytes, cells[2].start, cells[2].end)
                guard start < end, let parsed = DecimalNumber.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]), comma: comma || cells[2].quoted) else {
                    if start >= end { incompleteRows += 1; return }
                    let text = TextDecoding.decode(Array(bytes[start..<min(end, start + 40)])).text
                    throw AnalysisInputError("analyze_not_a_number", [String(line), String(cells[2].column), "", text])
                }
                weight = parsed.double
                guard weight.isFinite, weight >= 0 else {
                    throw AnalysisInputError("analyze_bad_count", [String(line), String(cells[2].column), "", String(decoding: bytes[start..<min(end, start + 40)], as: UTF8.self)])
                }
            }
            let row = tableIndex(bytes, r.0, r.1, quoted: cells[0].quoted, second: false)
            let column = tableIndex(bytes, c.0, c.1, quoted: cells[1].quoted, second: true)
            counts[row][column] += weight
        }
    }

    private func trim(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        var s = start, e = end
        while s < e && (bytes[s] == 32 || bytes[s] == 9) { s += 1 }
        while e > s && (bytes[e - 1] == 32 || bytes[e - 1] == 9) { e -= 1 }
        return (s, e)
    }

    private static let missingMarks: Set<[UInt8]> = Set(["NA", "na", "N/A", "n/a", "NaN", "nan", ".", "#N/A"].map { Array($0.utf8) })

    /// The cell as a (shifted) number; nil when empty or marked missing.
    private mutating func number(_ bytes: UnsafeBufferPointer<UInt8>, _ cell: CSVColumnStream.Cell, _ line: Int,
                                 comma: Bool, slot: Int) throws -> Double? {
        let (start, end) = trim(bytes, cell.start, cell.end)
        if start >= end { return nil }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard let parsed = DecimalNumber.parse(slice, comma: comma || cell.quoted) else {
            if end - start <= 4 && Self.missingMarks.contains(Array(slice)) { return nil }
            let text = TextDecoding.decode(Array(slice.prefix(40))).text
            throw AnalysisInputError("analyze_not_a_number", [String(line), String(cell.column), "", text])
        }
        let value: Double
        if !centred {
            value = parsed.double
        } else if let reference = reference[slot] {
            value = parsed.minus(reference)
        } else {
            reference[slot] = parsed
            shift[slot] = parsed.double
            value = shift[slot].isFinite ? 0 : .infinity
        }
        if !value.isFinite {
            throw AnalysisInputError("analyze_number_too_large", [String(line), String(cell.column), "", String(decoding: slice.prefix(40), as: UTF8.self)])
        }
        return value
    }

    private func label(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, quoted: Bool) -> String {
        var text = TextDecoding.decode(Array(bytes[start..<end])).text
        if quoted { text = text.replacingOccurrences(of: "\"\"", with: "\"") }
        return text.trimmed
    }

    /// A cheap fingerprint of a label: its length and first and last eight
    /// bytes. Equal labels have equal keys; equal keys are confirmed bytewise.
    @inline(__always) private static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, UInt64) {
        let count = end - start
        var head: UInt64 = UInt64(count) << 56, tail: UInt64 = 0
        let first = Swift.min(count, 7)
        for k in 0..<first { head |= UInt64(bytes[start + k]) << (8 * k) }
        if count > 7 {
            for k in Swift.max(start + 7, end - 8)..<end { tail = tail << 8 | UInt64(bytes[k]) }
        }
        return (head, tail)
    }

    private mutating func groupIndex(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, quoted: Bool) -> Int {
        let count = end - start
        if labelKeys.count <= 64 {
            // A few dozen groups in practice: compare fingerprints, no hashing.
            let (head, tail) = Self.key(bytes, start, end)
            for entry in labelKeys where entry.head == head && entry.tail == tail {
                if count <= 15 || entry.raw.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress! + start, count) == 0 }) {
                    return entry.index
                }
            }
        } else if let known = rawLabelIndex[Array(bytes[start..<end])] {
            return known
        }
        let raw = Array(bytes[start..<end])
        let text = label(bytes, start, end, quoted: quoted)
        let index: Int
        if let known = labelIndex[text] {
            index = known
        } else {
            index = groupLabels.count
            groupLabels.append(text)
            groupValues.append([])
            groupMissing.append(0)
            labelIndex[text] = index
        }
        let (head, tail) = Self.key(bytes, start, end)
        labelKeys.append((head, tail, index, raw))
        rawLabelIndex[raw] = index
        return index
    }

    private mutating func tableIndex(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, quoted: Bool, second: Bool) -> Int {
        let raw = Array(bytes[start..<end])
        if let known = second ? rawColumnLabelIndex[raw] : rawLabelIndex[raw] { return known }
        let text = label(bytes, start, end, quoted: quoted)
        let index: Int
        if second {
            if let known = columnLabelIndex[text] { index = known } else {
                index = columnLabels.count
                columnLabels.append(text)
                columnLabelIndex[text] = index
                for r in counts.indices { counts[r].append(0) }
            }
            rawColumnLabelIndex[raw] = index
        } else {
            if let known = labelIndex[text] { index = known } else {
                index = rowLabels.count
                rowLabels.append(text)
                labelIndex[text] = index
                counts.append([Double](repeating: 0, count: columnLabels.count))
            }
            rawLabelIndex[raw] = index
        }
        return index
    }
}
