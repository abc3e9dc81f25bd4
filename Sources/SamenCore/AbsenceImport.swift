/// One absence row of an import or a manual entry, validated.
public struct AbsenceRow: Sendable, Equatable {
    public var line: Int
    public var number: String
    public var date: LocalDate
    /// Hours absent; lesson periods are counted as hours.
    public var hours: Double
    public var periods: Int?
    public var authorised: Bool
    public var reason: String

    public init(line: Int, number: String, date: LocalDate, hours: Double, periods: Int? = nil, authorised: Bool, reason: String = "") {
        self.line = line; self.number = number; self.date = date; self.hours = hours; self.periods = periods
        self.authorised = authorised; self.reason = reason
    }

    /// Whether the reason code marks an exemption (vrijstelling), which does
    /// not count towards a thuiszitter: codes starting with VRIJ or EXEMPT.
    public var isExempt: Bool { AbsenceRules.isExemption(reason) }
}

/// The columns of an absence export, with Dutch and English header names (docs/import.md).
public enum AbsenceColumn: String, CaseIterable, Sendable {
    case number, date, hours, periods, authorised, reason

    public var aliases: [String] {
        switch self {
        case .number: ["leerlingnummer", "llnr", "leerlingnr", "stamnummer", "studentnumber", "studentnr", "studentid", "number"]
        case .date: ["datum", "date", "verzuimdatum", "absencedate"]
        case .hours: ["uren", "aantaluren", "hours"]
        case .periods: ["lesuren", "lessen", "aantallesuren", "periods", "lessons"]
        case .authorised: ["geoorloofd", "authorised", "authorized", "excused"]
        case .reason: ["reden", "redencode", "verzuimcode", "code", "reason", "reasoncode"]
        }
    }

    public var dutchHeader: String { aliases[0] }

    public static func match(_ header: String) -> AbsenceColumn? {
        let key = StudentColumn.normalise(header)
        return allCases.first { $0.aliases.contains(key) }
    }
}

/// An absence file read: every row valid, or every problem found.
public struct AbsenceImportFile: Sendable {
    public var rows: [AbsenceRow]
    public var problems: [ImportProblem]
    public var ignoredColumns: [String]
}

/// The rules an absence export (or a manual entry) must meet. All or nothing.
public enum AbsenceImportRules {
    public static let maxHoursPerRow = 12.0
    public static let maxReasonLength = 30
    /// How far back absence may be recorded: the retention period.
    public static let maxYearsBack = 5

    /// "ja", "nee", "j", "n", "yes", "no", "y", "1", "0", "true", "false", "geoorloofd", "ongeoorloofd".
    public static func parseAuthorised(_ text: String) -> Bool? {
        switch text.trimmed.lowercased() {
        case "ja", "j", "yes", "y", "1", "true", "waar", "geoorloofd", "authorised", "authorized": true
        case "nee", "n", "no", "0", "false", "onwaar", "ongeoorloofd", "unauthorised", "unauthorized": false
        default: nil
        }
    }

    /// Hours with a decimal comma or point: "2", "1,5", "0.75".
    public static func parseHours(_ text: String) -> Double? {
        let t = text.trimmed.replacingOccurrences(of: ",", with: ".")
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(t) else { return nil }
        return value
    }

    /// Checks one record's fields; used by the file reader, the form and the API.
    public static func check(line: Int, number: String, date: String, hours: String, periods: String, authorised: String, reason: String,
                             today: LocalDate, column: (AbsenceColumn) -> String) -> (AbsenceRow?, [ImportProblem]) {
        var problems: [ImportProblem] = []
        func problem(_ c: AbsenceColumn, _ key: String, _ args: [String] = []) {
            problems.append(ImportProblem(line: line, column: column(c), key: key, arguments: args))
        }
        let number = number.trimmed
        if number.isEmpty { problem(.number, "import_required") }
        else if number.count > StudentImportRules.maxNumberLength || !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            problem(.number, "import_bad_number", [number])
        }
        var day: LocalDate? = nil
        if date.trimmed.isEmpty { problem(.date, "import_required") }
        else if let d = LocalDate.parse(date) {
            if d > today { problem(.date, "absence_date_future", [date.trimmed]) }
            else if d.year < today.year - maxYearsBack { problem(.date, "absence_date_old", [date.trimmed, String(maxYearsBack)]) }
            else { day = d }
        } else { problem(.date, "import_bad_date", [date.trimmed]) }
        var hourValue: Double? = nil
        var periodValue: Int? = nil
        if !periods.trimmed.isEmpty {
            if let n = Int(periods.trimmed), n > 0, Double(n) <= maxHoursPerRow { periodValue = n; hourValue = Double(n) }
            else { problem(.periods, "absence_bad_periods", [periods.trimmed, String(Int(maxHoursPerRow))]) }
        }
        if !hours.trimmed.isEmpty {
            if let h = parseHours(hours), h > 0, h <= maxHoursPerRow { hourValue = h }
            else { problem(.hours, "absence_bad_hours", [hours.trimmed, String(Int(maxHoursPerRow))]) }
        } else if periods.trimmed.isEmpty {
            problem(.hours, "absence_hours_required")
        }
        let auth = parseAuthorised(authorised)
        if auth == nil { problem(.authorised, authorised.trimmed.isEmpty ? "import_required" : "absence_bad_authorised", [authorised.trimmed]) }
        let reason = reason.trimmed
        if reason.count > maxReasonLength { problem(.reason, "import_too_long", [String(maxReasonLength)]) }
        guard problems.isEmpty, let day, let hourValue, let auth else { return (nil, problems) }
        return (AbsenceRow(line: line, number: number, date: day, hours: hourValue, periods: periodValue, authorised: auth, reason: reason), [])
    }

    public static func read(bytes: [UInt8], today: LocalDate) -> AbsenceImportFile {
        let (text, _) = TextDecoding.decode(bytes)
        let delimiter = CSVParser.detectDelimiter(text[...])
        var file = AbsenceImportFile(rows: [], problems: [], ignoredColumns: [])
        let records: [CSVRecord]
        do {
            records = try CSVParser.parse(text, delimiter: delimiter)
        } catch {
            if case .unterminatedQuote(let line) = error {
                file.problems.append(ImportProblem(line: line, column: nil, key: "import_unterminated_quote"))
            }
            return file
        }
        guard let header = records.first else {
            file.problems.append(ImportProblem(line: 1, column: nil, key: "import_empty_file"))
            return file
        }
        var index: [AbsenceColumn: Int] = [:]
        for (i, name) in header.fields.enumerated() {
            if let column = AbsenceColumn.match(name) {
                if index[column] != nil { file.problems.append(ImportProblem(line: header.line, column: name, key: "import_duplicate_column")) }
                index[column] = i
            } else if !name.trimmed.isEmpty {
                file.ignoredColumns.append(name)
            }
        }
        for column in [AbsenceColumn.number, .date, .authorised] where index[column] == nil {
            file.problems.append(ImportProblem(line: header.line, column: column.dutchHeader, key: "import_missing_column"))
        }
        if index[.hours] == nil && index[.periods] == nil {
            file.problems.append(ImportProblem(line: header.line, column: AbsenceColumn.hours.dutchHeader, key: "absence_missing_hours_column"))
        }
        guard file.problems.isEmpty else { return file }
        if records.count == 1 {
            file.problems.append(ImportProblem(line: header.line, column: nil, key: "absence_no_rows"))
            return file
        }
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.count != header.fields.count {
                file.problems.append(ImportProblem(line: record.line, column: nil, key: "import_field_count",
                                                   arguments: [String(record.fields.count), String(header.fields.count)]))
                continue
            }
            func value(_ c: AbsenceColumn) -> String { index[c].map { record.fields[$0] } ?? "" }
            let (row, problems) = check(line: record.line, number: value(.number), date: value(.date), hours: value(.hours),
                                        periods: value(.periods), authorised: value(.authorised), reason: value(.reason), today: today) { c in
                index[c].map { header.fields[$0] } ?? c.dutchHeader
            }
            file.problems.append(contentsOf: problems)
            guard let row else { continue }
            // One record per student, day, kind and reason: the same absence twice is a mistake in the file.
            let key = "\(row.number)|\(row.date.iso)|\(row.authorised)|\(row.reason.lowercased())"
            if let first = seen[key] {
                file.problems.append(ImportProblem(line: record.line, column: index[.date].map { header.fields[$0] }, key: "absence_duplicate",
                                                   arguments: [String(first)]))
            } else {
                seen[key] = record.line
                file.rows.append(row)
            }
        }
        if !file.problems.isEmpty { file.rows = [] }
        return file
    }
}

extension AbsenceRules {
    /// Reason codes that mark an exemption (vrijstelling): they start with VRIJ or EXEMPT.
    public static func isExemption(_ reason: String) -> Bool {
        let r = reason.trimmed.uppercased()
        return r.hasPrefix("VRIJ") || r.hasPrefix("EXEMPT")
    }

    /// Hours on one day from which a student counts as absent that day for the thuiszitter rule.
    public static let absentDayHours = 4.0
}
