import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

struct StudentPageBody: Decodable {
    struct Row: Decodable { var id: UUID; var number: String; var display_name: String; var group: String? }
    var items: [Row]
    var total: Int
}

struct ErrorBody: Decodable { var error: String; var field: String? }

@Suite("Directory: scope, search, edits, errors")
struct DirectoryTests {
    @Test("A teacher sees the students of own groups only; a coordinator the whole school")
    func studentScope() async throws {
        try await withSamen { app, world in
            let teacher = try await Client.login(app, "teacher")
            let own = try await teacher.get("/api/v1/students").content.decode(StudentPageBody.self)
            let inGroup = world.demo.students.filter { $0.groupID == world.teacherGroup.id }
            #expect(Set(own.items.map(\.id)) == Set(inGroup.map(\.id)))
            let coordinator = try await Client.login(app, "coordinator")
            let school = try await coordinator.get("/api/v1/students").content.decode(StudentPageBody.self)
            #expect(school.total == world.demo.students.filter { $0.schoolID == world.home.id }.count)
            // Paging: the total holds on every page, also past the last one.
            let second = try await coordinator.get("/api/v1/students?per_page=4&page=2").content.decode(StudentPageBody.self)
            #expect(second.total == school.total && second.items.count == school.total - 4)
            let beyond = try await coordinator.get("/api/v1/students?per_page=4&page=99").content.decode(StudentPageBody.self)
            #expect(beyond.total == school.total && beyond.items.isEmpty)
            // A youth-care worker: only the students whose active consent shares with their organisation,
            // and those of open cases assigned to them on a legal basis.
            let youthworker = try await Client.login(app, "youthworker")
            let worker = world.demo.people.first { $0.username == "youthworker" }!.id
            let consented = try await (app.db as! any SQLDatabase).raw("""
                SELECT COUNT(*) AS n FROM (SELECT student_id FROM consents WHERE purpose = 'share' AND withdrawn_at IS NULL
                AND given_on <= \(bind: LocalDate.today().iso) AND (expires_on IS NULL OR expires_on >= \(bind: LocalDate.today().iso))
                UNION SELECT student_id FROM cases WHERE worker_id = \(bind: worker) AND closed_on IS NULL AND basis <> 'consent') x
                """).first(decodingColumn: "n", as: Int.self)!
            #expect(consented > 0)
            #expect(try await youthworker.get("/api/v1/students").content.decode(StudentPageBody.self).total == consented)
        }
    }

    @Test("Lists follow every write to students, groups and schools at once, also one this server did not make")
    func listsFollowWrites() async throws {
        try await withSamen { app, world in
            // Written straight into the database, as another instance, an import or retention would.
            let sql = app.db as! any SQLDatabase
            let coordinator = try await Client.login(app, "coordinator")
            func list() async throws -> StudentPageBody {
                try await coordinator.get("/api/v1/students?per_page=500").content.decode(StudentPageBody.self)
            }
            let before = try await list()
            let student = world.demo.students.first { $0.schoolID == world.home.id && $0.groupID == world.teacherGroup.id }!
            #expect(before.items.contains { $0.id == student.id })

            try await sql.raw("UPDATE students SET first_name = 'Zeynep' WHERE id = \(bind: student.id)").run()
            #expect(try await list().items.first { $0.id == student.id }?.display_name.hasPrefix("Zeynep ") == true)
            try await sql.raw("UPDATE school_groups SET name = '7z' WHERE id = \(bind: world.teacherGroup.id)").run()
            #expect(try await list().items.first { $0.id == student.id }?.group == "7z")

            let other = world.demo.schools.first { $0.id != world.home.id }!
            try await sql.raw("UPDATE students SET school_id = \(bind: other.id), group_id = NULL WHERE id = \(bind: student.id)").run()
            let moved = try await list()
            #expect(!moved.items.contains { $0.id == student.id })
            #expect(moved.total == before.total - 1)

            // A teacher's links are read with every request: without the group, no students.
            let teacher = try await Client.login(app, "teacher")
            #expect(try await teacher.get("/api/v1/students").content.decode(StudentPageBody.self).total > 0)
            try await sql.raw("DELETE FROM group_staff WHERE group_id = \(bind: world.teacherGroup.id)").run()
            #expect(try await teacher.get("/api/v1/students").content.decode(StudentPageBody.self).total == 0)

            // The page draws on the same students: a search there finds the renamed student's classmate by number.
            let classmate = world.demo.students.first { $0.schoolID == world.home.id && $0.id != student.id }!
            let page = try await coordinator.get("/students?q=" + Client.encode(classmate.number))
            #expect(page.text.contains(Markup.escape(classmate.name.listed)))
        }
    }

    @Test("Search finds a student by part of the surname, by the name with its particle, and by number")
    func search() async throws {
        try await withSamen { app, world in
            let admin = try await Client.login(app, "admin")
            let student = world.demo.students.first { !$0.name.particle.isEmpty } ?? world.demo.students[0]
            for query in [String(student.name.last.prefix(4)), student.name.display, "\(student.name.particle) \(student.name.last)", student.number] {
                let path = "/api/v1/students?per_page=500&q=" + Client.encode(query)
                let found = try await admin.get(path).content.decode(StudentPageBody.self)
                #expect(found.items.contains { $0.id == student.id }, "query \(query)")
            }
        }
    }

    @Test("Adding a student through the form: errors next to the field, nothing saved; then saved")
    func studentForm() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let before = try await Student.query(on: app.db).count()
            let bad = try await coordinator.form("/students/new?school=\(world.home.id)", [
                "number": "A 1", "first_name": "", "last_name": "Bakker", "birth_date": "31-02-2015"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"first-error\""))
            #expect(bad.text.contains("geen geldige datum"))
            #expect(bad.text.contains("geen geldig leerlingnummer"))
            #expect(try await Student.query(on: app.db).count() == before)
            let good = try await coordinator.form("/students/new?school=\(world.home.id)", [
                "number": "900001", "first_name": "Sanne", "particle": "van der", "last_name": "Berg", "birth_date": "14-03-2016",
                "group_id": world.teacherGroup.id.uuidString])
            #expect(good.status == .seeOther)
            let saved = try await Student.query(on: app.db).filter(\.$number == "900001").first()
            #expect(saved?.name.display == "Sanne van der Berg")
            #expect(saved?.name.listed == "Berg, Sanne van der")
            #expect(saved?.birthDate == "2016-03-14")
            // The same number twice at one school is refused at the field.
            let twice = try await coordinator.form("/students/new?school=\(world.home.id)", [
                "number": "900001", "first_name": "Piet", "last_name": "Jansen", "birth_date": "01-01-2016"])
            #expect(twice.status == .badRequest)
            #expect(twice.text.contains("al in gebruik"))
        }
    }

    @Test("API errors are JSON with the field and a 4xx, never a 500, for any malformed body")
    func apiErrors() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let badDate = try await coordinator.json(.POST, "/api/v1/students", [
                "school_id": world.home.id.uuidString, "number": "77", "first_name": "A", "last_name": "B", "birth_date": "gisteren"])
            #expect(badDate.status == .badRequest)
            #expect(try badDate.content.decode(ErrorBody.self).field == "birth_date")
            let wrongType = try await coordinator.send(.POST, "/api/v1/students", headers: ["Content-Type": "application/json"],
                                                       body: ByteBuffer(string: #"{"school_id": 12, "number": []}"#))
            #expect(wrongType.status == .badRequest)
            #expect(try wrongType.content.decode(ErrorBody.self).field == "school_id")
            for junk in ["{", "null", "[]", "\"x\"", "{\"number\": {\"a\": 1}}"] {
                let response = try await coordinator.send(.POST, "/api/v1/students", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: junk))
                #expect(response.status.code >= 400 && response.status.code < 500, "body \(junk)")
                #expect(response.headers.contentType == .json)
            }
            let badPage = try await coordinator.get("/api/v1/students?page=abc")
            #expect(badPage.status == .badRequest)
            for extreme in ["page=9223372036854775807", "page=-9223372036854775808&per_page=9223372036854775807", "per_page=0"] {
                #expect(try await coordinator.get("/api/v1/students?" + extreme).status == .ok, "\(extreme)")
                #expect(try await coordinator.get("/students?" + extreme).status == .ok, "\(extreme)")
            }
            let notUUID = try await coordinator.get("/api/v1/students/not-a-uuid")
            #expect(notUUID.status == .notFound)
            let english = try await coordinator.send(.GET, "/api/v1/students/\(UUID())", headers: ["Accept-Language": "en"])
            #expect(try english.content.decode(ErrorBody.self).error.contains("does not exist"))
        }
    }

    @Test("Changing a student through the API keeps what is not sent")
    func patchStudent() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let student = world.student(in: world.teacherGroup)
            let response = try await coordinator.json(.PATCH, "/api/v1/students/\(student.id)", ["group_id": world.homeOtherGroup.id.uuidString])
            #expect(response.status == .ok)
            let saved = try await Student.find(student.id, on: app.db)!
            #expect(saved.$group.id == world.homeOtherGroup.id)
            #expect(saved.number == student.number)
            // A group of another school is refused.
            let foreign = try await coordinator.json(.PATCH, "/api/v1/students/\(student.id)", ["group_id": world.otherGroup.id.uuidString])
            #expect(foreign.status == .badRequest)
            #expect(try foreign.content.decode(ErrorBody.self).field == "group_id")
        }
    }

    @Test("Text a user typed comes back escaped on every page it appears on")
    func escaping() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let payload = "\"><script>alert(1)</script>"
            let created = try await coordinator.json(.POST, "/api/v1/students", [
                "school_id": world.home.id.uuidString, "number": "666", "first_name": payload, "last_name": "O'Brien" + payload,
                "birth_date": "01-01-2015", "group_id": world.teacherGroup.id.uuidString])
            #expect(created.status == .created)
            let group = try await coordinator.form("/schools/\(world.home.id)/groups", ["name": payload])
            #expect(group.status == .seeOther)
            let id = try await Student.query(on: app.db).filter(\.$number == "666").first()!.id!
            let teacher = try await Client.login(app, "teacher")
            for (client, path) in [(coordinator, "/students/\(id)"), (coordinator, "/students?q=brien"), (teacher, "/"),
                                   (coordinator, "/schools/\(world.home.id)"), (coordinator, "/students/\(id)/edit")] {
                let page = try await client.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("<script>alert(1)"), "\(path)")
                #expect(page.text.contains("&lt;script&gt;"), "\(path)")
            }
        }
    }

    @Test("A coordinator adds and removes a guardian; bad fields are refused next to the field")
    func guardians() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let student = world.student(in: world.teacherGroup)
            let before = try await StudentGuardian.query(on: app.db).filter(\.$student.$id == student.id).count()
            let bad = try await coordinator.form("/students/\(student.id)/guardians", ["name": "", "email": "geen-adres", "phone": "bel me"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"guardian-name-error\""))
            #expect(bad.text.contains("geen geldig e-mailadres"))
            #expect(bad.text.contains("geen telefoonnummer"))
            let good = try await coordinator.form("/students/\(student.id)/guardians",
                                                  ["name": "Fatima El Amrani", "email": "f.elamrani@mail.example", "phone": "06-12345678", "relation": "mother"])
            #expect(good.status == .seeOther)
            let page = try await coordinator.get("/students/\(student.id)")
            #expect(page.text.contains("Fatima El Amrani"))
            #expect(page.text.contains("moeder"))
            let added = try await Guardian.query(on: app.db).filter(\.$name == "Fatima El Amrani").first()!
            let viaAPI = try await coordinator.json(.POST, "/api/v1/students/\(student.id)/guardians", ["name": "Hans Kok", "relation": "oom"])
            #expect(try viaAPI.content.decode(ErrorBody.self).field == "relation")
            #expect(try await coordinator.send(.DELETE, "/api/v1/students/\(student.id)/guardians/\(added.id!)").status == .noContent)
            #expect(try await StudentGuardian.query(on: app.db).filter(\.$student.$id == student.id).count() == before)
            #expect(try await Guardian.find(added.id, on: app.db) == nil)
            // A teacher sees the guardians but cannot change them.
            let teacher = try await Client.login(app, "teacher")
            let seen = try await teacher.get("/students/\(student.id)")
            #expect(!seen.text.contains("guardian-name"))
            #expect(try await teacher.form("/students/\(student.id)/guardians", ["name": "X"]).status == .forbidden)
        }
    }

    @Test("A coordinator adds a group; a duplicate name is refused next to the field")
    func groups() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let made = try await coordinator.json(.POST, "/api/v1/schools/\(world.home.id)/groups", ["name": "6b", "level": "groep 6"])
            #expect(made.status == .created)
            let twice = try await coordinator.form("/schools/\(world.home.id)/groups", ["name": "6b"])
            #expect(twice.status == .badRequest)
            #expect(twice.text.contains("id=\"group-error\""))
        }
    }

    @Test("A coordinator makes a new teacher mentor of a group; the teacher then sees its students, and no longer after removal")
    func groupStaff() async throws {
        try await withSamen { app, world in
            let admin = try await Client.login(app, "admin")
            let made = try await admin.form("/accounts/new", ["username": "n.nieuw", "first_name": "Nina", "last_name": "Nieuw", "role": "teacher",
                                                              "schools[]": world.home.id.uuidString, "password": "een lange zin"])
            #expect(made.status == .seeOther)
            let teacherID = try await Account.query(on: app.db).filter(\.$username == "n.nieuw").first()!.id!
            let newcomer = try await Client.login(app, "n.nieuw", password: "een lange zin")
            #expect(try await newcomer.get("/api/v1/students").content.decode(StudentPageBody.self).total == 0)
            let coordinator = try await Client.login(app, "coordinator")
            let page = try await coordinator.get("/groups/\(world.homeOtherGroup.id)")
            #expect(page.text.contains("Nieuw, Nina"))
            let add = try await coordinator.form("/groups/\(world.homeOtherGroup.id)/staff", ["account_id": teacherID.uuidString, "mentor": "on"])
            #expect(add.status == .seeOther)
            #expect(try await newcomer.get("/api/v1/students").content.decode(StudentPageBody.self).total == 3)
            // Someone who is not staff of this school cannot be added.
            let refused = try await coordinator.form("/groups/\(world.homeOtherGroup.id)/staff", ["account_id": UUID().uuidString])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"staff-error\""))
            let removed = try await coordinator.form("/groups/\(world.homeOtherGroup.id)/staff/\(teacherID)/remove", [:])
            #expect(removed.status == .seeOther)
            #expect(try await newcomer.get("/api/v1/students").content.decode(StudentPageBody.self).total == 0)
        }
    }

    @Test("The region sees its schools with counts below 10 suppressed, never a student")
    func regionSuppression() async throws {
        try await withSamen { app, _ in
            let region = try await Client.login(app, "region")
            let home = try await region.get("/")
            #expect(home.status == .ok)
            // The small demo has 6 students a school: every count shows as "< 10".
            #expect(home.text.contains("&lt; 10"))
            #expect(try await region.get("/api/v1/students").status == .forbidden)
        }
    }

    @Test("An administrator creates a school and an account that can log in")
    func adminCreates() async throws {
        try await withSamen { app, world in
            let admin = try await Client.login(app, "admin")
            let bad = try await admin.json(.POST, "/api/v1/schools", ["code": "XX", "name": "Nieuw", "type": "PO"])
            #expect(try bad.content.decode(ErrorBody.self).field == "code")
            let taken = try await admin.json(.POST, "/api/v1/schools", ["code": "10AA", "name": "Dubbel", "type": "PO"])
            #expect(try taken.content.decode(ErrorBody.self).field == "code")
            let school = try await admin.json(.POST, "/api/v1/schools", ["code": "20BB", "name": "IKC Het Kompas", "type": "po", "city": "Lagedijk"])
            #expect(school.status == .created)
            let id = try await School.query(on: app.db).filter(\.$code == "20BB").first()!.id!
            let account = try await admin.form("/accounts/new", ["username": "m.jansen", "first_name": "Mieke", "last_name": "Jansen",
                                                                 "role": "coordinator", "schools[]": id.uuidString, "password": "een lange zin"])
            #expect(account.status == .seeOther)
            // The schools page counts groups and current students per school.
            let schools = try await admin.get("/schools").text
            #expect(schools.contains(#"<a href="/schools/\#(world.home.id)">OBS De Regenboog</a></td><td>PO</td><td>Veenendrecht</td><td class="num">2</td><td class="num">6</td>"#))
            #expect(schools.contains(#">IKC Het Kompas</a></td><td>PO</td><td>Lagedijk</td><td class="num">0</td><td class="num">0</td>"#))
            let coordinator = try await Client.login(app, "m.jansen", password: "een lange zin")
            struct Schools: Decodable { struct S: Decodable { var code: String }; var items: [S] }
            #expect(try await coordinator.get("/api/v1/schools").content.decode(Schools.self).items.map(\.code) == ["20BB"])
        }
    }
}
