/// A guardian as listed in a student export.
public struct GuardianRecord: Hashable, Sendable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

/// One student row of an import, validated.
public struct StudentRecord: Hashable, Sendable {
    public var line: Int
    public var number: String
    public var name: PersonName
    public var birthDate: LocalDate
    public var group: String
    public var enrolled: LocalDate?
    public var left: LocalDate?
    public var guardians: [GuardianRecord]

    public init(line: Int, number: String, name: PersonName, birthDate: LocalDate, group: String,
                enrolled: LocalDate? = nil, left: LocalDate? = nil, guardians: [GuardianRecord] = []) {
        self.line = line
        self.number = number
        self.name = name
        self.birthDate = birthDate
        self.group = group
        self.enrolled = enrolled
        self.left = left
        self.guardians = guardians
    }
}

/// Something wrong in an import file: where (line, column) and what, as a
/// catalogue key with arguments so it reads in the user's language.
public struct ImportProblem: Hashable, Sendable {
    public var line: Int
    /// The column's header as written in the file (or the expected name when it is missing).
    public var column: String?
    public var key: String
    public var arguments: [String]

    public init(line: Int, column: String?, key: String, arguments: [String] = []) {
        self.line = line
        self.column = column
        self.key = key
        self.arguments = arguments
    }
}

/// The outcome of reading a student export: every row valid, or every problem found.
public struct StudentImportFile: Sendable {
    public var records: [StudentRecord]
    public var problems: [ImportProblem]
    /// Columns present in the file that Samen does not store (BSN among them).
    public var ignoredColumns: [String]
    public var encoding: TextDecoding.Encoding
    public var delimiter: Character
}

/// The columns Samen reads from a student export, and their Dutch and
/// English header names (documented in docs/import.md).
public enum StudentColumn: String, CaseIterable, Sendable {
    case number, firstName, particle, lastName, birthDate, group, enrolled, left
    case guardian1Name, guardian1Email, guardian2Name, guardian2Email

    /// Header spellings, compared after lower-casing and removing spaces, `_`, `-` and `.`.
    public var aliases: [String] {
        switch self {
        case .number: ["leerlingnummer", "llnr", "leerlingnr", "stamnummer", "studentnumber", "studentnr", "studentid", "number"]
        case .firstName: ["roepnaam", "voornaam", "firstname", "givenname"]
        case .particle: ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "prefix", "nameprefix", "particle"]
        case .lastName: ["achternaam", "lastname", "surname", "familyname"]
        case .birthDate: ["geboortedatum", "dateofbirth", "birthdate", "dob"]
        case .group: ["groep", "klas", "stamgroep", "group", "class"]
        case .enrolled: ["inschrijfdatum", "datuminschrijving", "enrolmentdate", "enrollmentdate", "enrolled"]
        case .left: ["uitschrijfdatum", "datumuitschrijving", "leavingdate", "left"]
        case .guardian1Name: ["verzorger1naam", "ouder1naam", "guardian1name", "verzorger1", "ouder1"]
        case .guardian1Email: ["verzorger1email", "ouder1email", "guardian1email"]
        case .guardian2Name: ["verzorger2naam", "ouder2naam", "guardian2name", "verzorger2", "ouder2"]
        case .guardian2Email: ["verzorger2email", "ouder2email", "guardian2email"]
        }
    }

    /// The Dutch header to show when a required column is missing.
    public var dutchHeader: String { aliases[0] }

    public var isRequired: Bool {
        switch self {
        case .number, .firstName, .lastName, .birthDate, .group: true
        default: false
        }
    }

    public static func normalise(_ header: String) -> String {
        header.lowercased().filter { !" _-.\t".contains($0) }
    }

    public static func match(_ header: String) -> StudentColumn? {
        let key = normalise(header)
        return allCases.first { $0.aliases.contains(key) }
    }
}

/// The rules a student export must meet. All or nothing: one bad row and
/// nothing is imported, every problem is listed.
public enum StudentImportRules {
    public static let maxNumberLength = 20
    public static let maxNameLength = 100
    public static let maxGroupLength = 40

    public static func read(bytes: [UInt8], today: LocalDate) -> StudentImportFile {
        let (text, encoding) = TextDecoding.decode(bytes)
        let delimiter = CSVParser.detectDelimiter(text[...])
        var file = StudentImportFile(records: [], problems: [], ignoredColumns: [], encoding: encoding, delimiter: delimiter)
        let rows: [CSVRecord]
        do {
            rows = try CSVParser.parse(text, delimiter: delimiter)
        } catch {
            if case .unterminatedQuote(let line) = error {
                file.problems.append(ImportProblem(line: line, column: nil, key: "import_unterminated_quote"))
            }
            return file
        }
        guard let header = rows.first else {
            file.problems.append(ImportProblem(line: 1, column: nil, key: "import_empty_file"))
            return file
        }
        var index: [StudentColumn: Int] = [:]
        for (i, name) in header.fields.enumerated() {
            if let column = StudentColumn.match(name) {
                if index[column] != nil {
                    file.problems.append(ImportProblem(line: header.line, column: name, key: "import_duplicate_column"))
                }
                index[column] = i
            } else if !name.trimmed.isEmpty {
                file.ignoredColumns.append(name)
            }
        }
        for column in StudentColumn.allCases where column.isRequired && index[column] == nil {
            file.problems.append(ImportProblem(line: header.line, column: column.dutchHeader, key: "import_missing_column"))
        }
        guard file.problems.isEmpty else { return file }
        if rows.count == 1 {
            file.problems.append(ImportProblem(line: header.line, column: nil, key: "import_no_rows"))
            return file
        }

        var firstLineOfNumber: [String: Int] = [:]
        for row in rows.dropFirst() {
            if row.fields.count != header.fields.count {
                file.problems.append(ImportProblem(line: row.line, column: nil, key: "import_field_count",
                                                   arguments: [String(row.fields.count), String(header.fields.count)]))
                continue
            }
            func value(_ column: StudentColumn) -> String {
                index[column].map { row.fields[$0].trimmed } ?? ""
            }
            func headerName(_ column: StudentColumn) -> String { index[column].map { rows[0].fields[$0] } ?? column.dutchHeader }
            var problems: [ImportProblem] = []
            func problem(_ column: StudentColumn, _ key: String, _ args: [String] = []) {
                problems.append(ImportProblem(line: row.line, column: headerName(column), key: key, arguments: args))
            }

            let number = value(.number)
            if number.isEmpty { problem(.number, "import_required") }
            else if number.count > maxNumberLength || !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                problem(.number, "import_bad_number", [number])
            } else if let first = firstLineOfNumber[number] {
                problem(.number, "import_duplicate_number", [number, String(first)])
            } else {
                firstLineOfNumber[number] = row.line
            }
            for column in [StudentColumn.firstName, .lastName] {
                let text = value(column)
                if text.isEmpty { problem(column, "import_required") }
                else if text.count > maxNameLength { problem(column, "import_too_long", [String(maxNameLength)]) }
            }
            if value(.particle).count > 30 { problem(.particle, "import_too_long", ["30"]) }

            let birthText = value(.birthDate)
            var birth: LocalDate? = nil
            if birthText.isEmpty { problem(.birthDate, "import_required") }
            else if let date = LocalDate.parse(birthText) {
                if date > today { problem(.birthDate, "import_date_in_future", [birthText]) }
                else if date.age(on: today) > 30 { problem(.birthDate, "import_implausible_birth", [birthText]) }
                else { birth = date }
            } else { problem(.birthDate, "import_bad_date", [birthText]) }

            let group = value(.group)
            if group.isEmpty { problem(.group, "import_required") }
            else if group.count > maxGroupLength { problem(.group, "import_too_long", [String(maxGroupLength)]) }

            func optionalDate(_ column: StudentColumn) -> LocalDate? {
                let text = value(column)
                guard !text.isEmpty else { return nil }
                guard let date = LocalDate.parse(text) else { problem(column, "import_bad_date", [text]); return nil }
                return date
            }
            let enrolled = optionalDate(.enrolled)
            let left = optionalDate(.left)
            if let enrolled, let left, left < enrolled { problem(.left, "import_left_before_enrolled") }

            var guardians: [GuardianRecord] = []
            for (nameColumn, mailColumn) in [(StudentColumn.guardian1Name, StudentColumn.guardian1Email), (.guardian2Name, .guardian2Email)] {
                let name = value(nameColumn)
                let mail = value(mailColumn)
                if !mail.isEmpty && !EmailRule.isPlausible(mail) { problem(mailColumn, "import_bad_email", [mail]) }
                if name.count > maxNameLength { problem(nameColumn, "import_too_long", [String(maxNameLength)]) }
                if !name.isEmpty || !mail.isEmpty { guardians.append(GuardianRecord(name: name, email: mail)) }
            }

            if problems.isEmpty, let birth {
                file.records.append(StudentRecord(
                    line: row.line, number: number,
                    name: PersonName(first: value(.firstName), particle: value(.particle), last: value(.lastName)),
                    birthDate: birth, group: group, enrolled: enrolled, left: left, guardians: guardians))
            } else {
                file.problems.append(contentsOf: problems)
            }
        }
        return file
    }
}

/// A light check on e-mail addresses: something@something.tld, no spaces.
public enum EmailRule {
    public static func isPlausible(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0,
              bytes.lastIndex(of: UInt8(ascii: "@")) == at,
              !bytes.contains(where: { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) else { return false }
        let domain = bytes[(at + 1)...]
        guard let first = domain.first, let last = domain.last, domain.contains(UInt8(ascii: ".")),
              first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return false }
        return true
    }
}
