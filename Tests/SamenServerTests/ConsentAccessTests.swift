import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// What a youth-care worker sees of a student with consent given, absent,
/// expired and withdrawn; recording consent; and the audit trail.
@Suite("Consent and audit")
struct ConsentAccessTests {
    struct Case {
        var student: UUID
        var guardian: UUID
        var organisation: UUID
        var signal: UUID
    }

    /// A student of the youth-care worker's linked school, without consents, with a signal.
    func setUp(_ app: Application, _ world: TestWorld) async throws -> Case {
        let sql = app.db as! any SQLDatabase
        let student = world.student(in: world.homeOtherGroup).id
        try await clearSharing(app, student: student)
        _ = try await RuleEngine(db: app.db).raise([(student, RuleFinding(rule: .incidentsRed, date: .today(), figures: ["6"]))],
                                                   schoolID: world.home.id, now: Date())
        let signal = try await sql.raw("SELECT id FROM signals WHERE student_id = \(bind: student) ORDER BY raised_at DESC")
            .first(decodingColumn: "id", as: UUID.self)!
        let guardian = world.demo.links.first { $0.studentID == student }!.guardianID
        return Case(student: student, guardian: guardian, organisation: world.demo.organisation.id, signal: signal)
    }

    func give(_ client: Client, _ c: Case, parts: [String], givenOn: LocalDate = .today(), expiresOn: LocalDate? = nil) async throws -> ConsentJSON {
        struct Body: Encodable { var purpose = "share"; var organisation_id: UUID; var given_by = "guardian"; var guardian_id: UUID
                                 var given_on: String; var expires_on: String?; var parts: [String] }
        let response = try await client.json(.POST, "/api/v1/students/\(c.student)/consents",
                                             Body(organisation_id: c.organisation, guardian_id: c.guardian, given_on: givenOn.iso,
                                                  expires_on: expiresOn?.iso, parts: parts))
        #expect(response.status == .created, "\(response.text)")
        return try response.content.decode(ConsentJSON.self)
    }

    /// The statuses the worker gets for the student's page, API record, signal and consent status.
    func statuses(_ worker: Client, _ c: Case) async throws -> [UInt] {
        [try await worker.get("/students/\(c.student)").status.code,
         try await worker.get("/api/v1/students/\(c.student)").status.code,
         try await worker.get("/api/v1/signals/\(c.signal)").status.code,
         try await worker.get("/api/v1/students/\(c.student)/consents").status.code]
    }

    @Test("Without consent the youth-care worker finds nothing; with it, the parts consented; expired or withdrawn, nothing again at once")
    func consentStates() async throws {
        try await withSamen { app, world in
            let c = try await setUp(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let worker = try await Client.login(app, "youthworker")
            // Absent.
            #expect(try await statuses(worker, c) == [404, 404, 404, 404])
            let listed = try await worker.get("/api/v1/students?per_page=500").content.decode(SamenServer.Page<StudentRow>.self)
            #expect(!listed.items.contains { $0.id == c.student })
            // Given, support only: the student is there, the signal is not.
            let support = try await give(coordinator, c, parts: ["support"])
            #expect(support.state == "active")
            #expect(try await statuses(worker, c) == [200, 200, 404, 200])
            let page = try await worker.get("/students/\(c.student)").text
            #expect(page.contains("id=\"access-basis\""))
            #expect(!page.contains(world.demo.guardians.first { $0.id == c.guardian }!.name), "no family contact details")
            #expect(!page.contains("Onderzoekscode"), "no pseudonym")
            // Signals added by a second consent: both open.
            _ = try await give(coordinator, c, parts: ["signals"])
            #expect(try await statuses(worker, c) == [200, 200, 200, 200])
            // Withdrawn: the next request already finds nothing.
            for consent in try await coordinator.get("/api/v1/students/\(c.student)/consents").content.decode(Items<ConsentJSON>.self).items {
                let withdrawn = try await coordinator.json(.POST, "/api/v1/students/\(c.student)/consents/\(consent.id)/withdraw", ["note": "Ouder belde"])
                #expect(withdrawn.status == .ok)
                #expect(try withdrawn.content.decode(ConsentJSON.self).state == "withdrawn")
            }
            #expect(try await statuses(worker, c) == [404, 404, 404, 404])
            // Expired yesterday: nothing. Not yet valid (recorded for today, so only via the database): covered by the rules' tests.
            _ = try await give(coordinator, c, parts: ["support", "signals"], givenOn: .today().adding(days: -400), expiresOn: .today().adding(days: -1))
            #expect(try await statuses(worker, c) == [404, 404, 404, 404])
            // A consent for another organisation opens nothing to this one.
            let other = UUID()
            try await Organisation(id: other, regionID: world.demo.region.id, name: "Andere jeugdhulp").create(on: app.db)
            var elsewhere = c
            elsewhere.organisation = other
            _ = try await give(coordinator, elsewhere, parts: ["support", "signals"])
            #expect(try await statuses(worker, c) == [404, 404, 404, 404])
            // Staff see that youth care is involved, not what.
            let staffPage = try await coordinator.get("/students/\(c.student)").text
            #expect(staffPage.contains("id=\"involved\"") && staffPage.contains("Andere jeugdhulp"))
        }
    }

    @Test("The coordinator records consent by form; each wrong field is named; a teacher sees the status only")
    func recordByForm() async throws {
        try await withSamen { app, world in
            let c = try await setUp(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let bad = try await coordinator.form("/students/\(c.student)/consent",
                                                 ["purpose": "share", "organisation_id": "", "given_by": "guardian", "guardian_id": c.guardian.uuidString,
                                                  "given_on": LocalDate.today().adding(days: 3).iso, "parts[]": "support"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("Kies de jeugdhulporganisatie waarmee gedeeld wordt."))
            #expect(bad.text.contains("De datum van toestemming ligt in de toekomst"))
            #expect(try await ConsentService(sql: app.db as! any SQLDatabase).list(studentID: c.student).isEmpty, "nothing written")
            let good = try await coordinator.form("/students/\(c.student)/consent",
                                                  ["purpose": "share", "organisation_id": c.organisation.uuidString, "given_by": "guardian",
                                                   "guardian_id": c.guardian.uuidString, "given_on": LocalDate.today().iso, "parts[]": "support",
                                                   "note": "Gesprek met moeder"])
            #expect(good.status == .seeOther)
            let page = try await coordinator.get("/students/\(c.student)/consent").text
            #expect(page.contains("Delen met Jeugdhulp") && page.contains("Geldig") && page.contains("Gesprek met moeder"))
            // A teacher of another group: 404; the student's own... this student is not in the teacher's group.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/students/\(c.student)/consent").status == .notFound)
            let own = world.student(in: world.teacherGroup).id
            _ = try await give(coordinator, Case(student: own, guardian: world.demo.links.first { $0.studentID == own }!.guardianID,
                                                 organisation: c.organisation, signal: c.signal), parts: ["support"])
            let status = try await teacher.get("/students/\(own)/consent").text
            #expect(status.contains("Geldig"))
            #expect(!status.contains("Besproken") && !status.contains("consent-form"), "status only, no form")
            let api = try await teacher.get("/api/v1/students/\(own)/consents").content.decode(Items<ConsentJSON>.self).items
            #expect(api.allSatisfy { $0.guardian == nil && $0.note.isEmpty })
            // A withdrawn consent cannot be withdrawn twice.
            let consent = api.first { $0.purpose == "share" }!
            #expect(try await coordinator.json(.POST, "/api/v1/students/\(own)/consents/\(consent.id)/withdraw", [String: String]()).status == .ok)
            #expect(try await coordinator.json(.POST, "/api/v1/students/\(own)/consents/\(consent.id)/withdraw", [String: String]()).status == .conflict)
        }
    }

    @Test("Every look at a student's file is in the audit trail, with who, what and why; the coordinator can show it; the chain verifies")
    func auditTrail() async throws {
        try await withSamen { app, world in
            let c = try await setUp(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let worker = try await Client.login(app, "youthworker")
            _ = try await give(coordinator, c, parts: ["support", "signals"])
            _ = try await worker.get("/students/\(c.student)")
            _ = try await worker.get("/api/v1/signals/\(c.signal)")
            _ = try await worker.get("/students/\(world.student(in: world.teacherGroup).id)")  // 404: not logged as a read
            let entries = try await coordinator.get("/api/v1/students/\(c.student)/audit").content.decode(Items<AuditEntryJSON>.self).items
            let byWorker = entries.filter { $0.role == "youthworker" }
            #expect(byWorker.map(\.record_type).sorted() == ["GET /api/v1/signals/:signal", "GET /students/:student"])
            #expect(byWorker.allSatisfy { $0.purpose == "consent" && $0.actor.contains("Yasmina El Idrissi") })
            #expect(entries.contains { $0.role == "coordinator" && $0.action == "change" && $0.record_type == "POST /api/v1/students/:student/consents" })
            let page = try await coordinator.get("/students/\(c.student)/audit").text
            #expect(page.contains("Yasmina El Idrissi") && page.contains("jeugdhulp met toestemming"))
            let (count, problems) = try await AuditCommands.verify(app: app)
            #expect(count >= 5 && problems.isEmpty)
        }
    }

    @Test("Another writer appending between two of this server's batches: the chain stays whole, nothing is lost")
    func auditOtherWriter() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            _ = try await coordinator.get("/students")
            _ = try await coordinator.get("/students")
            // Another instance (or a command) links an entry after the head it takes and reads itself.
            let sql = app.db as! any SQLDatabase
            let other = AuditEntry.now(actorID: nil, actor: "samen (elders)", role: "admin", action: "read", recordType: "GET /students",
                                       recordID: "/students", studentID: nil, purpose: "administration", client: "192.0.2.7")
            _ = try await app.db.transaction { tx in try await AuditLog.link([other], after: nil, sql: tx as! any SQLDatabase) }
            // This server's log still holds the head from before; its next batch must follow the other entry.
            _ = try await coordinator.get("/students?page=2")
            _ = try await coordinator.get("/students?page=3")
            let (count, problems) = try await AuditCommands.verify(app: app)
            #expect(problems.isEmpty)
            #expect(count == 5)
            let clients = try await sql.raw("SELECT client FROM audit_entries ORDER BY seq").all(decodingColumn: "client", as: String.self)
            #expect(clients.count == 5 && clients[2] == "192.0.2.7")
            if sql.dialect.name == "sqlite" {
                // There the database itself refuses an entry that does not follow the head.
                var unlinked = other
                unlinked.seq = 99
                unlinked.previousHash = "0"
                unlinked.hash = "0"
                await #expect(throws: (any Error).self) { try await AuditLog.insert([unlinked], sql: sql) }
                #expect(try await AuditCommands.verify(app: app).problems.isEmpty)
            }
        }
    }

    @Test("The trail refuses changes; one changed or deleted behind its back is found by verify")
    func auditTamper() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            for group in [world.teacherGroup, world.homeOtherGroup] {
                _ = try await coordinator.get("/students/\(world.student(in: group).id)")
            }
            _ = try await coordinator.get("/students")
            let sql = app.db as! any SQLDatabase
            #expect(try await AuditCommands.verify(app: app).problems.isEmpty)
            // Append-only: an update or delete is refused by the database itself.
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_entries SET actor = 'x' WHERE seq = 2").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries WHERE seq = 2").run() }
            // Someone with the database's own rights switches that off: verify still finds it.
            let sqlite = sql.dialect.name == "sqlite"
            func bypass(_ statement: SQLQueryString) async throws {
                if sqlite {
                    try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_update").run()
                    try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_delete").run()
                } else {
                    try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change").run()
                }
                try await sql.raw(statement).run()
            }
            try await bypass("UPDATE audit_entries SET actor = 'Iemand anders' WHERE seq = 2")
            #expect(try await AuditCommands.verify(app: app).problems == [.changed(seq: 2)])
            try await bypass("DELETE FROM audit_entries WHERE seq = 2")
            #expect(try await AuditCommands.verify(app: app).problems == [.missing(after: 1, before: 3)])
            try await bypass("DELETE FROM audit_entries WHERE seq = (SELECT MAX(seq) FROM audit_entries)")
            // Three entries (two student pages, the list); 2 and 3 gone: the chain ends before its head.
            #expect(try await AuditCommands.verify(app: app).problems == [.truncated(last: 1, head: 3)])
        }
    }

    @Test("Removing a guardian who gave consent keeps them on record as its giver")
    func guardianKeptForConsent() async throws {
        try await withSamen { app, world in
            let c = try await setUp(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            _ = try await give(coordinator, c, parts: ["support"])
            let removed = try await coordinator.send(.DELETE, "/api/v1/students/\(c.student)/guardians/\(c.guardian)")
            #expect(removed.status == .noContent)
            let consents = try await coordinator.get("/api/v1/students/\(c.student)/consents").content.decode(Items<ConsentJSON>.self).items
            #expect(consents.first?.guardian_id == c.guardian && consents.first?.guardian != nil)
        }
    }
}
