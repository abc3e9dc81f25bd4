import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct InterventionJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var name: String
    var tier: Int
    var provider: String
    var target: String
    var evidence: String
    var status: String

    var fields: InterventionFields? {
        guard let tier = Tier(rawValue: tier), let provider = Provider(rawValue: provider), let target = InterventionTarget(rawValue: target),
              let status = InterventionStatus(rawValue: status) else { return nil }
        return InterventionFields(name: name, tier: tier, provider: provider, target: target, evidence: evidence, status: status)
    }
}

struct PyramidTierJSON: Content, Sendable { var tier: Int; var interventions: Int; var with_youth_care: Int }
struct PyramidJSON: Content, Sendable {
    var school_id: UUID
    var tiers: [PyramidTierJSON]
    var youth_care_share: Double?
    var gaps: [String]
}

struct WorkshopJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var title: String
    var open: Bool
    var created_at: Date
}

struct NoteJSON: Content, Sendable {
    var id: UUID
    var tier: Int
    var text: String
    var provider: String
    var author: String
    var state: String
}

/// A school's interventions, its pyramid, and the workshop notes that feed it.
struct PyramidService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    func interventions(schoolID: UUID) async throws -> [InterventionJSON] {
        try await sql.raw("""
            SELECT id, school_id, name, tier, provider, target, evidence, status FROM interventions
            WHERE school_id = \(bind: schoolID) ORDER BY tier, name
            """).all(decoding: InterventionJSON.self)
    }

    func intervention(_ id: UUID) async throws -> InterventionJSON? {
        try await sql.raw("SELECT id, school_id, name, tier, provider, target, evidence, status FROM interventions WHERE id = \(bind: id)")
            .first(decoding: InterventionJSON.self)
    }

    func create(_ f: InterventionFields, schoolID: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "interventions")
            .columns("id", "school_id", "name", "tier", "provider", "target", "evidence", "status", "created_at", "updated_at")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(f.name), SQLBind(f.tier.rawValue), SQLBind(f.provider.rawValue), SQLBind(f.target.rawValue),
                    SQLBind(f.evidence), SQLBind(f.status.rawValue), SQLBind(now), SQLBind(now))
            .run()
        return id
    }

    func update(_ id: UUID, _ f: InterventionFields, now: Date = Date()) async throws {
        try await sql.update("interventions").set("name", to: SQLBind(f.name)).set("tier", to: SQLBind(f.tier.rawValue))
            .set("provider", to: SQLBind(f.provider.rawValue)).set("target", to: SQLBind(f.target.rawValue))
            .set("evidence", to: SQLBind(f.evidence)).set("status", to: SQLBind(f.status.rawValue)).set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(id)).run()
    }

    func pyramid(schoolID: UUID) async throws -> Pyramid {
        Pyramid(try await interventions(schoolID: schoolID).compactMap(\.fields))
    }

    func json(_ pyramid: Pyramid, schoolID: UUID, language: Language) -> PyramidJSON {
        PyramidJSON(school_id: schoolID,
                    tiers: pyramid.tiers.map { PyramidTierJSON(tier: $0.tier.rawValue, interventions: $0.count, with_youth_care: $0.withYouthCare) },
                    youth_care_share: pyramid.youthCareShare,
                    gaps: pyramid.gaps.map { Catalogue.text($0.key, language, $0.arguments) })
    }

    /// The pyramid as SVG in the reader's language.
    static func svg(_ pyramid: Pyramid, title: String, language: Language) -> String {
        var labels: [Tier: String] = [:]
        for t in pyramid.tiers {
            labels[t.tier] = Catalogue.text("pyramid_band", language, [pyramid.roman(t.tier), String(t.count), String(t.withYouthCare)])
        }
        return PyramidChart.svg(pyramid, title: title, labels: labels) { Catalogue.text("pyramid_more", language, [String($0)]) }
    }

    // MARK: Workshops

    func workshops(schoolID: UUID) async throws -> [WorkshopJSON] {
        try await sql.raw("""
            SELECT id, school_id, title, created_at, closed_at FROM workshops WHERE school_id = \(bind: schoolID) ORDER BY created_at DESC LIMIT 20
            """).all().map(workshop)
    }

    func workshop(_ row: SQLRow) throws -> WorkshopJSON {
        WorkshopJSON(id: try row.decode(column: "id", as: UUID.self), school_id: try row.decode(column: "school_id", as: UUID.self),
                     title: try row.decode(column: "title", as: String.self), open: try row.decode(column: "closed_at", as: Date?.self) == nil,
                     created_at: try row.decode(column: "created_at", as: Date.self))
    }

    func workshop(_ id: UUID) async throws -> WorkshopJSON? {
        try await sql.raw("SELECT id, school_id, title, created_at, closed_at FROM workshops WHERE id = \(bind: id)").first().map(workshop)
    }

    func startWorkshop(schoolID: UUID, title: String, by account: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "workshops").columns("id", "school_id", "title", "created_by", "created_at")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(title), SQLBind(account), SQLBind(now)).run()
        return id
    }

    func notes(workshopID: UUID) async throws -> [NoteJSON] {
        try await sql.raw("""
            SELECT n.id, n.tier, n.text, n.provider, n.state, a.first_name, a.particle, a.last_name
            FROM workshop_notes n JOIN accounts a ON a.id = n.author_id WHERE n.workshop_id = \(bind: workshopID) ORDER BY n.created_at, n.id
            """).all().map { row in
            NoteJSON(id: try row.decode(column: "id", as: UUID.self), tier: try row.decode(column: "tier", as: Int.self),
                     text: try row.decode(column: "text", as: String.self), provider: try row.decode(column: "provider", as: String.self),
                     author: PersonName(first: try row.decode(column: "first_name", as: String.self), particle: try row.decode(column: "particle", as: String.self),
                                        last: try row.decode(column: "last_name", as: String.self)).display,
                     state: try row.decode(column: "state", as: String.self))
        }
    }

    func addNote(workshopID: UUID, tier: Tier, text: String, provider: Provider, author: UUID, now: Date = Date()) async throws {
        try await sql.insert(into: "workshop_notes").columns("id", "workshop_id", "author_id", "tier", "text", "provider", "state", "created_at")
            .values(SQLBind(UUID()), SQLBind(workshopID), SQLBind(author), SQLBind(tier.rawValue), SQLBind(text), SQLBind(provider.rawValue),
                    SQLBind("new"), SQLBind(now)).run()
    }

    /// A fingerprint of a workshop's board: it changes whenever a note is added or merged or the session closes.
    func version(workshopID: UUID) async throws -> String {
        let row = try await sql.raw("""
            SELECT (SELECT COUNT(*) FROM workshop_notes WHERE workshop_id = \(bind: workshopID)) AS n,
                   (SELECT COUNT(*) FROM workshop_notes WHERE workshop_id = \(bind: workshopID) AND state <> 'new') AS merged,
                   (SELECT COUNT(*) FROM workshops WHERE id = \(bind: workshopID) AND closed_at IS NOT NULL) AS closed
            """).first()
        return "\(try row?.decode(column: "n", as: Int.self) ?? 0)/\(try row?.decode(column: "merged", as: Int.self) ?? 0)/\(try row?.decode(column: "closed", as: Int.self) ?? 0)"
    }

    /// Merges a workshop's notes into the inventory (each note: a new
    /// intervention, counted towards an existing one, or set aside) and closes it.
    func merge(workshopID: UUID, schoolID: UUID, choices: [UUID: String], now: Date = Date()) async throws -> Int {
        let notes = try await notes(workshopID: workshopID).filter { $0.state == "new" }
        let existing = Set(try await interventions(schoolID: schoolID).map(\.id))
        return try await db.transaction { db in
            var created = 0
            let service = PyramidService(db: db)
            let sql = db as! any SQLDatabase
            for note in notes {
                let choice = choices[note.id] ?? "new"
                var state = "dismissed", target: UUID? = nil
                if choice == "new" {
                    target = try await service.create(InterventionFields(name: note.text, tier: Tier(rawValue: note.tier) ?? .one,
                                                                          provider: Provider(rawValue: note.provider) ?? .school, target: .all), schoolID: schoolID, now: now)
                    state = "merged"
                    created += 1
                } else if let id = UUID(uuidString: choice), existing.contains(id) {
                    target = id
                    state = "merged"
                } else if choice != "dismiss" {
                    throw SamenError.invalid("workshop_bad_choice", field: "note_\(note.id)")
                }
                try await sql.update("workshop_notes").set("state", to: SQLBind(state)).set("intervention_id", to: SQLBind(target))
                    .where("id", .equal, SQLBind(note.id)).run()
            }
            try await sql.update("workshops").set("closed_at", to: SQLBind(now)).where("id", .equal, SQLBind(workshopID)).run()
            return created
        }
    }
}

extension Request {
    var pyramids: PyramidService { PyramidService(db: db) }
}
