import Foundation

// MARK: - Labels

/// The lists a school keeps for incidents and recognitions.
public enum LabelKind: String, CaseIterable, Sendable, Codable {
    case behaviour, location, motivation, action, expectation
}

/// A label as shipped: a stable code (so the defaults can be added to a
/// school twice without doubling), and its Dutch and English text.
public struct DefaultLabel: Sendable, Equatable {
    public let kind: LabelKind
    public let code: String
    public let nl: String
    public let en: String
}

/// The labels every school starts with: SWIS's categories in the words of a
/// Dutch school. A school archives what it does not use and adds its own.
public enum DefaultLabels {
    public static let all: [DefaultLabel] = {
        func make(_ kind: LabelKind, _ items: [(String, String, String)]) -> [DefaultLabel] {
            items.map { DefaultLabel(kind: kind, code: $0.0, nl: $0.1, en: $0.2) }
        }
        return make(.behaviour, [
            ("disruption", "Verstoren van de les", "Disrupting the lesson"),
            ("defiance", "Niet opvolgen van aanwijzingen", "Not following instructions"),
            ("disrespect", "Brutaal of respectloos gedrag", "Disrespect"),
            ("language", "Schelden of grof taalgebruik", "Abusive language"),
            ("bullying", "Pesten", "Bullying"),
            ("aggression", "Fysieke agressie", "Physical aggression"),
            ("fighting", "Vechten", "Fighting"),
            ("damage", "Vernieling", "Property damage"),
            ("truancy", "Spijbelen of te laat komen", "Truancy or lateness"),
            ("phone", "Telefoongebruik tegen de afspraken", "Phone use against the rules"),
            ("theft", "Diefstal", "Theft"),
            ("other", "Anders", "Other"),
        ]) + make(.location, [
            ("classroom", "Klaslokaal", "Classroom"),
            ("corridor", "Gang", "Corridor"),
            ("playground", "Schoolplein", "Playground"),
            ("canteen", "Aula of kantine", "Canteen"),
            ("gym", "Gymzaal", "Gym"),
            ("toilets", "Toiletten", "Toilets"),
            ("bikes", "Fietsenstalling", "Bike shed"),
            ("transport", "Bus of taxi", "Bus or taxi"),
            ("offsite", "Buiten de school", "Off site"),
            ("online", "Online", "Online"),
            ("other", "Anders", "Other"),
        ]) + make(.motivation, [
            ("peer_attention", "Aandacht krijgen van medeleerlingen", "Obtain peer attention"),
            ("adult_attention", "Aandacht krijgen van volwassenen", "Obtain adult attention"),
            ("obtain_item", "Iets willen hebben of doen", "Obtain items or activities"),
            ("avoid_task", "Vermijden van een taak", "Avoid a task"),
            ("avoid_peers", "Vermijden van medeleerlingen", "Avoid peers"),
            ("avoid_adults", "Vermijden van volwassenen", "Avoid adults"),
            ("unknown", "Onbekend", "Don't know"),
            ("other", "Anders", "Other"),
        ]) + make(.action, [
            ("talk", "Gesprek met de leerling", "Talk with the student"),
            ("timeout", "Time-out in de klas", "Time-out in class"),
            ("sent_out", "Uit de les gestuurd", "Sent out of class"),
            ("parents", "Ouders geïnformeerd", "Parents informed"),
            ("restorative", "Herstelgesprek", "Restorative conversation"),
            ("detention", "Nablijven", "Detention"),
            ("suspension", "Schorsing", "Suspension"),
            ("other", "Anders", "Other"),
        ]) + make(.expectation, [
            ("respectful", "Respectvol", "Respectful"),
            ("responsible", "Verantwoordelijk", "Responsible"),
            ("safe", "Veilig", "Safe"),
            ("helpful", "Behulpzaam", "Helpful"),
        ])
    }()

    public static func of(_ kind: LabelKind) -> [DefaultLabel] { all.filter { $0.kind == kind } }
}

/// A label a school adds itself: Dutch text required, English optional
/// (the Dutch shows in both languages then).
public struct LabelFields: Sendable, Equatable {
    public static let maxLength = 80
    public var kind: LabelKind
    public var nl: String
    public var en: String

    public static func validate(kind: String, nl: String, en: String) -> Validated<LabelFields> {
        var problems: [FieldProblem] = []
        let kindValue = LabelKind(rawValue: kind)
        if kindValue == nil { problems.append(.init(field: "kind", key: "label_bad_kind", arguments: [kind])) }
        let nl = nl.trimmed, en = en.trimmed
        if nl.isEmpty { problems.append(.init(field: "text_nl", key: "import_required")) }
        if nl.count > maxLength { problems.append(.init(field: "text_nl", key: "import_too_long", arguments: [String(maxLength)])) }
        if en.count > maxLength { problems.append(.init(field: "text_en", key: "import_too_long", arguments: [String(maxLength)])) }
        guard problems.isEmpty, let kindValue else { return .failure(problems) }
        return .success(LabelFields(kind: kindValue, nl: nl, en: en.isEmpty ? nl : en))
    }
}

// MARK: - Incidents

/// Where an incident is in its workflow: a teacher's draft, sent for the
/// coordinator's review, complete (it counts in rules and dashboards), or
/// withdrawn (recorded by mistake; kept, never counted).
public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case draft, review, complete, withdrawn
}

/// Who handled the incident: the staff member in the moment (minor), or
/// the office, that is the coordinator or school leader (major).
public enum ManagedBy: String, CaseIterable, Sendable, Codable {
    case staff, office
}

/// Who else was there (SWIS's "others involved").
public enum OthersInvolved: String, CaseIterable, Sendable, Codable {
    case none, peers, staff, teacher, substitute, unknown, other
}

/// A student's part in an incident.
public enum IncidentRole: String, CaseIterable, Sendable, Codable {
    case involved, target
}

/// The workflow's moves: who may move an incident from one status to another.
public enum IncidentWorkflow {
    /// Whether `role` may move an incident from `from` to `to`; `isReporter`
    /// says whether the person recorded it. A teacher sends their own draft
    /// for review; the coordinator (or administrator) completes, sends
    /// back, or withdraws; a completed incident can be withdrawn or reopened.
    public static func allows(_ role: Role, isReporter: Bool, from: IncidentStatus, to: IncidentStatus) -> Bool {
        let reviewer = role == .coordinator || role == .admin
        switch (from, to) {
        case (.draft, .review): return isReporter || reviewer
        case (.draft, .complete), (.review, .complete): return reviewer
        case (.review, .draft): return reviewer || isReporter
        case (.draft, .withdrawn): return isReporter || reviewer
        case (.review, .withdrawn), (.complete, .withdrawn): return reviewer
        case (.complete, .review), (.withdrawn, .review): return reviewer
        default: return false
        }
    }

    /// Whether the person may still change the incident's fields.
    public static func canEdit(_ role: Role, isReporter: Bool, status: IncidentStatus) -> Bool {
        switch role {
        case .admin, .coordinator: return status != .withdrawn
        case .teacher: return isReporter && status == .draft
        default: return false
        }
    }

    /// The status a new incident gets when its recorder sends it: reviewers'
    /// own records are complete at once; everyone else's go to review.
    public static func sentStatus(for role: Role) -> IncidentStatus {
        role == .coordinator || role == .admin ? .complete : .review
    }
}

/// A time of day as minutes after midnight, written "HH:MM".
public struct TimeOfDay: Sendable, Equatable, Comparable, Hashable {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0..<24 * 60).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// "8:05", "08:05" or "8.05".
    public init?(text: String) {
        let parts = text.trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "." })
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        minutes = h * 60 + m
    }

    public var hour: Int { minutes / 60 }
    public var text: String { LocalDate.twoDigits(minutes / 60) + ":" + LocalDate.twoDigits(minutes % 60) }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }

    /// The time now in the Netherlands.
    public static func now(_ date: Date = Date()) -> TimeOfDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .current
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return TimeOfDay(minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))!
    }
}

/// An incident's own fields, validated (the students and labels are
/// checked against the school by the server).
public struct IncidentFields: Sendable, Equatable {
    public static let maxStudents = 10
    public static let maxNote = 2000

    public var date: LocalDate
    public var time: TimeOfDay
    public var managedBy: ManagedBy
    public var others: OthersInvolved
    public var note: String

    public init(date: LocalDate, time: TimeOfDay, managedBy: ManagedBy, others: OthersInvolved, note: String) {
        self.date = date; self.time = time; self.managedBy = managedBy; self.others = others; self.note = note
    }

    /// Checks date (not in the future, not before last school year), time,
    /// the fixed choices and the note's length.
    public static func validate(date: String, time: String, managedBy: String, others: String, note: String,
                                today: LocalDate) -> Validated<IncidentFields> {
        var problems: [FieldProblem] = []
        var day: LocalDate? = nil
        if date.trimmed.isEmpty { problems.append(.init(field: "date", key: "import_required")) }
        else if let parsed = LocalDate.parse(date) {
            if parsed > today { problems.append(.init(field: "date", key: "incident_date_future", arguments: [parsed.iso])) }
            else if parsed < SchoolYearPeriod(startYear: SchoolYearPeriod.containing(today).startYear - 1).start {
                problems.append(.init(field: "date", key: "incident_date_old", arguments: [parsed.iso]))
            } else { day = parsed }
        } else { problems.append(.init(field: "date", key: "import_bad_date", arguments: [date])) }
        let timeValue = TimeOfDay(text: time)
        if timeValue == nil { problems.append(.init(field: "time", key: "incident_bad_time", arguments: [time])) }
        let managed = ManagedBy(rawValue: managedBy)
        if managed == nil { problems.append(.init(field: "managed_by", key: "incident_bad_choice", arguments: [managedBy])) }
        let othersValue = OthersInvolved(rawValue: others.isEmpty ? "none" : others)
        if othersValue == nil { problems.append(.init(field: "others_involved", key: "incident_bad_choice", arguments: [others])) }
        let note = note.trimmed
        if note.count > maxNote { problems.append(.init(field: "note", key: "import_too_long", arguments: [String(maxNote)])) }
        guard problems.isEmpty, let day, let timeValue, let managed, let othersValue else { return .failure(problems) }
        return .success(IncidentFields(date: day, time: timeValue, managedBy: managed, others: othersValue, note: note))
    }
}

// MARK: - Signals and decisions

/// A tier of the pyramid: I for all, II for small groups, III individual.
public enum Tier: Int, CaseIterable, Sendable, Codable, Comparable {
    case one = 1, two = 2, three = 3
    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
    /// The pyramid's colour.
    public var colour: String { ["green", "yellow", "red"][rawValue - 1] }
}

/// Where a signal stands: waiting for the team, decided (a decision is
/// recorded and runs until its review date), or closed.
public enum SignalStatus: String, CaseIterable, Sendable, Codable {
    case open, decided, closed
}

/// What the team decides on a signal.
public enum DecisionKind: String, CaseIterable, Sendable, Codable {
    case `continue`, change, intensify, fade, close, refer

    /// The tier a decision may lead to from `current`: intensify and refer
    /// go up, fade goes down, the others keep the tier unless the team
    /// chooses one explicitly within these bounds.
    public func allowedTiers(from current: Tier) -> [Tier] {
        switch self {
        case .continue: return [current]
        case .change, .close: return Tier.allCases.filter { $0 <= current }
        case .intensify, .refer: return Tier.allCases.filter { $0 > current }.isEmpty ? [current] : Tier.allCases.filter { $0 > current }
        case .fade: return Tier.allCases.filter { $0 < current }.isEmpty ? [current] : Tier.allCases.filter { $0 < current }
        }
    }

    /// The signal's status after this decision.
    public var signalStatus: SignalStatus { self == .close ? .closed : .decided }
}

/// A decision's fields, validated: the kind, the tier it leads to (checked
/// against the kind), the date by which it is reviewed, and a note.
public struct DecisionFields: Sendable, Equatable {
    public static let maxNote = 2000
    public var kind: DecisionKind
    public var tierAfter: Tier
    public var reviewBy: LocalDate?
    public var note: String

    public static func validate(kind: String, tierAfter: String, reviewBy: String, note: String,
                                currentTier: Tier, today: LocalDate) -> Validated<DecisionFields> {
        var problems: [FieldProblem] = []
        let kindValue = DecisionKind(rawValue: kind)
        if kindValue == nil { problems.append(.init(field: "decision", key: kind.isEmpty ? "decision_choose" : "incident_bad_choice", arguments: [kind])) }
        var tier: Tier? = nil
        if let kindValue {
            let allowed = kindValue.allowedTiers(from: currentTier)
            // Without a choice: the current tier when the decision allows it, else the only one it allows.
            if tierAfter.trimmed.isEmpty { tier = allowed.contains(currentTier) ? currentTier : (allowed.count == 1 ? allowed[0] : nil) }
            else if let n = Int(tierAfter.trimmed), let t = Tier(rawValue: n) { tier = t }
            if tier == nil || !allowed.contains(tier!) {
                problems.append(.init(field: "tier_after", key: "decision_bad_tier",
                                      arguments: [allowed.map { String($0.rawValue) }.joined(separator: ", ")]))
                tier = nil
            }
        }
        var review: LocalDate? = nil
        if !reviewBy.trimmed.isEmpty {
            if let date = LocalDate.parse(reviewBy) {
                if date < today { problems.append(.init(field: "review_by", key: "decision_review_past", arguments: [date.iso])) }
                else { review = date }
            } else { problems.append(.init(field: "review_by", key: "import_bad_date", arguments: [reviewBy])) }
        } else if let kindValue, kindValue != .close {
            problems.append(.init(field: "review_by", key: "decision_review_required"))
        }
        let note = note.trimmed
        if note.count > maxNote { problems.append(.init(field: "note", key: "import_too_long", arguments: [String(maxNote)])) }
        guard problems.isEmpty, let kindValue, let tier else { return .failure(problems) }
        return .success(DecisionFields(kind: kindValue, tierAfter: tier, reviewBy: review, note: note))
    }
}

extension RuleFinding {
    /// The period a finding belongs to, so a rule fires once per student
    /// per period: the school year for incident rules (and per scale for screening), the
    /// run of weeks for point cards and measurements (one review while the goal is missed
    /// week after week, however many months the run spans; a new run after a good week is a
    /// new review), the day the threshold was crossed for a DUO report (each crossing is a
    /// report), and the first day of the stretch for a thuiszitter (one signal while it lasts).
    public var period: String {
        switch rule {
        case .incidentsYellow, .incidentsRed, .earlyWarning:
            return SchoolYearPeriod.containing(date).name
        case .screeningAtRisk:
            // Each scale once a school year: a worry about withdrawal is not hidden behind one about behaviour.
            return SchoolYearPeriod.containing(date).name + (figures.first.map { " " + $0 } ?? "")
        case .pointCardReview, .pointCardFading, .progressReview, .progressFading:
            // Fired on the run's last Friday, with the number of weeks running first: the run began that many Mondays before.
            let weeks = max(1, figures.first.flatMap { Int($0) } ?? 1)
            return "since " + date.adding(days: -4 - 7 * (weeks - 1)).iso
        case .absenceReport:
            return date.iso
        case .thuiszitter:
            return figures.count > 1 ? "since " + figures[1] : date.iso
        }
    }

    /// The rule's arguments as a person reads them: ISO dates shown in the language's style.
    public func displayFigures(_ language: Language) -> [String] {
        figures.map { figure in
            if figure.count == 10, let date = LocalDate(iso: figure) { return date.display(language) }
            // Decimal figures (16.5 hours) with a decimal comma in Dutch.
            if language == .nl, figure.contains("."), Double(figure) != nil { return figure.replacingOccurrences(of: ".", with: ",") }
            return figure
        }
    }
}

// MARK: - Enrolments and point cards

/// A student's enrolment in a Tier II or III intervention, validated.
public struct EnrolmentFields: Sendable, Equatable {
    public static let maxExpectations = 5
    public static let maxPeriods = 10
    public var goal: Double
    public var start: LocalDate
    public var review: LocalDate
    public var expectations: [String]
    public var periods: Int

    public init(goal: Double, start: LocalDate, review: LocalDate, expectations: [String], periods: Int) {
        self.goal = goal; self.start = start; self.review = review; self.expectations = expectations; self.periods = periods
    }

    /// Goal as a percentage (default 80), the review after the start, 3–5
    /// expectations (one per line) and up to 10 periods a day.
    /// With another `monitoring` than the point card, only the dates count here (the goal is the measurement plan's).
    public static func validate(goal: String, start: String, review: String, expectations: String, periods: String,
                                monitoring: MonitoringType = .pointCard) -> Validated<EnrolmentFields> {
        var problems: [FieldProblem] = []
        let card = monitoring == .pointCard
        let goalValue = goal.trimmed.isEmpty || !card ? 80 : Int(goal.trimmed.replacingOccurrences(of: "%", with: ""))
        if goalValue == nil || !(10...100).contains(goalValue!) { problems.append(.init(field: "goal", key: "enrolment_bad_goal", arguments: [goal])) }
        let startDate = LocalDate.parse(start)
        if startDate == nil { problems.append(.init(field: "start_on", key: start.trimmed.isEmpty ? "import_required" : "import_bad_date", arguments: [start])) }
        let reviewDate = LocalDate.parse(review)
        if reviewDate == nil { problems.append(.init(field: "review_on", key: review.trimmed.isEmpty ? "import_required" : "import_bad_date", arguments: [review])) }
        else if let startDate, let reviewDate, reviewDate <= startDate { problems.append(.init(field: "review_on", key: "enrolment_review_before_start")) }
        let list = card ? expectations.split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty } : []
        if card && (list.count < 1 || list.count > maxExpectations) { problems.append(.init(field: "expectations", key: "enrolment_bad_expectations", arguments: [String(maxExpectations)])) }
        if list.contains(where: { $0.count > 60 }) { problems.append(.init(field: "expectations", key: "import_too_long", arguments: ["60"])) }
        let periodValue = card ? Int(periods.trimmed) : 0
        if card && (periodValue == nil || !(1...maxPeriods).contains(periodValue!)) { problems.append(.init(field: "periods", key: "enrolment_bad_periods", arguments: [periods, String(maxPeriods)])) }
        guard problems.isEmpty, let goalValue, let startDate, let reviewDate, let periodValue else { return .failure(problems) }
        return .success(EnrolmentFields(goal: Double(goalValue) / 100, start: startDate, review: reviewDate, expectations: list, periods: periodValue))
    }
}

extension PointCard {
    /// A day's card from a form: `rating(expectation, period)` gives "0", "1", "2" or "" (not rated).
    public static func read(date: LocalDate, expectations: Int, periods: Int, rating: (Int, Int) -> String?) -> Validated<PointCard> {
        var ratings: [[Int?]] = []
        for e in 0..<expectations {
            var row: [Int?] = []
            for p in 0..<periods {
                let text = (rating(e, p) ?? "").trimmed
                if text.isEmpty { row.append(nil); continue }
                guard let n = Int(text), (0...2).contains(n) else {
                    return .failure([FieldProblem(field: "r_\(e)_\(p)", key: "point_card_bad_rating", arguments: [text])])
                }
                row.append(n)
            }
            ratings.append(row)
        }
        let card = PointCard(date: date, ratings: ratings)
        guard card.score != nil else { return .failure([FieldProblem(field: "ratings", key: "point_card_empty")]) }
        return .success(card)
    }

    public var earned: Int { ratings.flatMap { $0 }.compactMap { $0 }.reduce(0, +) }
    public var possible: Int { 2 * ratings.flatMap { $0 }.compactMap { $0 }.count }
}
