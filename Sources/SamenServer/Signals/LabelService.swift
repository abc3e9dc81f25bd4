import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// A label as the API and forms show it.
struct LabelJSON: Content, Sendable {
    var id: UUID
    var kind: String
    var code: String?
    var text: String
    var text_nl: String
    var text_en: String
    var archived: Bool
}

/// A school's label lists: the shipped Dutch defaults, the school's own,
/// archived ones kept for the records that use them.
struct LabelService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// Adds the shipped labels a school does not have yet; running it twice adds nothing.
    func addDefaults(schoolID: UUID) async throws {
        let insert = sql.insert(into: "labels").columns("id", "school_id", "kind", "code", "text_nl", "text_en", "position", "archived")
        var position: [LabelKind: Int] = [:]
        for label in DefaultLabels.all {
            let n = position[label.kind, default: 0]
            position[label.kind] = n + 1
            insert.values([SQLBind(UUID()), SQLBind(schoolID), SQLBind(label.kind.rawValue), SQLBind(label.code), SQLBind(label.nl),
                           SQLBind(label.en), SQLBind(n), SQLBind(false)])
        }
        try await insert.ignoringConflicts(with: ["school_id", "kind", "code"]).run()
    }

    /// A school's labels, in list order; the defaults are added on first use.
    func labels(schoolID: UUID, kind: LabelKind? = nil, includeArchived: Bool, language: Language) async throws -> [LabelJSON] {
        func load() async throws -> [LabelJSON] {
            let query = sql.select().columns("id", "kind", "code", "text_nl", "text_en", "archived").from("labels")
                .where("school_id", .equal, SQLBind(schoolID))
            if let kind { query.where("kind", .equal, SQLBind(kind.rawValue)) }
            if !includeArchived { query.where("archived", .equal, SQLBind(false)) }
            return try await query.orderBy("kind").orderBy("position").orderBy("text_nl").all().map { row in
                let nl = try row.decode(column: "text_nl", as: String.self), en = try row.decode(column: "text_en", as: String.self)
                return LabelJSON(id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
                                 code: try row.decode(column: "code", as: String?.self), text: language == .nl ? nl : en,
                                 text_nl: nl, text_en: en, archived: try row.decode(column: "archived", as: Bool.self))
            }
        }
        let labels = try await load()
        if labels.isEmpty, try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("labels")
            .where("school_id", .equal, SQLBind(schoolID)).first(decodingColumn: "n", as: Int.self) == 0 {
            try await addDefaults(schoolID: schoolID)
            return try await load()
        }
        return labels
    }

    /// Adds a school's own label at the end of its list.
    func add(_ fields: LabelFields, schoolID: UUID) async throws -> UUID {
        let existing = try await labels(schoolID: schoolID, kind: fields.kind, includeArchived: true, language: .nl)
        if existing.contains(where: { $0.text_nl.lowercased() == fields.nl.lowercased() }) {
            throw SamenError.invalid("label_exists", field: "text_nl", [fields.nl])
        }
        let id = UUID()
        try await sql.insert(into: "labels").columns("id", "school_id", "kind", "code", "text_nl", "text_en", "position", "archived")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(fields.kind.rawValue), SQLLiteral.null, SQLBind(fields.nl), SQLBind(fields.en),
                    SQLBind(existing.count), SQLBind(false))
            .run()
        return id
    }

    /// The label's school, if the label exists.
    func schoolOf(label id: UUID) async throws -> UUID? {
        try await sql.select().column("school_id").from("labels").where("id", .equal, SQLBind(id)).first(decodingColumn: "school_id", as: UUID.self)
    }

    /// Archives a label (it stays on the records that use it and leaves the
    /// forms) or brings it back. Labels are never deleted.
    func setArchived(_ id: UUID, _ archived: Bool) async throws {
        try await sql.update("labels").set("archived", to: SQLBind(archived)).where("id", .equal, SQLBind(id)).run()
    }

    /// A label as the checks need it.
    struct Row: Sendable { var school: UUID; var kind: String; var archived: Bool; var nl: String; var en: String }

    /// Checks that each label is the school's, of the right kind, and in use
    /// (archived labels are accepted only where a record already carries them).
    /// Returns the labels' Dutch and English texts, for an answer built without reading them again.
    @discardableResult
    func check(_ choices: [(field: String, kind: LabelKind, id: UUID?)], schoolID: UUID, keeping current: Set<UUID> = []) async throws -> [UUID: (nl: String, en: String)] {
        let ids = choices.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        var rows: [UUID: Row] = [:]
        for row in try await sql.select().columns("id", "school_id", "kind", "archived", "text_nl", "text_en").from("labels")
            .where("id", .in, SQLBind.group(ids)).all() {
            rows[try row.decode(column: "id", as: UUID.self)] = Row(school: try row.decode(column: "school_id", as: UUID.self),
                                                                  kind: try row.decode(column: "kind", as: String.self),
                                                                  archived: try row.decode(column: "archived", as: Bool.self),
                                                                  nl: try row.decode(column: "text_nl", as: String.self),
                                                                  en: try row.decode(column: "text_en", as: String.self))
        }
        return try Self.verify(choices, rows: rows, schoolID: schoolID, keeping: current)
    }

    /// Every chosen label exists, is of this school and kind, and is not archived (unless already on the record); their texts.
    static func verify(_ choices: [(field: String, kind: LabelKind, id: UUID?)], rows: [UUID: Row], schoolID: UUID,
                       keeping current: Set<UUID> = []) throws -> [UUID: (nl: String, en: String)] {
        for choice in choices {
            guard let id = choice.id else { continue }
            guard let label = rows[id], label.school == schoolID, label.kind == choice.kind.rawValue, !label.archived || current.contains(id) else {
                throw SamenError.invalid("label_unknown", field: choice.field)
            }
        }
        return rows.mapValues { ($0.nl, $0.en) }
    }
}

extension Request {
    var labels: LabelService { LabelService(db: db) }
}
