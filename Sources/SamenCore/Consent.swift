import Foundation

// MARK: - Consent (ACCESS.md "Consent")

/// What a consent is for.
public enum ConsentPurpose: String, CaseIterable, Sendable, Codable {
    /// Sharing the student's data with a named youth-care organisation.
    case share
    /// Taking part in a programme (named).
    case programme
    /// Taking part in research (answers used pseudonymised).
    case research
}

/// The parts of a student's file a sharing consent can open to the
/// organisation's youth-care workers: only what the purpose needs.
/// Identity (name, age, school, group) comes with any of them; incidents
/// themselves are not shared (they name other students), the signals carry
/// their counts.
public enum ConsentPart: String, CaseIterable, Sendable, Codable, Comparable {
    /// Tier, interventions, enrolments with their point cards and progress.
    case support
    /// Signals of the decision rules and the team's decisions on them.
    case signals
    /// Absence and the thuiszitter register.
    case absence
    /// Screening results.
    case screening

    public static func < (a: ConsentPart, b: ConsentPart) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who gave a consent: a guardian of the student, or the student from 16.
public enum ConsentGiver: String, CaseIterable, Sendable, Codable {
    case guardian, student
}

/// A consent's state on a day.
public enum ConsentState: String, Sendable, Codable {
    /// Given and in force.
    case active
    /// Given for a later start date.
    case pending
    /// Past its expiry date.
    case expired
    /// Withdrawn: ends at once.
    case withdrawn
}

/// A consent as recorded.
public struct ConsentTerms: Sendable, Equatable {
    public var purpose: ConsentPurpose
    /// The organisation a sharing consent names.
    public var organisationID: UUID?
    /// The programme a programme consent names.
    public var programme: String
    public var givenBy: ConsentGiver
    /// The guardian who gave it (nil when the student did).
    public var guardianID: UUID?
    public var givenOn: LocalDate
    public var expiresOn: LocalDate?
    /// Only for sharing: which parts of the file.
    public var parts: Set<ConsentPart>
    public var note: String

    public init(purpose: ConsentPurpose, organisationID: UUID? = nil, programme: String = "", givenBy: ConsentGiver, guardianID: UUID? = nil,
                givenOn: LocalDate, expiresOn: LocalDate? = nil, parts: Set<ConsentPart> = [], note: String = "") {
        self.purpose = purpose; self.organisationID = organisationID; self.programme = programme; self.givenBy = givenBy
        self.guardianID = guardianID; self.givenOn = givenOn; self.expiresOn = expiresOn; self.parts = parts; self.note = note
    }

    /// The state on `day`, given when (if ever) it was withdrawn.
    public func state(on day: LocalDate, withdrawn: Bool) -> ConsentState {
        if withdrawn { return .withdrawn }
        if day < givenOn { return .pending }
        if let expiresOn, day > expiresOn { return .expired }
        return .active
    }
}

/// The rules for recording a consent.
public enum ConsentRules {
    /// The age from which a student consents for themselves (DOMAIN.md §9).
    public static let ownConsentAge = 16
    /// A consent runs at most this many years (then it is asked again).
    public static let longestYears = 5

    /// Reads and checks a consent form. `guardians` are the student's own;
    /// `organisations` those the school works with.
    public static func read(form: [String: String], birthDate: LocalDate?, guardians: Set<UUID>, organisations: Set<UUID>,
                            today: LocalDate) -> Validated<ConsentTerms> {
        var problems: [FieldProblem] = []
        let value = { (key: String) in (form[key] ?? "").trimmed }
        let purpose = ConsentPurpose(rawValue: value("purpose"))
        if purpose == nil { problems.append(.init(field: "purpose", key: "consent_bad_purpose")) }
        let giver = ConsentGiver(rawValue: value("given_by"))
        var guardianID: UUID?
        switch giver {
        case .guardian:
            guardianID = UUID(uuidString: value("guardian_id"))
            if guardianID.map({ !guardians.contains($0) }) ?? true { problems.append(.init(field: "guardian_id", key: "consent_bad_guardian")) }
        case .student:
            break
        case nil:
            problems.append(.init(field: "given_by", key: "consent_bad_giver"))
        }
        let givenOn = LocalDate.parse(value("given_on"))
        if givenOn == nil { problems.append(.init(field: "given_on", key: value("given_on").isEmpty ? "import_required" : "import_bad_date", arguments: [value("given_on")])) }
        if let givenOn, givenOn > today { problems.append(.init(field: "given_on", key: "consent_given_future")) }
        if giver == .student, let givenOn {
            if (birthDate.map { $0.age(on: givenOn) } ?? 0) < ownConsentAge {
                problems.append(.init(field: "given_by", key: "consent_student_too_young", arguments: [String(ownConsentAge)]))
            }
        }
        var expiresOn: LocalDate?
        if !value("expires_on").isEmpty {
            expiresOn = LocalDate.parse(value("expires_on"))
            if expiresOn == nil { problems.append(.init(field: "expires_on", key: "import_bad_date", arguments: [value("expires_on")])) }
        }
        if let givenOn, let expiresOn {
            if expiresOn < givenOn { problems.append(.init(field: "expires_on", key: "consent_expires_before_given")) }
            else if expiresOn.dayNumber - givenOn.dayNumber > longestYears * 366 {
                problems.append(.init(field: "expires_on", key: "consent_too_long", arguments: [String(longestYears)]))
            }
        }
        var organisationID: UUID?
        var parts = Set<ConsentPart>()
        var programme = ""
        switch purpose {
        case .share:
            organisationID = UUID(uuidString: value("organisation_id"))
            if organisationID.map({ !organisations.contains($0) }) ?? true { problems.append(.init(field: "organisation_id", key: "consent_bad_organisation")) }
            let listed = (form["parts"] ?? "").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
            parts = Set(listed.compactMap(ConsentPart.init(rawValue:)))
            if parts.count != Set(listed).count { problems.append(.init(field: "parts", key: "consent_bad_part")) }
            else if parts.isEmpty { problems.append(.init(field: "parts", key: "consent_no_parts")) }
        case .programme:
            programme = value("programme")
            if programme.isEmpty { problems.append(.init(field: "programme", key: "import_required")) }
            if programme.count > 120 { problems.append(.init(field: "programme", key: "import_too_long", arguments: ["120"])) }
        case .research, nil:
            break
        }
        let note = value("note")
        if note.count > 500 { problems.append(.init(field: "note", key: "import_too_long", arguments: ["500"])) }
        guard problems.isEmpty, let purpose, let giver, let givenOn else { return .failure(problems) }
        return .success(ConsentTerms(purpose: purpose, organisationID: organisationID, programme: programme, givenBy: giver,
                                     guardianID: guardianID, givenOn: givenOn, expiresOn: expiresOn, parts: parts, note: note))
    }
}

/// Why a youth-care worker may open a student's file, and which parts.
public struct StudentAccess: Sendable, Equatable {
    public var parts: Set<ConsentPart>
    public init(parts: Set<ConsentPart>) { self.parts = parts }

    /// The union of the parts several active consents open.
    public static func merged(_ consents: [Set<ConsentPart>]) -> StudentAccess {
        StudentAccess(parts: consents.reduce(into: Set<ConsentPart>()) { $0.formUnion($1) })
    }
}

/// A guardian's personal link: no account, valid for a number of days, revocable.
public enum GuardianLinkRules {
    public static let defaultDays = 30
    public static let longestDays = 90

    /// The days a new link runs: the form's number, 1 to 90; the default when empty.
    public static func days(_ text: String) -> Validated<Int> {
        let trimmed = text.trimmed
        if trimmed.isEmpty { return .success(defaultDays) }
        guard let days = Int(trimmed), (1...longestDays).contains(days) else {
            return .failure([FieldProblem(field: "days", key: "guardian_link_bad_days", arguments: [String(longestDays)])])
        }
        return .success(days)
    }

    /// Whether a link opens its page now.
    public static func isUsable(expiresAt: Date, revoked: Bool, now: Date) -> Bool { !revoked && now < expiresAt }
}
