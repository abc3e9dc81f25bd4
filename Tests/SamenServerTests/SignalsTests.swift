import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Decodes what the signals API returns, with the fields the tests read.
struct IncidentBody: Decodable {
    struct Ref: Decodable { var id: UUID; var text: String }
    struct Person: Decodable { var student_id: UUID; var role: String }
    var id: UUID
    var status: String
    var time: String
    var behaviour: Ref
    var students: [Person]
}

struct IncidentListBody: Decodable { var items: [IncidentBody]; var total: Int }
struct LabelListBody: Decodable {
    struct Label: Decodable { var id: UUID; var kind: String; var code: String?; var text: String; var archived: Bool }
    var items: [Label]
}
struct SignalBody: Decodable {
    struct Decision: Decodable { var decision: String; var tier_before: Int; var tier_after: Int }
    var id: UUID
    var rule: String
    var status: String
    var tier: Int
    var message: String
    var decisions: [Decision]?
}
struct SignalListBody: Decodable { var items: [SignalBody] }

/// A student of its own for a test, so the demo's random incidents never count.
struct Fresh {
    var id: UUID
    var number: String
    var name: String

    /// A new student in the demo teacher's group (7a of the home school).
    static func student(_ app: Application, _ world: TestWorld, number: String = "990001", first: String = "Fenna",
                        group: UUID? = nil) async throws -> Fresh {
        let admin = try await Client.login(app, "admin")
        let response = try await admin.json(.POST, "/api/v1/students", [
            "school_id": world.home.id.uuidString, "group_id": (group ?? world.teacherGroup.id).uuidString, "number": number,
            "first_name": first, "last_name": "Oosterbaan", "birth_date": "2015-03-02"])
        #expect(response.status == .created)
        struct Created: Decodable { var student: StudentPageBody.Row }
        let id = try response.content.decode(Created.self).student.id
        return Fresh(id: id, number: number, name: "\(first) Oosterbaan")
    }
}

@Suite("Signals and tiers: incidents, recognitions, labels, signals, decisions")
struct SignalsTests {
    func labels(_ client: Client, _ school: UUID, archived: Bool = false) async throws -> [LabelListBody.Label] {
        try await client.get("/api/v1/schools/\(school)/labels" + (archived ? "?include_archived=true" : "")).content.decode(LabelListBody.self).items
    }

    func label(_ labels: [LabelListBody.Label], _ kind: String, _ code: String) -> UUID {
        labels.first { $0.kind == kind && $0.code == code }!.id
    }

    /// Records a complete incident through the API as the coordinator.
    func record(_ coordinator: Client, _ world: TestWorld, student: UUID, labels: [LabelListBody.Label], date: LocalDate = .today(),
                behaviour: String = "disruption") async throws -> IncidentBody {
        let response = try await coordinator.json(.POST, "/api/v1/incidents", IncidentPayload(
            students: [["student_id": student.uuidString]], date: date.iso, time: "10:20",
            behaviour_id: label(labels, "behaviour", behaviour), location_id: label(labels, "location", "playground")))
        #expect(response.status == .created, "\(response.text)")
        return try response.content.decode(IncidentBody.self)
    }

    struct IncidentPayload: Encodable {
        var students: [[String: String]]
        var date: String
        var time: String
        var behaviour_id: UUID
        var location_id: UUID
        var status: String? = nil
        var school_id: UUID? = nil
    }

    @Test("A teacher records on the quick form in one step; it waits for review; completed, the second incident raises a yellow signal")
    func teacherToSignal() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let teacher = try await Client.login(app, "teacher")
            let coordinator = try await Client.login(app, "coordinator")
            let list = try await labels(coordinator, world.home.id)
            // A teacher new to Samen: none of the demo's incidents are theirs.
            let sql = app.db as! any SQLDatabase
            let mine: SQLQueryString = "SELECT id FROM incidents WHERE reporter_id = \(bind: world.account.id)"
            try await sql.raw("DELETE FROM incident_students WHERE incident_id IN (" + mine + ")").run()
            try await sql.raw("DELETE FROM incidents WHERE reporter_id = \(bind: world.account.id)").run()

            // The form: the school's students to pick from, now as the default time, the classroom as the first-time location.
            let form = try await teacher.get("/incidents/new?student=\(student.id)")
            #expect(form.status == .ok)
            #expect(form.text.contains("<option value=\"Fenna Oosterbaan (7a, 990001)\">"))
            #expect(form.text.contains("value=\"Fenna Oosterbaan (7a, 990001)\""), "the student from the address is filled in")
            #expect(form.text.contains("value=\"\(LocalDate.today().iso)\""))
            #expect(form.text.contains("<option value=\"\(label(list, "location", "classroom"))\" selected>"))

            let sent = try await teacher.form("/incidents/new", [
                "school": world.home.id.uuidString, "student_1": "fenna oosterbaan", "behaviour_id": label(list, "behaviour", "defiance").uuidString,
                "location_id": label(list, "location", "gym").uuidString, "date": LocalDate.today().iso, "time": "9:40",
                "managed_by": "staff", "others_involved": "peers", "note": "Weigerde mee te doen.", "send": "send"])
            #expect(sent.status == .seeOther)
            let location = sent.headers.first(name: .location) ?? ""
            #expect(location.hasPrefix("/incidents/") && location.hasSuffix("?saved=1"))
            let id = UUID(uuidString: String(location.dropFirst("/incidents/".count).prefix(36)))!
            let page = try await teacher.get("/incidents/\(id)?saved=1")
            #expect(page.text.contains("Ter beoordeling") && page.text.contains("Nog een incident vastleggen"))
            #expect(!page.text.contains("value=\"complete\""), "a teacher cannot complete")

            // Next time the form remembers the teacher's usual place.
            let again = try await teacher.get("/incidents/new")
            #expect(again.text.contains("<option value=\"\(label(list, "location", "gym"))\" selected>"))

            // In review, no rule counts it yet.
            #expect(try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items.isEmpty)
            let review = try await coordinator.get("/incidents/\(id)")
            #expect(review.text.contains("value=\"complete\""))
            #expect(try await coordinator.form("/incidents/\(id)/status", ["to": "complete"]).status == .seeOther)
            _ = try await record(coordinator, world, student: student.id, labels: list)

            let signals = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
            #expect(signals.contains { $0.rule == "incidents_yellow" && $0.status == "open" && $0.message.contains("2 incidenten") })
            // The coordinator's home page counts it; the worklist lists it.
            #expect(try await coordinator.get("/signals").text.contains("Fenna Oosterbaan"))
            // Running the rules again raises nothing twice.
            #expect(try await RuleEngine(db: app.db).evaluate(schoolID: world.home.id) == 0)
        }
    }

    @Test("Bad input gets a 400 naming the field, and nothing is written")
    func badInput() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let admin = try await Client.login(app, "admin")
            let home = try await labels(coordinator, world.home.id)
            let other = try await labels(admin, world.other.id)
            let before = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM incidents").first(decodingColumn: "n", as: Int.self)
            func send(_ payload: IncidentPayload) async throws -> (HTTPStatus, String?) {
                let response = try await coordinator.json(.POST, "/api/v1/incidents", payload)
                return (response.status, try? response.content.decode(ErrorBody.self).field)
            }
            let good = IncidentPayload(students: [["student_id": student.id.uuidString]], date: LocalDate.today().iso, time: "10:15",
                                       behaviour_id: label(home, "behaviour", "fighting"), location_id: label(home, "location", "canteen"))
            var bad = good
            bad.time = "25:61"
            #expect(try await send(bad) == (.badRequest, "time"))
            bad = good
            bad.date = LocalDate.today().adding(days: 1).iso
            #expect(try await send(bad) == (.badRequest, "date"))
            bad = good
            bad.behaviour_id = label(other, "behaviour", "fighting")
            #expect(try await send(bad) == (.badRequest, "behaviour_id"), "a label of another school")
            bad = good
            bad.location_id = label(home, "behaviour", "theft")
            #expect(try await send(bad) == (.badRequest, "location_id"), "a label of the wrong list")
            bad = good
            bad.students = [["student_id": world.student(in: world.otherGroup).id.uuidString]]
            #expect(try await send(bad) == (.badRequest, "students.0"), "a student outside the coordinator's schools")
            bad = good
            bad.students = [["number": student.number]]
            #expect(try await send(bad) == (.badRequest, "students.0"), "a number needs the school")
            bad.school_id = world.home.id
            bad.status = "published"
            #expect(try await send(bad) == (.badRequest, "status"))
            bad = good
            bad.students = []
            #expect(try await send(bad) == (.badRequest, "students"))
            let malformed = try await coordinator.send(.POST, "/api/v1/incidents", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{\"students\": 5"))
            #expect(malformed.status == .badRequest)
            let after = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM incidents").first(decodingColumn: "n", as: Int.self)
            #expect(before == after)

            // A number within a school works.
            var byNumber = good
            byNumber.students = [["number": student.number, "role": "target"]]
            byNumber.school_id = world.home.id
            let created = try await coordinator.json(.POST, "/api/v1/incidents", byNumber)
            #expect(created.status == .created)
            #expect(try created.content.decode(IncidentBody.self).students.first?.role == "target")

            // The web form keeps what was typed and says what is wrong next to the field.
            let form = try await coordinator.form("/incidents/new", ["student_1": "Niemand Bestaatniet", "date": "morgen", "time": "10:15"])
            #expect(form.status == .badRequest)
            #expect(form.text.contains("id=\"student_1-error\"") && form.text.contains("Niemand Bestaatniet"))
            #expect(form.text.contains("id=\"date-error\"") && form.text.contains("id=\"behaviour-error\""))
        }
    }

    @Test("Labels: a school adds its own, archives one (it leaves the forms, stays on old incidents), and restores it")
    func labelLists() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            var list = try await labels(coordinator, world.home.id)
            let phone = label(list, "behaviour", "phone")
            let incident = try await record(coordinator, world, student: student.id, labels: list, behaviour: "phone")

            #expect(try await coordinator.form("/labels/\(phone)/archive", ["archived": "1"]).status == .seeOther)
            list = try await labels(coordinator, world.home.id)
            #expect(!list.contains { $0.id == phone })
            #expect(try await labels(coordinator, world.home.id, archived: true).contains { $0.id == phone && $0.archived })
            #expect(!(try await coordinator.get("/incidents/new").text.contains(phone.uuidString)))
            let refused = try await coordinator.json(.POST, "/api/v1/incidents", IncidentPayload(
                students: [["student_id": student.id.uuidString]], date: LocalDate.today().iso, time: "11:00",
                behaviour_id: phone, location_id: label(list, "location", "classroom")))
            #expect(refused.status == .badRequest)
            let old = try await coordinator.get("/api/v1/incidents/\(incident.id)").content.decode(IncidentBody.self)
            #expect(old.behaviour.id == phone && old.behaviour.text == "Telefoongebruik tegen de afspraken")

            #expect(try await coordinator.form("/labels/\(phone)/archive", ["archived": "0"]).status == .seeOther)
            #expect(try await labels(coordinator, world.home.id).contains { $0.id == phone })

            let added = try await coordinator.form("/schools/\(world.home.id)/labels", ["kind": "location", "text_nl": "Technieklokaal"])
            #expect(added.status == .seeOther)
            let own = try await labels(coordinator, world.home.id).first { $0.text == "Technieklokaal" }
            #expect(own?.kind == "location" && own?.code == nil)
            let twice = try await coordinator.form("/schools/\(world.home.id)/labels", ["kind": "location", "text_nl": "technieklokaal"])
            #expect(twice.status == .badRequest && twice.text.contains("bestaat al"))
            // The other school's lists did not change.
            let admin = try await Client.login(app, "admin")
            #expect(!(try await labels(admin, world.other.id).contains { $0.text == "Technieklokaal" }))
        }
    }

    @Test("The tier changes only by a recorded decision; a closed signal takes no more")
    func decisions() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let list = try await labels(coordinator, world.home.id)
            for _ in 0..<2 { _ = try await record(coordinator, world, student: student.id, labels: list) }
            let signal = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
                .first { $0.rule == "incidents_yellow" }!
            #expect(signal.tier == 1)
            let review = LocalDate.today().adding(days: 42).iso

            // The page form: errors next to the fields, nothing recorded.
            let bad = try await coordinator.form("/signals/\(signal.id)/decisions", ["decision": "intensify", "tier_after": "1", "review_by": ""])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"tier-error\"") && bad.text.contains("id=\"review-error\""))
            #expect(try await SignalService(db: app.db).tier(studentID: student.id) == .one)

            let decided = try await coordinator.form("/signals/\(signal.id)/decisions", [
                "decision": "intensify", "tier_after": "2", "review_by": review, "note": "Aanmelden voor CICO."])
            #expect(decided.status == .seeOther)
            var now = try await coordinator.get("/api/v1/signals/\(signal.id)").content.decode(SignalBody.self)
            #expect(now.status == "decided" && now.tier == 2)
            #expect(now.decisions?.first?.tier_before == 1 && now.decisions?.first?.tier_after == 2)
            let page = try await coordinator.get("/students/\(student.id)")
            #expect(page.text.contains("Niveau II (kleine groep)"))
            #expect(try await coordinator.get("/signals?tab=decided").text.contains("Fenna Oosterbaan"))

            // The API: a wrong tier names the field; close ends the signal.
            struct Decision: Encodable { var decision: String; var tier_after: Int?; var review_by: String? }
            let wrong = try await coordinator.json(.POST, "/api/v1/signals/\(signal.id)/decisions", Decision(decision: "fade", tier_after: 3, review_by: review))
            let wrongField = try wrong.content.decode(ErrorBody.self).field
            #expect(wrong.status == .badRequest && wrongField == "tier_after")
            let closed = try await coordinator.json(.POST, "/api/v1/signals/\(signal.id)/decisions", Decision(decision: "close", tier_after: 1, review_by: nil))
            #expect(closed.status == .created)
            now = try closed.content.decode(SignalBody.self)
            #expect(now.status == "closed" && now.tier == 1 && now.decisions?.count == 2)
            let late = try await coordinator.json(.POST, "/api/v1/signals/\(signal.id)/decisions", ["decision": "continue", "review_by": review])
            #expect(late.status == .conflict)
            // The teacher of the group reads the signal but cannot decide.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/signals/\(signal.id)").status == .ok)
            #expect(try await teacher.json(.POST, "/api/v1/signals/\(signal.id)/decisions", ["decision": "continue"]).status == .forbidden)
        }
    }

    @Test("A teacher sees what they recorded and what involves their groups; edits only their own drafts")
    func teacherScope() async throws {
        try await withSamen { app, world in
            let own = try await Fresh.student(app, world)
            let elsewhere = try await Fresh.student(app, world, number: "990002", first: "Sem", group: world.homeOtherGroup.id)
            let coordinator = try await Client.login(app, "coordinator")
            let teacher = try await Client.login(app, "teacher")
            let list = try await labels(coordinator, world.home.id)
            let aboutOwn = try await record(coordinator, world, student: own.id, labels: list)
            let aboutOther = try await record(coordinator, world, student: elsewhere.id, labels: list)
            // The teacher records about a student of another group (C in the whole school), as a draft.
            let draft = try await teacher.json(.POST, "/api/v1/incidents", IncidentPayload(
                students: [["student_id": elsewhere.id.uuidString]], date: LocalDate.today().iso, time: "12:30",
                behaviour_id: label(list, "behaviour", "language"), location_id: label(list, "location", "playground"), status: "draft"))
            #expect(draft.status == .created)
            let draftID = try draft.content.decode(IncidentBody.self).id
            #expect(try draft.content.decode(IncidentBody.self).status == "draft")

            #expect(try await teacher.get("/api/v1/incidents/\(aboutOwn.id)").status == .ok)
            #expect(try await teacher.get("/api/v1/incidents/\(aboutOther.id)").status == .notFound)
            #expect(try await teacher.get("/api/v1/incidents/\(draftID)").status == .ok, "what they recorded")
            let seen = try await teacher.get("/api/v1/incidents?per_page=500").content.decode(IncidentListBody.self).items.map(\.id)
            #expect(seen.contains(aboutOwn.id) && seen.contains(draftID) && !seen.contains(aboutOther.id))

            #expect(try await teacher.get("/incidents/\(aboutOwn.id)/edit").status == .forbidden, "not their record")
            let edit = try await teacher.get("/incidents/\(draftID)/edit")
            #expect(edit.status == .ok && edit.text.contains("Sem Oosterbaan"))
            let saved = try await teacher.form("/incidents/\(draftID)/edit", [
                "student_1": "Sem Oosterbaan (\(world.homeOtherGroup.name), 990002)", "behaviour_id": label(list, "behaviour", "disrespect").uuidString,
                "location_id": label(list, "location", "corridor").uuidString, "date": LocalDate.today().iso, "time": "12:35"])
            #expect(saved.status == .seeOther)
            #expect(try await teacher.json(.POST, "/api/v1/incidents/\(draftID)/status", ["status": "complete"]).status == .forbidden)
            let sent = try await teacher.json(.POST, "/api/v1/incidents/\(draftID)/status", ["status": "review"])
            let sentStatus = try sent.content.decode(IncidentBody.self).status
            #expect(sent.status == .ok && sentStatus == "review")
            #expect(try await teacher.get("/incidents/\(draftID)/edit").status == .forbidden, "sent: no longer theirs to change")
            // The leader reads, does not record.
            let leader = try await Client.login(app, "leader")
            #expect(try await leader.get("/api/v1/incidents/\(aboutOther.id)").status == .ok)
            #expect(try await leader.get("/incidents/new").status == .forbidden)
        }
    }

    @Test("Compliments: recorded on the quick form, counted on the student's page, listed by the API")
    func recognitions() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let teacher = try await Client.login(app, "teacher")
            let coordinator = try await Client.login(app, "coordinator")
            let list = try await labels(coordinator, world.home.id)
            let saved = try await teacher.form("/recognitions/new", [
                "school": world.home.id.uuidString, "student_1": "990001", "expectation_id": label(list, "expectation", "helpful").uuidString,
                "date": LocalDate.today().iso, "time": "11:00", "note": "Hielp een nieuwe leerling."])
            #expect(saved.status == .seeOther)
            #expect(try await teacher.get(saved.headers.first(name: .location)!).text.contains("Het compliment is vastgelegd"))
            let missing = try await teacher.form("/recognitions/new", ["student_1": "990001", "date": LocalDate.today().iso, "time": "11:00"])
            #expect(missing.status == .badRequest && missing.text.contains("id=\"expectation-error\""))
            struct Recognitions: Decodable { struct R: Decodable { var note: String; var staff: String }; var items: [R] }
            let items = try await teacher.get("/api/v1/recognitions?student_id=\(student.id)").content.decode(Recognitions.self).items
            #expect(items.count == 1 && items[0].note == "Hielp een nieuwe leerling." && items[0].staff == "Thijs van der Meer")
            let page = try await teacher.get("/students/\(student.id)")
            #expect(page.text.contains("Behulpzaam") && page.text.contains("Compliment geven"))
        }
    }
}
