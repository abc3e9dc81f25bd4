import Crypto
import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct WaveSchoolJSON: Content, Sendable {
    var school_id: UUID
    var school: String
    var school_type: String
    var invited: Int
    var completed: Int
    var response_rate: Double?
}

struct WaveJSON: Content, Sendable {
    var id: UUID
    var name: String
    var questionnaire_id: UUID
    var questionnaire: String
    var version: Int
    var opens_on: String
    var closes_on: String
    var state: String
    var baseline_id: UUID?
    var owner_id: UUID
    /// The smallest group a report shows (5 or more).
    var minimum_cell: Int
    var schools: [WaveSchoolJSON]?
}

/// Measurement waves: made by a researcher for the teachers and youth-care workers of chosen schools,
/// who answer inside Samen. A response carries the school type, the role and a pairing key (the same for a
/// person in a baseline and its follow-ups, derived, not their id); the researcher never sees who answered.
struct WaveService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The roles a staff wave asks.
    static let respondentRoles = ["teacher", "youthworker"]

    /// The pairing key of a person in a chain of waves (a baseline and its follow-ups).
    static func linkKey(chain: UUID, account: UUID) -> String {
        SHA256.hash(data: Data((chain.uuidString + "/" + account.uuidString).utf8)).map { String(format: "%02x", $0) }.joined().prefix(32).description
    }

    private static let select = """
        SELECT w.id, w.name, w.questionnaire_id, w.opens_on, w.closes_on, w.baseline_id, w.owner_id, w.minimum_cell, q.version, q.definition
        FROM waves w JOIN questionnaires q ON q.id = w.questionnaire_id
        """

    private func wave(_ r: SQLRow, _ language: Language, today: LocalDate) throws -> WaveJSON {
        let definition = try JSONText.decode(Questionnaire.self, try r.decode(column: "definition", as: String.self))
        let opens = try r.decode(column: "opens_on", as: String.self), closes = try r.decode(column: "closes_on", as: String.self)
        return WaveJSON(id: try r.uuid("id"), name: try r.decode(column: "name", as: String.self), questionnaire_id: try r.uuid("questionnaire_id"),
                        questionnaire: definition.title.text(language), version: try r.decode(column: "version", as: Int.self),
                        opens_on: opens, closes_on: closes,
                        state: WaveState.of(opens: LocalDate(iso: opens) ?? today, closes: LocalDate(iso: closes) ?? today, today: today).rawValue,
                        baseline_id: try r.optionalUUID("baseline_id"), owner_id: try r.uuid("owner_id"),
                        minimum_cell: try r.decode(column: "minimum_cell", as: Int.self))
    }

    /// The waves a researcher owns (all for the administrator), newest first.
    func waves(for viewer: Viewer, language: Language, today: LocalDate = .today()) async throws -> [WaveJSON] {
        let rows = viewer.role == .admin
            ? try await sql.raw("\(unsafeRaw: Self.select) ORDER BY w.opens_on DESC").all()
            : try await sql.raw("\(unsafeRaw: Self.select) WHERE w.owner_id = \(bind: viewer.accountID) ORDER BY w.opens_on DESC").all()
        return try rows.map { try wave($0, language, today: today) }
    }

    func find(_ id: UUID, language: Language, today: LocalDate = .today()) async throws -> WaveJSON? {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE w.id = \(bind: id)").first().map { try wave($0, language, today: today) }
    }

    func questionnaire(of wave: WaveJSON) async throws -> Questionnaire {
        let text = try await sql.raw("SELECT definition FROM questionnaires WHERE id = \(bind: wave.questionnaire_id)").first(decodingColumn: "definition", as: String.self)!
        return try JSONText.decode(Questionnaire.self, text)
    }

    /// Creates the wave and invites the active teachers and youth-care workers of its schools.
    func create(_ fields: WaveFields, questionnaireID: UUID, owner: UUID) async throws -> UUID {
        let id = UUID()
        var root: UUID? = nil
        if let baseline = fields.baselineID {
            root = try await sql.raw("SELECT chain_id FROM waves WHERE id = \(bind: baseline)").first(decodingColumn: "chain_id", as: UUID.self)
        }
        let chain = root ?? id
        try await db.transaction { database in
            let tx = database as! any SQLDatabase
            try await tx.insert(into: "waves").columns("id", "owner_id", "questionnaire_id", "name", "opens_on", "closes_on", "baseline_id", "chain_id",
                                                  "minimum_cell", "created_at")
                .values(SQLBind(id), SQLBind(owner), SQLBind(questionnaireID), SQLBind(fields.name), SQLBind(fields.opens.iso), SQLBind(fields.closes.iso),
                        SQLBind(fields.baselineID), SQLBind(chain), SQLBind(fields.minimumCell), SQLBind(Date()))
                .run()
            let people = try await tx.raw("""
                SELECT DISTINCT a.id, s.school_id FROM accounts a JOIN account_schools s ON s.account_id = a.id
                WHERE s.school_id IN (\(binds: Array(fields.schoolIDs))) AND a.active = \(bind: true) AND a.role IN (\(binds: Self.respondentRoles))
                """).all()
            var invited = Set<UUID>()
            let insert = tx.insert(into: "wave_invitations").columns("id", "wave_id", "account_id", "school_id")
            var any = false
            for person in people {
                // A youth-care worker linked to two of the schools is invited once, for the first.
                let account = try person.uuid("id")
                guard invited.insert(account).inserted else { continue }
                insert.values(SQLBind(UUID()), SQLBind(id), SQLBind(account), SQLBind(try person.uuid("school_id")))
                any = true
            }
            if any { try await insert.run() }
        }
        return id
    }

    /// Invited, completed and the rate per school: counts only, never who.
    func rates(waveID: UUID) async throws -> [WaveSchoolJSON] {
        try await sql.raw("""
            SELECT s.id, s.name, s.type, COUNT(*) AS invited, SUM(CASE WHEN i.completed_at IS NULL THEN 0 ELSE 1 END) AS completed
            FROM wave_invitations i JOIN schools s ON s.id = i.school_id WHERE i.wave_id = \(bind: waveID)
            GROUP BY s.id, s.name, s.type ORDER BY s.name
            """).all().map { r in
            let invited = try r.decode(column: "invited", as: Int.self), completed = try r.decode(column: "completed", as: Int.self)
            return WaveSchoolJSON(school_id: try r.uuid("id"), school: try r.decode(column: "name", as: String.self),
                                  school_type: try r.decode(column: "type", as: String.self), invited: invited, completed: completed,
                                  response_rate: responseRate(completed: completed, invited: invited))
        }
    }

    struct Invitation { var id: UUID; var schoolType: String; var completed: Bool }

    func invitation(waveID: UUID, accountID: UUID) async throws -> Invitation? {
        guard let r = try await sql.raw("""
            SELECT i.id, s.type, i.completed_at FROM wave_invitations i JOIN schools s ON s.id = i.school_id
            WHERE i.wave_id = \(bind: waveID) AND i.account_id = \(bind: accountID)
            """).first() else { return nil }
        return Invitation(id: try r.uuid("id"), schoolType: try r.decode(column: "type", as: String.self),
                          completed: try r.decode(column: "completed_at", as: Date?.self) != nil)
    }

    /// The open waves a person is invited to and has not completed.
    func open(for accountID: UUID, language: Language, today: LocalDate = .today()) async throws -> [WaveJSON] {
        try await sql.raw("""
            \(unsafeRaw: Self.select) JOIN wave_invitations i ON i.wave_id = w.id
            WHERE i.account_id = \(bind: accountID) AND i.completed_at IS NULL AND w.opens_on <= \(bind: today.iso) AND w.closes_on >= \(bind: today.iso)
            ORDER BY w.closes_on
            """).all().map { try wave($0, language, today: today) }
    }

    func savedAnswers(invitationID: UUID) async throws -> QuestionnaireAnswers? {
        try await sql.raw("SELECT answers FROM wave_responses WHERE invitation_id = \(bind: invitationID)").first(decodingColumn: "answers", as: String.self)
            .map { try JSONText.decode(QuestionnaireAnswers.self, $0) }
    }

    /// Saves the answers so far, or the completed response; the invitation is marked completed with it, in one transaction.
    func save(_ answers: QuestionnaireAnswers, complete: Bool, wave: WaveJSON, invitation: Invitation, accountID: UUID, role: Role) async throws {
        let chain = try await sql.raw("SELECT chain_id FROM waves WHERE id = \(bind: wave.id)").first(decodingColumn: "chain_id", as: UUID.self)!
        let document = try JSONText.encode(answers)
        try await db.transaction { database in
            let tx = database as! any SQLDatabase
            let now = Date()
            // Insert first (a second request at the same moment finds the row), then write the answers unless already sent.
            try await tx.insert(into: "wave_responses")
                .columns("id", "wave_id", "invitation_id", "school_type", "role", "link_key", "answers", "complete", "updated_at")
                .values(SQLBind(UUID()), SQLBind(wave.id), SQLBind(invitation.id), SQLBind(invitation.schoolType), SQLBind(role.rawValue),
                        SQLBind(Self.linkKey(chain: chain, account: accountID)), SQLBind(document), SQLBind(false), SQLBind(now))
                .ignoringConflicts(with: ["invitation_id"]).run()
            try await tx.raw("""
                UPDATE wave_responses SET answers = \(bind: document), complete = \(bind: complete), updated_at = \(bind: now)
                WHERE invitation_id = \(bind: invitation.id) AND complete = \(bind: false)
                """).run()
            if complete {
                try await tx.raw("UPDATE wave_invitations SET completed_at = \(bind: now) WHERE id = \(bind: invitation.id)").run()
            }
        }
    }

    /// The sent responses for the data file: pairing key, school type, role and answers; in the order sent.
    func exportRespondents(waveID: UUID) async throws -> [WaveDataExport.Respondent] {
        let decoder = JSONDecoder()
        return try await sql.raw("""
            SELECT link_key, school_type, role, answers FROM wave_responses WHERE wave_id = \(bind: waveID) AND complete = \(bind: true) ORDER BY updated_at, id
            """).all().map { r in
            WaveDataExport.Respondent(pairKey: try r.decode(column: "link_key", as: String.self), schoolType: try r.decode(column: "school_type", as: String.self),
                                      role: try r.decode(column: "role", as: String.self),
                                      answers: try decoder.decode(QuestionnaireAnswers.self, from: Data(try r.decode(column: "answers", as: String.self).utf8)))
        }
    }

    /// The schools a person may put in a wave: all for the administrator, a researcher's region's otherwise.
    func schoolsOffered(for viewer: Viewer) async throws -> [(UUID, String, String)] {
        let rows = viewer.role == .admin || viewer.regionID == nil
            ? try await sql.raw("SELECT id, name, type FROM schools ORDER BY name").all()
            : try await sql.raw("SELECT id, name, type FROM schools WHERE region_id = \(bind: viewer.regionID!) ORDER BY name").all()
        return try rows.map { (try $0.uuid("id"), try $0.decode(column: "name", as: String.self), try $0.decode(column: "type", as: String.self)) }
    }
}

extension Request {
    var waves: WaveService { WaveService(db: db) }
}
