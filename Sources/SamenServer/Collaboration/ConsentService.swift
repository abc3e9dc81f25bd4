import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct ConsentJSON: Content, Sendable {
    var id: UUID
    var student_id: UUID
    var purpose: String
    var organisation_id: UUID?
    var organisation: String?
    var programme: String
    var given_by: String
    var guardian_id: UUID?
    var guardian: String?
    var given_on: String
    var expires_on: String?
    var parts: [String]
    var note: String
    var state: String
    var recorded_at: Date
    var withdrawn_at: Date?
}

/// Consent records: kept by the school's coordinator, read at every request
/// of a youth-care worker to decide what they may see.
struct ConsentService {
    let sql: any SQLDatabase

    /// The students a youth-care worker may open in the given schools, with the parts: active
    /// sharing consents for their organisation (given on or before today, not expired, not
    /// withdrawn), and open cases assigned to them on a legal basis that opens parts by itself.
    static func access(workerID: UUID, organisationID: UUID?, schoolIDs: Set<UUID>, today: LocalDate = .today(),
                       on sql: any SQLDatabase) async throws -> [UUID: StudentAccess] {
        var parts: [UUID: [Set<ConsentPart>]] = [:]
        let cases = try await sql.raw("""
            SELECT c.student_id, c.basis FROM cases c
            WHERE c.worker_id = \(bind: workerID) AND c.closed_on IS NULL AND c.school_id IN (\(binds: Array(schoolIDs)))
            """).all()
        for row in cases {
            let opened = CaseBasis(rawValue: try row.decode(column: "basis", as: String.self))?.parts ?? []
            if !opened.isEmpty { parts[try row.uuid("student_id"), default: []].append(opened) }
        }
        guard let organisationID else { return parts.mapValues(StudentAccess.merged) }
        let rows = try await sql.raw("""
            SELECT c.student_id, c.parts FROM consents c JOIN students s ON s.id = c.student_id
            WHERE c.organisation_id = \(bind: organisationID) AND c.purpose = 'share' AND c.withdrawn_at IS NULL
              AND c.given_on <= \(bind: today.iso) AND (c.expires_on IS NULL OR c.expires_on >= \(bind: today.iso))
              AND s.school_id IN (\(binds: Array(schoolIDs)))
            """).all()
        for row in rows {
            parts[try row.uuid("student_id"), default: []].append(Self.parts(try row.decode(column: "parts", as: String.self)))
        }
        return parts.mapValues(StudentAccess.merged)
    }

    static func parts(_ text: String) -> Set<ConsentPart> {
        Set(text.split(separator: ",").compactMap { ConsentPart(rawValue: String($0)) })
    }

    static let select: SQLQueryString = """
        SELECT c.id, c.student_id, c.purpose, c.organisation_id, o.name AS organisation, c.programme, c.given_by, c.guardian_id,
               g.name AS guardian, c.given_on, c.expires_on, c.parts, c.note, c.recorded_at, c.withdrawn_at
        FROM consents c LEFT JOIN organisations o ON o.id = c.organisation_id LEFT JOIN guardians g ON g.id = c.guardian_id
        """

    func consent(_ row: SQLRow, today: LocalDate) throws -> ConsentJSON {
        let givenOn = try row.decode(column: "given_on", as: String.self)
        let expiresOn = try row.decode(column: "expires_on", as: String?.self)
        let withdrawnAt = try row.decode(column: "withdrawn_at", as: Date?.self)
        let purpose = try row.decode(column: "purpose", as: String.self)
        let terms = ConsentTerms(purpose: ConsentPurpose(rawValue: purpose) ?? .share, givenBy: .guardian,
                                 givenOn: LocalDate(iso: givenOn) ?? today, expiresOn: expiresOn.flatMap(LocalDate.init(iso:)))
        return ConsentJSON(
            id: try row.uuid("id"), student_id: try row.uuid("student_id"), purpose: purpose,
            organisation_id: try row.optionalUUID("organisation_id"), organisation: try row.decode(column: "organisation", as: String?.self),
            programme: try row.decode(column: "programme", as: String.self), given_by: try row.decode(column: "given_by", as: String.self),
            guardian_id: try row.optionalUUID("guardian_id"), guardian: try row.decode(column: "guardian", as: String?.self),
            given_on: givenOn, expires_on: expiresOn,
            parts: Self.parts(try row.decode(column: "parts", as: String.self)).sorted().map(\.rawValue),
            note: try row.decode(column: "note", as: String.self), state: terms.state(on: today, withdrawn: withdrawnAt != nil).rawValue,
            recorded_at: try row.decode(column: "recorded_at", as: Date.self), withdrawn_at: withdrawnAt)
    }

    /// A student's consents, newest first.
    func list(studentID: UUID, today: LocalDate = .today()) async throws -> [ConsentJSON] {
        try await sql.raw(Self.select + " WHERE c.student_id = \(bind: studentID) ORDER BY c.given_on DESC, c.recorded_at DESC").all()
            .map { try consent($0, today: today) }
    }

    func find(_ id: UUID, today: LocalDate = .today()) async throws -> ConsentJSON? {
        try await sql.raw(Self.select + " WHERE c.id = \(bind: id)").first().map { try consent($0, today: today) }
    }

    func create(_ terms: ConsentTerms, studentID: UUID, by accountID: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "consents")
            .columns("id", "student_id", "purpose", "organisation_id", "programme", "given_by", "guardian_id", "given_on", "expires_on",
                     "parts", "note", "recorded_by", "recorded_at")
            .values(SQLBind(id), SQLBind(studentID), SQLBind(terms.purpose.rawValue), SQLBind(terms.organisationID), SQLBind(terms.programme),
                    SQLBind(terms.givenBy.rawValue), SQLBind(terms.guardianID), SQLBind(terms.givenOn.iso), SQLBind(terms.expiresOn?.iso),
                    SQLBind(terms.parts.sorted().map(\.rawValue).joined(separator: ",")), SQLBind(terms.note), SQLBind(accountID), SQLBind(now))
            .run()
        return id
    }

    /// Withdraws a consent at once; a second withdrawal changes nothing (409).
    func withdraw(_ id: UUID, by accountID: UUID, note: String, now: Date = Date()) async throws {
        let rows = try await sql.raw("""
            UPDATE consents SET withdrawn_at = \(bind: now), withdrawn_by = \(bind: accountID), withdrawal_note = \(bind: note)
            WHERE id = \(bind: id) AND withdrawn_at IS NULL RETURNING id
            """).all()
        if rows.isEmpty { throw SamenError(status: .conflict, key: "consent_already_withdrawn") }
    }

    /// Verwijsindex-style involvement: the organisations that have an active sharing consent for the student
    /// (that youth care is involved, not what it does).
    func involvedOrganisations(studentID: UUID, today: LocalDate = .today()) async throws -> [String] {
        try await sql.raw("""
            SELECT DISTINCT o.name FROM consents c JOIN organisations o ON o.id = c.organisation_id
            WHERE c.student_id = \(bind: studentID) AND c.purpose = 'share' AND c.withdrawn_at IS NULL
              AND c.given_on <= \(bind: today.iso) AND (c.expires_on IS NULL OR c.expires_on >= \(bind: today.iso))
            ORDER BY o.name
            """).all(decodingColumn: "name", as: String.self)
    }
}

extension Request {
    var consents: ConsentService { ConsentService(sql: db as! any SQLDatabase) }
}
