import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// What the `samen rules` and benchmark commands do, with the services the web app uses.
public enum SignalsCommands {
    public struct RuleRun: Sendable {
        public var school: String
        public var raised: Int
        public var milliseconds: Double
    }

    /// Evaluates every decision rule for one school (by code) or all, as a nightly job would.
    public static func runRules(schoolCode: String?, app: Application, today: LocalDate = .today()) async throws -> [RuleRun] {
        var query = School.query(on: app.db).filter(\.$archivedAt == nil).sort(\.$code)
        if let schoolCode {
            query = query.filter(\.$code == schoolCode.uppercased())
            guard try await query.count() > 0 else { throw ImportFailure.unknownSchool(schoolCode) }
        }
        var runs: [RuleRun] = []
        let engine = RuleEngine(db: app.db)
        for school in try await query.all() {
            let start = ContinuousClock.now
            var raised = try await engine.evaluate(schoolID: school.id!, today: today)
            raised += try await engine.evaluateAbsence(schoolID: school.id!, today: today)
            let elapsed = ContinuousClock.now - start
            runs.append(RuleRun(school: "\(school.code) \(school.name)", raised: raised,
                                milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15))
        }
        return runs
    }

    /// The dashboard's SQL for a school and the current school year, values written in, for the sqlite3 shell.
    public static func dashboardSQL(schoolCode: String, app: Application) async throws -> String {
        guard let school = try await School.query(on: app.db).filter(\.$code == schoolCode.uppercased()).first() else {
            throw ImportFailure.unknownSchool(schoolCode)
        }
        let thresholds = try await RuleEngine(db: app.db).thresholds(schoolID: school.id!)
        return DashboardService(db: app.db).literalSQL(schoolID: school.id!, period: .init(year: .containing(.today()), month: nil), thresholds: thresholds)
    }

    /// A large generated school for the benchmarks: students in groups of
    /// 25, `years` school years of incidents (with the demo's patterns in
    /// time of day and weekday) and absence rows, and a coordinator login
    /// `bench` / `bench`. Written with multi-row inserts; deterministic from the seed.
    public static func generateSchool(app: Application, code: String = "99ZZ", students: Int, years: Int, incidents: Int, absences: Int,
                                      seed: UInt64 = 7, today: LocalDate = .today()) async throws -> UUID {
        let db = app.db
        let sql = db as! any SQLDatabase
        var rng = SeededGenerator(seed: seed)
        let now = Date()
        let regionID: UUID
        if let region = try await Region.query(on: db).first() { regionID = region.id! } else {
            let region = Region(name: "Benchmarkregio", municipalities: "")
            try await region.create(on: db)
            regionID = region.id!
        }
        let school = School(regionID: regionID, code: code, name: "Groot College (benchmark)", type: .vo, city: "Veenendrecht")
        try await school.create(on: db)
        let schoolID = school.id!
        let current = SchoolYearPeriod.containing(today)
        let year = SchoolYear(schoolID: schoolID, period: current)
        try await year.create(on: db)
        let groupCount = max(1, (students + 24) / 25)
        let groups = (0..<groupCount).map { _ in rng.uuid() }
        try await sql.bulkInsert("school_groups", columns: ["id", "school_id", "school_year_id", "name", "level"],
                                 rows: groups.enumerated().map { [$1, schoolID, year.id!, "G\($0 + 1)", "leerjaar \($0 % 6 + 1)"] as [any Encodable & Sendable] })
        var studentIDs: [UUID] = []
        var studentRows: [[any Encodable & Sendable]] = []
        for n in 0..<students {
            let id = rng.uuid()
            studentIDs.append(id)
            let name = PersonName(first: "Leerling", particle: "", last: "Nummer \(n + 1)")
            studentRows.append([id, schoolID, groups[n % groupCount], String(500_000 + n), name.first, name.particle, name.last, name.sortKey,
                                name.searchText, LocalDate(year: current.startYear - 13 - n % 5, month: 1 + n % 12, day: 1 + n % 28)!.iso,
                                LocalDate(year: current.startYear - years, month: 8, day: 20)!.iso, nil as String?, Pseudonym.make(using: &rng), now, now])
        }
        try await sql.bulkInsert("students", columns: ["id", "school_id", "group_id", "number", "first_name", "particle", "last_name", "sort_name",
                                                      "search_text", "birth_date", "enrolled_on", "left_on", "pseudonym", "created_at", "updated_at"],
                                 rows: studentRows)
        let hash = try await app.password.async.hash("bench").get()
        let coordinator = Account(username: "bench", passwordHash: hash, role: .coordinator, name: PersonName(first: "Bench", last: "Coördinator"),
                                  email: "", regionID: nil)
        try await coordinator.create(on: db)
        try await AccountSchool(accountID: coordinator.id!, schoolID: schoolID).create(on: db)
        let labels = LabelService(db: db)
        try await labels.addDefaults(schoolID: schoolID)
        let list = try await labels.labels(schoolID: schoolID, includeArchived: false, language: .nl)
        let behaviours = list.filter { $0.kind == "behaviour" }.map(\.id), locations = list.filter { $0.kind == "location" }.map(\.id)

        // School days of the last `years` school years, up to today.
        var days: [LocalDate] = []
        for y in (0..<years).reversed() {
            let period = SchoolYearPeriod(startYear: current.startYear - y)
            var day = period.start
            while day <= min(period.end, today) {
                if DemoActivity.isSchoolDay(day) { days.append(day) }
                day = day.adding(days: 1)
            }
        }
        guard !days.isEmpty else { return schoolID }
        // A few students carry most incidents, as in a real school.
        func student() -> UUID {
            let u = Double.random(in: 0..<1, using: &rng)
            let pool = u < 0.5 ? students / 20 : (u < 0.8 ? students / 5 : students)
            return studentIDs[Int.random(in: 0..<max(1, pool), using: &rng)]
        }
        var incidentRows: [[any Encodable & Sendable]] = [], links: [[any Encodable & Sendable]] = []
        for _ in 0..<incidents {
            let day = DemoActivity.pickDay(days, &rng)
            let minute = DemoActivity.pickMinute(.vo, weekday: day.weekday, &rng).0
            let id = rng.uuid()
            incidentRows.append([id, schoolID, SchoolYearPeriod.containing(day).name, day.iso, minute, day.weekday, behaviours.randomElement(using: &rng)!,
                                 locations.randomElement(using: &rng)!, nil as UUID?, nil as UUID?, "staff", "none", "", "complete", coordinator.id!, now, now])
            links.append([rng.uuid(), id, student(), "involved", SchoolYearPeriod.containing(day).name])
            if incidentRows.count == 20_000 {
                try await sql.bulkInsert("incidents", columns: ["id", "school_id", "school_year", "date", "minute", "weekday", "behaviour_id", "location_id",
                                                               "motivation_id", "action_id", "managed_by", "others_involved", "note", "status", "reporter_id",
                                                               "created_at", "updated_at"], rows: incidentRows)
                try await sql.bulkInsert("incident_students", columns: ["id", "incident_id", "student_id", "role", "school_year"], rows: links)
                incidentRows = []; links = []
            }
        }
        try await sql.bulkInsert("incidents", columns: ["id", "school_id", "school_year", "date", "minute", "weekday", "behaviour_id", "location_id",
                                                       "motivation_id", "action_id", "managed_by", "others_involved", "note", "status", "reporter_id",
                                                       "created_at", "updated_at"], rows: incidentRows)
        try await sql.bulkInsert("incident_students", columns: ["id", "incident_id", "student_id", "role", "school_year"], rows: links)

        // Absence: distinct (student, day) pairs, mostly authorised illness, some unauthorised hours.
        var seen = Set<Int>()
        var absenceRows: [[any Encodable & Sendable]] = []
        let capacity = students * days.count
        let wanted = min(absences, capacity / 2)
        while seen.count < wanted {
            let key = Int.random(in: 0..<capacity, using: &rng)
            guard seen.insert(key).inserted else { continue }
            let (s, d) = (key / days.count, key % days.count)
            let unauthorised = Int.random(in: 0..<10, using: &rng) == 0
            absenceRows.append([rng.uuid(), schoolID, studentIDs[s], days[d].iso, unauthorised ? 2.0 : 6.0, nil as Int?, !unauthorised,
                                unauthorised ? "SPIJBEL" : "ZIEK", false, "import", now])
            if absenceRows.count == 50_000 {
                try await sql.bulkInsert("absences", columns: ["id", "school_id", "student_id", "date", "hours", "periods", "authorised", "reason_code",
                                                              "exempt", "source", "created_at"], rows: absenceRows)
                absenceRows = []
            }
        }
        try await sql.bulkInsert("absences", columns: ["id", "school_id", "student_id", "date", "hours", "periods", "authorised", "reason_code",
                                                      "exempt", "source", "created_at"], rows: absenceRows)
        if let sqlite = db as? any SQLDatabase, app.samenConfig.engineName == "sqlite" { try await sqlite.raw("ANALYZE").run() }
        return schoolID
    }
}
