import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct ProgrammeJSON: Content, Sendable {
    var id: UUID
    var family_id: UUID
    var version: Int
    /// Nil for a programme shipped in Samen's library.
    var school_id: UUID?
    var school: String?
    var code: String
    var title: String
    var based_on_id: UUID?
    var created_at: Date
    var definition: ProgrammeDefinition
}

struct PairJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var teacher_id: UUID
    var teacher: String
    var youthworker_id: UUID
    var youthworker: String
    var organisation: String?
    var group_id: UUID?
    var group: String?
    var run_id: UUID?
    var formed_on: String
    var ended_on: String?
}

struct DeliveryJSON: Content, Sendable {
    var id: UUID
    var run_id: UUID
    var pair_id: UUID
    var session: Int
    var delivered_on: String
    var present: Int
    var expected: Int
    /// The codes of the fidelity checklist points delivered as designed.
    var done: [String]
    var items: Int
    var reflection_teacher: String
    var reflection_youthworker: String
}

struct RunFiguresJSON: Content, Sendable {
    var sessions_delivered: Int
    var sessions_planned: Int
    var deliveries: Int
    var fidelity_percent: Int?
    var attendance_percent: Int?

    init(_ f: RunFigures) {
        sessions_delivered = f.sessionsDelivered; sessions_planned = f.sessionsPlanned; deliveries = f.deliveries
        fidelity_percent = f.fidelityPercent; attendance_percent = f.attendancePercent
    }
}

struct PublishedMatrixJSON: Content, Sendable {
    var version: Int
    var published_at: Date
    var matrix: ExpectationMatrix
}

struct RunJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var school: String
    var programme_id: UUID
    var programme: String
    var version: Int
    var title: String
    var starts_on: String
    var finished_on: String?
    var previous_run_id: UUID?
    var evaluation: String
    /// The programme version the run delivers (read with the run: the pages and the API need its meetings and checklists).
    var definition: ProgrammeDefinition
    var pairs: [PairJSON]?
    var deliveries: [DeliveryJSON]?
    var figures: RunFiguresJSON?
    var draft: ExpectationMatrix?
    var published: [PublishedMatrixJSON]?
}

struct MatrixIdeaJSON: Content, Sendable {
    var expectation: String
    var setting: String
    var text: String
    var created_at: Date
}

struct MatrixLinkJSON: Content, Sendable {
    var id: UUID
    var expires_at: Date
    var revoked: Bool
    var ideas: Int
    /// Only when the link is made: the address for the students (the token is not kept).
    var url: String?
}

/// The programme library (shipped templates and schools' adapted versions),
/// programme runs, the teacher–youth-care pairs, delivered meetings and the
/// behaviour-expectations matrix with the students' ideas.
struct ProgrammeService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The shipped Respect programme's family: the same on every installation.
    static let respectFamily = UUID(uuidString: "5A3E0000-0000-4000-8000-000000000001")!

    // MARK: Library

    /// Puts the shipped templates in the library once.
    func ensureLibrary() async throws {
        if try await sql.raw("SELECT 1 AS x FROM programmes WHERE family_id = \(bind: Self.respectFamily)").first() != nil { return }
        try await sql.insert(into: "programmes").columns("id", "family_id", "version", "school_id", "code", "definition", "based_on_id", "created_by", "created_at")
            .values(SQLBind(Self.respectFamily), SQLBind(Self.respectFamily), SQLBind(1), SQLLiteral.null, SQLBind("respect"),
                    SQLBind(try JSONText.encode(ProgrammeLibrary.respect)), SQLLiteral.null, SQLLiteral.null, SQLBind(Date()))
            .ignoringConflicts(with: ["family_id", "version"]).run()
    }

    private static let programmeColumns = "p.id, p.family_id, p.version, p.school_id, s.name AS school, p.code, p.definition, p.based_on_id, p.created_at"

    private func programme(_ r: SQLRow, language: Language) throws -> ProgrammeJSON {
        let definition = try JSONText.decode(ProgrammeDefinition.self, try r.decode(column: "definition", as: String.self))
        return ProgrammeJSON(id: try r.uuid("id"), family_id: try r.uuid("family_id"), version: try r.decode(column: "version", as: Int.self),
                             school_id: try r.optionalUUID("school_id"), school: try r.decode(column: "school", as: String?.self),
                             code: try r.decode(column: "code", as: String.self), title: definition.title.text(language),
                             based_on_id: try r.optionalUUID("based_on_id"), created_at: try r.decode(column: "created_at", as: Date.self),
                             definition: definition)
    }

    /// The latest version of each programme the viewer may read: the shipped ones, and those of their schools (all for the administrator).
    func library(for viewer: Viewer, language: Language) async throws -> [ProgrammeJSON] {
        try await ensureLibrary()
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.programmeColumns) FROM programmes p LEFT JOIN schools s ON s.id = p.school_id
            WHERE p.version = (SELECT MAX(q.version) FROM programmes q WHERE q.family_id = p.family_id)
            ORDER BY s.name, p.code
            """).all()
        return try rows.map { try programme($0, language: language) }.filter { mayRead($0, viewer) }
    }

    func mayRead(_ p: ProgrammeJSON, _ viewer: Viewer) -> Bool {
        guard let school = p.school_id else { return true }
        return viewer.role == .admin || ([Role.leader, .coordinator, .teacher, .youthworker].contains(viewer.role) && viewer.schoolIDs.contains(school))
    }

    func find(_ id: UUID, language: Language) async throws -> ProgrammeJSON? {
        func read() async throws -> ProgrammeJSON? {
            try await sql.raw("SELECT \(unsafeRaw: Self.programmeColumns) FROM programmes p LEFT JOIN schools s ON s.id = p.school_id WHERE p.id = \(bind: id)")
                .first().map { try programme($0, language: language) }
        }
        // The shipped template is put in the library on first use, so only a miss on its id needs the check.
        if let found = try await read() { return found }
        guard id == Self.respectFamily else { return nil }
        try await ensureLibrary()
        return try await read()
    }

    func versions(familyID: UUID, language: Language) async throws -> [ProgrammeJSON] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.programmeColumns) FROM programmes p LEFT JOIN schools s ON s.id = p.school_id
            WHERE p.family_id = \(bind: familyID) ORDER BY p.version DESC
            """).all().map { try programme($0, language: language) }
    }

    /// A school's own copy of a programme: a new family, version 1, remembering what it was based on.
    func copy(_ source: ProgrammeJSON, schoolID: UUID, by accountID: UUID) async throws -> UUID {
        let id = UUID()
        try await insert(id: id, family: id, version: 1, schoolID: schoolID, code: source.code, definition: source.definition, basedOn: source.id, by: accountID)
        return id
    }

    /// An adapted version: the next version of the same family; earlier versions (and the runs on them) stay as they were.
    func adapt(_ source: ProgrammeJSON, definition: ProgrammeDefinition, by accountID: UUID) async throws -> UUID {
        let latest = try await sql.raw("SELECT MAX(version) AS v FROM programmes WHERE family_id = \(bind: source.family_id)").first(decodingColumn: "v", as: Int.self) ?? 0
        let id = UUID()
        try await insert(id: id, family: source.family_id, version: latest + 1, schoolID: source.school_id, code: source.code, definition: definition,
                         basedOn: source.id, by: accountID)
        return id
    }

    private func insert(id: UUID, family: UUID, version: Int, schoolID: UUID?, code: String, definition: ProgrammeDefinition, basedOn: UUID?, by: UUID) async throws {
        try await sql.insert(into: "programmes").columns("id", "family_id", "version", "school_id", "code", "definition", "based_on_id", "created_by", "created_at")
            .values(SQLBind(id), SQLBind(family), SQLBind(version), SQLBind(schoolID), SQLBind(code), SQLBind(try JSONText.encode(definition)),
                    SQLBind(basedOn), SQLBind(by), SQLBind(Date()))
            .run()
    }

    // MARK: Runs

    private static let runColumns = """
        r.id, r.school_id, s.name AS school, r.programme_id, p.version, p.definition, r.title, r.starts_on, r.finished_on, r.previous_run_id, r.evaluation
        """

    private func run(_ r: SQLRow, language: Language) throws -> RunJSON {
        let definition = try JSONText.decode(ProgrammeDefinition.self, try r.decode(column: "definition", as: String.self))
        return RunJSON(id: try r.uuid("id"), school_id: try r.uuid("school_id"), school: try r.decode(column: "school", as: String.self),
                       programme_id: try r.uuid("programme_id"), programme: definition.title.text(language), version: try r.decode(column: "version", as: Int.self),
                       title: try r.decode(column: "title", as: String.self), starts_on: try r.decode(column: "starts_on", as: String.self),
                       finished_on: try r.decode(column: "finished_on", as: String?.self), previous_run_id: try r.optionalUUID("previous_run_id"),
                       evaluation: try r.decode(column: "evaluation", as: String.self), definition: definition)
    }

    func run(_ id: UUID, language: Language) async throws -> RunJSON? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.runColumns) FROM programme_runs r JOIN schools s ON s.id = r.school_id JOIN programmes p ON p.id = r.programme_id
            WHERE r.id = \(bind: id)
            """).first().map { try run($0, language: language) }
    }

    /// Runs of a school, newest first; for a teacher or youth-care worker only the runs they deliver in a pair.
    func runs(schoolID: UUID?, for viewer: Viewer, language: Language) async throws -> [RunJSON] {
        let query: SQLQueryString
        switch viewer.role {
        case .teacher, .youthworker:
            query = """
                SELECT \(unsafeRaw: Self.runColumns) FROM programme_runs r JOIN schools s ON s.id = r.school_id JOIN programmes p ON p.id = r.programme_id
                WHERE r.id IN (SELECT run_id FROM pairs WHERE teacher_id = \(bind: viewer.accountID) OR youthworker_id = \(bind: viewer.accountID))
                """
        default:
            query = """
                SELECT \(unsafeRaw: Self.runColumns) FROM programme_runs r JOIN schools s ON s.id = r.school_id JOIN programmes p ON p.id = r.programme_id
                WHERE 1 = 1
                """
        }
        var full = query
        if let schoolID { full = full + " AND r.school_id = \(bind: schoolID)" as SQLQueryString }
        full = full + " ORDER BY r.starts_on DESC" as SQLQueryString
        return try await sql.raw(full).all().map { try run($0, language: language) }
            .filter { viewer.role == .admin || viewer.schoolIDs.contains($0.school_id) }
    }

    /// Runs of a programme family, for the guide's "what the evaluations found".
    func runs(familyID: UUID, language: Language) async throws -> [RunJSON] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.runColumns) FROM programme_runs r JOIN schools s ON s.id = r.school_id JOIN programmes p ON p.id = r.programme_id
            WHERE p.family_id = \(bind: familyID) ORDER BY r.starts_on
            """).all().map { try run($0, language: language) }
    }

    /// Starts a run of a programme version at a school, with a draft matrix: the previous run's
    /// last published matrix when run again, else the programme's expectations and settings.
    func start(programme: ProgrammeJSON, schoolID: UUID, title: String, startsOn: LocalDate, previous: RunJSON?, by accountID: UUID,
               language: Language) async throws -> UUID {
        let id = UUID()
        var draft = ExpectationMatrix(expectations: programme.definition.expectations.map { $0.text(language) },
                                      settings: programme.definition.settings.map { $0.text(language) })
        if let previous, let last = try await published(runID: previous.id).first { draft = last.matrix }
        let document = try JSONText.encode(draft)
        try await db.transaction { database in
            let tx = database as! any SQLDatabase
            try await tx.insert(into: "programme_runs")
                .columns("id", "school_id", "programme_id", "title", "starts_on", "finished_on", "previous_run_id", "evaluation", "created_by", "created_at")
                .values(SQLBind(id), SQLBind(schoolID), SQLBind(programme.id), SQLBind(title), SQLBind(startsOn.iso), SQLLiteral.null, SQLBind(previous?.id),
                        SQLBind(""), SQLBind(accountID), SQLBind(Date()))
                .run()
            try await tx.insert(into: "expectation_matrices").columns("id", "run_id", "school_id", "version", "document", "published_at", "published_by")
                .values(SQLBind(UUID()), SQLBind(id), SQLBind(schoolID), SQLBind(0), SQLBind(document), SQLLiteral.null, SQLLiteral.null)
                .run()
        }
        return id
    }

    /// Finishes a run with the team's evaluation (or changes the evaluation of a finished run).
    func finish(runID: UUID, on date: LocalDate, evaluation: String) async throws {
        try await sql.raw("""
            UPDATE programme_runs SET evaluation = \(bind: evaluation), finished_on = COALESCE(finished_on, \(bind: date.iso)) WHERE id = \(bind: runID)
            """).run()
    }

    // MARK: Pairs

    private static let pairSelect = """
        SELECT p.id, p.school_id, p.teacher_id, t.first_name AS t_first_name, t.particle AS t_particle, t.last_name AS t_last_name,
               p.youthworker_id, y.first_name AS y_first_name, y.particle AS y_particle, y.last_name AS y_last_name, o.name AS organisation,
               p.group_id, g.name AS group_name, p.run_id, p.formed_on, p.ended_on
        FROM pairs p JOIN accounts t ON t.id = p.teacher_id JOIN accounts y ON y.id = p.youthworker_id
        LEFT JOIN organisations o ON o.id = y.organisation_id LEFT JOIN school_groups g ON g.id = p.group_id
        """

    private func pair(_ r: SQLRow) throws -> PairJSON {
        PairJSON(id: try r.uuid("id"), school_id: try r.uuid("school_id"), teacher_id: try r.uuid("teacher_id"), teacher: try r.personName("t_").display,
                 youthworker_id: try r.uuid("youthworker_id"), youthworker: try r.personName("y_").display,
                 organisation: try r.decode(column: "organisation", as: String?.self), group_id: try r.optionalUUID("group_id"),
                 group: try r.decode(column: "group_name", as: String?.self), run_id: try r.optionalUUID("run_id"),
                 formed_on: try r.decode(column: "formed_on", as: String.self), ended_on: try r.decode(column: "ended_on", as: String?.self))
    }

    func pairs(schoolID: UUID) async throws -> [PairJSON] {
        try await sql.raw("\(unsafeRaw: Self.pairSelect) WHERE p.school_id = \(bind: schoolID) ORDER BY p.ended_on, t.last_name, y.last_name").all().map(pair)
    }

    func pairs(runID: UUID) async throws -> [PairJSON] {
        try await sql.raw("\(unsafeRaw: Self.pairSelect) WHERE p.run_id = \(bind: runID) ORDER BY g.name, t.last_name").all().map(pair)
    }

    /// The pairs a teacher or youth-care worker is part of, still working together.
    func pairs(accountID: UUID) async throws -> [PairJSON] {
        try await sql.raw("""
            \(unsafeRaw: Self.pairSelect) WHERE (p.teacher_id = \(bind: accountID) OR p.youthworker_id = \(bind: accountID)) AND p.ended_on IS NULL
            ORDER BY g.name
            """).all().map(pair)
    }

    func pair(_ id: UUID) async throws -> PairJSON? {
        try await sql.raw("\(unsafeRaw: Self.pairSelect) WHERE p.id = \(bind: id)").first().map(pair)
    }

    /// The teachers and youth-care workers who may form a pair at a school, and its groups.
    func pairCandidates(schoolID: UUID) async throws -> (teachers: [(UUID, String)], workers: [(UUID, String)], groups: [(UUID, String)]) {
        let people = try await sql.raw("""
            SELECT a.id, a.first_name, a.particle, a.last_name, a.role FROM accounts a JOIN account_schools s ON s.account_id = a.id
            WHERE s.school_id = \(bind: schoolID) AND a.active = \(bind: true) AND a.role IN ('teacher', 'coordinator', 'leader', 'youthworker')
            ORDER BY a.last_name, a.first_name
            """).all()
        var teachers: [(UUID, String)] = [], workers: [(UUID, String)] = []
        for r in people {
            let entry = (try r.uuid("id"), try r.personName().display)
            if try r.decode(column: "role", as: String.self) == "youthworker" { workers.append(entry) } else { teachers.append(entry) }
        }
        let groups = try await sql.raw("SELECT id, name FROM school_groups WHERE school_id = \(bind: schoolID) ORDER BY name").all()
            .map { (try $0.uuid("id"), try $0.decode(column: "name", as: String.self)) }
        return (teachers, workers, groups)
    }

    /// Forms a pair. Both people must work at the school (the youth-care worker linked to it), the group be the school's;
    /// a teacher is in at most one pair per run.
    func formPair(schoolID: UUID, teacherID: UUID?, workerID: UUID?, groupID: UUID?, runID: UUID?, on date: LocalDate, by accountID: UUID) async throws -> UUID {
        let candidates = try await pairCandidates(schoolID: schoolID)
        guard let teacherID, candidates.teachers.contains(where: { $0.0 == teacherID }) else { throw SamenError.invalid("pair_bad_teacher", field: "teacher_id") }
        guard let workerID, candidates.workers.contains(where: { $0.0 == workerID }) else { throw SamenError.invalid("pair_bad_worker", field: "youthworker_id") }
        if let groupID, !candidates.groups.contains(where: { $0.0 == groupID }) { throw SamenError.invalid("pair_bad_group", field: "group_id") }
        if let runID, try await sql.raw("""
            SELECT 1 AS x FROM pairs WHERE run_id = \(bind: runID) AND teacher_id = \(bind: teacherID) AND ended_on IS NULL
            """).first() != nil {
            throw SamenError.invalid("pair_teacher_taken", field: "teacher_id")
        }
        let id = UUID()
        try await sql.insert(into: "pairs").columns("id", "school_id", "teacher_id", "youthworker_id", "group_id", "run_id", "formed_on", "ended_on", "created_by")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(teacherID), SQLBind(workerID), SQLBind(groupID), SQLBind(runID), SQLBind(date.iso),
                    SQLLiteral.null, SQLBind(accountID))
            .run()
        return id
    }

    func endPair(_ id: UUID, on date: LocalDate) async throws {
        try await sql.raw("UPDATE pairs SET ended_on = \(bind: date.iso) WHERE id = \(bind: id) AND ended_on IS NULL").run()
    }

    // MARK: Delivered meetings

    private func delivery(_ r: SQLRow) throws -> DeliveryJSON {
        DeliveryJSON(id: try r.uuid("id"), run_id: try r.uuid("run_id"), pair_id: try r.uuid("pair_id"), session: try r.decode(column: "session", as: Int.self),
                     delivered_on: try r.decode(column: "delivered_on", as: String.self), present: try r.decode(column: "present", as: Int.self),
                     expected: try r.decode(column: "expected", as: Int.self),
                     done: try JSONText.decode([String].self, try r.decode(column: "done", as: String.self)), items: try r.decode(column: "items", as: Int.self),
                     reflection_teacher: try r.decode(column: "reflection_teacher", as: String.self),
                     reflection_youthworker: try r.decode(column: "reflection_youthworker", as: String.self))
    }

    private static let deliveryColumns = """
        id, run_id, pair_id, session, delivered_on, present, expected, done, items, reflection_teacher, reflection_youthworker
        """

    func deliveries(runID: UUID) async throws -> [DeliveryJSON] {
        try await sql.raw("SELECT \(unsafeRaw: Self.deliveryColumns) FROM programme_deliveries WHERE run_id = \(bind: runID) ORDER BY session, delivered_on")
            .all().map(delivery)
    }

    func delivery(_ id: UUID) async throws -> DeliveryJSON? {
        try await sql.raw("SELECT \(unsafeRaw: Self.deliveryColumns) FROM programme_deliveries WHERE id = \(bind: id)").first().map(delivery)
    }

    /// Logs a delivered meeting for a pair; the reflection is the logging partner's. Logged once per pair and meeting (409 after).
    func logDelivery(_ fields: DeliveryFields, runID: UUID, pair: PairJSON, session: ProgrammeSession, byTeacherSide: Bool?, by accountID: UUID) async throws -> UUID {
        let id = UUID()
        let done = session.fidelity.map(\.code).filter { fields.done.contains($0) }
        try await sql.insert(into: "programme_deliveries")
            .columns("id", "run_id", "pair_id", "session", "delivered_on", "present", "expected", "done", "items", "reflection_teacher", "reflection_youthworker",
                     "recorded_by", "recorded_at")
            .values(SQLBind(id), SQLBind(runID), SQLBind(pair.id), SQLBind(session.number), SQLBind(fields.date.iso), SQLBind(fields.present),
                    SQLBind(fields.expected), SQLBind(try JSONText.encode(done)), SQLBind(session.fidelity.count),
                    SQLBind(byTeacherSide == true ? fields.reflection : ""), SQLBind(byTeacherSide == false ? fields.reflection : ""),
                    SQLBind(accountID), SQLBind(Date()))
            .ignoringConflicts(with: ["run_id", "pair_id", "session"]).run()
        // Logged once per pair and meeting: a second log (or two at the same moment) finds the first.
        guard try await sql.raw("SELECT 1 AS x FROM programme_deliveries WHERE id = \(bind: id)").first() != nil else {
            throw SamenError(status: .conflict, key: "delivery_exists")
        }
        return id
    }

    /// A partner's own reflection on a delivered meeting.
    func reflect(deliveryID: UUID, teacherSide: Bool, text: String) async throws {
        let column = teacherSide ? "reflection_teacher" : "reflection_youthworker"
        try await sql.update("programme_deliveries").set(SQLIdentifier(column), to: SQLBind(text)).where("id", .equal, SQLBind(deliveryID)).run()
    }

    // MARK: The expectations matrix

    func draft(runID: UUID) async throws -> ExpectationMatrix {
        let text = try await sql.raw("SELECT document FROM expectation_matrices WHERE run_id = \(bind: runID) AND version = 0")
            .first(decodingColumn: "document", as: String.self)
        return try text.map { try JSONText.decode(ExpectationMatrix.self, $0) } ?? ExpectationMatrix(expectations: [], settings: [])
    }

    func saveDraft(_ matrix: ExpectationMatrix, runID: UUID) async throws {
        try await sql.update("expectation_matrices").set("document", to: SQLBind(try JSONText.encode(matrix)))
            .where("run_id", .equal, SQLBind(runID)).where("version", .equal, SQLBind(0)).run()
    }

    /// The published versions of a run's matrix, newest first.
    func published(runID: UUID) async throws -> [PublishedMatrixJSON] {
        try await sql.raw("""
            SELECT version, published_at, document FROM expectation_matrices WHERE run_id = \(bind: runID) AND version > 0 ORDER BY version DESC
            """).all().map { r in
            PublishedMatrixJSON(version: try r.decode(column: "version", as: Int.self), published_at: try r.decode(column: "published_at", as: Date.self),
                                matrix: try JSONText.decode(ExpectationMatrix.self, try r.decode(column: "document", as: String.self)))
        }
    }

    /// The school's matrix in force: the last one published by any of its runs.
    func inForce(schoolID: UUID) async throws -> (matrix: ExpectationMatrix, publishedAt: Date, runID: UUID)? {
        guard let r = try await sql.raw("""
            SELECT run_id, published_at, document FROM expectation_matrices WHERE school_id = \(bind: schoolID) AND version > 0
            ORDER BY published_at DESC LIMIT 1
            """).first() else { return nil }
        return (try JSONText.decode(ExpectationMatrix.self, try r.decode(column: "document", as: String.self)), try r.decode(column: "published_at", as: Date.self),
                try r.uuid("run_id"))
    }

    /// Publishes the draft as the school's next version (numbered across its runs), and makes its expectations the school's Tier I
    /// expectation labels: the matrix's rows are added or brought back, other expectation labels archived
    /// (labels are never deleted, so incidents that name them keep their words).
    func publish(runID: UUID, schoolID: UUID, by accountID: UUID) async throws -> Int {
        let draft = try await draft(runID: runID)
        guard draft.isComplete else { throw SamenError(status: .badRequest, key: "matrix_incomplete", field: "matrix") }
        let labels = try await LabelService(db: db).labels(schoolID: schoolID, kind: .expectation, includeArchived: true, language: .nl)
        return try await db.transaction { database in
            let tx = database as! any SQLDatabase
            let latest = try await tx.raw("SELECT MAX(version) AS v FROM expectation_matrices WHERE school_id = \(bind: schoolID)")
                .first(decodingColumn: "v", as: Int?.self)
            let version = ((latest ?? nil) ?? 0) + 1
            try await tx.insert(into: "expectation_matrices").columns("id", "run_id", "school_id", "version", "document", "published_at", "published_by")
                .values(SQLBind(UUID()), SQLBind(runID), SQLBind(schoolID), SQLBind(version), SQLBind(try JSONText.encode(draft)), SQLBind(Date()), SQLBind(accountID))
                .run()
            let wanted = draft.expectations.map { $0.lowercased() }
            for label in labels {
                let keep = wanted.firstIndex(of: label.text_nl.lowercased())
                try await tx.update("labels").set("archived", to: SQLBind(keep == nil)).set("position", to: SQLBind(keep ?? 100))
                    .where("id", .equal, SQLBind(label.id)).run()
            }
            for (position, name) in draft.expectations.enumerated() where !labels.contains(where: { $0.text_nl.lowercased() == name.lowercased() }) {
                try await tx.insert(into: "labels").columns("id", "school_id", "kind", "code", "text_nl", "text_en", "position", "archived")
                    .values(SQLBind(UUID()), SQLBind(schoolID), SQLBind(LabelKind.expectation.rawValue), SQLLiteral.null, SQLBind(name), SQLBind(name),
                            SQLBind(position), SQLBind(false))
                    .run()
            }
            return version
        }
    }

    // MARK: The students' anonymous link

    func createLink(runID: UUID, days: Int, by accountID: UUID, now: Date = Date()) async throws -> MatrixLinkJSON {
        let token = Tokens.make(), id = UUID(), expires = now.addingTimeInterval(Double(days) * 86_400)
        try await sql.insert(into: "matrix_links").columns("id", "run_id", "token_hash", "created_by", "created_at", "expires_at")
            .values(SQLBind(id), SQLBind(runID), SQLBind(Tokens.hash(token)), SQLBind(accountID), SQLBind(now), SQLBind(expires)).run()
        return MatrixLinkJSON(id: id, expires_at: expires, revoked: false, ideas: 0, url: "/ideeen/\(token)")
    }

    func links(runID: UUID, now: Date = Date()) async throws -> [MatrixLinkJSON] {
        try await sql.raw("""
            SELECT l.id, l.expires_at, l.revoked_at, (SELECT COUNT(*) FROM matrix_ideas i WHERE i.link_id = l.id) AS ideas
            FROM matrix_links l WHERE l.run_id = \(bind: runID) ORDER BY l.created_at DESC
            """).all().map { r in
            let expires = try r.decode(column: "expires_at", as: Date.self)
            return MatrixLinkJSON(id: try r.uuid("id"), expires_at: expires,
                                  revoked: !GuardianLinkRules.isUsable(expiresAt: expires, revoked: try r.decode(column: "revoked_at", as: Date?.self) != nil, now: now),
                                  ideas: try r.decode(column: "ideas", as: Int.self), url: nil)
        }
    }

    func revokeLink(_ id: UUID, runID: UUID, now: Date = Date()) async throws {
        try await sql.raw("UPDATE matrix_links SET revoked_at = \(bind: now) WHERE id = \(bind: id) AND run_id = \(bind: runID) AND revoked_at IS NULL").run()
    }

    /// The run and link of a usable token; nil for an unknown, expired or revoked one, or a finished run.
    func openLink(token: String, now: Date = Date()) async throws -> (run: UUID, link: UUID)? {
        guard token.count < 200, let r = try await sql.raw("""
            SELECT l.id, l.run_id, l.expires_at, l.revoked_at, r.finished_on FROM matrix_links l JOIN programme_runs r ON r.id = l.run_id
            WHERE l.token_hash = \(bind: Tokens.hash(token))
            """).first(),
            try r.decode(column: "finished_on", as: String?.self) == nil,
            GuardianLinkRules.isUsable(expiresAt: try r.decode(column: "expires_at", as: Date.self),
                                       revoked: try r.decode(column: "revoked_at", as: Date?.self) != nil, now: now) else { return nil }
        return (try r.uuid("run_id"), try r.uuid("id"))
    }

    /// At most this many ideas come in through one link (a link passed round cannot flood the draft).
    static let maxIdeasPerLink = 1_000

    func addIdea(_ idea: MatrixIdea, runID: UUID, linkID: UUID) async throws {
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM matrix_ideas WHERE link_id = \(bind: linkID)").first(decodingColumn: "n", as: Int.self) ?? 0
        guard count < Self.maxIdeasPerLink else { throw SamenError(status: .tooManyRequests, key: "idea_link_full") }
        try await sql.insert(into: "matrix_ideas").columns("id", "run_id", "link_id", "expectation", "setting", "text", "created_at")
            .values(SQLBind(UUID()), SQLBind(runID), SQLBind(linkID), SQLBind(idea.expectation), SQLBind(idea.setting), SQLBind(idea.text), SQLBind(Date()))
            .run()
    }

    func ideas(runID: UUID) async throws -> [MatrixIdeaJSON] {
        try await sql.raw("SELECT expectation, setting, text, created_at FROM matrix_ideas WHERE run_id = \(bind: runID) ORDER BY created_at").all().map { r in
            MatrixIdeaJSON(expectation: try r.decode(column: "expectation", as: String.self), setting: try r.decode(column: "setting", as: String.self),
                           text: try r.decode(column: "text", as: String.self), created_at: try r.decode(column: "created_at", as: Date.self))
        }
    }
}

extension Request {
    var programmes: ProgrammeService { ProgrammeService(db: db) }
}
