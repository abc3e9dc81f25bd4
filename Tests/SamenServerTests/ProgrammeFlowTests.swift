import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("The Respect programme: library, runs, pairs, delivered meetings and the expectations matrix")
struct ProgrammeFlowTests {
    func person(_ world: TestWorld, _ username: String) -> UUID { world.demo.people.first { $0.username == username }!.id }

    /// The coordinator's own copy of the shipped Respect programme, and a run of it started today with the demo pair.
    func startRun(_ app: Application, _ world: TestWorld, coordinator: Client) async throws -> (programme: ProgrammeJSON, run: RunJSON, pair: PairJSON) {
        let copied = try await coordinator.json(.POST, "/api/v1/programmes/\(ProgrammeService.respectFamily)/copy", ["school_id": world.home.id.uuidString])
        #expect(copied.status == .created, "\(copied.text)")
        let programme = try copied.content.decode(ProgrammeJSON.self)
        let started = try await coordinator.json(.POST, "/api/v1/programmes/\(programme.id)/runs",
                                                 ["title": "Respect groep 7", "starts_on": LocalDate.today().adding(days: -14).iso])
        #expect(started.status == .created, "\(started.text)")
        let run = try started.content.decode(RunJSON.self)
        let formed = try await coordinator.form("/runs/\(run.id)/pairs", ["teacher_id": world.account.id.uuidString,
                                                                          "youthworker_id": person(world, "youthworker").uuidString,
                                                                          "group_id": world.teacherGroup.id.uuidString])
        #expect(formed.status == .seeOther)
        let pair = try #require(try await ProgrammeService(db: app.db).pairs(runID: run.id).first)
        return (programme, run, pair)
    }

    @Test("A school copies and adapts the programme (versions kept); a pair logs a delivered meeting with attendance, fidelity and both partners' reflections")
    func runAndDeliver() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let (programme, run, pair) = try await startRun(app, world, coordinator: coordinator)
            #expect(programme.school_id == world.home.id && programme.version == 1 && programme.definition.sessions.count == 8)

            // Adapting makes version 2; version 1 and the run on it are unchanged; only the latest version is adapted.
            var adapted = programme.definition
            adapted.sessions[4].materials = BilingualText("Twee casussen")
            let v2 = try await coordinator.json(.POST, "/api/v1/programmes/\(programme.id)/versions", adapted)
            #expect(v2.status == .created, "\(v2.text)")
            let second = try v2.content.decode(ProgrammeJSON.self)
            #expect(second.version == 2 && second.family_id == programme.family_id && second.definition.sessions[4].materials.nl == "Twee casussen")
            #expect(try await coordinator.json(.POST, "/api/v1/programmes/\(programme.id)/versions", adapted).status == .conflict)
            #expect(try await coordinator.get("/programmes/\(ProgrammeService.respectFamily)/edit").status == .conflict)
            #expect(try await coordinator.get("/api/v1/runs/\(run.id)").content.decode(RunJSON.self).version == 1)

            // The teacher logs meeting 1 with two of its three checklist points and a reflection.
            let teacher = try await Client.login(app, "teacher")
            let logged = try await teacher.form("/runs/\(run.id)/sessions/1", ["pair_id": pair.id.uuidString, "date": LocalDate.today().iso,
                                                                              "present": "24", "expected": "26", "fidelity[]": "m1a",
                                                                              "reflection": "<script>alert(1)</script> ging goed"])
            #expect(logged.status == .seeOther)
            #expect(try await teacher.form("/runs/\(run.id)/sessions/1", ["pair_id": pair.id.uuidString, "date": LocalDate.today().iso,
                                                                          "present": "24", "expected": "26"]).status == .conflict)
            let tooMany = try await teacher.form("/runs/\(run.id)/sessions/2", ["pair_id": pair.id.uuidString, "date": LocalDate.today().iso,
                                                                                "present": "30", "expected": "26"])
            #expect(tooMany.status == .badRequest && tooMany.text.contains("niet meer leerlingen aanwezig"))

            // The youth-care partner adds her own reflection; the coordinator may not write one.
            let worker = try await Client.login(app, "youthworker")
            var full = try await worker.get("/api/v1/runs/\(run.id)").content.decode(RunJSON.self)
            let delivery = try #require(full.deliveries?.first)
            #expect(delivery.done == ["m1a"] && delivery.items == 3 && delivery.present == 24)
            #expect(try await worker.form("/runs/\(run.id)/deliveries/\(delivery.id)/reflection", ["reflection": "Twee stille leerlingen deden mee"]).status == .seeOther)
            #expect(try await coordinator.form("/runs/\(run.id)/deliveries/\(delivery.id)/reflection", ["reflection": "x"]).status == .forbidden)
            full = try await coordinator.get("/api/v1/runs/\(run.id)").content.decode(RunJSON.self)
            let saved = try #require(full.deliveries?.first)
            #expect(saved.reflection_teacher.hasPrefix("<script>") && saved.reflection_youthworker == "Twee stille leerlingen deden mee")
            #expect(full.figures?.sessions_delivered == 1 && full.figures?.fidelity_percent == 33 && full.figures?.attendance_percent == 92)

            // The run page shows both reflections, the script as text.
            let page = try await teacher.get("/runs/\(run.id)")
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; ging goed") && !page.text.contains("<script>alert(1)"))
            #expect(page.text.contains("Twee stille leerlingen deden mee"))
            // The home page names the pair's next meeting.
            #expect(try await teacher.get("/").text.contains("Bijeenkomst 2 Waar in school?"))

            // A teacher outside the run finds nothing.
            let outsider = world.demo.people.first { $0.role == .teacher && $0.schoolIDs.contains(world.home.id) && $0.id != world.account.id }!
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DELETE FROM pairs WHERE teacher_id = \(bind: outsider.id)").run()
            let hash = try await sql.raw("SELECT password_hash FROM accounts WHERE username = 'teacher'").first(decodingColumn: "password_hash", as: String.self)
            try await sql.raw("UPDATE accounts SET username = 'outsider', password_hash = \(bind: hash), active = \(bind: true) WHERE id = \(bind: outsider.id)").run()
            let other = try await Client.login(app, "outsider")
            #expect(try await other.get("/runs/\(run.id)").status == .notFound)
            #expect(try await other.get("/pairs/\(pair.id)").status == .notFound)
        }
    }

    @Test("Students send ideas through the anonymous link; the matrix is published as the poster and as Tier I's expectation labels")
    func matrixWithStudents() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let (_, run, _) = try await startRun(app, world, coordinator: coordinator)
            let draft = try #require(try await coordinator.get("/api/v1/runs/\(run.id)").content.decode(RunJSON.self).draft)
            #expect(draft.expectations == ["Respectvol", "Veilig", "Verantwoordelijk"] && draft.settings.count == 4)

            // The coordinator makes a link; a student without an account sends an idea.
            let made = try await coordinator.form("/runs/\(run.id)/links", ["days": "7"])
            let url = try #require(made.text.firstMatch(of: /id="new-link">([^<]+)</).map { String($0.1) })
            let student = Client(app)
            let page = try await student.get(url)
            #expect(page.status == .ok && page.headers.first(name: "Referrer-Policy") == "no-referrer" && page.text.contains("Op het plein"))
            let sent = try await student.form(url, ["expectation": "Veilig", "setting": "Op het plein", "text": "We voetballen alleen op het veld"])
            #expect(sent.status == .ok && sent.text.contains("idea-notice"))
            #expect(try await student.form(url, ["expectation": "Eerlijk", "setting": "Op het plein", "text": "x"]).status == .badRequest)
            let matrixPage = try await coordinator.get("/runs/\(run.id)/matrix")
            #expect(matrixPage.text.contains("We voetballen alleen op het veld"))
            #expect(!matrixPage.text.contains(url))  // the link is shown once, when made

            // An incomplete matrix is not published.
            #expect(try await coordinator.json(.POST, "/api/v1/runs/\(run.id)/matrix/publish", [String: String]()).status == .badRequest)

            // The teacher of the pair drafts it with the students' words (a new expectation replaces two).
            let matrix = ExpectationMatrix(expectations: ["Respectvol", "Eerlijk"], settings: ["In de klas", "Op het plein"],
                                           cells: [[["We laten elkaar uitpraten"], ["Iedereen mag meedoen"]],
                                                   [["We zeggen het als we iets fout deden"], ["We voetballen alleen op het veld"]]])
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.json(.PUT, "/api/v1/runs/\(run.id)/matrix", matrix).status == .ok)
            #expect(try await teacher.json(.POST, "/api/v1/runs/\(run.id)/matrix/publish", [String: String]()).status == .forbidden)
            let published = try await coordinator.json(.POST, "/api/v1/runs/\(run.id)/matrix/publish", [String: String]())
            #expect(published.status == .created, "\(published.text)")
            // The demo school published its first matrix last year: this is the school's version 2.
            #expect(try published.content.decode(PublishedMatrixJSON.self).version == 2)

            // Tier I's expectation labels follow the matrix; the others are archived, not deleted.
            let labels = try await LabelService(db: app.db).labels(schoolID: world.home.id, kind: .expectation, includeArchived: true, language: .nl)
            #expect(labels.filter { !$0.archived }.map(\.text_nl) == ["Respectvol", "Eerlijk"])
            #expect(labels.contains { $0.text_nl == "Veilig" && $0.archived })
            // The poster, and the guardian's page, show the agreements.
            let poster = try await teacher.get("/schools/\(world.home.id)/expectations")
            #expect(poster.status == .ok && poster.text.contains("We zeggen het als we iets fout deden"))
            let guardian = world.demo.links.first { $0.studentID == world.student(in: world.teacherGroup).id }!.guardianID
            let link = try await coordinator.json(.POST, "/api/v1/students/\(world.student(in: world.teacherGroup).id)/guardian-links",
                                                  ["guardian_id": guardian.uuidString]).content.decode(GuardianLinkJSON.self)
            #expect(try await Client(app).get(link.url!).text.contains("Eerlijk · Op het plein: We voetballen alleen op het veld"))

            // A closed link takes no more ideas.
            let linkID = try #require(try await ProgrammeService(db: app.db).links(runID: run.id).first?.id)
            #expect(try await coordinator.form("/runs/\(run.id)/links/\(linkID)/revoke", [:]).status == .seeOther)
            #expect(try await student.get(url).status == .notFound)
        }
    }

    @Test("A finished run is evaluated and run again on the latest version, starting from the matrix it published; the guide carries what the evaluations found")
    func evaluateAndRunAgain() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let (programme, run, _) = try await startRun(app, world, coordinator: coordinator)
            #expect(try await coordinator.form("/runs/\(run.id)/again", [:]).status == .conflict)
            #expect(try await coordinator.form("/runs/\(run.id)/finish", ["evaluation": " "]).status == .badRequest)
            let matrix = ExpectationMatrix(expectations: ["Respectvol"], settings: ["Online"], cells: [[["We vragen eerst of een foto gedeeld mag worden"]]])
            #expect(try await coordinator.json(.PUT, "/api/v1/runs/\(run.id)/matrix", matrix).status == .ok)
            #expect(try await coordinator.json(.POST, "/api/v1/runs/\(run.id)/matrix/publish", [String: String]()).status == .created)
            #expect(try await coordinator.form("/runs/\(run.id)/finish", ["evaluation": "Bijeenkomst 4 was te vol."]).status == .seeOther)
            // A finished run takes no more deliveries or matrix changes.
            #expect(try await coordinator.json(.PUT, "/api/v1/runs/\(run.id)/matrix", matrix).status == .conflict)

            let again = try await coordinator.form("/runs/\(run.id)/again", [:])
            #expect(again.status == .seeOther)
            let next = try #require(again.headers.first(name: .location).flatMap { UUID(uuidString: String($0.dropFirst("/runs/".count))) })
            let nextRun = try await coordinator.get("/api/v1/runs/\(next)").content.decode(RunJSON.self)
            #expect(nextRun.previous_run_id == run.id && nextRun.finished_on == nil && nextRun.draft == matrix)

            let guide = try await coordinator.get("/programmes/\(programme.id)/guide")
            #expect(guide.status == .ok && guide.text.contains("Bijeenkomst 4 was te vol.") && guide.text.contains("Wat betekent respect voor jou?"))
            let file = try await coordinator.get("/programmes/\(programme.id)/guide?download=1")
            #expect(file.headers.first(name: .contentDisposition) == "attachment; filename=\"respect-v1.html\"")
            #expect(file.text.hasPrefix("<!DOCTYPE html>") && file.text.contains("<style>") && !file.text.contains("samen.css")
                    && file.text.contains("Bijeenkomst 4 was te vol."))
            // The region reads the shipped programme's guide, not a school's runs.
            let region = try await Client.login(app, "region")
            #expect(try await region.get("/programmes/\(ProgrammeService.respectFamily)/guide").status == .ok)
            #expect(try await region.get("/programmes/\(programme.id)/guide").status == .notFound)
        }
    }

    @Test("A pair for a group: both partners see its work, youth care only the students consent opens")
    func pairForGroup() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let worker = person(world, "youthworker")
            let bad = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/pairs",
                                                 ["teacher_id": UUID().uuidString, "youthworker_id": worker.uuidString])
            #expect(bad.status == .badRequest && bad.text.contains("teacher_id"))
            let made = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/pairs",
                                                  ["teacher_id": world.account.id.uuidString, "youthworker_id": worker.uuidString,
                                                   "group_id": world.teacherGroup.id.uuidString])
            #expect(made.status == .created, "\(made.text)")
            let pair = try made.content.decode(PairJSON.self)
            #expect(pair.group == "7a" && pair.run_id == nil)

            // An enrolment of the pair: the teacher sees the student; youth care only with consent for support.
            let student = world.student(in: world.teacherGroup)
            try await clearSharing(app, student: student.id)
            let intervention = try await PyramidService(db: app.db).create(InterventionFields(name: "Check-in", tier: .two, provider: .joint, target: .individual),
                                                                           schoolID: world.home.id)
            _ = try await EnrolmentService(db: app.db).create(studentID: student.id, schoolID: world.home.id, interventionID: intervention,
                                                              EnrolmentFields(goal: 0.8, start: .today(), review: LocalDate.today().adding(days: 42),
                                                                              expectations: ["Respectvol"], periods: 4),
                                                              teacherID: world.account.id, youthworkerID: worker)
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/pairs/\(pair.id)").text.contains(student.name.display))
            let youth = try await Client.login(app, "youthworker")
            let withoutConsent = try await youth.get("/pairs/\(pair.id)")
            #expect(withoutConsent.status == .ok && !withoutConsent.text.contains(student.name.display))
            _ = try await ConsentService(sql: app.db as! any SQLDatabase).create(
                ConsentTerms(purpose: .share, organisationID: world.demo.organisation.id, givenBy: .guardian,
                             guardianID: world.demo.links.first { $0.studentID == student.id }!.guardianID, givenOn: .today(), parts: [.support]),
                studentID: student.id, by: person(world, "coordinator"))
            #expect(try await youth.get("/pairs/\(pair.id)").text.contains(student.name.display))

            // Ending the pair: the coordinator, once.
            #expect(try await teacher.form("/pairs/\(pair.id)/end", [:]).status == .forbidden)
            #expect(try await coordinator.form("/pairs/\(pair.id)/end", [:]).status == .seeOther)
            #expect(try await coordinator.form("/pairs/\(pair.id)/end", [:]).status == .conflict)
        }
    }
}
