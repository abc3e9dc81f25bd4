import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// Stores the generated demo region. Loads only into an empty database:
/// a database that already holds schools is left exactly as it is.
public enum DemoLoader {
    public enum Outcome: Sendable, Equatable {
        case loaded(schools: Int, students: Int, accounts: Int)
        case skippedExistingData
    }

    public static func load(into app: Application, seed: UInt64 = 2026, size: DemoRegion.Size = .full,
                            today: LocalDate = .today()) async throws -> Outcome {
        let demo = DemoRegion.generate(seed: seed, size: size, schoolYear: .containing(today))
        // One hash for all demo logins: they share the password "demo".
        let hash = try await app.password.async.hash(DemoRegion.demoPassword).get()
        return try await app.db.transaction { db in
            let schools = try await School.query(on: db).count()
            let accounts = try await Account.query(on: db).count()
            if schools > 0 || accounts > 0 { return .skippedExistingData }
            try await store(demo, passwordHash: hash, on: db)
            try await storeActivity(DemoActivity.generate(for: demo, today: today, seed: seed), demo: demo, today: today, on: db)
            try await storeConsents(demo, today: today, on: db)
            try await storeTeam(demo, today: today, on: db)
            try await storeCases(demo, today: today, on: db)
            try await storeProgrammes(demo, today: today, on: db)
            try await storeWaves(demo, today: today, seed: seed, on: db)
            return .loaded(schools: demo.schools.count, students: demo.students.count, accounts: demo.people.count)
        }
    }

    static func store(_ demo: DemoRegion, passwordHash: String, on db: Database) async throws {
        let sql = db as! any SQLDatabase
        try await Region(id: demo.region.id, name: demo.region.name, municipalities: demo.region.municipalities).create(on: db)
        try await Organisation(id: demo.organisation.id, regionID: demo.region.id, name: demo.organisation.name).create(on: db)
        try await demo.schools.map { School(id: $0.id, regionID: demo.region.id, code: $0.code, name: $0.name, type: $0.type, city: $0.city) }.create(on: db)
        var yearBySchool: [UUID: UUID] = [:]
        let years = demo.schools.map { school -> SchoolYear in
            let year = SchoolYear(id: UUID(), schoolID: school.id, period: demo.schoolYear)
            yearBySchool[school.id] = year.id
            return year
        }
        try await years.create(on: db)
        try await demo.groups.map { SchoolGroup(id: $0.id, schoolID: $0.schoolID, schoolYearID: yearBySchool[$0.schoolID]!, name: $0.name, level: $0.level) }
            .create(on: db)
        let now = Date()
        try await sql.bulkInsert("accounts", columns: ["id", "username", "password_hash", "role", "first_name", "particle", "last_name", "email",
                                                      "language", "active", "region_id", "organisation_id", "created_at"],
                                 rows: demo.people.map { p in
                                     [p.id, p.username, p.isDemoLogin ? passwordHash : nil, p.role.rawValue, p.name.first, p.name.particle, p.name.last,
                                      p.email, "nl", true, p.role == .region ? demo.region.id : nil, p.organisationID, now] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("account_schools", columns: ["id", "account_id", "school_id"],
                                 rows: demo.people.flatMap { p in p.schoolIDs.map { [UUID(), p.id, $0] as [any Encodable & Sendable] } })
        try await sql.bulkInsert("group_staff", columns: ["id", "group_id", "account_id", "is_mentor"],
                                 rows: demo.teaching.map { [UUID(), $0.groupID, $0.personID, $0.isMentor] as [any Encodable & Sendable] })
        try await sql.bulkInsert("students", columns: ["id", "school_id", "group_id", "number", "first_name", "particle", "last_name",
                                                      "sort_name", "search_text", "birth_date", "enrolled_on", "left_on", "pseudonym",
                                                      "created_at", "updated_at"],
                                 rows: demo.students.map { s in
                                     [s.id, s.schoolID, s.groupID, s.number, s.name.first, s.name.particle, s.name.last, s.name.sortKey,
                                      s.name.searchText, s.birthDate.iso, s.enrolled.iso, nil as String?, s.pseudonym, now, now] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("guardians", columns: ["id", "name", "email", "phone"],
                                 rows: demo.guardians.map { [$0.id, $0.name, $0.email, $0.phone] as [any Encodable & Sendable] })
        try await sql.bulkInsert("student_guardians", columns: ["id", "student_id", "guardian_id", "relation"],
                                 rows: demo.links.map { [UUID(), $0.studentID, $0.guardianID, $0.relation] as [any Encodable & Sendable] })
    }

    /// The schools' label lists, a year and a bit of incidents and
    /// compliments, the signals the rules raise on them, and the team's
    /// decisions on some of the oldest (so tiers differ).
    static func storeActivity(_ activity: DemoActivity, demo: DemoRegion, today: LocalDate, on db: Database) async throws {
        let sql = db as! any SQLDatabase
        let labels = LabelService(db: db)
        var labelID: [UUID: [String: UUID]] = [:]
        for school in demo.schools {
            try await labels.addDefaults(schoolID: school.id)
            for label in try await labels.labels(schoolID: school.id, includeArchived: true, language: .nl) {
                if let code = label.code { labelID[school.id, default: [:]][label.kind + "." + code] = label.id }
            }
        }
        let now = Date()
        // Recorded the moment it happened (Dutch winter time is close enough for a demo).
        func recordedAt(_ date: LocalDate, _ minute: Int) -> Date { Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + (minute - 60) * 60)) }
        func label(_ school: UUID, _ kind: LabelKind, _ code: String?) -> UUID? { code.flatMap { labelID[school]?[kind.rawValue + "." + $0] } }
        try await sql.bulkInsert("incidents", columns: ["id", "school_id", "school_year", "date", "minute", "weekday", "behaviour_id", "location_id",
                                                       "motivation_id", "action_id", "managed_by", "others_involved", "note", "status", "reporter_id",
                                                       "created_at", "updated_at"],
                                 rows: activity.incidents.map { i in
                                     [i.id, i.schoolID, SchoolYearPeriod.containing(i.date).name, i.date.iso, i.minute, i.date.weekday,
                                      label(i.schoolID, .behaviour, i.behaviour)!, label(i.schoolID, .location, i.location)!,
                                      label(i.schoolID, .motivation, i.motivation), label(i.schoolID, .action, i.action),
                                      i.managedBy.rawValue, i.others.rawValue, i.note, i.status.rawValue, i.reporterID,
                                      recordedAt(i.date, i.minute), recordedAt(i.date, i.minute)] as [any Encodable & Sendable]
                                 })
        try await sql.bulkInsert("incident_students", columns: ["id", "incident_id", "student_id", "role", "school_year"],
                                 rows: activity.incidents.flatMap { i in
                                     i.students.map { [UUID(), i.id, $0.id, $0.role.rawValue, SchoolYearPeriod.containing(i.date).name] as [any Encodable & Sendable] }
                                 })
        try await sql.bulkInsert("recognitions", columns: ["id", "school_id", "school_year", "student_id", "date", "minute", "weekday", "expectation_id",
                                                          "note", "staff_id", "created_at"],
                                 rows: activity.recognitions.map { r in
                                     [UUID(), r.schoolID, SchoolYearPeriod.containing(r.date).name, r.studentID, r.date.iso, r.minute, r.date.weekday,
                                      label(r.schoolID, .expectation, r.expectation)!, r.note, r.staffID, now] as [any Encodable & Sendable]
                                 })
        // One row per student, day, kind and reason (as the unique index wants): merge what the generator doubled.
        var merged: [String: DemoActivity.Absence] = [:]
        for a in activity.absences {
            let key = "\(a.studentID)|\(a.date.iso)|\(a.authorised)|\(a.reason)"
            if var existing = merged[key] { existing.hours = min(12, existing.hours + a.hours); merged[key] = existing } else { merged[key] = a }
        }
        try await sql.bulkInsert("absences", columns: ["id", "school_id", "student_id", "date", "hours", "periods", "authorised", "reason_code", "exempt",
                                                      "source", "created_at"],
                                 rows: merged.values.sorted { ($0.date, $0.studentID.uuidString) < ($1.date, $1.studentID.uuidString) }.map { a in
                                     [UUID(), a.schoolID, a.studentID, a.date.iso, a.hours, nil as Int?, a.authorised, a.reason,
                                      AbsenceRules.isExemption(a.reason), "import", now] as [any Encodable & Sendable]
                                 })
        // Every school's breaks and public holidays, this school year and the one before.
        let holidays = HolidayService(sql: sql)
        let thisYear = SchoolYearPeriod.containing(today)
        let periods = DemoActivity.holidays(SchoolYearPeriod(startYear: thisYear.startYear - 1)) + DemoActivity.holidays(thisYear)
        for school in demo.schools { _ = try await holidays.add(periods, schoolID: school.id, now: now) }
        let pyramids = PyramidService(db: db)
        var cicoID: [UUID: UUID] = [:]
        var planID: [UUID: UUID] = [:]
        for (schoolID, fields) in activity.interventions {
            let id = try await pyramids.create(fields, schoolID: schoolID, now: now)
            if fields.name == "Check-In/Check-Out" { cicoID[schoolID] = id }
            if fields.name == "Individueel begeleidingsplan" { planID[schoolID] = id }
        }
        try await storeCheckInCheckOut(demo, activity: activity, interventions: cicoID, plans: planID, today: today, on: db)
        try await storeScreening(demo, activity: activity, today: today, on: db)
        let engine = RuleEngine(db: db)
        for school in demo.schools {
            try await engine.evaluate(schoolID: school.id, today: today, now: now)
            try await engine.evaluateAbsence(schoolID: school.id, today: today, now: now)
        }
        // The team has met on half of the red signals older than two weeks: Tier II, review in six weeks.
        let coordinators = Dictionary(demo.people.filter { $0.role == .coordinator }.flatMap { p in p.schoolIDs.map { ($0, p.id) } },
                                      uniquingKeysWith: { a, _ in a })
        let red = try await sql.raw("""
            SELECT id, school_id, student_id, fired_on FROM signals
            WHERE rule = 'incidents_red' AND fired_on <= \(bind: today.adding(days: -14).iso) ORDER BY fired_on, id
            """).all()
        for (n, row) in red.enumerated() where n % 2 == 0 {
            let school = try row.decode(column: "school_id", as: UUID.self)
            guard let coordinator = coordinators[school], let fired = LocalDate(iso: try row.decode(column: "fired_on", as: String.self)) else { continue }
            let decided = fired.adding(days: 7)
            let signalID = try row.decode(column: "id", as: UUID.self)
            try await sql.insert(into: "decisions")
                .columns("id", "signal_id", "student_id", "decision", "tier_before", "tier_after", "review_by", "note", "decided_by", "owner_id", "decided_at")
                .values(SQLBind(UUID()), SQLBind(signalID), SQLBind(try row.decode(column: "student_id", as: UUID.self)),
                        SQLBind(DecisionKind.intensify.rawValue), SQLBind(1), SQLBind(2), SQLBind(decided.adding(days: 42).iso),
                        SQLBind("Aanmelden voor Check-In/Check-Out; mentor en jeugdhulp bespreken het plan met ouders."),
                        SQLBind(coordinator), SQLBind(coordinator), SQLBind(Date(timeIntervalSince1970: Double(decided.dayNumber) * 86_400 + 15 * 3600)))
                .run()
            try await sql.update("signals").set("status", to: SQLBind(SignalStatus.decided.rawValue)).where("id", .equal, SQLBind(signalID)).run()
        }
        // Outside the demo coordinator's school, the thuiszitters have a case lead already; at hers, no one yet.
        let away = try await sql.raw("SELECT id, school_id, student_id FROM signals WHERE rule = 'thuiszitter' AND school_id <> \(bind: demo.schools[0].id)").all()
        for row in away {
            guard let coordinator = coordinators[try row.decode(column: "school_id", as: UUID.self)] else { continue }
            let signalID = try row.decode(column: "id", as: UUID.self)
            try await sql.insert(into: "decisions")
                .columns("id", "signal_id", "student_id", "decision", "tier_before", "tier_after", "review_by", "note", "decided_by", "owner_id", "decided_at")
                .values(SQLBind(UUID()), SQLBind(signalID), SQLBind(try row.decode(column: "student_id", as: UUID.self)),
                        SQLBind(DecisionKind.refer.rawValue), SQLBind(1), SQLBind(3), SQLBind(today.adding(days: 14).iso),
                        SQLBind("Overleg met leerplicht en jeugdhulp; passend aanbod zoeken."), SQLBind(coordinator), SQLBind(coordinator), SQLBind(now))
                .run()
            try await sql.update("signals").set("status", to: SQLBind(SignalStatus.decided.rawValue)).where("id", .equal, SQLBind(signalID)).run()
        }
    }

    /// Check-In/Check-Out at the demo coordinator's school and at the VO
    /// school: the students with most incidents this year, six weeks of point
    /// cards; one improving to above the goal, one staying below it. The demo
    /// teacher fills in the cards of the home school's students. At the home
    /// school the third of them has an individual plan (Tier III) measured
    /// by a count: times sent out of class, falling towards the goal.
    static func storeCheckInCheckOut(_ demo: DemoRegion, activity: DemoActivity, interventions: [UUID: UUID], plans: [UUID: UUID], today: LocalDate,
                                     on db: Database) async throws {
        var rng = SeededGenerator(seed: 99)
        let year = SchoolYearPeriod.containing(today)
        var days: [LocalDate] = []
        var day = today
        while days.count < 30 && day >= year.start {
            if DemoActivity.isSchoolDay(day) && day < today { days.insert(day, at: 0) }
            day = day.adding(days: -1)
        }
        guard days.count >= 10 else { return }
        let teacher = demo.people.first { $0.username == "teacher" }?.id
        let service = EnrolmentService(db: db)
        for school in [demo.schools[0], demo.schools.first { $0.type == .vo }].compactMap({ $0 }) {
            guard let intervention = interventions[school.id] else { continue }
            var counts: [UUID: Int] = [:]
            for incident in activity.incidents where incident.schoolID == school.id && incident.date >= year.start {
                for s in incident.students { counts[s.id, default: 0] += 1 }
            }
            let all = counts.sorted { ($0.value, $0.key.uuidString) > ($1.value, $1.key.uuidString) }.map(\.key)
            let ranked = all.prefix(2)
            if school.id == demo.schools[0].id, all.count > 2, let plan = plans[school.id],
               let coordinator = demo.people.first(where: { $0.role == .coordinator && $0.schoolIDs.contains(school.id) })?.id {
                let fields = EnrolmentFields(goal: 0.8, start: days[0], review: days[0].adding(days: 56), expectations: [], periods: 0)
                let measure = MeasurementPlan(type: .count, measure: "Keer uit de les gestuurd", goal: 1, direction: .atMost)
                let id = try await service.create(studentID: all[2], schoolID: school.id, interventionID: plan, fields, plan: measure,
                                                  teacherID: teacher, youthworkerID: nil)
                if let enrolment = try await service.list(for: Viewer(accountID: UUID(), role: .admin), studentID: all[2]).first(where: { $0.id == id }) {
                    for (i, date) in days.enumerated() {
                        let expected = 3.2 * (1 - Double(i) / Double(days.count)) + Double.random(in: -0.6...0.6, using: &rng)
                        _ = try await service.save(DailyFigure(date: date, value: max(0, expected.rounded())), plan: measure, enrolment: enrolment,
                                                   by: teacher ?? coordinator, now: Date())
                    }
                }
            }
            for (n, student) in ranked.enumerated() {
                let group = demo.students.first { $0.id == student }?.groupID
                let coordinator = demo.people.first { $0.role == .coordinator && $0.schoolIDs.contains(school.id) }!.id
                let mentor = school.id == demo.schools[0].id ? teacher : demo.teaching.first { $0.groupID == group && $0.isMentor }?.personID
                let fields = EnrolmentFields(goal: 0.8, start: days[0], review: days[0].adding(days: 56),
                                             expectations: ["Respectvol", "Verantwoordelijk", "Veilig"], periods: 6)
                // At the demo school the first check-in/check-out student is the demo youth-care worker's, in a pair with the teacher.
                let worker = school.id == demo.schools[0].id && n == 0 ? demo.people.first { $0.username == "youthworker" }?.id : nil
                let id = try await service.create(studentID: student, schoolID: school.id, interventionID: intervention, fields,
                                                  teacherID: mentor, youthworkerID: worker)
                guard let enrolment = try await service.list(for: Viewer(accountID: UUID(), role: .admin), studentID: student).first(where: { $0.id == id }) else { continue }
                for (i, date) in days.enumerated() {
                    // The first student climbs from about 55% to 90%; the second stays around 60%.
                    let target = n == 0 ? 0.55 + 0.35 * Double(i) / Double(days.count - 1) : 0.6 + Double.random(in: -0.08...0.08, using: &rng)
                    let ratings = (0..<3).map { _ in (0..<6).map { _ -> Int? in
                        let x = Double.random(in: 0..<1, using: &rng)
                        return x < target * target ? 2 : (x < target ? 1 : 0)
                    } }
                    _ = try await service.save(PointCard(date: date, ratings: ratings), enrolment: enrolment, by: mentor ?? coordinator, now: Date())
                }
            }
        }
    }

    /// Consents at the demo school, so the youth-care worker sees some
    /// students and not others: sharing for the pair's check-in/check-out
    /// student (support and signals) and for the student measured daily
    /// (every part); one consent withdrawn, one expired, and research
    /// consents for a few more. Given by a guardian of each student.
    static func storeConsents(_ demo: DemoRegion, today: LocalDate, on db: Database) async throws {
        let sql = db as! any SQLDatabase
        let school = demo.schools[0].id
        guard let coordinator = demo.people.first(where: { $0.role == .coordinator && $0.schoolIDs.contains(school) })?.id else { return }
        let enrolled = try await sql.raw("""
            SELECT e.student_id FROM enrolments e WHERE e.school_id = \(bind: school)
            ORDER BY CASE WHEN e.youthworker_id IS NULL THEN 1 ELSE 0 END, e.start_on, e.student_id
            """).all().map { try $0.uuid("student_id") }
        let withSignals = try await sql.raw("""
            SELECT DISTINCT student_id FROM signals WHERE school_id = \(bind: school) ORDER BY student_id
            """).all().map { try $0.uuid("student_id") }.filter { !enrolled.contains($0) }
        let service = ConsentService(sql: sql)
        func give(_ student: UUID, _ purpose: ConsentPurpose, parts: Set<ConsentPart> = [], daysAgo: Int, runs: Int? = nil) async throws -> UUID? {
            guard let parent = try await StudentGuardian.query(on: db).filter(\.$student.$id == student).sort(\.$guardian.$id).first()?.$guardian.id else {
                return nil
            }
            let given = today.adding(days: -daysAgo)
            let terms = ConsentTerms(purpose: purpose, organisationID: purpose == .share ? demo.organisation.id : nil,
                                     givenBy: .guardian, guardianID: parent, givenOn: given, expiresOn: runs.map { given.adding(days: $0) },
                                     parts: parts, note: purpose == .share ? "Besproken in het ondersteuningsteam." : "")
            return try await service.create(terms, studentID: student, by: coordinator, now: Date())
        }
        if enrolled.count > 0 { _ = try await give(enrolled[0], .share, parts: [.support, .signals], daysAgo: 40, runs: 365) }
        if enrolled.count > 1 { _ = try await give(enrolled[1], .share, parts: Set(ConsentPart.allCases), daysAgo: 70) }
        if withSignals.count > 0, let id = try await give(withSignals[0], .share, parts: [.support, .signals, .absence], daysAgo: 120) {
            try await service.withdraw(id, by: coordinator, note: "Ouder trekt toestemming in na gesprek.", now: Date().addingTimeInterval(-9 * 86_400))
        }
        if withSignals.count > 1 { _ = try await give(withSignals[1], .share, parts: [.support], daysAgo: 420, runs: 380) }
        for student in withSignals.dropFirst(2).prefix(4) { _ = try await give(student, .research, daysAgo: 200) }
    }

    /// The ISF team of the demo school: the coordinator chairs, the leader reads the data,
    /// the demo teacher and the youth-care worker are members; a meeting held two weeks ago
    /// (minutes, a decision, an action done and one overdue) and one planned next week,
    /// its agenda made from the data.
    static func storeTeam(_ demo: DemoRegion, today: LocalDate, on db: Database) async throws {
        let school = demo.schools[0].id
        let teams = TeamService(db: db)
        func person(_ username: String) -> UUID? { demo.people.first { $0.username == username }?.id }
        guard let coordinator = person("coordinator"), let leader = person("leader"), let teacher = person("teacher"),
              let worker = person("youthworker") else { return }
        for (id, role) in [(coordinator, TeamRole.chair), (leader, .dataAnalyst), (teacher, .member), (worker, .youthCarePartner)] {
            try await teams.addMember(accountID: id, role: role, schoolID: school)
        }
        try await teams.setAgreements(TeamAgreements(hours: "Elke tweede dinsdag, 14.30–16.00 uur (anderhalf uur, ook voor de jeugdhulppartner)",
                                                     tiers: [.two, .three], steering: "De intern begeleider; de jeugdhulppartner bij casussen met jeugdhulp"),
                                      schoolID: school)
        let held = try await teams.plan(MeetingFields(date: today.adding(days: -14), title: "Ondersteuningsteam"), schoolID: school, by: coordinator, language: .nl)
        try await teams.saveMinutes("Aanwezig: intern begeleider (voorzitter), directeur, leerkracht groep 7a, jeugdhulppartner.\n"
                                    + "De signalen van groep 7a besproken; voor één leerling Check-In/Check-Out gestart, met de jeugdhulppartner als maatje van de leerkracht.",
                                    meetingID: held)
        _ = try await teams.addAction(ActionFields(text: "Ouders uitnodigen voor een gesprek over de aanpak", ownerID: teacher, due: today.adding(days: -4)),
                                      meetingID: held, by: coordinator)
        let done = try await teams.addAction(ActionFields(text: "Kaart en doelen met de leerling doornemen", ownerID: worker, due: today.adding(days: -7)),
                                             meetingID: held, by: coordinator)
        try await teams.markDone(actionID: done, meetingID: held, by: worker)
        _ = try await teams.addAction(ActionFields(text: "Verzuimcijfers groep 5 en 6 voorbereiden", ownerID: leader, due: today.adding(days: 7)),
                                      meetingID: held, by: coordinator)
        _ = try await teams.plan(MeetingFields(date: today.adding(days: 7), title: "Ondersteuningsteam"), schoolID: school, by: coordinator, language: .nl)
    }

    /// Cases at the demo school: a thuiszitter on the way back, with the youth-care worker assigned
    /// under the Compulsory Education Act; a referral for the pair's student on consent; a search
    /// for a fitting school place; and closed support cases over the past months, so the lead
    /// times per month have figures.
    static func storeCases(_ demo: DemoRegion, today: LocalDate, on db: Database) async throws {
        let sql = db as! any SQLDatabase
        let school = demo.schools[0].id
        func person(_ username: String) -> UUID? { demo.people.first { $0.username == username }?.id }
        guard let coordinator = person("coordinator"), let worker = person("youthworker") else { return }
        let cases = CaseService(db: db)
        func open(_ student: UUID, _ type: CaseType, lead: UUID, worker: UUID? = nil, basis: CaseBasis = .consent, steps: [Int], note: String = "") async throws {
            let opened = today.adding(days: -steps[0])
            let id = try await cases.open(CaseFields(type: type, leadID: lead, organisationID: worker == nil ? nil : demo.organisation.id, workerID: worker,
                                                     basis: basis, openedOn: opened, note: note),
                                          studentID: student, schoolID: school, signalID: nil, by: coordinator)
            for (n, daysAgo) in steps.dropFirst().enumerated() {
                let c = try await cases.find(id, for: Viewer(accountID: coordinator, role: .admin))
                try await cases.record(type.steps[n + 1], on: today.adding(days: -daysAgo), note: "", case: c, by: coordinator, today: today)
            }
        }
        let thuiszitters = try await sql.raw("""
            SELECT DISTINCT student_id FROM signals WHERE school_id = \(bind: school) AND rule = 'thuiszitter' ORDER BY student_id
            """).all().map { try $0.uuid("student_id") }
        let enrolled = try await sql.raw("""
            SELECT e.student_id FROM enrolments e WHERE e.school_id = \(bind: school) AND e.youthworker_id IS NOT NULL ORDER BY e.student_id
            """).all().map { try $0.uuid("student_id") }
        let others = try await sql.raw("""
            SELECT DISTINCT s.student_id FROM signals s WHERE s.school_id = \(bind: school) AND s.rule LIKE 'incidents%'
              AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.student_id = s.student_id) ORDER BY s.student_id
            """).all().map { try $0.uuid("student_id") }.filter { !enrolled.contains($0) && !thuiszitters.contains($0) }
        if let t = thuiszitters.first {
            try await open(t, .thuiszitter, lead: worker, worker: worker, basis: .compulsoryEducation, steps: [45, 41, 30],
                           note: "Samen met de leerplichtambtenaar; eerst twee ochtenden per week.")
        }
        if let e = enrolled.first {
            try await open(e, .referral, lead: coordinator, worker: worker, steps: [90, 84, 70, 28], note: "Gezinsbegeleiding naast Check-In/Check-Out.")
        }
        let closed: [[Int]] = [[200, 195, 180, 120, 110], [150, 141, 130, 75, 70], [100, 98, 85, 40, 35]]
        for (student, steps) in zip(others.prefix(3), closed) { try await open(student, .support, lead: coordinator, steps: steps) }
        if others.count > 3 { try await open(others[3], .schoolPlace, lead: coordinator, steps: [60, 55, 20], note: "Onderzoek naar een plek in het SO.") }
    }

    /// A screening round with the example instrument at every school, rated
    /// by each group's mentor: the autumn round once it has closed, else the
    /// spring round of the year before. At the demo coordinator's school a
    /// second round is open now, rated by every mentor except the demo
    /// teacher, who finds their group waiting.
    static func storeScreening(_ demo: DemoRegion, activity: DemoActivity, today: LocalDate, on db: Database) async throws {
        var rng = SeededGenerator(seed: 77)
        let service = ScreeningService(db: db)
        guard let example = try await service.instrument(M0022CreateScreening.exampleID) else { return }
        let year = SchoolYearPeriod.containing(today)
        let autumnCloses = LocalDate(year: year.startYear, month: 10, day: 16)!
        let closed = today > autumnCloses
            ? ScreeningRoundFields(name: "Najaar \(year.startYear)", opens: LocalDate(year: year.startYear, month: 9, day: 28)!, closes: autumnCloses)
            : ScreeningRoundFields(name: "Voorjaar \(year.startYear)", opens: LocalDate(year: year.startYear, month: 4, day: 6)!,
                                   closes: LocalDate(year: year.startYear, month: 4, day: 24)!)
        let open = ScreeningRoundFields(name: "Tussenmeting", opens: today.adding(days: -7), closes: today.adding(days: 14))
        var incidents: [UUID: Int] = [:]
        for incident in activity.incidents where incident.date >= closed.closes.adding(days: -120) && incident.date <= closed.closes {
            for s in incident.students { incidents[s.id, default: 0] += 1 }
        }
        let mentors = Dictionary(demo.teaching.filter(\.isMentor).map { ($0.groupID, $0.personID) }, uniquingKeysWith: { a, _ in a })
        let demoTeacher = demo.people.first { $0.username == "teacher" }?.id
        let byGroup = Dictionary(grouping: demo.students, by: \.groupID)
        for school in demo.schools {
            let coordinator = demo.people.first { $0.role == .coordinator && $0.schoolIDs.contains(school.id) }?.id
            var rounds = [closed]
            if school.id == demo.schools[0].id { rounds.append(open) }
            for fields in rounds {
                let id = try await service.createRound(schoolID: school.id, instrumentID: example.id, fields, informant: .teacher, by: coordinator ?? UUID())
                guard let round = try await service.round(id) else { continue }
                for group in demo.groups where group.schoolID == school.id {
                    // The demo teacher's group waits for them in the open round.
                    let mentor = group.id == demo.groups.first(where: { g in demo.teaching.contains { $0.groupID == g.id && $0.personID == demoTeacher && $0.isMentor } })?.id
                        ? demoTeacher : mentors[group.id]
                    guard let rater = mentor ?? coordinator else { continue }
                    if fields.name == open.name && rater == demoTeacher { continue }
                    let entries = (byGroup[group.id] ?? []).filter { $0.enrolled <= fields.closes }
                        .map { (student: $0.id, answers: DemoScreening.answers(incidents: incidents[$0.id] ?? 0, rng: &rng)) }
                    _ = try await service.save(entries, round: round, instrument: example.definition, by: rater,
                                               now: Date(timeIntervalSince1970: Double(min(fields.closes, today).dayNumber) * 86_400 + 14 * 3600))
                }
            }
        }
    }
}
