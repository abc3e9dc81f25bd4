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
    /// "staff" (invited inside Samen) or "students" (through a link per group).
    var target: String
    var schools: [WaveSchoolJSON]?
    var groups: [WaveGroupJSON]?
}

/// A group asked by a students' wave: its link (made or not) and how many of its students have sent.
struct WaveGroupJSON: Content, Sendable {
    var id: UUID
    var group_id: UUID
    var group: String
    var school: String
    var school_type: String
    var students: Int
    var completed: Int
    var link_made_at: Date?
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
        pairKey(chain.uuidString + "/" + account.uuidString)
    }

    /// The pairing key of a personal link's label in a chain of waves: the researcher's own respondent code, in a
    /// namespace of its own so it never meets an account's key.
    static func linkKey(chain: UUID, label: String) -> String {
        pairKey(chain.uuidString + "/label/" + label)
    }

    private static func pairKey(_ text: String) -> String {
        String(Tokens.hash(text).prefix(32))
    }

    private static let select = """
        SELECT w.id, w.name, w.questionnaire_id, w.opens_on, w.closes_on, w.baseline_id, w.owner_id, w.minimum_cell, w.target, q.version, q.definition
        FROM waves w JOIN questionnaires q ON q.id = w.questionnaire_id
        """

    private func wave(_ r: SQLRow, _ language: Language, today: LocalDate) throws -> WaveJSON {
        let definition = try QuestionnaireDefinitions.decode(id: try r.uuid("questionnaire_id"), json: try r.decode(column: "definition", as: String.self))
        let opens = try r.decode(column: "opens_on", as: String.self), closes = try r.decode(column: "closes_on", as: String.self)
        return WaveJSON(id: try r.uuid("id"), name: try r.decode(column: "name", as: String.self), questionnaire_id: try r.uuid("questionnaire_id"),
                        questionnaire: definition.title.text(language), version: try r.decode(column: "version", as: Int.self),
                        opens_on: opens, closes_on: closes,
                        state: WaveState.of(opens: LocalDate(iso: opens) ?? today, closes: LocalDate(iso: closes) ?? today, today: today).rawValue,
                        baseline_id: try r.optionalUUID("baseline_id"), owner_id: try r.uuid("owner_id"),
                        minimum_cell: try r.decode(column: "minimum_cell", as: Int.self), target: try r.decode(column: "target", as: String.self))
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
        if let known = QuestionnaireDefinitions.cached(wave.questionnaire_id) { return known }
        let text = try await sql.raw("SELECT definition FROM questionnaires WHERE id = \(bind: wave.questionnaire_id)").first(decodingColumn: "definition", as: String.self)!
        return try QuestionnaireDefinitions.decode(id: wave.questionnaire_id, json: text)
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
                                                  "minimum_cell", "target", "created_at")
                .values(SQLBind(id), SQLBind(owner), SQLBind(questionnaireID), SQLBind(fields.name), SQLBind(fields.opens.iso), SQLBind(fields.closes.iso),
                        SQLBind(fields.baselineID), SQLBind(chain), SQLBind(fields.minimumCell), SQLBind(fields.target.rawValue), SQLBind(Date()))
                .run()
            if fields.target == .students {
                // A students' wave asks its groups through a link each, made on the wave's page.
                let groups = try await tx.raw("SELECT id, school_id FROM school_groups WHERE id IN (\(binds: Array(fields.groupIDs)))").all()
                let insert = tx.insert(into: "wave_groups").columns("id", "wave_id", "group_id", "school_id")
                for g in groups { insert.values(SQLBind(UUID()), SQLBind(id), SQLBind(try g.uuid("id")), SQLBind(try g.uuid("school_id"))) }
                if !groups.isEmpty { try await insert.run() }
                return
            }
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

    /// Invited, completed and the rate per school: counts only, never who. For a students' wave the invited are
    /// the students now in its groups, the completed the responses sent through the groups' links.
    func rates(waveID: UUID) async throws -> [WaveSchoolJSON] {
        let target = try await sql.raw("SELECT target FROM waves WHERE id = \(bind: waveID)").first(decodingColumn: "target", as: String.self)
        if target == WaveTarget.students.rawValue {
            return try await sql.raw("""
                SELECT s.id, s.name, s.type,
                  (SELECT COUNT(*) FROM students st JOIN wave_groups g ON g.group_id = st.group_id
                   WHERE g.wave_id = \(bind: waveID) AND g.school_id = s.id AND st.left_on IS NULL) AS invited,
                  (SELECT COUNT(*) FROM wave_link_responses r WHERE r.wave_id = \(bind: waveID) AND r.school_id = s.id AND r.complete = \(bind: true)) AS completed
                FROM schools s WHERE s.id IN (SELECT school_id FROM wave_groups WHERE wave_id = \(bind: waveID)) ORDER BY s.name
                """).all().map(schoolRate)
        }
        // The invited inside Samen and the personal links made, per school.
        return try await sql.raw("""
            SELECT s.id, s.name, s.type, COUNT(*) AS invited, SUM(x.done) AS completed
            FROM (SELECT i.school_id, CASE WHEN i.completed_at IS NULL THEN 0 ELSE 1 END AS done FROM wave_invitations i WHERE i.wave_id = \(bind: waveID)
                  UNION ALL
                  SELECT p.school_id, CASE WHEN p.complete THEN 1 ELSE 0 END FROM wave_personal_links p WHERE p.wave_id = \(bind: waveID)) x
            JOIN schools s ON s.id = x.school_id
            GROUP BY s.id, s.name, s.type ORDER BY s.name
            """).all().map(schoolRate)
    }

    private func schoolRate(_ r: SQLRow) throws -> WaveSchoolJSON {
        let invited = try r.decode(column: "invited", as: Int.self), completed = try r.decode(column: "completed", as: Int.self)
        return WaveSchoolJSON(school_id: try r.uuid("id"), school: try r.decode(column: "name", as: String.self),
                              school_type: try r.decode(column: "type", as: String.self), invited: invited, completed: completed,
                              response_rate: responseRate(completed: completed, invited: invited))
    }

    // MARK: Students' waves: a link per group

    private static let groupSelect = """
        SELECT wg.id, wg.wave_id, wg.school_id, wg.group_id, g.name AS group_name, s.name AS school, s.type, wg.link_made_at,
          (SELECT COUNT(*) FROM students st WHERE st.group_id = wg.group_id AND st.left_on IS NULL) AS students,
          (SELECT COUNT(*) FROM wave_link_responses r WHERE r.wave_group_id = wg.id AND r.complete = TRUE) AS completed
        FROM wave_groups wg JOIN school_groups g ON g.id = wg.group_id JOIN schools s ON s.id = wg.school_id
        """

    private func group(_ r: SQLRow) throws -> WaveGroupJSON {
        WaveGroupJSON(id: try r.uuid("id"), group_id: try r.uuid("group_id"), group: try r.decode(column: "group_name", as: String.self),
                      school: try r.decode(column: "school", as: String.self), school_type: try r.decode(column: "type", as: String.self),
                      students: try r.decode(column: "students", as: Int.self), completed: try r.decode(column: "completed", as: Int.self),
                      link_made_at: try r.decode(column: "link_made_at", as: Date?.self))
    }

    func groups(waveID: UUID) async throws -> [WaveGroupJSON] {
        try await sql.raw("\(unsafeRaw: Self.groupSelect) WHERE wg.wave_id = \(bind: waveID) ORDER BY s.name, g.name").all().map(group)
    }

    /// A new link for a group of the wave; the group's earlier link stops working. The token is returned once, only its hash kept.
    func makeLink(waveGroupID: UUID, waveID: UUID) async throws -> String? {
        let token = Tokens.make()
        let changed = try await sql.raw("""
            UPDATE wave_groups SET token_hash = \(bind: Tokens.hash(token)), link_made_at = \(bind: Date())
            WHERE id = \(bind: waveGroupID) AND wave_id = \(bind: waveID) RETURNING id
            """).all()
        return changed.isEmpty ? nil : token
    }

    struct OpenedLink { var wave: WaveJSON; var group: WaveGroupJSON; var schoolID: UUID }

    /// The wave and group a link opens; nil for an unknown or replaced link.
    func openLink(token: String, language: Language) async throws -> OpenedLink? {
        guard token.count < 200, let r = try await sql.raw("""
            \(unsafeRaw: Self.groupSelect) WHERE wg.token_hash = \(bind: Tokens.hash(token))
            """).first() else { return nil }
        guard let wave = try await find(try r.uuid("wave_id"), language: language) else { return nil }
        return OpenedLink(wave: wave, group: try group(r), schoolID: try r.uuid("school_id"))
    }

    /// The answers saved through a link by the browser holding `resume` (its hash is the row's key).
    func linkResponse(resume: String, waveGroupID: UUID) async throws -> (answers: QuestionnaireAnswers, complete: Bool)? {
        guard let r = try await sql.raw("""
            SELECT answers, complete FROM wave_link_responses WHERE resume_hash = \(bind: Tokens.hash(resume)) AND wave_group_id = \(bind: waveGroupID)
            """).first() else { return nil }
        return (try QuestionnaireAnswers.decode(json: try r.decode(column: "answers", as: String.self)), try r.decode(column: "complete", as: Bool.self))
    }

    /// How many responses a group's link takes: twice the group, and at least ten more than it (a link shared too widely stops).
    static func linkCapacity(students: Int) -> Int { max(2 * students, students + 10) }

    /// Saves what a link's respondent answered so far, or the sent response; false when the link is full.
    func saveLinkResponse(_ answers: QuestionnaireAnswers, complete: Bool, resume: String, opened: OpenedLink) async throws -> Bool {
        let document = try JSONText.encode(answers)
        let hash = Tokens.hash(resume)
        return try await db.transaction { database in
            let tx = database as! any SQLDatabase
            let now = Date()
            let exists = try await tx.raw("SELECT id FROM wave_link_responses WHERE resume_hash = \(bind: hash)").first() != nil
            if !exists {
                let taken = try await tx.raw("SELECT COUNT(*) AS n FROM wave_link_responses WHERE wave_group_id = \(bind: opened.group.id)")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
                guard taken < Self.linkCapacity(students: opened.group.students) else { return false }
                try await tx.insert(into: "wave_link_responses")
                    .columns("id", "wave_id", "wave_group_id", "school_id", "school_type", "resume_hash", "answers", "complete", "updated_at")
                    .values(SQLBind(UUID()), SQLBind(opened.wave.id), SQLBind(opened.group.id), SQLBind(opened.schoolID), SQLBind(opened.group.school_type),
                            SQLBind(hash), SQLBind(document), SQLBind(false), SQLBind(now))
                    .ignoringConflicts(with: ["resume_hash"]).run()
            }
            try await tx.raw("""
                UPDATE wave_link_responses SET answers = \(bind: document), complete = \(bind: complete), updated_at = \(bind: now)
                WHERE resume_hash = \(bind: hash) AND complete = \(bind: false)
                """).run()
            return true
        }
    }

    // MARK: Personal links (staff waves)

    /// Makes a wave's personal links: one row per link with the school, role and the label's pairing key (the
    /// label itself is not kept), in one statement. The tokens are returned once, each with its label.
    func makePersonalLinks(_ request: PersonalLinkRequest, wave: WaveJSON) async throws -> [(label: String?, token: String)] {
        let chain = try await sql.raw("SELECT chain_id FROM waves WHERE id = \(bind: wave.id)").first(decodingColumn: "chain_id", as: UUID.self)!
        guard let type = try await sql.raw("SELECT type FROM schools WHERE id = \(bind: request.schoolID)").first(decodingColumn: "type", as: String.self) else {
            throw SamenError.invalid("wave_bad_school", field: "school_id")
        }
        let now = Date()
        let made = request.labels.map { (label: $0, token: Tokens.make()) }
        let insert = sql.insert(into: "wave_personal_links")
            .columns("id", "wave_id", "school_id", "school_type", "role", "token_hash", "pair_key", "complete", "created_at")
        for link in made {
            insert.values(SQLBind(UUID()), SQLBind(wave.id), SQLBind(request.schoolID), SQLBind(type), SQLBind(request.role), SQLBind(Tokens.hash(link.token)),
                          SQLBind(link.label.map { Self.linkKey(chain: chain, label: $0) } ?? ""), SQLBind(false), SQLBind(now))
        }
        try await insert.run()
        return made
    }

    struct PersonalLink { var id: UUID; var wave: WaveJSON; var answers: QuestionnaireAnswers?; var complete: Bool }

    /// The wave a personal link opens and what was answered through it; nil for an unknown link.
    func openPersonalLink(token: String, language: Language) async throws -> PersonalLink? {
        guard token.count < 200, let r = try await sql.raw("""
            SELECT id, wave_id, answers, complete FROM wave_personal_links WHERE token_hash = \(bind: Tokens.hash(token))
            """).first(), let wave = try await find(try r.uuid("wave_id"), language: language) else { return nil }
        return PersonalLink(id: try r.uuid("id"), wave: wave, answers: try r.decode(column: "answers", as: String?.self).map(QuestionnaireAnswers.decode(json:)),
                            complete: try r.decode(column: "complete", as: Bool.self))
    }

    /// Saves a personal link's answers (or sends them); false when the link's response was sent already.
    func savePersonalResponse(_ answers: QuestionnaireAnswers, complete: Bool, linkID: UUID) async throws -> Bool {
        try await !sql.raw("""
            UPDATE wave_personal_links SET answers = \(bind: try JSONText.encode(answers)), complete = \(bind: complete), updated_at = \(bind: Date())
            WHERE id = \(bind: linkID) AND complete = \(bind: false) RETURNING id
            """).all().isEmpty
    }

    /// How many personal links a wave has, and how many were sent through.
    func personalLinkCounts(waveID: UUID) async throws -> (made: Int, sent: Int) {
        let r = try await sql.raw("""
            SELECT COUNT(*) AS made, SUM(CASE WHEN complete THEN 1 ELSE 0 END) AS sent FROM wave_personal_links WHERE wave_id = \(bind: waveID)
            """).first()
        return (try r?.decode(column: "made", as: Int.self) ?? 0, try r?.decode(column: "sent", as: Int?.self) ?? 0)
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
            .map(QuestionnaireAnswers.decode(json:))
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
        try await sql.raw("""
            SELECT link_key, school_type, role, answers, updated_at, id FROM wave_responses WHERE wave_id = \(bind: waveID) AND complete = \(bind: true)
            UNION ALL
            SELECT '', school_type, 'student', answers, updated_at, id FROM wave_link_responses WHERE wave_id = \(bind: waveID) AND complete = \(bind: true)
            UNION ALL
            SELECT pair_key, school_type, role, answers, updated_at, id FROM wave_personal_links WHERE wave_id = \(bind: waveID) AND complete = \(bind: true)
            ORDER BY 5, 6
            """).all().map { r in
            WaveDataExport.Respondent(pairKey: try r.decode(column: "link_key", as: String.self), schoolType: try r.decode(column: "school_type", as: String.self),
                                      role: try r.decode(column: "role", as: String.self),
                                      answers: try QuestionnaireAnswers.decode(json: try r.decode(column: "answers", as: String.self)))
        }
    }

    /// The groups a person may ask in a students' wave: those of the schools offered.
    func groupsOffered(for viewer: Viewer) async throws -> [(id: UUID, schoolID: UUID, school: String, name: String)] {
        let offered = try await schoolsOffered(for: viewer).map(\.0)
        guard !offered.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT g.id, g.school_id, g.name, s.name AS school FROM school_groups g JOIN schools s ON s.id = g.school_id
            WHERE g.school_id IN (\(binds: offered)) ORDER BY s.name, g.name
            """).all().map { (try $0.uuid("id"), try $0.uuid("school_id"), try $0.decode(column: "school", as: String.self), try $0.decode(column: "name", as: String.self)) }
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
