import Fluent
import Foundation
import NIOCore
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The small demo region every server test starts from, regenerated here
/// so tests know its ids: seven schools, two groups each, three students a group.
struct TestWorld {
    let demo = DemoRegion.generate(seed: 2026, size: .small, schoolYear: .containing(.today()))

    /// OBS De Regenboog: the school of the demo leader, coordinator and teacher.
    var home: DemoRegion.School { demo.schools[0] }
    /// CBS De Klimop: outside every school-bound demo login's scope.
    var other: DemoRegion.School { demo.schools[1] }
    var teacherGroup: DemoRegion.Group { demo.groups.first { $0.schoolID == home.id && $0.name == "7a" }! }
    var homeOtherGroup: DemoRegion.Group { demo.groups.first { $0.schoolID == home.id && $0.name != "7a" }! }
    var otherGroup: DemoRegion.Group { demo.groups.first { $0.schoolID == other.id }! }
    func student(in group: DemoRegion.Group) -> DemoRegion.Student { demo.students.first { $0.groupID == group.id }! }
    var account: DemoRegion.Person { demo.people.first { $0.username == "teacher" }! }
}

/// Runs a test on a fresh database: a new SQLite file, or, when
/// `SAMEN_TEST_DATABASE_URL` is set, a new schema of that PostgreSQL database.
/// The small demo region is loaded unless `empty` is set.
func withSamen(empty: Bool = false, _ test: (Application, TestWorld) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    var cleanup: (() async throws -> Void)? = nil
    do {
        if let url = ProcessInfo.processInfo.environment["SAMEN_TEST_DATABASE_URL"], !url.isEmpty {
            let schema = "t_\(suffix)"
            try configure(app, SamenConfig(database: .postgres(url: url, schema: schema), bcryptCost: 4))
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
            cleanup = { try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("samen-test-\(suffix)")
            try configure(app, SamenConfig(database: .sqlite(path: dir.appendingPathComponent("samen.sqlite").path), bcryptCost: 4))
            cleanup = { try? FileManager.default.removeItem(at: dir) }
        }
        try await app.prepareDatabase()
        if !empty { _ = try await DemoLoader.load(into: app, size: .small) }
        try await test(app, TestWorld())
    } catch {
        try? await cleanup?()
        try? await app.asyncShutdown()
        throw error
    }
    try await cleanup?()
    try await app.asyncShutdown()
}

/// A client for one test: remembers a token (sent as bearer to the API and
/// as the session cookie to pages) and the CSRF token pages need.
struct Client {
    let app: Application
    var token: String?
    let csrf = "test-csrf-token-0123456789abcdefghijklmnop"
    /// More cookies a browser would send (a resume cookie).
    var extraCookies: [String] = []

    init(_ app: Application, token: String? = nil) {
        self.app = app
        self.token = token
    }

    /// Logs in through the API as a demo login.
    static func login(_ app: Application, _ username: String, password: String = "demo") async throws -> Client {
        var client = Client(app)
        let response = try await client.json(.POST, "/api/v1/session", ["username": username, "password": password])
        #expect(response.status == .created, "login as \(username)")
        client.token = try response.content.decode(TokenBody.self).token
        return client
    }

    struct TokenBody: Decodable { var token: String }

    func headers(for path: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var cookies = ["\(Cookies.csrf)=\(csrf)"] + extraCookies
        if let token {
            if path.hasPrefix("/api/") { headers.bearerAuthorization = .init(token: token) } else { cookies.append("\(Cookies.session)=\(token)") }
        }
        headers.replaceOrAdd(name: .cookie, value: cookies.joined(separator: "; "))
        return headers
    }

    func send(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var headers = self.headers(for: path)
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body) { request in
            request.url = URI(string: path)
        }
    }

    func get(_ path: String) async throws -> TestingHTTPResponse { try await send(.GET, path) }

    func json(_ method: HTTPMethod, _ path: String, _ body: some Encodable) async throws -> TestingHTTPResponse {
        let data = try JSONEncoder().encode(body)
        return try await send(method, path, headers: ["Content-Type": "application/json"], body: ByteBuffer(bytes: data))
    }

    /// Posts a form with the CSRF token (unless `csrf` is false).
    func form(_ path: String, _ fields: [String: String], csrf: Bool = true) async throws -> TestingHTTPResponse {
        var all = fields
        if csrf { all["_csrf"] = self.csrf }
        let body = all.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension TestingHTTPResponse {
    var text: String { body.string }
}

/// Records for the signals capability, one in the home school (about a
/// student of the demo teacher's group, recorded by the coordinator) and
/// one in the other school: an incident, a signal and a label each.
struct SignalFixtures {
    var incident: (home: UUID, other: UUID)
    var signal: (home: UUID, other: UUID)
    var label: (home: UUID, other: UUID)
    var intervention: (home: UUID, other: UUID)
    var workshop: (home: UUID, other: UUID)
    var enrolment: (home: UUID, other: UUID)
    /// Open screening rounds and school-owned instruments.
    var round: (home: UUID, other: UUID)
    var instrument: (home: UUID, other: UUID)
    /// Research consents (they open nothing to youth care) of the two students.
    var consent: (home: UUID, other: UUID)
    /// Team meetings, each with two open actions (one for the page's "done", one for the API's).
    var meeting: (home: UUID, other: UUID)
    var action: (home: UUID, other: UUID)
    var apiAction: (home: UUID, other: UUID)
    /// Open support cases of the two students, led by the coordinator and the administrator, no worker assigned.
    var caseID: (home: UUID, other: UUID)
    /// The schools' own copies of the Respect programme, a run of each with one pair (at home: the demo teacher and
    /// youth-care worker, group 7a; elsewhere people of that school) and the pair's kick-off logged.
    var programme: (home: UUID, other: UUID) = (UUID(), UUID())
    var run: (home: UUID, other: UUID) = (UUID(), UUID())
    var pair: (home: UUID, other: UUID) = (UUID(), UUID())
    var delivery: (home: UUID, other: UUID) = (UUID(), UUID())
    /// A questionnaire everyone with access may read (the shipped collaboration scan), and one the administrator owns.
    var questionnaire: (home: UUID, other: UUID) = (UUID(), UUID())
    /// Open waves of the collaboration scan: the researcher's over the home school, the administrator's over the other.
    var wave: (home: UUID, other: UUID) = (UUID(), UUID())

    static func make(_ app: Application, _ world: TestWorld) async throws -> SignalFixtures {
        let coordinator = world.demo.people.first { $0.username == "coordinator" }!.id
        let admin = world.demo.people.first { $0.username == "admin" }!.id
        let today = LocalDate.today()
        func make(school: UUID, student: UUID, reporter: UUID) async throws -> (UUID, UUID, UUID) {
            let labels = try await LabelService(db: app.db).labels(schoolID: school, includeArchived: false, language: .nl)
            let behaviour = labels.first { $0.kind == "behaviour" }!.id, location = labels.first { $0.kind == "location" }!.id
            let fields = IncidentFields(date: today, time: TimeOfDay(minutes: 600)!, managedBy: .staff, others: .none, note: "")
            let incident = try await IncidentService(db: app.db).create(
                IncidentInput(fields: fields, students: [(student, .involved)], behaviourID: behaviour, locationID: location),
                schoolID: school, reporterID: reporter, status: .complete).id
            _ = try await RuleEngine(db: app.db).raise([(student, RuleFinding(rule: .incidentsRed, date: today, figures: ["6"]))],
                                                       schoolID: school, now: Date())
            let sql = app.db as! any SQLDatabase
            let signal = try await sql.raw("SELECT id FROM signals WHERE student_id = \(bind: student) AND rule = 'incidents_red'")
                .first(decodingColumn: "id", as: UUID.self)!
            return (incident, signal, behaviour)
        }
        let home = try await make(school: world.home.id, student: world.student(in: world.teacherGroup).id, reporter: coordinator)
        let other = try await make(school: world.other.id, student: world.student(in: world.otherGroup).id, reporter: admin)
        let pyramids = PyramidService(db: app.db)
        let fields = InterventionFields(name: "Huiswerkklas", tier: .two, provider: .school, target: .group)
        let interventions = (try await pyramids.create(fields, schoolID: world.home.id), try await pyramids.create(fields, schoolID: world.other.id))
        let workshops = (try await pyramids.startWorkshop(schoolID: world.home.id, title: "Teamdag", by: coordinator),
                         try await pyramids.startWorkshop(schoolID: world.other.id, title: "Teamdag", by: admin))
        let enrolments = EnrolmentService(db: app.db)
        let plan = EnrolmentFields(goal: 0.8, start: today, review: today.adding(days: 42), expectations: ["Respectvol", "Veilig"], periods: 4)
        let enrolled = (try await enrolments.create(studentID: world.student(in: world.teacherGroup).id, schoolID: world.home.id, interventionID: interventions.0,
                                                    plan, teacherID: world.account.id, youthworkerID: nil),
                        try await enrolments.create(studentID: world.student(in: world.otherGroup).id, schoolID: world.other.id, interventionID: interventions.1,
                                                    plan, teacherID: nil, youthworkerID: nil))
        let screening = ScreeningService(db: app.db)
        let open = ScreeningRoundFields(name: "Tussenmeting", opens: today.adding(days: -3), closes: today.adding(days: 10))
        let rounds = (try await screening.createRound(schoolID: world.home.id, instrumentID: M0022CreateScreening.exampleID, open, informant: .teacher, by: coordinator),
                      try await screening.createRound(schoolID: world.other.id, instrumentID: M0022CreateScreening.exampleID, open, informant: .teacher, by: admin))
        let instruments = (try await screening.createInstrument(.example, regionID: world.demo.region.id, schoolID: world.home.id, by: coordinator),
                           try await screening.createInstrument(.example, regionID: world.demo.region.id, schoolID: world.other.id, by: admin))
        // The demo's consents may include these students: the fixtures start without any.
        let fixtureStudents = [world.student(in: world.teacherGroup).id, world.student(in: world.otherGroup).id]
        // (nor cases: a demo case may open the student to the youth-care worker).
        try await (app.db as! any SQLDatabase).raw("DELETE FROM consents WHERE student_id IN (\(binds: fixtureStudents))").run()
        try await (app.db as! any SQLDatabase).raw(
            "DELETE FROM case_steps WHERE case_id IN (SELECT id FROM cases WHERE student_id IN (\(binds: fixtureStudents)))").run()
        try await (app.db as! any SQLDatabase).raw("DELETE FROM cases WHERE student_id IN (\(binds: fixtureStudents))").run()
        let consents = ConsentService(sql: app.db as! any SQLDatabase)
        let research = ConsentTerms(purpose: .research, givenBy: .guardian, givenOn: today)
        let consent = (try await consents.create(research, studentID: world.student(in: world.teacherGroup).id, by: coordinator),
                       try await consents.create(research, studentID: world.student(in: world.otherGroup).id, by: admin))
        let teams = TeamService(db: app.db)
        let meeting = (try await teams.plan(MeetingFields(date: today, title: "Overleg"), schoolID: world.home.id, by: coordinator, language: .nl),
                       try await teams.plan(MeetingFields(date: today, title: "Overleg"), schoolID: world.other.id, by: admin, language: .nl))
        func act(_ meeting: UUID, _ owner: UUID) async throws -> UUID {
            try await teams.addAction(ActionFields(text: "Bellen", ownerID: owner, due: today.adding(days: 7)), meetingID: meeting, by: owner)
        }
        var fixtures = SignalFixtures(incident: (home.0, other.0), signal: (home.1, other.1), label: (home.2, other.2),
                              intervention: interventions, workshop: workshops, enrolment: enrolled, round: rounds, instrument: instruments,
                              consent: consent, meeting: meeting,
                              action: (try await act(meeting.0, coordinator), try await act(meeting.1, admin)),
                              apiAction: (try await act(meeting.0, coordinator), try await act(meeting.1, admin)),
                              caseID: (try await CaseService(db: app.db).open(CaseFields(type: .support, leadID: coordinator, openedOn: today),
                                                                              studentID: fixtureStudents[0], schoolID: world.home.id, signalID: nil, by: coordinator),
                                       try await CaseService(db: app.db).open(CaseFields(type: .support, leadID: admin, openedOn: today),
                                                                              studentID: fixtureStudents[1], schoolID: world.other.id, signalID: nil, by: admin)))
        let programmes = ProgrammeService(db: app.db)
        let shipped = try await programmes.find(ProgrammeService.respectFamily, language: .nl)!
        let worker = world.demo.people.first { $0.username == "youthworker" }!.id
        let otherTeacher = world.demo.people.first { $0.role == .teacher && $0.schoolIDs.contains(world.other.id) }!.id
        let otherWorker = world.demo.people.first { $0.role == .youthworker && $0.schoolIDs.contains(world.other.id) && $0.id != worker }!.id
        func programme(school: UUID, by: UUID, teacher: UUID, worker: UUID, group: UUID) async throws -> (UUID, UUID, UUID, UUID) {
            let copy = try await programmes.find(try await programmes.copy(shipped, schoolID: school, by: by), language: .nl)!
            let run = try await programmes.start(programme: copy, schoolID: school, title: "Respect", startsOn: today, previous: nil, by: by, language: .nl)
            let pair = try await programmes.pair(try await programmes.formPair(schoolID: school, teacherID: teacher, workerID: worker, groupID: group,
                                                                               runID: run, on: today, by: by))!
            let delivery = try await programmes.logDelivery(DeliveryFields(date: today, present: 0, expected: 0, done: [], reflection: "Start"),
                                                            runID: run, pair: pair, session: copy.definition.sessions[0], byTeacherSide: true, by: teacher)
            return (copy.id, run, pair.id, delivery)
        }
        let homeRun = try await programme(school: world.home.id, by: coordinator, teacher: world.account.id, worker: worker, group: world.teacherGroup.id)
        let otherRun = try await programme(school: world.other.id, by: admin, teacher: otherTeacher, worker: otherWorker, group: world.otherGroup.id)
        fixtures.programme = (homeRun.0, otherRun.0); fixtures.run = (homeRun.1, otherRun.1); fixtures.pair = (homeRun.2, otherRun.2)
        fixtures.delivery = (homeRun.3, otherRun.3)
        let questionnaires = QuestionnaireService(db: app.db)
        try await questionnaires.ensureShipped()
        fixtures.questionnaire = (QuestionnaireService.shippedFamily(0),
                                  try await questionnaires.importDefinition(EvaluationInstruments.collaborationScan, owner: admin))
        let researcher = world.demo.people.first { $0.username == "researcher" }!.id
        let waves = WaveService(db: app.db)
        func wave(_ school: UUID, _ owner: UUID) async throws -> UUID {
            try await waves.create(WaveFields(name: "Nulmeting", opens: today, closes: today.adding(days: 28), schoolIDs: [school]),
                                   questionnaireID: QuestionnaireService.shippedFamily(0), owner: owner)
        }
        fixtures.wave = (try await wave(world.home.id, researcher), try await wave(world.other.id, admin))
        return fixtures
    }
}

/// Removes a student's consents and cases (the demo gives some), so a test starts with youth care seeing nothing of them.
func clearSharing(_ app: Application, student: UUID) async throws {
    let sql = app.db as! any SQLDatabase
    try await sql.raw("DELETE FROM consents WHERE student_id = \(bind: student)").run()
    try await sql.raw("DELETE FROM case_steps WHERE case_id IN (SELECT id FROM cases WHERE student_id = \(bind: student))").run()
    try await sql.raw("DELETE FROM cases WHERE student_id = \(bind: student)").run()
}
