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

    @Test("Six incidents of one student sent at once are all stored and counted: one red signal, not none")
    func concurrentIncidents() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let labels = try await labels(coordinator, world.home.id)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await coordinator.json(.POST, "/api/v1/incidents", IncidentPayload(
                            students: [["student_id": student.id.uuidString]], date: LocalDate.today().iso, time: "10:20",
                            behaviour_id: label(labels, "behaviour", "disruption"), location_id: label(labels, "location", "playground"))).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .created, count: 6))
            #expect(try await coordinator.get("/api/v1/incidents?student_id=\(student.id)").content.decode(IncidentListBody.self).total == 6)
            let rules = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items.map(\.rule)
            // Yellow may be skipped when all six are counted at once; red is raised, once.
            #expect(rules.filter { $0 == "incidents_red" }.count == 1 && rules.filter { $0 == "incidents_yellow" }.count <= 1)
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

    @Test("The coordinator lowers the yellow threshold: the rules run again at once; a leader reads the thresholds, cannot change them")
    func thresholds() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let labels = try await labels(coordinator, world.home.id)
            _ = try await record(coordinator, world, student: student.id, labels: labels)
            let path = "/schools/\(world.home.id)/rules"
            let page = try await coordinator.get(path)
            #expect(page.status == .ok && page.text.contains("value=\"31-10\""))
            var form = DecisionThresholds().formValues
            form["red_from"] = "1"
            let refused = try await coordinator.form(path, form)
            #expect(refused.status == .badRequest && refused.text.contains("Rood moet bij meer incidenten beginnen dan geel"))
            form["red_from"] = "6"
            form["yellow_from"] = "1"
            let saved = try await coordinator.form(path, form)
            #expect(saved.status == .ok && saved.text.contains("id=\"rules-saved\""))
            let signals = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
            #expect(signals.map(\.rule).contains("incidents_yellow"))
            #expect(try await RuleEngine(db: app.db).thresholds(schoolID: world.home.id).yellowFrom == 1)
            let leader = try await Client.login(app, "leader")
            #expect(try await leader.get(path).text.contains("<fieldset disabled>"))
            #expect(try await leader.form(path, form).status == .forbidden)
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
                "school": world.home.id.uuidString, "student_1": "990001", "expectation_id": label(list, "expectation", "respectful").uuidString,
                "date": LocalDate.today().iso, "time": "11:00", "note": "Hielp een nieuwe leerling."])
            #expect(saved.status == .seeOther)
            #expect(try await teacher.get(saved.headers.first(name: .location)!).text.contains("Het compliment is vastgelegd"))
            let missing = try await teacher.form("/recognitions/new", ["student_1": "990001", "date": LocalDate.today().iso, "time": "11:00"])
            #expect(missing.status == .badRequest && missing.text.contains("id=\"expectation-error\""))
            struct Recognitions: Decodable { struct R: Decodable { var note: String; var staff: String }; var items: [R] }
            let items = try await teacher.get("/api/v1/recognitions?student_id=\(student.id)").content.decode(Recognitions.self).items
            #expect(items.count == 1 && items[0].note == "Hielp een nieuwe leerling." && items[0].staff == "Thijs van der Meer")
            let page = try await teacher.get("/students/\(student.id)")
            #expect(page.text.contains("Respectvol") && page.text.contains("Compliment geven"))
        }
    }
}

@Suite("Absence: import, entry, DUO reports, thuiszitters")
struct AbsenceTests {
    struct Report: Decodable { var rows: Int; var students: Int; var signals_raised: Int }
    struct Rejected: Decodable { struct P: Decodable { var line: Int; var column: String?; var message: String }; var error: String; var problems: [P]? }
    struct Thuiszitters: Decodable { struct T: Decodable { var student: String; var school_days_absent: Int; var working_on_it: String?; var back_at_school: Bool }; var items: [T] }

    func csv(_ client: Client, _ school: UUID, _ text: String) async throws -> TestingHTTPResponse {
        try await client.send(.POST, "/api/v1/schools/\(school)/absences/import", headers: ["Content-Type": "text/csv"], body: ByteBuffer(string: text))
    }

    /// The last `n` weekdays up to today, oldest first.
    /// The last `n` school days of the demo schools (weekdays outside the demo's holidays, which the schools' calendars hold).
    func weekdays(_ n: Int) -> [LocalDate] {
        let year = SchoolYearPeriod.containing(.today())
        let calendar = SchoolCalendar(periods: DemoActivity.holidays(SchoolYearPeriod(startYear: year.startYear - 1)) + DemoActivity.holidays(year))
        var days: [LocalDate] = []
        var day = LocalDate.today()
        while days.count < n { if calendar.isSchoolDay(day) { days.append(day) }; day = day.adding(days: -1) }
        return days.reversed()
    }

    @Test("An export with 16 unauthorised hours in four weeks raises a DUO report with its deadline; the same file again changes nothing")
    func duoReport() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let days = weekdays(4)
            let text = "Leerlingnummer;Datum;Uren;Geoorloofd;Reden\n" + days.map { "990001;\($0.display(.nl));4;nee;SPIJBEL" }.joined(separator: "\n") + "\n"
            let first = try await csv(coordinator, world.home.id, text)
            #expect(first.status == .ok)
            let report = try first.content.decode(Report.self)
            #expect(report.rows == 4 && report.students == 1 && report.signals_raised == 1)
            let signals = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
            #expect(signals.map(\.rule) == ["absence_report"])
            #expect(signals[0].message.contains("16 uur ongeoorloofd verzuim"))
            let again = try await csv(coordinator, world.home.id, text)
            #expect(try again.content.decode(Report.self).signals_raised == 0)
            struct Absences: Decodable { var total: Int }
            #expect(try await coordinator.get("/api/v1/absences?student_id=\(student.id)").content.decode(Absences.self).total == 4, "nothing counted twice")
            // The absence page lists the report with the deadline.
            let page = try await coordinator.get("/absence?school=\(world.home.id)")
            #expect(page.status == .ok && page.text.contains("Melden bij DUO") && page.text.contains("Fenna Oosterbaan"))
            // Authorised hours do not count.
            let other = try await Fresh.student(app, world, number: "990002", first: "Sem")
            let ill = "number,date,hours,authorised\n" + days.map { "990002,\($0.iso),6,yes" }.joined(separator: "\n")
            #expect(try await csv(coordinator, world.home.id, ill).content.decode(Report.self).signals_raised == 0)
            #expect(try await coordinator.get("/api/v1/signals?student_id=\(other.id)").content.decode(SignalListBody.self).items.isEmpty)
        }
    }

    @Test("A bad file: every problem with line and column, a 422, nothing stored; an unknown student number is named")
    func badFile() async throws {
        try await withSamen { app, world in
            _ = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let bad = try await csv(coordinator, world.home.id, "leerlingnummer;datum;uren;geoorloofd\n990001;31-02-2026;2;nee\n990001;02-11-2026;twee;misschien\n")
            #expect(bad.status == .unprocessableEntity)
            let problems = try bad.content.decode(Rejected.self).problems ?? []
            #expect(problems.map { "\($0.line) \($0.column ?? "")" } == ["2 datum", "3 uren", "3 geoorloofd"])
            let unknown = try await csv(coordinator, world.home.id, "leerlingnummer;datum;uren;geoorloofd\n990001;02-11-2026;2;nee\n777777;02-11-2026;2;nee\n")
            #expect(unknown.status == .unprocessableEntity)
            let named = try unknown.content.decode(Rejected.self).problems ?? []
            #expect(named.count == 1 && named[0].line == 3 && named[0].message.contains("777777"))
            // The other school's students are unknown here, too.
            let foreign = world.demo.students.first { $0.schoolID == world.other.id }!
            let sql = app.db as! any SQLDatabase
            let count: SQLQueryString = "SELECT COUNT(*) AS n FROM absences a JOIN students s ON s.id = a.student_id WHERE s.number IN ('990001', \(bind: foreign.number))"
            let before = try await sql.raw(count).first(decodingColumn: "n", as: Int.self)
            let elsewhere = try await csv(coordinator, world.home.id, "leerlingnummer;datum;uren;geoorloofd\n\(foreign.number);02-11-2026;2;nee\n")
            #expect(elsewhere.status == .unprocessableEntity)
            #expect(try await sql.raw(count).first(decodingColumn: "n", as: Int.self) == before, "nothing stored")
            // The page shows the same list.
            var form = "--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(coordinator.csrf)\r\n"
            form += "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nleerlingnummer;datum;uren;geoorloofd\n990001;31-02-2026;2;nee\n\r\n--B--\r\n"
            let page = try await coordinator.send(.POST, "/absence/import?school=\(world.home.id)", headers: ["Content-Type": "multipart/form-data; boundary=B"],
                                                  body: ByteBuffer(string: form))
            #expect(page.status == .unprocessableEntity && page.text.contains("Er is niets ingelezen") && page.text.contains("31-02-2026"))
        }
    }

    @Test("Away every school day for four weeks: a thuiszitter in the register, with who works on it; an exemption is not")
    func thuiszitter() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            _ = try await Fresh.student(app, world, number: "990002", first: "Sem")
            let coordinator = try await Client.login(app, "coordinator")
            let days = weekdays(22)
            let records = days.map { ["number": "990001", "date": $0.iso, "hours": 5.5, "authorised": true, "reason_code": "ZIEK"] as [String: any Sendable] }
                + days.map { ["number": "990002", "date": $0.iso, "hours": 5.5, "authorised": true, "reason_code": "VRIJSTELLING"] as [String: any Sendable] }
            let body = try JSONSerialization.data(withJSONObject: ["school_id": world.home.id.uuidString, "records": records])
            let pushed = try await coordinator.send(.POST, "/api/v1/absences", headers: ["Content-Type": "application/json"], body: ByteBuffer(data: body))
            #expect(pushed.status == .created)
            var register = try await coordinator.get("/api/v1/schools/\(world.home.id)/thuiszitters").content.decode(Thuiszitters.self).items
            let fenna = register.first { $0.student == "Fenna Oosterbaan" }
            #expect(!register.contains { $0.student == "Sem Oosterbaan" }, "an exemption is no thuiszitter")
            #expect(fenna != nil && fenna!.school_days_absent >= 20 && fenna!.working_on_it == nil && !fenna!.back_at_school)
            let signal = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
                .first { $0.rule == "thuiszitter" }!
            let coordinatorID = world.demo.people.first { $0.username == "coordinator" }!.id
            struct Decision: Encodable { var decision: String; var tier_after: Int; var review_by: String; var owner_id: UUID }
            #expect(try await coordinator.json(.POST, "/api/v1/signals/\(signal.id)/decisions",
                                               Decision(decision: "refer", tier_after: 3, review_by: LocalDate.today().adding(days: 14).iso, owner_id: coordinatorID)).status == .created)
            register = try await coordinator.get("/api/v1/schools/\(world.home.id)/thuiszitters").content.decode(Thuiszitters.self).items
            #expect(register.first { $0.student == "Fenna Oosterbaan" }?.working_on_it == "Carla de Boer")
            let page = try await coordinator.get("/absence/thuiszitters?school=\(world.home.id)")
            #expect(page.text.contains("Fenna Oosterbaan") && page.text.contains("Carla de Boer") && !page.text.contains("Sem Oosterbaan"))
            // The teacher of the group sees the register for own students; the leader too; the region not at all.
            #expect(try await Client.login(app, "teacher").get("/absence/thuiszitters").text.contains("Fenna Oosterbaan"))
            #expect(try await Client.login(app, "region").get("/api/v1/schools/\(world.home.id)/thuiszitters").status == .forbidden)
        }
    }

    @Test("Holidays: the coordinator adds a week off and the public holidays; the DUO deadline skips them; others read the list")
    func holidays() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let school = world.home.id
            let sql = app.db as! any SQLDatabase
            try await sql.delete(from: "school_holidays").where("school_id", .equal, SQLBind(school)).run()
            let path = "/schools/\(school)/holidays"
            #expect(try await coordinator.get(path).text.contains("Nog geen vakanties ingevoerd"))
            let bad = try await coordinator.form(path, ["name": "Studiedag", "from": "2026-12-10", "through": "2026-12-01"])
            #expect(bad.status == .badRequest && bad.text.contains("De laatste dag ligt voor de eerste"))
            // Four unauthorised afternoons end on the last day before a week off: the report is due after the week.
            let days = weekdays(4)
            let last = days.last!
            let weekOff = HolidayPeriod(name: "Studieweek", from: last.adding(days: 1), through: last.adding(days: 9))
            #expect(try await coordinator.form(path, ["name": weekOff.name, "from": weekOff.from.iso, "through": weekOff.through.iso]).status == .seeOther)
            let student = try await Fresh.student(app, world)
            let text = "Leerlingnummer;Datum;Uren;Geoorloofd;Reden\n" + days.map { "990001;\($0.display(.nl));4;nee;SPIJBEL" }.joined(separator: "\n") + "\n"
            #expect(try await csv(coordinator, world.home.id, text).status == .ok)
            let due = try await sql.raw("SELECT due_by FROM signals WHERE rule = 'absence_report' AND student_id = \(bind: student.id)")
                .first(decodingColumn: "due_by", as: String.self)
            #expect(due == SchoolCalendar(periods: [weekOff]).schoolDays(after: last, 5).iso)
            #expect(due! > weekOff.through.iso)
            // The public holidays of this school year in one step, once.
            let added = try await coordinator.form(path + "/public", [:])
            #expect(added.status == .ok && added.text.contains("feestdagen toegevoegd") && added.text.contains("Hemelvaartsdag"))
            #expect(try await coordinator.form(path + "/public", [:]).text.contains("0 feestdagen toegevoegd"))
            struct List: Decodable { struct H: Decodable { var id: UUID; var name: String }; var items: [H] }
            let list = try await Client.login(app, "teacher").get("/api/v1/schools/\(school)/holidays").content.decode(List.self).items
            #expect(list.contains { $0.name == "Studieweek" } && list.contains { $0.name == "Hemelvaartsdag" })
            // A teacher reads, does not change.
            #expect(try await Client.login(app, "teacher").form(path, ["name": "Vrij", "from": LocalDate.today().iso]).status == .forbidden)
            let id = list.first { $0.name == "Studieweek" }!.id
            #expect(try await coordinator.form(path + "/\(id)/remove", [:]).status == .seeOther)
            #expect(try await coordinator.get(path).text.contains("Studieweek") == false)
        }
    }

    @Test("Manual entry on the absence page: errors next to the field; saved, it counts")
    func manualEntry() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let bad = try await coordinator.form("/absence/new?school=\(world.home.id)", ["student": "Niemand", "date": "", "hours": "25", "authorised": "nee"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"student-error\"") && bad.text.contains("id=\"date-error\"") && bad.text.contains("id=\"hours-error\""))
            let ok = try await coordinator.form("/absence/new?school=\(world.home.id)", [
                "student": "Fenna Oosterbaan (7a, 990001)", "date": LocalDate.today().iso, "periods": "3", "authorised": "nee", "reason": "TELAAT"])
            #expect(ok.status == .ok && ok.text.contains("Het verzuim is vastgelegd"))
            struct Absences: Decodable { struct A: Decodable { var hours: Double; var periods: Int?; var source: String }; var items: [A] }
            let stored = try await coordinator.get("/api/v1/absences?student_id=\(student.id)").content.decode(Absences.self).items
            #expect(stored.count == 1 && stored[0].hours == 3 && stored[0].periods == 3 && stored[0].source == "manual")
            // A teacher reads absence of own groups but cannot enter it.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/api/v1/absences?student_id=\(student.id)").content.decode(Absences.self).items.count == 1)
            #expect(try await teacher.form("/absence/new?school=\(world.home.id)", ["student": "990001"]).status == .forbidden)
        }
    }
}

@Suite("Pyramid of alignment and workshops")
struct PyramidServerTests {
    struct PyramidBody: Decodable { struct T: Decodable { var tier: Int; var interventions: Int; var with_youth_care: Int }; var tiers: [T]; var gaps: [String] }

    @Test("A school's pyramid: counts, gaps in words, SVG from the API; a youth-care worker adds joint interventions only")
    func pyramid() async throws {
        try await withSamen { app, world in
            let sql = app.db as! any SQLDatabase
            // A school starting from an empty pyramid (the demo's Check-In/Check-Out enrolments go with it).
            try await sql.raw("DELETE FROM point_cards WHERE enrolment_id IN (SELECT id FROM enrolments WHERE school_id = \(bind: world.home.id))").run()
            try await sql.raw("DELETE FROM enrolments WHERE school_id = \(bind: world.home.id)").run()
            try await sql.raw("DELETE FROM interventions WHERE school_id = \(bind: world.home.id)").run()
            let coordinator = try await Client.login(app, "coordinator")
            var body = try await coordinator.get("/api/v1/schools/\(world.home.id)/pyramid").content.decode(PyramidBody.self)
            #expect(body.tiers.map(\.interventions) == [0, 0, 0] && body.gaps.count == 3)
            for (name, tier, provider) in [("PBS", "1", "school"), ("CICO", "2", "school"), ("Gezinscoach", "3", "youthcare")] {
                let r = try await coordinator.form("/schools/\(world.home.id)/interventions", ["name": name, "tier": tier, "provider": provider, "target": "group"])
                #expect(r.status == .seeOther)
            }
            body = try await coordinator.get("/api/v1/schools/\(world.home.id)/pyramid").content.decode(PyramidBody.self)
            #expect(body.tiers.map(\.interventions) == [1, 1, 1])
            #expect(body.gaps == ["Geen interventie op niveau I samen met de jeugdhulp.", "Geen interventie op niveau II samen met de jeugdhulp."])
            let english = try await coordinator.send(.GET, "/api/v1/schools/\(world.home.id)/pyramid", headers: ["Accept-Language": "en"])
            #expect(try english.content.decode(PyramidBody.self).gaps.first == "No Tier I intervention delivered with youth care.")
            let svg = try await coordinator.get("/api/v1/schools/\(world.home.id)/pyramid.svg")
            #expect(svg.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
            #expect(svg.text.hasPrefix("<svg") && svg.text.contains("Niveau II: 1 interventies, 0 met jeugdhulp"))
            let page = try await coordinator.get("/schools/\(world.home.id)/pyramid")
            #expect(page.text.contains("<svg") && page.text.contains("Geen interventie op niveau II samen met de jeugdhulp."))

            let worker = try await Client.login(app, "youthworker")
            let notJoint = try await worker.form("/schools/\(world.home.id)/interventions", ["name": "Eigen training", "tier": "2", "provider": "youthcare", "target": "group"])
            #expect(notJoint.status == .badRequest && notJoint.text.contains("alleen gezamenlijke interventies"))
            struct Created: Decodable { var provider: String }
            let joint = try await worker.json(.POST, "/api/v1/schools/\(world.home.id)/interventions",
                                              ["name": "Sova samen", "tier": "2", "provider": "joint", "target": "group"])
            #expect(joint.status == .badRequest, "tier is a number in the API")
            struct Input: Encodable { var name: String; var tier: Int; var provider: String; var target: String }
            let made = try await worker.json(.POST, "/api/v1/schools/\(world.home.id)/interventions", Input(name: "Sova samen", tier: 2, provider: "joint", target: "group"))
            #expect(made.status == .created)
            body = try await coordinator.get("/api/v1/schools/\(world.home.id)/pyramid").content.decode(PyramidBody.self)
            #expect(body.tiers[1].with_youth_care == 1 && body.gaps == ["Geen interventie op niveau I samen met de jeugdhulp."])
            // The region compares; the region's page shows every school's pyramid, no student data.
            let region = try await Client.login(app, "region")
            let compare = try await region.get("/pyramids")
            #expect(compare.status == .ok && compare.text.components(separatedBy: "<svg").count - 1 == world.demo.schools.count)
        }
    }

    @Test("Workshop: notes from phones appear on the board; the coordinator merges them into the inventory and the session closes")
    func workshop() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let started = try await coordinator.form("/schools/\(world.home.id)/workshops", ["title": "Studiedag"])
            #expect(started.status == .seeOther)
            let board = started.headers.first(name: .location)!
            let id = String(board.dropFirst("/workshops/".count))
            let teacher = try await Client.login(app, "teacher")
            let worker = try await Client.login(app, "youthworker")
            #expect(try await teacher.form("/workshops/\(id)/notes", ["tier": "2", "text": "Kanjertraining in groepjes"]).status == .seeOther)
            #expect(try await worker.form("/workshops/\(id)/notes", ["tier": "3", "text": "Gezinscoach", "provider": "youthcare"]).status == .seeOther)
            let missing = try await teacher.form("/workshops/\(id)/notes", ["text": "zonder kleur"])
            #expect(missing.status == .badRequest && missing.text.contains("id=\"tier-error\""))
            // The board as one server-sent event.
            let event = try await coordinator.get("/workshops/\(id)/events?once=1")
            #expect(event.headers.contentType?.description == "text/event-stream")
            #expect(event.text.hasPrefix("event: board\ndata: ") && event.text.contains("Kanjertraining in groepjes") && event.text.contains("Gezinscoach"))
            #expect(!event.text.dropFirst(5).contains("\n\n\n"))
            let before = try await PyramidService(db: app.db).interventions(schoolID: world.home.id).count
            let notes = try await PyramidService(db: app.db).notes(workshopID: UUID(uuidString: id)!)
            let kanjer = notes.first { $0.text.hasPrefix("Kanjer") }!, coach = notes.first { $0.text == "Gezinscoach" }!
            let merged = try await coordinator.form("/workshops/\(id)/merge", ["confirm": "1", "note_\(kanjer.id)": "new", "note_\(coach.id)": "dismiss"])
            #expect(merged.status == .seeOther)
            let after = try await PyramidService(db: app.db).interventions(schoolID: world.home.id)
            #expect(after.count == before + 1 && after.contains { $0.name == "Kanjertraining in groepjes" && $0.tier == 2 })
            // Closed: no more notes; the board says so.
            #expect(try await teacher.form("/workshops/\(id)/notes", ["tier": "1", "text": "Te laat"]).status == .conflict)
            #expect(try await coordinator.get(board).text.contains("afgesloten"))
        }
    }
}

@Suite("Dashboard")
struct DashboardTests {
    struct Body: Decodable { struct F: Decodable { var key: String; var header: [String]; var rows: [[String]] }; var figures: [F] }

    func count(_ body: Body, _ figure: String, _ label: String) -> Int {
        Int(body.figures.first { $0.key == figure }?.rows.first { $0[0] == label }?[1] ?? "0") ?? 0
    }

    @Test("Every figure follows the data: three completed thefts count, a draft does not; CSV and SVG of each figure")
    func figures() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let before = try await coordinator.get("/api/v1/schools/\(world.home.id)/dashboard").content.decode(Body.self)
            #expect(before.figures.map(\.key) == DashboardService.keys)
            let labels = try await coordinator.get("/api/v1/schools/\(world.home.id)/labels").content.decode(LabelListBody.self).items
            let theft = labels.first { $0.code == "theft" }!.id, corridor = labels.first { $0.code == "corridor" }!.id
            struct Payload: Encodable { var students: [[String: String]]; var date: String; var time: String; var behaviour_id: UUID; var location_id: UUID; var status: String? }
            for (time, status) in [("10:05", nil), ("10:10", nil), ("13:30", nil), ("13:40", "draft")] as [(String, String?)] {
                let r = try await coordinator.json(.POST, "/api/v1/incidents", Payload(students: [["student_id": student.id.uuidString]], date: LocalDate.today().iso,
                                                                                       time: time, behaviour_id: theft, location_id: corridor, status: status))
                #expect(r.status == .created)
            }
            let after = try await coordinator.get("/api/v1/schools/\(world.home.id)/dashboard").content.decode(Body.self)
            #expect(count(after, "behaviour", "Diefstal") == count(before, "behaviour", "Diefstal") + 3)
            #expect(count(after, "location", "Gang") == count(before, "location", "Gang") + 3)
            #expect(count(after, "hour", "10:00") == count(before, "hour", "10:00") + 2)
            #expect(count(after, "hour", "13:00") == count(before, "hour", "13:00") + 1)
            let weekday = Catalogue.text("weekday_\(LocalDate.today().weekday)", .nl)
            if LocalDate.today().weekday <= 5 { #expect(count(after, "weekday", weekday) == count(before, "weekday", weekday) + 3) }
            #expect(after.figures.first { $0.key == "students" }?.rows.contains { $0[0] == "Fenna Oosterbaan" && $0[1] == "3" } == true)
            // The triangle: shares of the school's students, against 80/15/5.
            let triangle = after.figures.first { $0.key == "triangle" }!
            #expect(triangle.rows.map { $0.last } == ["80%", "15%", "5%"])
            // CSV: a spreadsheet opens it (BOM, semicolons), a formula-looking label stays text.
            let csv = try await coordinator.get("/schools/\(world.home.id)/dashboard.csv?figure=behaviour")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("\u{FEFF}Gedrag;Incidenten\r\n") && csv.text.contains("Diefstal;"))
            let svg = try await coordinator.get("/api/v1/schools/\(world.home.id)/charts/triangle")
            #expect(svg.text.hasPrefix("<svg") && svg.text.contains("stroke-dasharray"))
            #expect(try await coordinator.get("/api/v1/schools/\(world.home.id)/charts/nonsense").status == .badRequest)
            #expect(try await coordinator.get("/api/v1/schools/\(world.home.id)/dashboard?year=2026").status == .badRequest)
            #expect(try await coordinator.get("/api/v1/schools/\(world.home.id)/dashboard?month=1999-01").status == .badRequest)
            // One month only.
            let month = String(LocalDate.today().iso.prefix(7))
            let only = try await coordinator.get("/api/v1/schools/\(world.home.id)/dashboard?month=\(month)").content.decode(Body.self)
            #expect(count(only, "behaviour", "Diefstal") >= 3)
            let page = try await coordinator.get("/schools/\(world.home.id)/dashboard")
            #expect(page.status == .ok && page.text.components(separatedBy: "<svg").count - 1 == DashboardService.keys.count)
        }
    }
}

@Suite("Check-In/Check-Out")
struct CheckInCheckOutTests {
    @Test("The coordinator enrols a student with a pair; the teacher fills in point cards; two weeks below goal raise a review; a fade decision starts the fading path")
    func pointCards() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let intervention = try await PyramidService(db: app.db).create(InterventionFields(name: "Check-In/Check-Out", tier: .two, provider: .school, target: .individual),
                                                                           schoolID: world.home.id)
            // Errors next to the form on the student's page.
            let bad = try await coordinator.form("/students/\(student.id)/enrolments", ["intervention_id": "", "goal": "150", "start_on": "2026-11-02", "review_on": "2026-11-01",
                                                                                         "expectations": "", "periods": "12"])
            #expect(bad.status == .badRequest && bad.text.contains("Kies een interventie op niveau II of III"))
            let start = LocalDate.today().adding(days: -28)
            let enrolled = try await coordinator.form("/students/\(student.id)/enrolments", [
                "intervention_id": intervention.uuidString, "goal": "80", "start_on": start.iso, "review_on": LocalDate.today().adding(days: 28).iso,
                "teacher_id": world.account.id.uuidString, "expectations": "Respectvol\nVerantwoordelijk\nVeilig", "periods": "4"])
            #expect(enrolled.status == .seeOther)
            let page = enrolled.headers.first(name: .location)!
            // The teacher of the pair sees it on the home page and fills in cards: 50% on every school day of four weeks.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/").text.contains(page))
            var day = start
            var lastSaved: TestingHTTPResponse? = nil
            while day < LocalDate.today() {
                if day.weekday <= 5 {
                    var fields = ["date": day.iso]
                    for e in 0..<3 { for p in 0..<4 { fields["r_\(e)_\(p)"] = "1" } }
                    lastSaved = try await teacher.form(page + "/cards", fields)
                    #expect(lastSaved?.status == .ok)
                }
                day = day.adding(days: 1)
            }
            #expect(lastSaved?.text.contains("dagscore 50%") == true)
            let bad2 = try await teacher.form(page + "/cards", ["date": LocalDate.today().iso, "r_0_0": "3"])
            #expect(bad2.status == .badRequest && bad2.text.contains("is geen 0, 1 of 2") && bad2.text.contains("id=\"card-error\""))
            // The same card through the API: the shape is checked, the score comes back.
            struct Card: Encodable { var date: String; var ratings: [[Int?]] }
            let enrolmentID = String(page.split(separator: "/").last!)
            let wrongShape = try await teacher.json(.POST, "/api/v1/enrolments/\(enrolmentID)/cards", Card(date: LocalDate.today().iso, ratings: [[1, 1]]))
            #expect(wrongShape.status == .badRequest && wrongShape.text.contains("Geef 3 rijen"))
            let viaAPI = try await teacher.json(.POST, "/api/v1/enrolments/\(enrolmentID)/cards",
                                                Card(date: start.iso, ratings: Array(repeating: [2, 2, 1, nil], count: 3)))
            #expect(viaAPI.status == .ok && viaAPI.text.contains("\"score\":0.8333"))
            let signals = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
            let review = signals.first { $0.rule == "point_card_review" }
            #expect(review != nil && review!.message.contains("onder het doel"))
            // The team decides to fade (here on the review signal): the enrolment's fading path starts today.
            struct Decision: Encodable { var decision: String; var review_by: String }
            #expect(try await coordinator.json(.POST, "/api/v1/signals/\(review!.id)/decisions",
                                               Decision(decision: "continue", review_by: LocalDate.today().adding(days: 14).iso)).status == .created)
            #expect(try await coordinator.get(page).text.contains("Loopt · loopt"))
            #expect(try await coordinator.form(page + "/fade", [:]).status == .seeOther)
            #expect(try await coordinator.get(page).text.contains("Zelfmonitoring"))
            // The pyramid shows the intervention's results.
            #expect(try await coordinator.get("/schools/\(world.home.id)/pyramid").text.contains("1 leerlingen · op doel 0/1"))
            // The teacher cannot end it; the coordinator can.
            #expect(try await teacher.form(page + "/end", ["reason": "stopped"]).status == .forbidden)
            #expect(try await coordinator.form(page + "/end", ["reason": "stopped"]).status == .seeOther)
            #expect(try await teacher.form(page + "/cards", ["date": LocalDate.today().iso, "r_0_0": "2"]).status == .conflict)
        }
    }

    @Test("A Tier III measurement: enrolled with a count and a ceiling, figures from the page and the API, two weeks above the goal raise a review")
    func measurement() async throws {
        try await withSamen { app, world in
            let student = try await Fresh.student(app, world)
            let coordinator = try await Client.login(app, "coordinator")
            let intervention = try await PyramidService(db: app.db).create(InterventionFields(name: "Individueel gedragsplan", tier: .three, provider: .joint, target: .individual),
                                                                           schoolID: world.home.id)
            let start = LocalDate.today().adding(days: -21)
            let base = ["intervention_id": intervention.uuidString, "start_on": start.iso, "review_on": LocalDate.today().adding(days: 21).iso,
                        "teacher_id": world.account.id.uuidString, "monitoring": "count", "direction": "at_most", "expectations": "", "periods": ""]
            // A goal that is not a count, a missing measure: both named; no expectations needed.
            let bad = try await coordinator.form("/students/\(student.id)/enrolments", base.merging(["goal": "-1", "measure": ""]) { _, b in b })
            #expect(bad.status == .badRequest && bad.text.contains("Schrijf op wat er gemeten wordt") && bad.text.contains("geen doel voor deze meting"))
            let created = try await coordinator.form("/students/\(student.id)/enrolments", base.merging(["goal": "1", "measure": "Keer uit de les"]) { _, b in b })
            #expect(created.status == .seeOther)
            let page = created.headers.first(name: .location)!
            let id = String(page.split(separator: "/").last!)
            // The teacher of the pair enters figures: 3 a day on the page, then through the API; a count with decimals is refused.
            let teacher = try await Client.login(app, "teacher")
            let form = try await teacher.get(page)
            #expect(form.text.contains("id=\"measurement-form\"") && form.text.contains("hoogstens 1 · Keer uit de les"))
            let refused = try await teacher.form(page + "/measurements", ["date": LocalDate.today().iso, "value": "1,5"])
            #expect(refused.status == .badRequest && refused.text.contains("geen waarde voor deze meting"))
            var day = start
            var raised = 0
            while day < LocalDate.today() {
                if day.weekday <= 5 {
                    if day < start.adding(days: 7) {
                        #expect(try await teacher.form(page + "/measurements", ["date": day.iso, "value": "3"]).status == .ok)
                    } else {
                        struct Figure: Encodable { var date: String; var value: Double }
                        let saved = try await teacher.json(.POST, "/api/v1/enrolments/\(id)/measurements", Figure(date: day.iso, value: 3))
                        #expect(saved.status == .ok)
                        if saved.text.contains("\"signals_raised\":1") { raised += 1 }
                    }
                }
                day = day.adding(days: 1)
            }
            #expect(raised == 1, "the review is raised once")
            let signals = try await coordinator.get("/api/v1/signals?student_id=\(student.id)").content.decode(SignalListBody.self).items
            #expect(signals.contains { $0.rule == "progress_review" && $0.message.contains("Keer uit de les: ") && $0.message.contains("onder het doel") })
            // The API shows the enrolment with its weeks; a point card cannot be sent to it.
            struct Detail: Decodable {
                struct E: Decodable { var monitoring: String; var measure: String?; var goal_value: Double? }
                struct W: Decodable { var average: Double; var reached: Bool }
                var enrolment: E
                var weeks: [W]
            }
            let detail = try await coordinator.get("/api/v1/enrolments/\(id)").content.decode(Detail.self)
            #expect(detail.enrolment.monitoring == "count" && detail.enrolment.goal_value == 1 && detail.weeks.allSatisfy { !$0.reached && $0.average == 3 })
            struct Card: Encodable { var date: String; var ratings: [[Int?]] }
            #expect(try await teacher.json(.POST, "/api/v1/enrolments/\(id)/cards", Card(date: LocalDate.today().iso, ratings: [[1]])).status == .conflict)
            #expect(try await coordinator.get("/api/v1/students/\(student.id)/enrolments").text.contains("Keer uit de les"))
            let svg = try await coordinator.get("/api/v1/enrolments/\(id)/chart.svg")
            #expect(svg.headers.first(name: .contentType)?.hasPrefix("image/svg+xml") == true && svg.text.contains("Keer uit de les") && svg.text.contains("<polyline"))
            // The pyramid counts the student as not reaching the goal.
            #expect(try await coordinator.get("/schools/\(world.home.id)/pyramid").text.contains("1 leerlingen · op doel 0/1"))
        }
    }
}
