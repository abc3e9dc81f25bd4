import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct InstrumentJSON: Content, Sendable {
    var id: UUID
    /// Set for a region's instrument (every school of the region may use it).
    var region_id: UUID?
    /// Set for a school's own instrument.
    var school_id: UUID?
    /// The example shipped with Samen: neither region nor school, read-only.
    var built_in: Bool
    var name: String
    var version: Int
    var archived: Bool
    var definition: ScreeningInstrument
}

struct RoundJSON: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var instrument_id: UUID
    var instrument: String
    var name: String
    var informant: String
    var opens_on: String
    var closes_on: String
    var school_year: String
    /// Students rated so far.
    var rated: Int
}

struct ScaleScoreJSON: Content, Sendable {
    var scale: String
    var kind: String
    var score: Double?
    var band: String?
    var at_risk: Bool
}

struct RatingJSON: Content, Sendable {
    var student_id: UUID
    var rater_id: UUID
    var answers: [Int?]
    var scores: [ScaleScoreJSON]
}

/// A round's figures, all counted in the database.
struct ScreeningResults: Sendable {
    struct BandCount: Sendable { var scale: String; var band: String?; var count: Int }
    struct GroupLine: Sendable { var groupID: UUID?; var group: String; var students: Int; var rated: Int; var internalising: Int; var externalising: Int }
    struct Student: Sendable { var id: UUID; var name: String; var group: String; var scale: String; var score: Double?; var band: String }
    var bands: [BandCount]
    var overview: ScreeningOverview
    var groups: [GroupLine]
    /// At risk on an internalising scale with no completed incident this school year: the students behaviour signals miss.
    var unseen: [Student]
}

/// Screening instruments, rounds, ratings and their scores.
struct ScreeningService {
    let db: Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    static let instrumentColumns: SQLQueryString = "id, region_id, school_id, name, version, definition, archived_at"

    func instrument(_ row: SQLRow) throws -> InstrumentJSON {
        let regionID = try row.decode(column: "region_id", as: UUID?.self)
        let schoolID = try row.decode(column: "school_id", as: UUID?.self)
        let definition = try JSONDecoder().decode(ScreeningInstrument.self, from: Data(try row.decode(column: "definition", as: String.self).utf8))
        return InstrumentJSON(id: try row.decode(column: "id", as: UUID.self), region_id: regionID, school_id: schoolID,
                              built_in: regionID == nil && schoolID == nil, name: try row.decode(column: "name", as: String.self),
                              version: try row.decode(column: "version", as: Int.self),
                              archived: try row.decode(column: "archived_at", as: Date?.self) != nil, definition: definition)
    }

    /// The instruments a school may use: the example, its region's and its own; archived ones only when asked.
    func instruments(schoolID: UUID, regionID: UUID, includeArchived: Bool = false) async throws -> [InstrumentJSON] {
        try await sql.raw("""
            SELECT \(Self.instrumentColumns) FROM screening_instruments
            WHERE ((region_id IS NULL AND school_id IS NULL) OR (region_id = \(bind: regionID) AND school_id IS NULL) OR school_id = \(bind: schoolID))
            \(unsafeRaw: includeArchived ? "" : "AND archived_at IS NULL") ORDER BY name, version
            """).all().map(instrument)
    }

    /// The instruments above the schools: the example first, then a region's (every region's when nil: the administrator).
    func instruments(regionID: UUID?) async throws -> [InstrumentJSON] {
        let condition: SQLQueryString = regionID.map { "(region_id IS NULL OR region_id = \(bind: $0))" } ?? "1 = 1"
        return try await sql.raw("SELECT \(Self.instrumentColumns) FROM screening_instruments WHERE school_id IS NULL AND " + condition
                                 + " AND archived_at IS NULL ORDER BY CASE WHEN region_id IS NULL THEN 0 ELSE 1 END, name").all().map(instrument)
    }

    func instrument(_ id: UUID) async throws -> InstrumentJSON? {
        try await sql.raw("SELECT \(Self.instrumentColumns) FROM screening_instruments WHERE id = \(bind: id)").first().map(instrument)
    }

    func createInstrument(_ definition: ScreeningInstrument, regionID: UUID?, schoolID: UUID?, by account: UUID, version: Int = 1,
                          previousID: UUID? = nil, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "screening_instruments")
            .columns("id", "region_id", "school_id", "name", "version", "definition", "previous_id", "created_by", "created_at")
            .values(SQLBind(id), SQLBind(regionID), SQLBind(schoolID), SQLBind(definition.name), SQLBind(version), SQLBind(try Self.encode(definition)),
                    SQLBind(previousID), SQLBind(account), SQLBind(now))
            .run()
        return id
    }

    static func encode(_ definition: ScreeningInstrument) throws -> String {
        String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
    }

    /// Changes an instrument. One that a round has used keeps its version for
    /// that round: the change becomes a new version and the old one is archived.
    func updateInstrument(_ existing: InstrumentJSON, _ definition: ScreeningInstrument, by account: UUID, now: Date = Date()) async throws -> UUID {
        let used = try await sql.raw("SELECT COUNT(*) AS n FROM screening_rounds WHERE instrument_id = \(bind: existing.id)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        guard used > 0 else {
            try await sql.update("screening_instruments").set("name", to: SQLBind(definition.name))
                .set("definition", to: SQLBind(try Self.encode(definition))).where("id", .equal, SQLBind(existing.id)).run()
            return existing.id
        }
        return try await db.transaction { db in
            let service = ScreeningService(db: db)
            try await service.archive(existing.id, now: now)
            return try await service.createInstrument(definition, regionID: existing.region_id, schoolID: existing.school_id, by: account,
                                                      version: existing.version + 1, previousID: existing.id, now: now)
        }
    }

    func archive(_ id: UUID, now: Date = Date()) async throws {
        try await sql.update("screening_instruments").set("archived_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
    }

    // MARK: Rounds

    static let roundSelect: SQLQueryString = """
        SELECT r.id, r.school_id, r.instrument_id, si.name AS instrument, r.name, r.informant, r.opens_on, r.closes_on, r.school_year,
               (SELECT COUNT(*) FROM screening_ratings x WHERE x.round_id = r.id) AS rated
        FROM screening_rounds r JOIN screening_instruments si ON si.id = r.instrument_id
        """

    func rounds(schoolID: UUID) async throws -> [RoundJSON] {
        try await sql.raw(Self.roundSelect + " WHERE r.school_id = \(bind: schoolID) ORDER BY r.opens_on DESC, r.name").all(decoding: RoundJSON.self)
    }

    func round(_ id: UUID) async throws -> RoundJSON? {
        try await sql.raw(Self.roundSelect + " WHERE r.id = \(bind: id)").first(decoding: RoundJSON.self)
    }

    func createRound(schoolID: UUID, instrumentID: UUID, _ f: ScreeningRoundFields, informant: Informant, by account: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID()
        try await sql.insert(into: "screening_rounds")
            .columns("id", "school_id", "instrument_id", "name", "informant", "opens_on", "closes_on", "school_year", "created_by", "created_at")
            .values(SQLBind(id), SQLBind(schoolID), SQLBind(instrumentID), SQLBind(f.name), SQLBind(informant.rawValue), SQLBind(f.opens.iso),
                    SQLBind(f.closes.iso), SQLBind(SchoolYearPeriod.containing(f.opens).name), SQLBind(account), SQLBind(now))
            .run()
        return id
    }

    // MARK: Ratings

    /// The ratings of a round, for the given students (all when nil).
    func ratings(roundID: UUID, studentIDs: [UUID]? = nil) async throws -> [UUID: RatingJSON] {
        if let studentIDs, studentIDs.isEmpty { return [:] }
        var query: SQLQueryString = """
            SELECT x.student_id, x.rater_id, x.answers, sc.scale, sc.kind, sc.score, sc.band, sc.at_risk
            FROM screening_ratings x LEFT JOIN screening_scores sc ON sc.rating_id = x.id WHERE x.round_id = \(bind: roundID)
            """
        if let studentIDs { query += " AND x.student_id IN (\(binds: studentIDs))" }
        var ratings: [UUID: RatingJSON] = [:]
        for row in try await sql.raw(query).all() {
            let student = try row.decode(column: "student_id", as: UUID.self)
            if ratings[student] == nil {
                let answers = (try? JSONDecoder().decode([Int?].self, from: Data(try row.decode(column: "answers", as: String.self).utf8))) ?? []
                ratings[student] = RatingJSON(student_id: student, rater_id: try row.decode(column: "rater_id", as: UUID.self), answers: answers, scores: [])
            }
            if let scale = try row.decode(column: "scale", as: String?.self) {
                ratings[student]!.scores.append(ScaleScoreJSON(scale: scale, kind: try row.decode(column: "kind", as: String.self),
                                                               score: try row.decode(column: "score", as: Double?.self),
                                                               band: try row.decode(column: "band", as: String?.self),
                                                               at_risk: try row.decode(column: "at_risk", as: Int.self) != 0))
            }
        }
        return ratings
    }

    /// Saves ratings (replacing earlier ones of the same students in the
    /// round) with their scale scores, and raises a signal for every scale in
    /// an at-risk band, all in one transaction. Returns the signals raised.
    func save(_ entries: [(student: UUID, answers: [Int?])], round: RoundJSON, instrument: ScreeningInstrument, by account: UUID,
              now: Date = Date()) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let informant = Informant(rawValue: round.informant) ?? .teacher
        let kinds = Dictionary(uniqueKeysWithValues: instrument.scales.map { ($0.code, $0.kind.rawValue) })
        let date = min(LocalDate.today(now: now), LocalDate(iso: round.closes_on) ?? .today(now: now))
        return try await db.transaction { db in
            let sql = db as! any SQLDatabase
            let students = entries.map(\.student)
            try await sql.raw("""
                DELETE FROM screening_scores WHERE rating_id IN
                (SELECT id FROM screening_ratings WHERE round_id = \(bind: round.id) AND student_id IN (\(binds: students)))
                """).run()
            try await sql.raw("DELETE FROM screening_ratings WHERE round_id = \(bind: round.id) AND student_id IN (\(binds: students))").run()
            var findings: [(student: UUID, finding: RuleFinding)] = []
            var ratingRows: [[any SQLExpression]] = []
            var scoreRows: [[any SQLExpression]] = []
            for entry in entries {
                let ratingID = UUID()
                ratingRows.append([SQLBind(ratingID), SQLBind(round.id), SQLBind(entry.student), SQLBind(account),
                                   SQLBind(String(decoding: try JSONEncoder().encode(entry.answers), as: UTF8.self)), SQLBind(now)])
                let scores = ScreeningScoring.scores(instrument, answers: entry.answers, informant: informant)
                for s in scores {
                    scoreRows.append([SQLBind(UUID()), SQLBind(ratingID), SQLBind(round.id), SQLBind(entry.student), SQLBind(s.scale),
                                      SQLBind(kinds[s.scale] ?? "other"), SQLBind(s.score), SQLBind(s.band?.label), SQLBind(s.band?.atRisk == true ? 1 : 0)])
                }
                findings += ScreeningScoring.findings(instrument, scores: scores, date: date).map { (entry.student, $0) }
            }
            // In slices, well under the bind limits of both databases.
            for slice in stride(from: 0, to: ratingRows.count, by: 200) {
                try await sql.insert(into: "screening_ratings").columns("id", "round_id", "student_id", "rater_id", "answers", "rated_at")
                    .rows(Array(ratingRows[slice..<min(slice + 200, ratingRows.count)])).run()
            }
            for slice in stride(from: 0, to: scoreRows.count, by: 200) {
                try await sql.insert(into: "screening_scores").columns("id", "rating_id", "round_id", "student_id", "scale", "kind", "score", "band", "at_risk")
                    .rows(Array(scoreRows[slice..<min(slice + 200, scoreRows.count)])).run()
            }
            return try await RuleEngine(db: db).raise(findings, schoolID: round.school_id, now: now)
        }
    }

    // MARK: Figures

    func results(_ round: RoundJSON) async throws -> ScreeningResults {
        let bands = try await sql.raw("""
            SELECT scale, band, COUNT(*) AS n FROM screening_scores WHERE round_id = \(bind: round.id) GROUP BY scale, band
            """).all().map { row in
            ScreeningResults.BandCount(scale: try row.decode(column: "scale", as: String.self), band: try row.decode(column: "band", as: String?.self),
                                       count: try row.decode(column: "n", as: Int.self))
        }
        // Per student: at risk on any internalising, any externalising scale.
        let risks = try await sql.raw("""
            SELECT x.student_id,
                   MAX(CASE WHEN x.kind = 'internalising' THEN x.at_risk ELSE 0 END) AS i,
                   MAX(CASE WHEN x.kind = 'externalising' THEN x.at_risk ELSE 0 END) AS e
            FROM screening_scores x WHERE x.round_id = \(bind: round.id) GROUP BY x.student_id
            """).all().map { row in (internalising: try row.decode(column: "i", as: Int.self) != 0, externalising: try row.decode(column: "e", as: Int.self) != 0) }
        // Groups of the round's school year, with the students on the round's opening day. (COUNT, not SUM:
        // PostgreSQL sums integers into numeric.)
        let groups = try await sql.raw("""
            SELECT g.id, g.name, COUNT(s.id) AS students,
                   COUNT(r.student_id) AS rated, COUNT(CASE WHEN r.i = 1 THEN 1 END) AS i, COUNT(CASE WHEN r.e = 1 THEN 1 END) AS e
            FROM school_groups g JOIN school_years y ON y.id = g.school_year_id
            JOIN students s ON s.group_id = g.id AND (s.enrolled_on IS NULL OR s.enrolled_on <= \(bind: round.closes_on))
                 AND (s.left_on IS NULL OR s.left_on >= \(bind: round.opens_on))
            LEFT JOIN (SELECT student_id,
                              MAX(CASE WHEN kind = 'internalising' THEN at_risk ELSE 0 END) AS i,
                              MAX(CASE WHEN kind = 'externalising' THEN at_risk ELSE 0 END) AS e
                       FROM screening_scores WHERE round_id = \(bind: round.id) GROUP BY student_id) r ON r.student_id = s.id
            WHERE g.school_id = \(bind: round.school_id) AND y.starts_on <= \(bind: round.opens_on) AND y.ends_on >= \(bind: round.opens_on)
            GROUP BY g.id, g.name ORDER BY g.name
            """).all().map { row in
            ScreeningResults.GroupLine(groupID: try row.decode(column: "id", as: UUID.self), group: try row.decode(column: "name", as: String.self),
                                       students: try row.decode(column: "students", as: Int.self), rated: try row.decode(column: "rated", as: Int.self),
                                       internalising: try row.decode(column: "i", as: Int.self), externalising: try row.decode(column: "e", as: Int.self))
        }
        let unseen = try await sql.raw("""
            SELECT s.id, s.first_name, s.particle, s.last_name, g.name AS grp, x.scale, x.score, x.band
            FROM screening_scores x JOIN students s ON s.id = x.student_id LEFT JOIN school_groups g ON g.id = s.group_id
            WHERE x.round_id = \(bind: round.id) AND x.kind = 'internalising' AND x.at_risk = 1
              AND NOT EXISTS (SELECT 1 FROM incident_students xs JOIN incidents i ON i.id = xs.incident_id
                              WHERE xs.student_id = x.student_id AND xs.school_year = \(bind: round.school_year) AND i.status = 'complete')
            ORDER BY g.name, s.last_name, s.first_name
            """).all().map { row in
            ScreeningResults.Student(id: try row.decode(column: "id", as: UUID.self),
                                     name: PersonName(first: try row.decode(column: "first_name", as: String.self),
                                                      particle: try row.decode(column: "particle", as: String.self),
                                                      last: try row.decode(column: "last_name", as: String.self)).display,
                                     group: try row.decode(column: "grp", as: String?.self) ?? "", scale: try row.decode(column: "scale", as: String.self),
                                     score: try row.decode(column: "score", as: Double?.self), band: try row.decode(column: "band", as: String?.self) ?? "")
        }
        return ScreeningResults(bands: bands, overview: ScreeningOverview(risks), groups: groups, unseen: unseen)
    }

    /// A student's scores in their latest rated round, with that round.
    func latest(studentID: UUID) async throws -> (round: RoundJSON, instrument: ScreeningInstrument, rating: RatingJSON)? {
        guard let row = try await sql.raw("""
            SELECT r.id FROM screening_ratings x JOIN screening_rounds r ON r.id = x.round_id
            WHERE x.student_id = \(bind: studentID) ORDER BY r.opens_on DESC LIMIT 1
            """).first(), let round = try await round(try row.decode(column: "id", as: UUID.self)),
            let instrument = try await instrument(round.instrument_id),
            let rating = try await ratings(roundID: round.id, studentIDs: [studentID])[studentID] else { return nil }
        return (round, instrument.definition, rating)
    }
}

extension Request {
    var screening: ScreeningService { ScreeningService(db: db) }
}
