import Fluent
import NIOConcurrencyHelpers
import Foundation
import SamenCore
import SQLKit
import Vapor

struct QuestionnaireJSON: Content, Sendable {
    var id: UUID
    var family_id: UUID
    var version: Int
    var code: String
    var title: String
    /// Nil for a questionnaire shipped with Samen.
    var owner_id: UUID?
    var owner: String?
    var based_on_id: UUID?
    var created_at: Date
    var definition: Questionnaire
}

/// The questionnaire library: the shipped questionnaires (no owner) and researchers' own, each version a row.
struct QuestionnaireService {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The shipped questionnaires' families: the same on every installation (derived from their position).
    static func shippedFamily(_ index: Int) -> UUID { UUID(uuidString: String(format: "5A3E0000-0000-4000-9000-%012d", index + 1))! }

    func ensureShipped() async throws {
        let present = Set(try await sql.raw("SELECT family_id FROM questionnaires WHERE owner_id IS NULL").all().map { try $0.uuid("family_id") })
        for (i, q) in EvaluationInstruments.all.enumerated() where !present.contains(Self.shippedFamily(i)) {
            try await insert(id: Self.shippedFamily(i), family: Self.shippedFamily(i), version: q.version, definition: q, owner: nil, basedOn: nil)
        }
    }

    private func insert(id: UUID, family: UUID, version: Int, definition: Questionnaire, owner: UUID?, basedOn: UUID?) async throws {
        try await sql.insert(into: "questionnaires").columns("id", "family_id", "version", "code", "definition", "owner_id", "based_on_id", "created_at")
            .values(SQLBind(id), SQLBind(family), SQLBind(version), SQLBind(definition.code), SQLBind(try JSONText.encode(definition)),
                    SQLBind(owner), SQLBind(basedOn), SQLBind(Date()))
            .ignoringConflicts(with: ["family_id", "version"]).run()
    }

    private static let columns = """
        q.id, q.family_id, q.version, q.code, q.definition, q.owner_id, q.based_on_id, q.created_at, a.first_name, a.particle, a.last_name
        FROM questionnaires q LEFT JOIN accounts a ON a.id = q.owner_id
        """

    private func row(_ r: SQLRow, _ language: Language) throws -> QuestionnaireJSON {
        let definition = try QuestionnaireDefinitions.decode(id: try r.uuid("id"), json: try r.decode(column: "definition", as: String.self))
        let owner = try r.optionalUUID("owner_id")
        return QuestionnaireJSON(id: try r.uuid("id"), family_id: try r.uuid("family_id"), version: try r.decode(column: "version", as: Int.self),
                                 code: try r.decode(column: "code", as: String.self), title: definition.title.text(language), owner_id: owner,
                                 owner: owner == nil ? nil : try r.personName().display, based_on_id: try r.optionalUUID("based_on_id"),
                                 created_at: try r.decode(column: "created_at", as: Date.self), definition: definition)
    }

    /// Whether a person may read a questionnaire: the shipped ones everyone with access to questionnaires;
    /// a researcher's own only that researcher (and the administrator).
    func mayRead(_ q: QuestionnaireJSON, _ viewer: Viewer) -> Bool {
        q.owner_id == nil || viewer.role == .admin || q.owner_id == viewer.accountID
    }

    /// The latest version of every questionnaire the viewer may read.
    func library(for viewer: Viewer, language: Language) async throws -> [QuestionnaireJSON] {
        try await ensureShipped()
        return try await sql.raw("""
            SELECT \(unsafeRaw: Self.columns) WHERE q.version = (SELECT MAX(v.version) FROM questionnaires v WHERE v.family_id = q.family_id)
            ORDER BY q.owner_id, q.code
            """).all().map { try row($0, language) }.filter { mayRead($0, viewer) }
    }

    func find(_ id: UUID, language: Language) async throws -> QuestionnaireJSON? {
        func read() async throws -> QuestionnaireJSON? {
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) WHERE q.id = \(bind: id)").first().map { try row($0, language) }
        }
        // The shipped questionnaires are stored on first use, so only a miss on one of their ids needs the check.
        if let found = try await read() { return found }
        guard EvaluationInstruments.all.indices.contains(where: { Self.shippedFamily($0) == id }) else { return nil }
        try await ensureShipped()
        return try await read()
    }

    func versions(familyID: UUID, language: Language) async throws -> [QuestionnaireJSON] {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) WHERE q.family_id = \(bind: familyID) ORDER BY q.version DESC").all().map { try row($0, language) }
    }

    /// Stores an imported definition for its owner: the next version of their questionnaire with the same code,
    /// or version 1 of a new one. The stored version number is Samen's, whatever the file said.
    func importDefinition(_ definition: Questionnaire, owner: UUID, basedOn: UUID? = nil) async throws -> UUID {
        var stored = definition
        let existing = try await sql.raw("""
            SELECT family_id, MAX(version) AS v FROM questionnaires WHERE owner_id = \(bind: owner) AND code = \(bind: definition.code) GROUP BY family_id
            """).first()
        let id = UUID()
        if let existing {
            stored.version = try existing.decode(column: "v", as: Int.self) + 1
            try await insert(id: id, family: try existing.uuid("family_id"), version: stored.version, definition: stored, owner: owner, basedOn: basedOn)
        } else {
            stored.version = 1
            try await insert(id: id, family: id, version: 1, definition: stored, owner: owner, basedOn: basedOn)
        }
        return id
    }
}

extension Request {
    var questionnaires: QuestionnaireService { QuestionnaireService(db: db) }
}

/// Decoded questionnaire definitions by row id. A stored version never changes (an edit is a new row), so a
/// definition read once serves every later request in this process: sending a response used to decode the
/// questionnaire's JSON twice, a sixth of the request.
enum QuestionnaireDefinitions {
    private static let cache = NIOLockedValueBox<[UUID: Questionnaire]>([:])
    /// Enough for every questionnaire in use; past it the cache starts again.
    static let capacity = 512

    static func cached(_ id: UUID) -> Questionnaire? { cache.withLockedValue { $0[id] } }

    static func decode(id: UUID, json: String) throws -> Questionnaire {
        if let known = cached(id) { return known }
        let definition = try JSONText.decode(Questionnaire.self, json)
        cache.withLockedValue { stored in
            if stored.count >= capacity { stored.removeAll(keepingCapacity: true) }
            stored[id] = definition
        }
        return definition
    }
}
