import Foundation

// MARK: - The ISF team, its meetings and actions

/// A person's part in a school's ISF team.
public enum TeamRole: String, CaseIterable, Sendable, Codable {
    /// Leads the meeting.
    case chair
    /// Brings the data: prepares the agenda, reads the charts.
    case dataAnalyst = "data_analyst"
    /// The youth-care organisation's person in the team.
    case youthCarePartner = "youth_care_partner"
    /// Takes the minutes.
    case minutes
    case member
}

/// What the team agreed: when it meets, which tiers it covers, who steers.
public struct TeamAgreements: Sendable, Equatable {
    public var hours: String
    public var tiers: Set<Tier>
    public var steering: String

    public init(hours: String = "", tiers: Set<Tier> = [], steering: String = "") {
        self.hours = hours; self.tiers = tiers; self.steering = steering
    }

    /// Reads the agreements form: free texts of at most 300 characters, tiers as "1,2,3".
    public static func read(form: [String: String]) -> Validated<TeamAgreements> {
        var problems: [FieldProblem] = []
        let hours = (form["hours"] ?? "").trimmed, steering = (form["steering"] ?? "").trimmed
        if hours.count > 300 { problems.append(.init(field: "hours", key: "import_too_long", arguments: ["300"])) }
        if steering.count > 300 { problems.append(.init(field: "steering", key: "import_too_long", arguments: ["300"])) }
        let listed = (form["tiers"] ?? "").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        let tiers = Set(listed.compactMap { Int($0).flatMap(Tier.init(rawValue:)) })
        if tiers.count != Set(listed).count { problems.append(.init(field: "tiers", key: "team_bad_tier")) }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(TeamAgreements(hours: hours, tiers: tiers, steering: steering))
    }
}

/// Where an agenda item comes from: the data the meeting starts from.
public enum AgendaKind: String, CaseIterable, Sendable, Codable {
    /// An open signal of the rules, waiting for the team's decision.
    case signal
    /// A decision whose review date has come.
    case review
    /// A point card or daily figure under its goal in the last weeks.
    case trend
    /// A student who became a thuiszitter.
    case thuiszitter
}

/// A new meeting: a date and a title.
public struct MeetingFields: Sendable, Equatable {
    public var date: LocalDate
    public var title: String

    public init(date: LocalDate, title: String) { self.date = date; self.title = title }

    public static func read(form: [String: String], today: LocalDate) -> Validated<MeetingFields> {
        var problems: [FieldProblem] = []
        let title = (form["title"] ?? "").trimmed
        if title.isEmpty { problems.append(.init(field: "title", key: "import_required")) }
        if title.count > 120 { problems.append(.init(field: "title", key: "import_too_long", arguments: ["120"])) }
        let text = (form["date"] ?? "").trimmed
        let date = LocalDate.parse(text)
        if date == nil { problems.append(.init(field: "date", key: text.isEmpty ? "import_required" : "import_bad_date", arguments: [text])) }
        if let date, abs(date.dayNumber - today.dayNumber) > 366 { problems.append(.init(field: "date", key: "meeting_date_far")) }
        guard problems.isEmpty, let date else { return .failure(problems) }
        return .success(MeetingFields(date: date, title: title))
    }
}

/// An action agreed in a meeting: what, who, by when.
public struct ActionFields: Sendable, Equatable {
    public var text: String
    public var ownerID: UUID
    public var due: LocalDate

    public init(text: String, ownerID: UUID, due: LocalDate) { self.text = text; self.ownerID = ownerID; self.due = due }

    /// `owners` are the people who may own an action (the team's members).
    public static func read(form: [String: String], owners: Set<UUID>, meetingDate: LocalDate) -> Validated<ActionFields> {
        var problems: [FieldProblem] = []
        let text = (form["text"] ?? "").trimmed
        if text.isEmpty { problems.append(.init(field: "text", key: "import_required")) }
        if text.count > 300 { problems.append(.init(field: "text", key: "import_too_long", arguments: ["300"])) }
        let owner = UUID(uuidString: (form["owner_id"] ?? "").trimmed)
        if owner.map({ !owners.contains($0) }) ?? true { problems.append(.init(field: "owner_id", key: "action_bad_owner")) }
        let dueText = (form["due_on"] ?? "").trimmed
        let due = LocalDate.parse(dueText)
        if due == nil { problems.append(.init(field: "due_on", key: dueText.isEmpty ? "import_required" : "import_bad_date", arguments: [dueText])) }
        if let due, due < meetingDate { problems.append(.init(field: "due_on", key: "action_due_before_meeting")) }
        guard problems.isEmpty, let owner, let due else { return .failure(problems) }
        return .success(ActionFields(text: text, ownerID: owner, due: due))
    }

    /// Open past its due date.
    public static func isOverdue(due: LocalDate, done: Bool, today: LocalDate) -> Bool { !done && due < today }
}

/// Point-card or figure trend for the agenda: the last `weeks` weekly results all on the wrong side of the goal.
public enum AgendaRules {
    public static let trendWeeks = 2

    /// `reached` says per week, oldest first, whether the week's result met the goal.
    public static func trendNeedsTeam(_ reached: [Bool]) -> Bool {
        reached.count >= trendWeeks && reached.suffix(trendWeeks).allSatisfy { !$0 }
    }
}
