import Foundation
import SamenCore
import Vapor

/// The synthetic region of the region benchmarks (bench/region.sh): by default 120 schools, 60,000 students over
/// 5 school years, 3,000,000 incidents, 20,000,000 absence rows and 50,000 staff survey responses, with the labels,
/// groups, signals, decisions, interventions and cases around them. Written as one CSV file per table, in an order
/// that satisfies every foreign key, for PostgreSQL's COPY or the sqlite3 shell's import; values in the form the
/// engine stores them (timestamps as such for PostgreSQL, seconds since 1970 for SQLite; booleans t/f or 1/0).
/// Deterministic from the seed. Logins: `region`, `admin` and a coordinator per school, password `demo`.
public enum RegionBench {
    public enum Engine: String, Sendable { case sqlite, postgres }

    public struct Size: Sendable {
        public var schools = 120
        public var students = 60_000
        public var years = 5
        public var incidents = 3_000_000
        public var absences = 20_000_000
        public var responses = 50_000
        public init() {}
    }

    public struct Table: Sendable { public var name: String; public var columns: [String]; public var rows: Int }

    /// The hash of the demo password for the generated logins.
    public static func demoPasswordHash() throws -> String { try Bcrypt.hash(DemoRegion.demoPassword, cost: 10) }

    /// A CSV file written in 1 MB pieces; a value with a comma, quote or line break is quoted.
    final class Writer {
        let handle: FileHandle
        var buffer: [UInt8] = []
        var rows = 0
        init(path: String) throws {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            buffer.reserveCapacity(1 << 20)
        }
        func row(_ values: String...) { row(values) }

        func row(_ values: [String]) {
            for (i, v) in values.enumerated() {
                if i > 0 { buffer.append(44) }
                if v.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                    buffer.append(34)
                    for byte in v.utf8 {
                        if byte == 34 { buffer.append(34) }
                        buffer.append(byte)
                    }
                    buffer.append(34)
                } else {
                    buffer.append(contentsOf: v.utf8)
                }
            }
            buffer.append(10)
            rows += 1
            if buffer.count > 1 << 20 { flush() }
        }
        func flush() {
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
        func close() throws {
            flush()
            try handle.close()
        }
    }

    /// Ids from the seeded generator, as fast text (version-4 layout, upper case as Samen writes them on SQLite).
    struct Ids {
        var rng: SeededGenerator
        static let hex = Array("0123456789ABCDEF".utf8)
        mutating func next() -> String {
            let a = rng.next(), b = rng.next()
            var bytes = [UInt8](repeating: 0, count: 36)
            var i = 0
            func put(_ value: UInt64, _ shift: Int) { bytes[i] = Ids.hex[Int((value >> UInt64(shift)) & 15)]; i += 1 }
            for n in 0..<8 { put(a, 60 - 4 * n) }
            bytes[i] = 45; i += 1
            for n in 8..<12 { put(a, 60 - 4 * n) }
            bytes[i] = 45; i += 1
            bytes[i] = 52; i += 1 // version 4
            for n in 13..<16 { put(a, 60 - 4 * n) }
            bytes[i] = 45; i += 1
            bytes[i] = Ids.hex[Int(8 + (b >> 62))]; i += 1 // variant 10xx
            for n in 1..<4 { put(b, 60 - 4 * n) }
            bytes[i] = 45; i += 1
            for n in 4..<16 { put(b, 60 - 4 * n) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static let firstNames = ["Emma", "Noah", "Julia", "Sem", "Mila", "Liam", "Tess", "Lucas", "Sophie", "Daan", "Zoë", "Finn", "Sara", "Levi", "Nora",
                             "Luuk", "Yara", "Mees", "Eva", "Milan", "Amira", "Mohamed", "Lotte", "Bram", "Fleur", "Thijs", "Aya", "Ruben"]
    static let surnames: [(String, String)] = [("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"), ("", "Visser"),
                                               ("", "Smit"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Yılmaz"), ("El", "Amrani"),
                                               ("", "Peters"), ("van der", "Meer"), ("", "Hoekstra"), ("", "Kaya"), ("", "Nguyen"), ("ter", "Horst")]

    /// Writes the region's tables into `directory` and returns them in load order.
    public static func write(to directory: String, engine: Engine, size: Size = Size(), seed: UInt64 = 2027, today: LocalDate = .today(),
                             passwordHash: String) throws -> [Table] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: seed)
        var ids = Ids(rng: SeededGenerator(seed: seed &+ 1))
        var tables: [Table] = []
        var writers: [String: Writer] = [:]
        func open(_ name: String, _ columns: [String]) throws -> Writer {
            let w = try Writer(path: directory + "/" + name + ".csv")
            w.row(columns)
            w.rows = 0
            writers[name] = w
            tables.append(Table(name: name, columns: columns, rows: 0))
            return w
        }
        let postgres = engine == .postgres
        func time(_ date: LocalDate, _ minute: Int = 600) -> String {
            let seconds = Double(date.dayNumber) * 86_400 + Double(minute) * 60
            if !postgres { return String(seconds) }
            return date.iso + String(format: " %02d:%02d:00+00", minute / 60, minute % 60)
        }
        func bool(_ b: Bool) -> String { postgres ? (b ? "t" : "f") : (b ? "1" : "0") }
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        let now = time(today)
        let current = SchoolYearPeriod.containing(today)
        let years = (0..<size.years).map { SchoolYearPeriod(startYear: current.startYear - size.years + 1 + $0) }
        // School days of each year (weekdays from 20 August to 10 July, up to today).
        let schoolDays = years.map { y -> [LocalDate] in
            let first = LocalDate(year: y.startYear, month: 8, day: 20)!.dayNumber, last = min(LocalDate(year: y.startYear + 1, month: 7, day: 10)!.dayNumber, today.dayNumber)
            return (first...max(first, last)).map(LocalDate.init(dayNumber:)).filter { $0.weekday <= 5 }
        }

        // The region, its schools and their years.
        let region = ids.next()
        try open("regions", ["id", "name", "municipalities"]).row(region, "Samenwerkingsverband Benchmark", "Benchstad")
        let types: [SchoolType] = (0..<size.schools).map { i in
            switch i % 20 { case 0..<10: .po; case 10, 11: .so; case 12..<17: .vo; case 17: .vso; default: .mbo }
        }
        let schools = (0..<size.schools).map { _ in ids.next() }
        let schoolWriter = try open("schools", ["id", "region_id", "code", "name", "type", "city"])
        for (i, s) in schools.enumerated() {
            schoolWriter.row(s, region, String(format: "R%03d", i + 1), String(format: "Benchschool %03d", i + 1), types[i].rawValue, "Benchstad")
        }
        let yearWriter = try open("school_years", ["id", "school_id", "name", "starts_on", "ends_on"])
        var currentYearOf: [String] = []
        for s in schools {
            for y in years {
                let id = ids.next()
                yearWriter.row(id, s, y.name, y.start.iso, y.end.iso)
                if y == current { currentYearOf.append(id) }
            }
        }

        // Accounts: the region, an administrator, a coordinator per school, a researcher.
        let accountColumns = ["id", "username", "password_hash", "role", "first_name", "particle", "last_name", "email", "language", "active", "region_id", "created_at"]
        let accounts = try open("accounts", accountColumns)
        func account(_ username: String, _ role: String, region: String = "") -> String {
            let id = ids.next()
            accounts.row(id, username, passwordHash, role, "Bench", "", username, username + "@bench.example", "nl", bool(true), region, now)
            return id
        }
        _ = account("region", "region", region: region)
        _ = account("admin", "admin")
        let researcher = account("researcher", "researcher", region: region)
        let coordinators = schools.indices.map { account(String(format: "coordinator%03d", $0 + 1), "coordinator") }
        let links = try open("account_schools", ["id", "account_id", "school_id"])
        for (i, s) in schools.enumerated() { links.row(ids.next(), coordinators[i], s) }

        // Labels: behaviours and locations per school.
        let labelWriter = try open("labels", ["id", "school_id", "kind", "code", "text_nl", "text_en", "position", "archived"])
        let behaviourNames = ["Verstoren van de les", "Fysieke agressie", "Verbale agressie", "Pesten", "Weglopen", "Vernieling", "Brutaal gedrag", "Spijbelen"]
        let locationNames = ["Klaslokaal", "Gang", "Schoolplein", "Kantine", "Gymzaal", "Toiletten"]
        var behaviours: [[String]] = [], locations: [[String]] = []
        for s in schools {
            behaviours.append(behaviourNames.enumerated().map { i, n in let id = ids.next(); labelWriter.row(id, s, "behaviour", "b\(i)", n, n, String(i), bool(false)); return id })
            locations.append(locationNames.enumerated().map { i, n in let id = ids.next(); labelWriter.row(id, s, "location", "l\(i)", n, n, String(i), bool(false)); return id })
        }

        // Students: sizes vary per school; most enrolled for years, some left.
        let weights = schools.indices.map { _ in Double.random(in: 0.3...1.7, using: &rng) }
        let totalWeight = weights.reduce(0, +)
        var perSchool = weights.map { Int(Double(size.students) * $0 / totalWeight) }
        perSchool[0] += size.students - perSchool.reduce(0, +)
        let groupWriter = try open("school_groups", ["id", "school_id", "school_year_id", "name", "level"])
        let studentWriter = try open("students", ["id", "school_id", "group_id", "number", "first_name", "particle", "last_name", "sort_name", "search_text",
                                                  "birth_date", "enrolled_on", "left_on", "pseudonym", "created_at", "updated_at"])
        struct Pupil { var id: String; var school: Int; var from: Int; var until: Int }
        var pupils: [Pupil] = []
        pupils.reserveCapacity(size.students)
        var number = 100_000
        for (s, count) in perSchool.enumerated() {
            let groups = (0..<max(1, count / 25)).map { g -> String in
                let id = ids.next()
                groupWriter.row(id, schools[s], currentYearOf[s], "\(g / 4 + 1)\(["a", "b", "c", "d"][g % 4])", "")
                return id
            }
            for n in 0..<count {
                number += 1
                let id = ids.next()
                let from = Int.random(in: 0..<years.count, using: &rng)
                let leaves = Double.random(in: 0..<1, using: &rng) < 0.12
                let until = leaves ? Int.random(in: from..<years.count, using: &rng) : years.count - 1
                let (particle, last) = pick(surnames)
                let name = PersonName(first: pick(firstNames), particle: particle, last: last)
                let enrolled = years[from].start.adding(days: 19)
                let left = leaves ? years[until].end.adding(days: -20).iso : ""
                studentWriter.row(id, schools[s], leaves ? "" : groups[n % groups.count], String(number), name.first, name.particle, name.last, name.sortKey,
                                  name.searchText, LocalDate(year: years[from].startYear - 6 - Int.random(in: 0..<10, using: &rng), month: 1 + n % 12, day: 1 + n % 28)!.iso,
                                  enrolled.iso, left, String(format: "BENCH%05X", number), now, now)
                pupils.append(Pupil(id: id, school: s, from: from, until: until))
            }
        }

        // Incidents, one student each, spread over the years the student was there.
        let daysBefore = schoolDays.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let incidentWriter = try open("incidents", ["id", "school_id", "school_year", "date", "minute", "weekday", "behaviour_id", "location_id", "managed_by",
                                                    "others_involved", "note", "status", "reporter_id", "created_at", "updated_at"])
        let linkWriter = try open("incident_students", ["id", "incident_id", "student_id", "role", "school_year"])
        for _ in 0..<size.incidents {
            // A quarter of the students get three quarters of the incidents, as in a school.
            let p = pupils[Double.random(in: 0..<1, using: &rng) < 0.75 ? Int.random(in: 0..<(pupils.count / 4), using: &rng) * 4 % pupils.count
                                                                          : Int.random(in: 0..<pupils.count, using: &rng)]
            // A school day of the years the student was there, each day as likely (the current year has had fewer so far).
            var k = Int.random(in: 0..<max(1, daysBefore[p.until + 1] - daysBefore[p.from]), using: &rng) + daysBefore[p.from]
            var y = p.from
            while y < p.until && k >= daysBefore[y + 1] { y += 1 }
            k -= daysBefore[y]
            guard k < schoolDays[y].count else { continue }
            let day = schoolDays[y][k]
            let id = ids.next(), minute = 510 + Int.random(in: 0..<390, using: &rng)
            let status = Int.random(in: 0..<20, using: &rng) == 0 ? "draft" : "complete"
            let t = time(day, minute)
            incidentWriter.row(id, schools[p.school], years[y].name, day.iso, String(minute), String(day.weekday), pick(behaviours[p.school]),
                               pick(locations[p.school]), "staff", "none", "", status, coordinators[p.school], t, t)
            linkWriter.row(ids.next(), id, p.id, "involved", years[y].name)
        }

        // Absence: distinct school days per student and year.
        let absenceWriter = try open("absences", ["id", "school_id", "student_id", "date", "hours", "authorised", "reason_code", "exempt", "source", "created_at"])
        let studentYears = pupils.reduce(0) { $0 + $1.until - $1.from + 1 }
        // A fifth more than the average, as the current year has fewer school days so far; writing stops at the number asked.
        let perYear = max(1, Int((1.2 * Double(size.absences) / Double(max(1, studentYears))).rounded(.up)))
        var written = 0
        outer: for p in pupils {
            for y in p.from...p.until {
                let days = schoolDays[y]
                guard !days.isEmpty else { continue }
                let take = min(days.count, perYear), offset = Int.random(in: 0..<days.count, using: &rng), stride = max(1, days.count / take)
                for k in 0..<take {
                    if written >= size.absences { break outer }
                    let day = days[(offset + k * stride) % days.count]
                    let authorised = Int.random(in: 0..<4, using: &rng) != 0
                    absenceWriter.row(ids.next(), schools[p.school], p.id, day.iso, Int.random(in: 0..<3, using: &rng) == 0 ? "2.0" : "5.5", bool(authorised),
                                      authorised ? "ZIEK" : "ONG", bool(false), "import", time(day))
                    written += 1
                }
            }
        }

        // Signals and the team's decisions: yellow and red incident bands, DUO reports, thuiszitters.
        let signalWriter = try open("signals", ["id", "school_id", "student_id", "rule", "period", "fired_on", "figures", "status", "raised_at"])
        let decisionWriter = try open("decisions", ["id", "signal_id", "student_id", "decision", "tier_before", "tier_after", "note", "decided_by", "decided_at"])
        var caseSignals: [(signal: String, pupil: Int, day: LocalDate)] = []
        for (index, p) in pupils.enumerated() {
            for y in p.from...p.until where !schoolDays[y].isEmpty {
                let roll = Double.random(in: 0..<1, using: &rng)
                let rule: String
                switch roll {
                case ..<0.10: rule = "incidents_yellow"
                case ..<0.13: rule = "incidents_red"
                case ..<0.16: rule = "absence_report"
                case ..<0.165: rule = "thuiszitter"
                default: continue
                }
                let day = schoolDays[y][Int.random(in: 0..<schoolDays[y].count, using: &rng)]
                let id = ids.next()
                signalWriter.row(id, schools[p.school], p.id, rule, rule == "thuiszitter" ? "since " + day.iso : years[y].name + " " + day.iso, day.iso, "[]",
                                 y == years.count - 1 ? "open" : "decided", time(day))
                if y < years.count - 1 || Int.random(in: 0..<2, using: &rng) == 0 {
                    let tier = rule == "incidents_red" || rule == "thuiszitter" ? 3 : 2
                    decisionWriter.row(ids.next(), id, p.id, "intensify", "1", String(tier), "", coordinators[p.school], time(day.adding(days: 7)))
                }
                if rule != "incidents_yellow" && Int.random(in: 0..<3, using: &rng) == 0 { caseSignals.append((id, index, day)) }
            }
        }

        // Interventions, a tenth delivered jointly with youth care.
        let interventionWriter = try open("interventions", ["id", "school_id", "name", "tier", "provider", "target", "evidence", "status", "created_at", "updated_at"])
        for s in schools {
            for i in 0..<12 {
                let provider: Provider = i % 10 == 0 ? .joint : (i % 3 == 0 ? .youthcare : .school)
                let target: InterventionTarget = i % 3 == 2 ? .individual : .group
                interventionWriter.row(ids.next(), s, "Interventie \(i + 1)", String(i % 3 + 1), provider.rawValue, target.rawValue, "", InterventionStatus.active.rawValue, now, now)
            }
        }

        // Cases from some signals: signal, first contact, start of support, with lead times of days to weeks.
        let caseWriter = try open("cases", ["id", "school_id", "student_id", "type", "lead_id", "basis", "note", "opened_by", "opened_at", "closed_on"])
        let stepWriter = try open("case_steps", ["id", "case_id", "step", "on_date", "note", "recorded_by", "recorded_at"])
        for c in caseSignals {
            let p = pupils[c.pupil], id = ids.next(), lead = coordinators[p.school]
            let contact = c.day.adding(days: Int.random(in: 1...14, using: &rng)), start = contact.adding(days: Int.random(in: 3...40, using: &rng))
            let closed = start.adding(days: 120) < today ? start.adding(days: 120).iso : ""
            caseWriter.row(id, schools[p.school], p.id, "support", lead, "consent", "", lead, time(c.day), closed)
            for (step, day) in [("signal", c.day), ("first_contact", contact), ("intervention_start", start)] where day <= today {
                stepWriter.row(ids.next(), id, step, day.iso, "", lead, time(day))
            }
        }

        // Staff questionnaires: the working-factors scan and the fidelity self-assessment, half the responses each,
        // through personal links (no account needed), last year.
        let questionnaireWriter = try open("questionnaires", ["id", "family_id", "version", "code", "definition", "created_at"])
        let waveWriter = try open("waves", ["id", "owner_id", "questionnaire_id", "name", "opens_on", "closes_on", "chain_id", "created_at", "minimum_cell", "target"])
        let responseWriter = try open("wave_personal_links", ["id", "wave_id", "school_id", "school_type", "role", "token_hash", "pair_key", "answers", "complete",
                                                              "created_at", "updated_at"])
        let surveys = [(EvaluationInstruments.workingFactorsScan, 2), (EvaluationInstruments.fidelitySelfAssessment, 4)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for (q, index) in surveys {
            let qid = QuestionnaireService.shippedFamily(index).uuidString
            questionnaireWriter.row(qid, qid, "1", q.code, String(decoding: try encoder.encode(q), as: UTF8.self), now)
            let wave = ids.next()
            waveWriter.row(wave, researcher, qid, q.title.nl + " (benchmark)", today.adding(days: -200).iso, today.adding(days: -170).iso, wave, now, "5", "staff")
            for n in 0..<size.responses / surveys.count {
                let s = n % schools.count
                var answers = QuestionnaireAnswers()
                for item in q.items {
                    switch item.kind {
                    case .scaled: answers.values[item.code] = Double(Int.random(in: 2...5, using: &rng))
                    case .fidelity: answers.values[item.code] = Double(Int.random(in: 0...2, using: &rng))
                    default: break
                    }
                }
                let t = time(today.adding(days: -185))
                responseWriter.row(ids.next(), wave, schools[s], types[s].rawValue, n % 3 == 0 ? "youthworker" : "teacher", ids.next(), "",
                                   String(decoding: try encoder.encode(answers), as: UTF8.self), bool(true), t, t)
            }
        }

        for (i, table) in tables.enumerated() {
            tables[i].rows = writers[table.name]!.rows
            try writers[table.name]!.close()
        }
        return tables
    }
}
