import Foundation

// MARK: - Cases and referrals ("shorter lines")

/// The kinds of case, each with its own steps.
public enum CaseType: String, CaseIterable, Sendable, Codable {
    /// Extra support at school with youth care.
    case support
    /// A referral to youth care outside the school.
    case referral
    /// Guiding a student to a fitting school place.
    case schoolPlace = "school_place"
    /// Ending a thuiszitter situation.
    case thuiszitter

    /// The steps in order; the first is the signal or request the case starts from, the last closes it.
    public var steps: [CaseStep] {
        switch self {
        case .support, .referral: [.signal, .firstContact, .interventionStart, .evaluation, .closed]
        case .schoolPlace: [.signal, .firstContact, .assessment, .placement, .closed]
        case .thuiszitter: [.signal, .firstContact, .plan, .backAtSchool, .closed]
        }
    }
}

public enum CaseStep: String, CaseIterable, Sendable, Codable {
    case signal
    case firstContact = "first_contact"
    case interventionStart = "intervention_start"
    case evaluation
    /// Which school can offer the support: the partnership's assessment (toelaatbaarheid, arrangement).
    case assessment
    /// The student starts at the fitting place.
    case placement
    /// A plan with the student, parents, school, youth care and the compulsory-education officer.
    case plan
    /// Back at school, also part-time.
    case backAtSchool = "back_at_school"
    case closed
}

/// On what a youth-care worker assigned to a case may see the student's
/// file without a consent record (ACCESS.md: only where the law provides
/// a basis, and the case records which).
public enum CaseBasis: String, CaseIterable, Sendable, Codable {
    /// The guardians' consent: the consent record decides what is shared.
    case consent
    /// A child-protection measure (Jeugdwet, court order): the whole support file.
    case childProtection = "child_protection"
    /// Compulsory education (Leerplichtwet), for a thuiszitter: absence and support.
    case compulsoryEducation = "compulsory_education"

    /// The parts the assigned worker may read on this basis alone.
    public var parts: Set<ConsentPart> {
        switch self {
        case .consent: []
        case .childProtection: Set(ConsentPart.allCases)
        case .compulsoryEducation: [.absence, .support]
        }
    }
}

/// A step taken, on a day.
public struct CaseStepDate: Sendable, Equatable {
    public var step: CaseStep
    public var date: LocalDate
    public init(step: CaseStep, date: LocalDate) { self.step = step; self.date = date }
}

public enum CaseRules {
    /// The next step of a case of `type` after the steps taken, or nil when closed.
    public static func next(_ type: CaseType, taken: [CaseStep]) -> CaseStep? {
        type.steps.first { !taken.contains($0) }
    }

    /// Checks a step recorded on `date`: it must be the case's next step, on a day not in the
    /// future and not before the step before it.
    public static func check(_ type: CaseType, step: CaseStep, date: LocalDate, taken: [CaseStepDate], today: LocalDate) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if step != next(type, taken: taken.map(\.step)) { problems.append(.init(field: "step", key: "case_step_out_of_order")) }
        if date > today { problems.append(.init(field: "date", key: "case_step_future")) }
        if let last = taken.map(\.date).max(), date < last { problems.append(.init(field: "date", key: "case_step_before_previous", arguments: [last.iso])) }
        return problems
    }

    /// Days from each step to the next (the lead time of the step reached), in the order taken.
    public static func leadTimes(_ taken: [CaseStepDate]) -> [(step: CaseStep, days: Int, reached: LocalDate)] {
        zip(taken, taken.dropFirst()).map { ($1.step, $1.date.dayNumber - $0.date.dayNumber, $1.date) }
    }

    /// Median lead time per step reached and per month it was reached in ("2026-10"): the figures
    /// shown per school and per month.
    public static func medianLeadTimes(_ cases: [[CaseStepDate]]) -> [String: [CaseStep: (median: Double, n: Int)]] {
        var days: [String: [CaseStep: [Int]]] = [:]
        for taken in cases {
            for lead in leadTimes(taken) {
                days[String(lead.reached.iso.prefix(7)), default: [:]][lead.step, default: []].append(lead.days)
            }
        }
        return days.mapValues { steps in
            steps.mapValues { values in
                let sorted = values.sorted()
                let mid = sorted.count / 2
                let median = sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
                return (median, sorted.count)
            }
        }
    }
}

/// A new case, as read from the form.
public struct CaseFields: Sendable, Equatable {
    public var type: CaseType
    public var leadID: UUID
    public var organisationID: UUID?
    public var workerID: UUID?
    public var basis: CaseBasis
    public var openedOn: LocalDate
    public var note: String

    public init(type: CaseType, leadID: UUID, organisationID: UUID? = nil, workerID: UUID? = nil, basis: CaseBasis = .consent,
                openedOn: LocalDate, note: String = "") {
        self.type = type; self.leadID = leadID; self.organisationID = organisationID; self.workerID = workerID
        self.basis = basis; self.openedOn = openedOn; self.note = note
    }

    /// `leads`: who may lead a case at the school; `workers`: the youth-care workers linked to it;
    /// `organisations`: those of the school's region.
    public static func read(form: [String: String], leads: Set<UUID>, workers: Set<UUID>, organisations: Set<UUID>,
                            today: LocalDate) -> Validated<CaseFields> {
        var problems: [FieldProblem] = []
        let value = { (key: String) in (form[key] ?? "").trimmed }
        let type = CaseType(rawValue: value("type"))
        if type == nil { problems.append(.init(field: "type", key: "case_bad_type")) }
        let lead = UUID(uuidString: value("lead_id"))
        if lead.map({ !leads.contains($0) }) ?? true { problems.append(.init(field: "lead_id", key: "case_bad_lead")) }
        var organisation: UUID? = nil
        if !value("organisation_id").isEmpty {
            organisation = UUID(uuidString: value("organisation_id"))
            if organisation.map({ !organisations.contains($0) }) ?? true { problems.append(.init(field: "organisation_id", key: "consent_bad_organisation")) }
        }
        var worker: UUID? = nil
        if !value("worker_id").isEmpty {
            worker = UUID(uuidString: value("worker_id"))
            if worker.map({ !workers.contains($0) }) ?? true { problems.append(.init(field: "worker_id", key: "case_bad_worker")) }
        }
        let basis = CaseBasis(rawValue: value("basis"))
        if basis == nil { problems.append(.init(field: "basis", key: "case_bad_basis")) }
        if basis == .compulsoryEducation && type != nil && type != .thuiszitter {
            problems.append(.init(field: "basis", key: "case_basis_thuiszitter_only"))
        }
        let opened = LocalDate.parse(value("opened_on"))
        if opened == nil { problems.append(.init(field: "opened_on", key: value("opened_on").isEmpty ? "import_required" : "import_bad_date", arguments: [value("opened_on")])) }
        if let opened, opened > today { problems.append(.init(field: "opened_on", key: "case_step_future")) }
        let note = value("note")
        if note.count > 1000 { problems.append(.init(field: "note", key: "import_too_long", arguments: ["1000"])) }
        guard problems.isEmpty, let type, let lead, let basis, let opened else { return .failure(problems) }
        return .success(CaseFields(type: type, leadID: lead, organisationID: organisation, workerID: worker, basis: basis, openedOn: opened, note: note))
    }
}
