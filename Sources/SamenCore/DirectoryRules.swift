/// A problem with one field of a form or API request, as a catalogue key.
public struct FieldProblem: Hashable, Sendable {
    public var field: String
    public var key: String
    public var arguments: [String]

    public init(field: String, key: String, arguments: [String] = []) {
        self.field = field
        self.key = key
        self.arguments = arguments
    }
}

/// The outcome of checking a form or request: the valid value, or every problem.
public enum Validated<Value: Sendable>: Sendable {
    case success(Value)
    case failure([FieldProblem])
}

/// A student's own fields, validated.
public struct StudentFields: Hashable, Sendable {
    public var number: String
    public var name: PersonName
    public var birthDate: LocalDate
    public var enrolled: LocalDate?
    public var left: LocalDate?

    /// Checks the fields a form or the API sends; the same rules as the import.
    public static func validate(number: String, firstName: String, particle: String, lastName: String,
                                birthDate: String, enrolled: String, left: String, today: LocalDate) -> Validated<StudentFields> {
        var problems: [FieldProblem] = []
        let number = number.trimmed
        if number.isEmpty { problems.append(.init(field: "number", key: "import_required")) }
        else if number.count > StudentImportRules.maxNumberLength || !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            problems.append(.init(field: "number", key: "import_bad_number", arguments: [number]))
        }
        for (field, value) in [("first_name", firstName), ("last_name", lastName)] {
            let text = value.trimmed
            if text.isEmpty { problems.append(.init(field: field, key: "import_required")) }
            else if text.count > StudentImportRules.maxNameLength { problems.append(.init(field: field, key: "import_too_long", arguments: ["\(StudentImportRules.maxNameLength)"])) }
        }
        if particle.count > 30 { problems.append(.init(field: "particle", key: "import_too_long", arguments: ["30"])) }
        var birth: LocalDate? = nil
        if birthDate.trimmed.isEmpty { problems.append(.init(field: "birth_date", key: "import_required")) }
        else if let date = LocalDate.parse(birthDate) {
            if date > today { problems.append(.init(field: "birth_date", key: "import_date_in_future", arguments: [birthDate])) }
            else if date.age(on: today) > 30 { problems.append(.init(field: "birth_date", key: "import_implausible_birth", arguments: [birthDate])) }
            else { birth = date }
        } else { problems.append(.init(field: "birth_date", key: "import_bad_date", arguments: [birthDate])) }
        func optional(_ field: String, _ text: String) -> LocalDate? {
            guard !text.trimmed.isEmpty else { return nil }
            guard let date = LocalDate.parse(text) else {
                problems.append(.init(field: field, key: "import_bad_date", arguments: [text]))
                return nil
            }
            return date
        }
        let enrolledDate = optional("enrolled_on", enrolled)
        let leftDate = optional("left_on", left)
        if let enrolledDate, let leftDate, leftDate < enrolledDate { problems.append(.init(field: "left_on", key: "import_left_before_enrolled")) }
        guard problems.isEmpty, let birth else { return .failure(problems) }
        return .success(StudentFields(number: number, name: PersonName(first: firstName, particle: particle, last: lastName),
                                      birthDate: birth, enrolled: enrolledDate, left: leftDate))
    }
}

/// A school's fields, validated.
public struct SchoolFields: Hashable, Sendable {
    public var code: String
    public var name: String
    public var type: SchoolType
    public var city: String

    /// A school code is a BRIN-like code: two digits and two letters (`10AA`),
    /// upper-cased; a fifth and sixth character may name a location (`10AA01`).
    public static func isValidCode(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == 4 || chars.count == 6 else { return false }
        return chars[0].isASCII && chars[0].isNumber && chars[1].isASCII && chars[1].isNumber
            && chars[2].isASCII && chars[2].isUppercase && chars[3].isASCII && (chars[3].isUppercase || chars[3].isNumber)
            && chars.dropFirst(4).allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func validate(code: String, name: String, type: String, city: String) -> Validated<SchoolFields> {
        var problems: [FieldProblem] = []
        let code = code.trimmed.uppercased()
        if !isValidCode(code) { problems.append(.init(field: "code", key: "school_bad_code", arguments: [code])) }
        let name = name.trimmed
        if name.count < 2 || name.count > 120 { problems.append(.init(field: "name", key: "school_bad_name")) }
        let schoolType = SchoolType(rawValue: type.uppercased())
        if schoolType == nil { problems.append(.init(field: "type", key: "school_bad_type", arguments: [type])) }
        let city = city.trimmed
        if city.count > 80 { problems.append(.init(field: "city", key: "import_too_long", arguments: ["80"])) }
        guard problems.isEmpty, let schoolType else { return .failure(problems) }
        return .success(SchoolFields(code: code, name: name, type: schoolType, city: city))
    }
}

/// Rules for a group's name and for a user name.
public enum NameRules {
    public static func groupProblem(_ name: String) -> String? {
        let text = name.trimmed
        if text.isEmpty { return "import_required" }
        if text.count > StudentImportRules.maxGroupLength { return "import_too_long" }
        return nil
    }

    /// User names: 2–60 characters, lower-case letters, digits, `.`, `-`, `_`.
    public static func usernameProblem(_ name: String) -> String? {
        guard (2...60).contains(name.count),
              name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) }) else { return "account_bad_username" }
        return nil
    }
}

/// A guardian's fields, validated.
public struct GuardianFields: Hashable, Sendable {
    public static let relations = ["mother", "father", "guardian"]

    public var name: String
    public var email: String
    public var phone: String
    public var relation: String

    public static func validate(name: String, email: String, phone: String, relation: String) -> Validated<GuardianFields> {
        var problems: [FieldProblem] = []
        let name = name.trimmed, email = email.trimmed, phone = phone.trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        else if name.count > StudentImportRules.maxNameLength { problems.append(.init(field: "name", key: "import_too_long", arguments: ["\(StudentImportRules.maxNameLength)"])) }
        if !email.isEmpty && !EmailRule.isPlausible(email) { problems.append(.init(field: "email", key: "import_bad_email", arguments: [email])) }
        if phone.count > 30 || !phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }) {
            problems.append(.init(field: "phone", key: "guardian_bad_phone", arguments: [phone]))
        }
        let relation = relation.isEmpty ? "guardian" : relation
        if !relations.contains(relation) { problems.append(.init(field: "relation", key: "guardian_bad_relation", arguments: [relation])) }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(GuardianFields(name: name, email: email, phone: phone, relation: relation))
    }
}
