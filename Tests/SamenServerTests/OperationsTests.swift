import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Operations: retention, a student's export, backup, the nightly jobs' lease, metrics")
struct OperationsTests {
    func count(_ sql: any SQLDatabase, _ table: String, _ condition: SQLQueryString = "1 = 1") async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(condition)").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    @Test("Retention removes the whole file of a student who left over two years ago, absence over five years old and cases closed over three years ago; nothing else; a dry run removes nothing; the run is audited")
    func retention() async throws {
        try await withSamen { app, world in
            let sql = app.db as! any SQLDatabase
            let today = LocalDate.today()
            let gone = world.student(in: world.teacherGroup), staying = world.student(in: world.homeOtherGroup)
            // A student with two incidents (one shared), guardians and what the demo gave them, who then left three years ago.
            let coordinator = try await Client.login(app, "coordinator")
            struct Incident: Encodable { var students: [[String: String]]; var date: String; var time: String; var behaviour_id: String; var location_id: String }
            let labels = try await sql.raw("SELECT id, kind FROM labels WHERE school_id = \(bind: world.home.id)").all()
            let behaviour = try #require(try labels.first { try $0.decode(column: "kind", as: String.self) == "behaviour" }?.uuid("id"))
            let location = try #require(try labels.first { try $0.decode(column: "kind", as: String.self) == "location" }?.uuid("id"))
            for students in [[gone.id], [gone.id, staying.id]] {
                let made = try await coordinator.json(.POST, "/api/v1/incidents", Incident(students: students.map { ["student_id": $0.uuidString] }, date: today.iso,
                                                                                           time: "10:00", behaviour_id: behaviour.uuidString, location_id: location.uuidString))
                #expect(made.status == .created)
            }
            try await sql.raw("UPDATE students SET left_on = \(bind: today.addingYears(-3).iso) WHERE id = \(bind: gone.id)").run()
            let old = today.addingYears(-6)
            try await sql.insert(into: "absences").columns("id", "school_id", "student_id", "date", "hours", "authorised", "reason_code", "exempt", "source", "created_at")
                .values(SQLBind(UUID()), SQLBind(world.home.id), SQLBind(staying.id), SQLBind(old.iso), SQLBind(2.0), SQLBind(false), SQLBind(""), SQLBind(false),
                        SQLBind("manual"), SQLBind(Date()))
                .run()
            let absencesBefore = try await count(sql, "absences")
            let studentsBefore = try await count(sql, "students")

            let dry = try await RetentionService(db: app.db).run(RetentionPeriods(), today: today, dryRun: true)
            #expect(dry.rows("students") == 1 && dry.rows("incidents") >= 1 && dry.rows("incident_students") >= 2, "\(dry.removed)")
            #expect(try await count(sql, "students") == studentsBefore, "a dry run removes nothing")

            let report = try await RetentionService(db: app.db).run(RetentionPeriods(), today: today, audit: app)
            #expect(report == RetentionReport(periods: RetentionPeriods(), today: today, removed: dry.removed), "\(report.removed) against \(dry.removed)")
            #expect(try await count(sql, "students", "id = \(bind: gone.id)") == 0)
            #expect(try await count(sql, "students") == studentsBefore - 1)
            for table in ["incident_students", "absences", "signals", "consents", "student_guardians", "recognitions", "enrolments", "cases"] {
                #expect(try await count(sql, table, "student_id = \(bind: gone.id)") == 0, "\(table)")
            }
            // The shared incident stays for the other student; the old absence went, the rest stayed.
            #expect(try await count(sql, "incident_students", "student_id = \(bind: staying.id)") >= 1)
            #expect(try await count(sql, "absences", "date = \(bind: old.iso)") == 0)
            #expect(try await count(sql, "absences") == absencesBefore - report.rows("absences"))
            // Audited, in counts; the chain is whole.
            #expect(try await count(sql, "audit_entries", "action = 'retention'") == 1)
            #expect(try await AuditCommands.verify(app: app).problems.isEmpty)
            // A second run finds nothing more.
            #expect(try await RetentionService(db: app.db).run(RetentionPeriods(), today: today).total == 0)
        }
    }

    @Test("A student's export holds their data, says to check free text for others' names, leaves out other students, and is audited; an unknown number is refused")
    func export() async throws {
        try await withSamen { app, world in
            let student = world.student(in: world.teacherGroup)
            let number = try #require(try await (app.db as! any SQLDatabase).raw("SELECT number FROM students WHERE id = \(bind: student.id)")
                .first(decodingColumn: "number", as: String.self))
            let text = try await StudentExport.text(number: number, schoolCode: world.home.code, language: .nl, app: app)
            #expect(text.contains(student.name.display) && text.contains("Leerlingnummer: \(number)") && text.contains("Ouders en verzorgers"))
            #expect(text.contains("controleer die op namen van anderen") && text.contains("Wie het dossier las of wijzigde"))
            let other = world.student(in: world.homeOtherGroup)
            #expect(!text.contains(other.name.display))
            let english = try await StudentExport.text(number: number, schoolCode: world.home.code, language: .en, app: app)
            #expect(english.contains("Data in Samen about") && english.contains("Who read or changed the file"))
            #expect(try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'export'")
                .first(decodingColumn: "n", as: Int.self) == 2)
            await #expect(throws: StudentExport.Failure.self) { try await StudentExport.text(number: "nope", schoolCode: world.home.code, language: .nl, app: app) }
        }
    }

    @Test("A backup is a whole Samen database taken while the app runs; a file that is not one is refused")
    func backup() async throws {
        try await withSamen { app, _ in
            guard case .sqlite = app.samenConfig.database else { return }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("samen-backup-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await Backup.sqlite(app: app, to: file)
            try await Backup.check(sqliteFile: file, app: app)
            await #expect(throws: Backup.Failure.exists(file)) { try await Backup.sqlite(app: app, to: file) }
            let junk = file + ".txt"
            try "not a database".write(toFile: junk, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: junk) }
            await #expect(throws: (any Error).self) { try await Backup.check(sqliteFile: junk, app: app) }
        }
    }

    @Test("A nightly job is claimed by one instance a day; a run left unfinished for an hour is taken over")
    func lease() async throws {
        try await withSamen { app, _ in
            let today = LocalDate.today()
            let first = try await JobScheduler.claim(.rules, day: today, db: app.db, instance: "a:1")
            let second = try await JobScheduler.claim(.rules, day: today, db: app.db, instance: "b:2")
            #expect(first != nil && second == nil)
            #expect(try await JobScheduler.claim(.retention, day: today, db: app.db, instance: "b:2") != nil, "another job is its own")
            try await (app.db as! any SQLDatabase).raw("UPDATE job_runs SET started_at = \(bind: Date().addingTimeInterval(-7200)) WHERE id = \(bind: first!)").run()
            #expect(try await JobScheduler.claim(.rules, day: today, db: app.db, instance: "b:2") == first)
            // Due only from its hour on; run once it is due, then recorded as finished.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam")!
            let tomorrowNoon = calendar.date(byAdding: .day, value: 1, to: calendar.date(bySettingHour: 12, minute: 0, second: 0, of: Date())!)!
            await JobScheduler.runIfDue(.rules, app: app, now: tomorrowNoon)
            let finished = try await (app.db as! any SQLDatabase).raw("SELECT summary FROM job_runs WHERE job = 'rules' AND day = \(bind: LocalDate.today(now: tomorrowNoon).iso)")
                .first(decodingColumn: "summary", as: String?.self)
            #expect(finished??.contains("schools") == true)
        }
    }

    @Test("/metrics counts requests by route pattern, never a concrete path, and the open signals; only for the machine itself or with the token")
    func metrics() async throws {
        try await withSamen { app, world in
            app.samenConfig.metricsToken = "metrics-token-for-the-test"
            let coordinator = try await Client.login(app, "coordinator")
            _ = try await coordinator.get("/students/\(world.student(in: world.teacherGroup).id)")
            #expect(try await Client(app).get("/metrics").status == .forbidden)
            let metrics = try await Client(app).send(.GET, "/metrics", headers: ["Authorization": "Bearer metrics-token-for-the-test"])
            #expect(metrics.status == .ok && metrics.headers.contentType?.type == "text")
            #expect(metrics.text.contains("samen_http_requests_total{method=\"GET\",route=\"/students/:student\",status=\"200\"} 1"))
            #expect(!metrics.text.contains(world.student(in: world.teacherGroup).id.uuidString))
            #expect(metrics.text.contains("samen_http_request_duration_seconds_bucket") && metrics.text.contains("samen_open_signals{school=\"\(world.home.code)\"}"))
        }
    }
}
