import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("The ISF team and its meetings")
struct TeamMeetingTests {
    /// An open signal for a student of the home school's other group (no consent for youth care).
    func openSignal(_ app: Application, _ world: TestWorld) async throws -> (student: UUID, signal: UUID) {
        let student = world.student(in: world.homeOtherGroup).id
        let sql = app.db as! any SQLDatabase
        try await clearSharing(app, student: student)
        _ = try await RuleEngine(db: app.db).raise([(student, RuleFinding(rule: .incidentsRed, date: .today(), figures: ["6"]))],
                                                   schoolID: world.home.id, now: Date())
        let signal = try await sql.raw("SELECT id FROM signals WHERE student_id = \(bind: student) AND rule = 'incidents_red'")
            .first(decodingColumn: "id", as: UUID.self)!
        return (student, signal)
    }

    @Test("A planned meeting's agenda comes from the data; a decision taken from it is noted in the meeting")
    func agendaToDecision() async throws {
        try await withSamen { app, world in
            let (student, signal) = try await openSignal(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let planned = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/meetings",
                                                     ["title": "Ondersteuningsteam", "date": LocalDate.today().adding(days: 2).iso])
            #expect(planned.status == .created)
            let meeting = try planned.content.decode(MeetingJSON.self)
            let item = try #require(meeting.items?.first { $0.signal_id == signal })
            #expect(item.kind == "signal" && item.student_id == student && item.student == world.student(in: world.homeOtherGroup).name.display)
            // Decide on the signal from the meeting: the page leads back, the decision is listed under the meeting.
            let page = try await coordinator.get("/signals/\(signal)?meeting=\(meeting.id)").text
            #expect(page.contains("name=\"meeting_id\" value=\"\(meeting.id)\"") && page.contains("id=\"back-to-meeting\""))
            let decided = try await coordinator.form("/signals/\(signal)/decisions",
                                                     ["decision": "intensify", "tier_after": "2", "review_by": LocalDate.today().adding(days: 42).iso,
                                                      "note": "Check-In/Check-Out starten", "owner_id": "", "meeting_id": meeting.id.uuidString])
            #expect(decided.status == .seeOther)
            #expect(decided.headers.first(name: .location) == "/meetings/\(meeting.id)#decisions")
            let after = try await coordinator.get("/api/v1/meetings/\(meeting.id)").content.decode(MeetingJSON.self)
            #expect(after.decisions?.map(\.signal_id) == [signal])
            #expect(after.decisions?.first?.note == "Check-In/Check-Out starten")
            let printed = try await coordinator.get("/meetings/\(meeting.id)/print").text
            #expect(printed.contains("Check-In/Check-Out starten") && printed.contains("Intensiveren"))
            // A meeting of another school is not noted on the decision.
            let other = try await TeamService(db: app.db).plan(MeetingFields(date: .today(), title: "Elders"), schoolID: world.other.id,
                                                               by: world.demo.people.first { $0.username == "admin" }!.id, language: .nl)
            #expect(try await coordinator.get("/signals/\(signal)?meeting=\(other)").text.contains("back-to-meeting") == false)
        }
    }

    @Test("A youth-care worker in the team sees a student without consent by pseudonym only")
    func pseudonymised() async throws {
        try await withSamen { app, world in
            let (student, _) = try await openSignal(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let meeting = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/meetings",
                                                     ["title": "Team", "date": LocalDate.today().iso]).content.decode(MeetingJSON.self)
            let worker = try await Client.login(app, "youthworker")
            let seen = try await worker.get("/api/v1/meetings/\(meeting.id)").content.decode(MeetingJSON.self)
            let item = try #require(seen.items?.first { $0.student_id == student })
            let pseudonym = try await (app.db as! any SQLDatabase).raw("SELECT pseudonym FROM students WHERE id = \(bind: student)")
                .first(decodingColumn: "pseudonym", as: String.self)!
            #expect(item.student == "Leerling \(pseudonym) (geen toestemming)")
            let page = try await worker.get("/meetings/\(meeting.id)").text
            #expect(!page.contains(world.student(in: world.homeOtherGroup).name.last))
        }
    }

    @Test("Actions: an owner from the team, overdue ones stand out, members close their own and no one else's")
    func actions() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let meeting = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/meetings",
                                                     ["title": "Team", "date": LocalDate.today().adding(days: -10).iso]).content.decode(MeetingJSON.self)
            let teacher = world.account.id
            let outsider = world.demo.people.first { $0.role == .teacher && $0.schoolIDs.contains(world.home.id) && $0.username != "teacher" }!.id
            let refused = try await coordinator.json(.POST, "/api/v1/meetings/\(meeting.id)/actions",
                                                     ["text": "Bellen", "owner_id": outsider.uuidString, "due_on": LocalDate.today().iso])
            #expect(refused.status == .badRequest && refused.text.contains("owner_id"))
            let late = try await coordinator.json(.POST, "/api/v1/meetings/\(meeting.id)/actions",
                                                  ["text": "Ouders bellen", "owner_id": teacher.uuidString, "due_on": LocalDate.today().adding(days: -2).iso])
            #expect(late.status == .created)
            let action = try late.content.decode(ActionJSON.self)
            #expect(action.overdue)
            let mine = try await coordinator.json(.POST, "/api/v1/meetings/\(meeting.id)/actions",
                                                  ["text": "Verslag rondsturen", "owner_id": world.demo.people.first { $0.username == "coordinator" }!.id.uuidString,
                                                   "due_on": LocalDate.today().adding(days: 5).iso]).content.decode(ActionJSON.self)
            let team = try await coordinator.get("/schools/\(world.home.id)/team").text
            #expect(team.contains("class=\"overdue\"") && team.contains("Ouders bellen"))
            let member = try await Client.login(app, "teacher")
            #expect(try await member.json(.POST, "/api/v1/meetings/\(meeting.id)/actions/\(mine.id)/done", [String: String]()).status == .forbidden)
            let closed = try await member.json(.POST, "/api/v1/meetings/\(meeting.id)/actions/\(action.id)/done", [String: String]())
            #expect(closed.status == .ok)
            let done = try closed.content.decode(ActionJSON.self)
            #expect(done.done_at != nil && !done.overdue)
            // A teacher outside the team does not find it.
            try await TeamService(db: app.db).removeMember(accountID: teacher, schoolID: world.home.id)
            #expect(try await member.get("/schools/\(world.home.id)/team").status == .notFound)
            #expect(try await member.get("/meetings/\(meeting.id)").status == .notFound)
        }
    }
}
