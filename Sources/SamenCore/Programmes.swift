import Foundation

// MARK: - Programmes: templates, versions, runs, delivered meetings

/// A text in both languages, as a programme or a questionnaire carries it. A
/// school's adaptation writes the language it works in; the other falls back to it.
public struct BilingualText: Codable, Sendable, Equatable {
    public var nl: String
    public var en: String

    public init(nl: String, en: String) { self.nl = nl; self.en = en }
    public init(_ both: String) { self.nl = both; self.en = both }

    public func text(_ language: Language) -> String {
        let chosen = language == .nl ? nl : en
        return chosen.isEmpty ? (language == .nl ? en : nl) : chosen
    }

    /// The same text with one language replaced.
    public func replacing(_ language: Language, with text: String) -> BilingualText {
        var copy = self
        if language == .nl { copy.nl = text } else { copy.en = text }
        return copy
    }
}

/// One point of a meeting's fidelity checklist: was this part delivered as designed?
public struct FidelityItem: Codable, Sendable, Equatable {
    public var code: String
    public var text: BilingualText

    public init(code: String, text: BilingualText) { self.code = code; self.text = text }
}

/// A meeting of a programme: number 0 is the kick-off.
public struct ProgrammeSession: Codable, Sendable, Equatable {
    public var number: Int
    public var title: BilingualText
    public var goal: BilingualText
    public var activities: BilingualText
    public var materials: BilingualText
    public var fidelity: [FidelityItem]

    public init(number: Int, title: BilingualText, goal: BilingualText, activities: BilingualText, materials: BilingualText, fidelity: [FidelityItem]) {
        self.number = number; self.title = title; self.goal = goal; self.activities = activities; self.materials = materials; self.fidelity = fidelity
    }

    /// The kick-off forms the pairs; the meetings after it are delivered by them.
    public var isKickOff: Bool { number == 0 }
}

/// A programme as designed: its meetings and the expectations matrix it starts from.
public struct ProgrammeDefinition: Codable, Sendable, Equatable {
    public var title: BilingualText
    public var summary: BilingualText
    public var sessions: [ProgrammeSession]
    /// The rows and columns a run's matrix starts with (the school's students then fill the cells).
    public var expectations: [BilingualText]
    public var settings: [BilingualText]

    public init(title: BilingualText, summary: BilingualText, sessions: [ProgrammeSession], expectations: [BilingualText], settings: [BilingualText]) {
        self.title = title; self.summary = summary; self.sessions = sessions; self.expectations = expectations; self.settings = settings
    }

    public func session(_ number: Int) -> ProgrammeSession? { sessions.first { $0.number == number } }

    public static let maxSessions = 20, maxFidelityItems = 12, maxTitle = 120, maxText = 4_000

    /// Reads an adapted programme from the edit form, in the language the school writes in:
    /// `title`, `summary`, and per meeting `s<n>_title`, `s<n>_goal`, `s<n>_activities`,
    /// `s<n>_materials`, `s<n>_fidelity` (one checklist point a line). A meeting whose
    /// title is emptied is left out (not the kick-off); `new_title` adds one at the end.
    public func adapted(form: [String: String], language: Language) -> Validated<ProgrammeDefinition> {
        var problems: [FieldProblem] = []
        func field(_ name: String, limit: Int, required: Bool) -> String {
            let value = (form[name] ?? "").trimmed
            if required && value.isEmpty { problems.append(.init(field: name, key: "import_required")) }
            if value.count > limit { problems.append(.init(field: name, key: "import_too_long", arguments: [String(limit)])) }
            return value
        }
        var result = self
        result.title = title.replacing(language, with: field("title", limit: Self.maxTitle, required: true))
        result.summary = summary.replacing(language, with: field("summary", limit: Self.maxText, required: false))
        var sessions: [ProgrammeSession] = []
        for session in self.sessions {
            let p = "s\(session.number)_"
            let newTitle = field(p + "title", limit: Self.maxTitle, required: session.isKickOff)
            if newTitle.isEmpty && !session.isKickOff { continue }
            var s = session
            s.title = s.title.replacing(language, with: newTitle)
            s.goal = s.goal.replacing(language, with: field(p + "goal", limit: Self.maxText, required: false))
            s.activities = s.activities.replacing(language, with: field(p + "activities", limit: Self.maxText, required: false))
            s.materials = s.materials.replacing(language, with: field(p + "materials", limit: Self.maxText, required: false))
            s.fidelity = Self.checklist(field(p + "fidelity", limit: Self.maxText, required: false), previous: session.fidelity, language: language,
                                        field: p + "fidelity", problems: &problems)
            sessions.append(s)
        }
        let added = field("new_title", limit: Self.maxTitle, required: false)
        if !added.isEmpty {
            let number = (sessions.map(\.number).max() ?? 0) + 1
            sessions.append(ProgrammeSession(number: number, title: BilingualText(added), goal: BilingualText(""), activities: BilingualText(""),
                                             materials: BilingualText(""), fidelity: []))
        }
        if sessions.count > Self.maxSessions { problems.append(.init(field: "new_title", key: "programme_too_many_sessions", arguments: [String(Self.maxSessions)])) }
        // Meetings keep consecutive numbers, the kick-off first.
        result.sessions = sessions.enumerated().map { i, s in var s = s; s.number = i; return s }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(result)
    }

    /// Checks a definition sent whole (the API's import of a shared programme): a title, the kick-off
    /// first and meetings numbered on from it, at most 20, titles and texts within their limits,
    /// checklist codes unique within a meeting, at most 12 points, and the matrix's starting rows and columns.
    public func validated() -> Validated<ProgrammeDefinition> {
        var problems: [FieldProblem] = []
        func check(_ t: BilingualText, _ field: String, limit: Int, required: Bool) {
            if required && t.nl.trimmed.isEmpty && t.en.trimmed.isEmpty { problems.append(.init(field: field, key: "import_required")) }
            if t.nl.count > limit || t.en.count > limit { problems.append(.init(field: field, key: "import_too_long", arguments: [String(limit)])) }
        }
        check(title, "title", limit: Self.maxTitle, required: true)
        check(summary, "summary", limit: Self.maxText, required: false)
        if sessions.isEmpty || sessions.count > Self.maxSessions || sessions.map(\.number) != Array(0..<sessions.count) {
            problems.append(.init(field: "sessions", key: "programme_bad_sessions", arguments: [String(Self.maxSessions)]))
        }
        for s in sessions {
            let p = "sessions[\(s.number)]."
            check(s.title, p + "title", limit: Self.maxTitle, required: true)
            for (t, name) in [(s.goal, "goal"), (s.activities, "activities"), (s.materials, "materials")] { check(t, p + name, limit: Self.maxText, required: false) }
            if s.fidelity.count > Self.maxFidelityItems {
                problems.append(.init(field: p + "fidelity", key: "programme_too_many_items", arguments: [String(Self.maxFidelityItems)]))
            }
            if Set(s.fidelity.map(\.code)).count != s.fidelity.count || s.fidelity.contains(where: { $0.code.isEmpty || $0.code.count > 20 }) {
                problems.append(.init(field: p + "fidelity", key: "programme_bad_codes"))
            }
            for item in s.fidelity { check(item.text, p + "fidelity", limit: 300, required: true) }
        }
        if expectations.isEmpty || expectations.count > ExpectationMatrix.maxExpectations {
            problems.append(.init(field: "expectations", key: "matrix_too_many_expectations", arguments: [String(ExpectationMatrix.maxExpectations)]))
        }
        if settings.isEmpty || settings.count > ExpectationMatrix.maxSettings {
            problems.append(.init(field: "settings", key: "matrix_too_many_settings", arguments: [String(ExpectationMatrix.maxSettings)]))
        }
        for t in expectations + settings { check(t, "expectations", limit: ExpectationMatrix.maxName, required: true) }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(self)
    }

    /// A checklist from lines: a line that was there keeps its code (so answers of earlier runs still read).
    static func checklist(_ text: String, previous: [FidelityItem], language: Language, field: String, problems: inout [FieldProblem]) -> [FidelityItem] {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }
        if lines.count > maxFidelityItems { problems.append(.init(field: field, key: "programme_too_many_items", arguments: [String(maxFidelityItems)])) }
        var used = Set<String>()
        return lines.prefix(maxFidelityItems).map { line in
            if let same = previous.first(where: { $0.text.text(language) == line && !used.contains($0.code) }) {
                used.insert(same.code)
                return same
            }
            var n = previous.count + used.count + 1
            while previous.contains(where: { $0.code == "f\(n)" }) || used.contains("f\(n)") { n += 1 }
            used.insert("f\(n)")
            return FidelityItem(code: "f\(n)", text: BilingualText(line))
        }
    }
}

/// A delivered meeting as a pair logs it.
public struct DeliveryFields: Sendable, Equatable {
    public var date: LocalDate
    public var present: Int
    public var expected: Int
    /// The codes of the checklist points delivered as designed.
    public var done: Set<String>
    public var reflection: String

    public init(date: LocalDate, present: Int, expected: Int, done: Set<String>, reflection: String) {
        self.date = date; self.present = present; self.expected = expected; self.done = done; self.reflection = reflection
    }

    /// Reads the form: a date not in the future and not before the run started, attendance
    /// as present of expected (0–200), the checked points (only the meeting's own), a reflection of at most 2,000 characters.
    public static func read(form: [String: String], checked: [String], session: ProgrammeSession, runStart: LocalDate, today: LocalDate) -> Validated<DeliveryFields> {
        var problems: [FieldProblem] = []
        let date = LocalDate(iso: (form["date"] ?? "").trimmed)
        if date == nil { problems.append(.init(field: "date", key: "import_bad_date", arguments: [(form["date"] ?? "").trimmed])) }
        else if date! > today { problems.append(.init(field: "date", key: "case_step_future")) }
        else if date! < runStart { problems.append(.init(field: "date", key: "delivery_before_run", arguments: [runStart.iso])) }
        func count(_ name: String) -> Int? {
            guard let n = Int((form[name] ?? "").trimmed), (0...200).contains(n) else {
                problems.append(.init(field: name, key: "delivery_bad_count"))
                return nil
            }
            return n
        }
        let present = count("present"), expected = count("expected")
        if let present, let expected, present > expected { problems.append(.init(field: "present", key: "delivery_more_present")) }
        let codes = Set(session.fidelity.map(\.code))
        if checked.contains(where: { !codes.contains($0) }) { problems.append(.init(field: "fidelity", key: "delivery_bad_item")) }
        let reflection = (form["reflection"] ?? "").trimmed
        if reflection.count > 2_000 { problems.append(.init(field: "reflection", key: "import_too_long", arguments: ["2000"])) }
        guard problems.isEmpty, let date, let present, let expected else { return .failure(problems) }
        return .success(DeliveryFields(date: date, present: present, expected: expected, done: Set(checked), reflection: reflection))
    }
}

/// A delivered meeting as a run's figures read it.
public struct DeliveryFigures: Sendable, Equatable {
    public var session: Int
    public var pair: UUID
    public var present: Int
    public var expected: Int
    public var done: Int
    public var items: Int

    public init(session: Int, pair: UUID, present: Int, expected: Int, done: Int, items: Int) {
        self.session = session; self.pair = pair; self.present = present; self.expected = expected; self.done = done; self.items = items
    }
}

/// What a run's evaluation reads: how much was delivered, how faithfully, to how many.
public struct RunFigures: Sendable, Equatable {
    /// Meetings delivered (by any pair) of the programme's meetings after the kick-off.
    public var sessionsDelivered: Int
    public var sessionsPlanned: Int
    /// Deliveries logged: one per pair per meeting.
    public var deliveries: Int
    /// Checklist points delivered of those asked, over all deliveries (nil without any).
    public var fidelity: Double?
    /// Students present of those expected, over all deliveries (nil without any).
    public var attendance: Double?

    public var fidelityPercent: Int? { fidelity.map { Int(($0 * 100).rounded()) } }
    public var attendancePercent: Int? { attendance.map { Int(($0 * 100).rounded()) } }
}

public enum ProgrammeRules {
    /// A run's figures from its deliveries. The kick-off (meeting 0) forms the pairs and is not delivered to students.
    public static func figures(_ deliveries: [DeliveryFigures], definition: ProgrammeDefinition) -> RunFigures {
        let taught = deliveries.filter { $0.session > 0 }
        let items = taught.reduce(0) { $0 + $1.items }, done = taught.reduce(0) { $0 + $1.done }
        let expected = taught.reduce(0) { $0 + $1.expected }, present = taught.reduce(0) { $0 + $1.present }
        return RunFigures(sessionsDelivered: Set(taught.map(\.session)).count,
                          sessionsPlanned: definition.sessions.filter { !$0.isKickOff }.count,
                          deliveries: taught.count,
                          fidelity: items == 0 ? nil : Double(done) / Double(items),
                          attendance: expected == 0 ? nil : Double(present) / Double(expected))
    }

    /// The next meeting a pair has to deliver: the first after the kick-off it has not logged.
    public static func nextSession(for pair: UUID, deliveries: [DeliveryFigures], definition: ProgrammeDefinition) -> ProgrammeSession? {
        let logged = Set(deliveries.filter { $0.pair == pair }.map(\.session))
        return definition.sessions.first { !$0.isKickOff && !logged.contains($0.number) }
    }
}

// MARK: - The behaviour-expectations matrix

/// Expectations × school settings → the behaviours that show them, as a school
/// drafts it with its students and publishes it (the PBIS matrix).
public struct ExpectationMatrix: Codable, Sendable, Equatable {
    public var expectations: [String]
    public var settings: [String]
    /// `cells[e][s]`: the behaviours for expectation `e` in setting `s`.
    public var cells: [[[String]]]

    public init(expectations: [String], settings: [String], cells: [[[String]]]? = nil) {
        self.expectations = expectations; self.settings = settings
        self.cells = cells ?? Array(repeating: Array(repeating: [], count: settings.count), count: expectations.count)
    }

    public static let maxExpectations = 5, maxSettings = 8, maxBehaviours = 6, maxName = 60, maxBehaviour = 160

    public func behaviours(_ e: Int, _ s: Int) -> [String] {
        e < cells.count && s < cells[e].count ? cells[e][s] : []
    }

    /// Whether every cell holds at least one behaviour: only then can it be published.
    public var isComplete: Bool {
        !expectations.isEmpty && !settings.isEmpty
            && expectations.indices.allSatisfy { e in settings.indices.allSatisfy { s in !behaviours(e, s).isEmpty } }
    }

    /// Reads the matrix form: `e<i>` and `s<j>` name the rows and columns (an emptied name drops its
    /// row or column; `e_new`, `s_new` add one), `c<i>_<j>` holds a cell's behaviours, one a line.
    public static func read(form: [String: String], current: ExpectationMatrix) -> Validated<ExpectationMatrix> {
        var problems: [FieldProblem] = []
        func name(_ key: String) -> String {
            let value = (form[key] ?? "").trimmed
            if value.count > maxName { problems.append(.init(field: key, key: "import_too_long", arguments: [String(maxName)])) }
            return value
        }
        var rows: [(old: Int?, name: String)] = current.expectations.indices.map { (Optional($0), name("e\($0)")) }.filter { !$0.1.isEmpty }
        var columns: [(old: Int?, name: String)] = current.settings.indices.map { (Optional($0), name("s\($0)")) }.filter { !$0.1.isEmpty }
        let newRow = name("e_new"), newColumn = name("s_new")
        if !newRow.isEmpty { rows.append((nil, newRow)) }
        if !newColumn.isEmpty { columns.append((nil, newColumn)) }
        if rows.isEmpty { problems.append(.init(field: "e0", key: "matrix_no_expectations")) }
        if columns.isEmpty { problems.append(.init(field: "s0", key: "matrix_no_settings")) }
        if rows.count > maxExpectations { problems.append(.init(field: "e_new", key: "matrix_too_many_expectations", arguments: [String(maxExpectations)])) }
        if columns.count > maxSettings { problems.append(.init(field: "s_new", key: "matrix_too_many_settings", arguments: [String(maxSettings)])) }
        if Set(rows.map { $0.name.lowercased() }).count != rows.count { problems.append(.init(field: "e_new", key: "matrix_duplicate_name")) }
        if Set(columns.map { $0.name.lowercased() }).count != columns.count { problems.append(.init(field: "s_new", key: "matrix_duplicate_name")) }
        let cells: [[[String]]] = rows.map { row in
            columns.map { column in
                guard let e = row.old, let s = column.old else { return [] }
                let key = "c\(e)_\(s)"
                let lines = (form[key] ?? "").split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }
                if lines.count > maxBehaviours { problems.append(.init(field: key, key: "matrix_too_many_behaviours", arguments: [String(maxBehaviours)])) }
                if lines.contains(where: { $0.count > maxBehaviour }) { problems.append(.init(field: key, key: "import_too_long", arguments: [String(maxBehaviour)])) }
                return lines
            }
        }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(ExpectationMatrix(expectations: rows.map(\.name), settings: columns.map(\.name), cells: cells))
    }

    /// Checks a matrix sent whole (the API) against the same limits as the form.
    public func validated() -> Validated<ExpectationMatrix> {
        var form: [String: String] = [:]
        for (e, name) in expectations.enumerated() { form["e\(e)"] = name }
        for (s, name) in settings.enumerated() { form["s\(s)"] = name }
        if cells.count != expectations.count || cells.contains(where: { $0.count != settings.count }) {
            return .failure([.init(field: "cells", key: "matrix_bad_shape", arguments: [String(expectations.count), String(settings.count)])])
        }
        for e in expectations.indices { for s in settings.indices { form["c\(e)_\(s)"] = cells[e][s].joined(separator: "\n") } }
        if expectations.contains(where: { $0.trimmed.isEmpty }) || settings.contains(where: { $0.trimmed.isEmpty }) {
            return .failure([.init(field: "expectations", key: "import_required")])
        }
        return Self.read(form: form, current: self)
    }
}

/// A student's idea for the matrix, sent through the anonymous link.
public struct MatrixIdea: Sendable, Equatable {
    public var expectation: String
    public var setting: String
    public var text: String

    public static let maxText = 200

    public init(expectation: String, setting: String, text: String) { self.expectation = expectation; self.setting = setting; self.text = text }

    /// Reads the students' form: a row and a column of the draft matrix, and a short text.
    public static func read(form: [String: String], matrix: ExpectationMatrix) -> Validated<MatrixIdea> {
        var problems: [FieldProblem] = []
        let expectation = (form["expectation"] ?? "").trimmed, setting = (form["setting"] ?? "").trimmed, text = (form["text"] ?? "").trimmed
        if !matrix.expectations.contains(expectation) { problems.append(.init(field: "expectation", key: "idea_choose")) }
        if !matrix.settings.contains(setting) { problems.append(.init(field: "setting", key: "idea_choose")) }
        if text.isEmpty { problems.append(.init(field: "text", key: "idea_empty")) }
        if text.count > maxText { problems.append(.init(field: "text", key: "import_too_long", arguments: [String(maxText)])) }
        guard problems.isEmpty else { return .failure(problems) }
        return .success(MatrixIdea(expectation: expectation, setting: setting, text: text))
    }
}
