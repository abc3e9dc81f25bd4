import Foundation

// MARK: - Measurement waves

/// Who a wave asks: the teachers and youth-care workers of chosen schools (each invited inside Samen), or the
/// students of chosen groups (through one anonymous link per group, no account and no name).
public enum WaveTarget: String, Codable, Sendable, CaseIterable {
    case staff
    case students
}

/// A new wave as a researcher describes it.
public struct WaveFields: Sendable, Equatable {
    public var name: String
    public var opens: LocalDate
    public var closes: LocalDate
    public var schoolIDs: Set<UUID>
    public var baselineID: UUID?
    /// The smallest group its report shows: 5 or more.
    public var minimumCell: Int
    public var target: WaveTarget = .staff
    /// For a students' wave: the groups asked (their schools are `schoolIDs`).
    public var groupIDs: Set<UUID> = []

    public init(name: String, opens: LocalDate, closes: LocalDate, schoolIDs: Set<UUID>, baselineID: UUID? = nil, minimumCell: Int = 5) {
        self.name = name; self.opens = opens; self.closes = closes; self.schoolIDs = schoolIDs; self.baselineID = baselineID
        self.minimumCell = minimumCell
    }

    /// Reads the wave form: a name (at most 120 characters), an opening date from today on (a wave is not back-dated) and a
    /// closing date after it, within a year; one or more of the schools offered; a baseline from those offered (or none);
    /// the smallest group shown in its report, a whole number from 5 to 100 (5 when left empty).
    /// A students' wave (`target` "students") names groups instead of schools: one or more of the groups offered
    /// (group → its school); the schools are theirs.
    public static func read(form: [String: String], schools: [String], schoolsOffered: Set<UUID>, baselines: Set<UUID>,
                            groups: [String] = [], groupsOffered: [UUID: UUID] = [:], today: LocalDate) -> Validated<WaveFields> {
        var problems: [FieldProblem] = []
        let name = (form["name"] ?? "").trimmed
        if name.isEmpty { problems.append(.init(field: "name", key: "import_required")) }
        if name.count > 120 { problems.append(.init(field: "name", key: "import_too_long", arguments: ["120"])) }
        let opens = LocalDate(iso: (form["opens_on"] ?? "").trimmed), closes = LocalDate(iso: (form["closes_on"] ?? "").trimmed)
        if opens == nil { problems.append(.init(field: "opens_on", key: "import_bad_date", arguments: [form["opens_on"] ?? ""])) }
        if closes == nil { problems.append(.init(field: "closes_on", key: "import_bad_date", arguments: [form["closes_on"] ?? ""])) }
        if let opens, opens < today { problems.append(.init(field: "opens_on", key: "wave_opens_past")) }
        if let opens, let closes, closes <= opens || closes > opens.adding(days: 366) {
            problems.append(.init(field: "closes_on", key: "wave_bad_period"))
        }
        let targetText = (form["target"] ?? "").trimmed
        let target = targetText.isEmpty ? WaveTarget.staff : WaveTarget(rawValue: targetText)
        if target == nil { problems.append(.init(field: "target", key: "wave_bad_target")) }
        var chosen: [UUID] = []
        var chosenGroups: [UUID] = []
        if target == .students {
            chosenGroups = groups.compactMap { UUID(uuidString: $0.trimmed) }
            if chosenGroups.isEmpty || chosenGroups.count != groups.count || !chosenGroups.allSatisfy({ groupsOffered[$0] != nil }) {
                problems.append(.init(field: "group_ids", key: "wave_bad_groups"))
            }
            chosen = chosenGroups.compactMap { groupsOffered[$0] }
        } else {
            chosen = schools.compactMap { UUID(uuidString: $0.trimmed) }
            if chosen.isEmpty || chosen.count != schools.count || !Set(chosen).isSubset(of: schoolsOffered) {
                problems.append(.init(field: "school_ids", key: "wave_bad_schools"))
            }
        }
        var baseline: UUID? = nil
        if let text = form["baseline_id"]?.trimmed, !text.isEmpty {
            baseline = UUID(uuidString: text)
            if baseline == nil || !baselines.contains(baseline!) { problems.append(.init(field: "baseline_id", key: "wave_bad_baseline")) }
        }
        var minimumCell = Suppression.minimumThreshold
        if let text = form["minimum_cell"]?.trimmed, !text.isEmpty {
            if let n = Int(text), (Suppression.minimumThreshold...100).contains(n) { minimumCell = n } else {
                problems.append(.init(field: "minimum_cell", key: "wave_bad_minimum_cell", arguments: [text]))
            }
        }
        guard problems.isEmpty, let opens, let closes, let target else { return .failure(problems) }
        var fields = WaveFields(name: name, opens: opens, closes: closes, schoolIDs: Set(chosen), baselineID: baseline, minimumCell: minimumCell)
        fields.target = target
        fields.groupIDs = Set(chosenGroups)
        return .success(fields)
    }
}

public enum WaveState: String, Sendable {
    case planned, open, closed

    public static func of(opens: LocalDate, closes: LocalDate, today: LocalDate) -> WaveState {
        today < opens ? .planned : today > closes ? .closed : .open
    }
}

/// The response rate of a group of invitees (a school), in percent; nil without invitees.
public func responseRate(completed: Int, invited: Int) -> Double? {
    invited == 0 ? nil : 100 * Double(completed) / Double(invited)
}

/// Personal links for a staff wave: one single-use link per person, for people who answer without an
/// account or are invited by e-mail. The researcher asks for a number of links for a school and role, or
/// gives one label per person (their own respondent codes): the same label in a baseline and its follow-up
/// gives the same pairing key, so the two responses pair without Samen ever storing the label.
public struct PersonalLinkRequest: Sendable, Equatable {
    public static let maxLinks = 500
    public static let maxLabel = 80
    public var schoolID: UUID
    public var role: String
    /// One entry per link: the label, or nil for an unlabelled (unpaired) link.
    public var labels: [String?]

    public init(schoolID: UUID, role: String, labels: [String?]) { self.schoolID = schoolID; self.role = role; self.labels = labels }

    /// Reads the form or API fields: one of the wave's schools; the role of a staff respondent (teacher,
    /// youthworker); labels (one per line, each once, at most 80 characters) or else a count from 1 to 500.
    public static func read(schoolID: String?, role: String?, count: String?, labels: String?, schools: Set<UUID>,
                            roles: [String]) -> Validated<PersonalLinkRequest> {
        var problems: [FieldProblem] = []
        let school = schoolID.flatMap { UUID(uuidString: $0.trimmed) }
        if school == nil || !schools.contains(school!) { problems.append(.init(field: "school_id", key: "wave_bad_school")) }
        let role = (role ?? "").trimmed
        if !roles.contains(role) { problems.append(.init(field: "role", key: "incident_bad_choice", arguments: [role])) }
        let lines = (labels ?? "").split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }
        var list: [String?] = []
        if !lines.isEmpty {
            var seen = Set<String>()
            for (i, line) in lines.enumerated() {
                if line.count > maxLabel { problems.append(.init(field: "labels", key: "wave_label_too_long", arguments: [String(i + 1), String(maxLabel)])); break }
                if !seen.insert(line).inserted { problems.append(.init(field: "labels", key: "wave_label_twice", arguments: [line])); break }
            }
            if lines.count > maxLinks { problems.append(.init(field: "labels", key: "wave_links_too_many", arguments: [String(maxLinks)])) }
            list = lines
        } else {
            let text = (count ?? "").trimmed
            if let n = Int(text), (1...maxLinks).contains(n) { list = Array(repeating: nil, count: n) }
            else { problems.append(.init(field: "count", key: "wave_bad_link_count", arguments: [text, String(maxLinks)])) }
        }
        guard problems.isEmpty, let school else { return .failure(problems) }
        return .success(PersonalLinkRequest(schoolID: school, role: role, labels: list))
    }
}
