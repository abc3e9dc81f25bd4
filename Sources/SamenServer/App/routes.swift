import Fluent
import Vapor

struct Health: Content { var status: String; var database: String }

func routes(_ app: Application) throws {
    app.get("healthz") { req async throws -> Health in
        // A trivial query proves the database answers.
        _ = try await Region.query(on: req.db).count()
        return Health(status: "ok", database: req.application.samenConfig.engineName)
    }
    app.get("api", "v1", "openapi.json") { req async throws -> Response in
        let response = try await req.fileio.asyncStreamFile(at: SamenResources.directory + "openapi.json")
        response.headers.replaceOrAdd(name: .contentType, value: "application/json")
        return response
    }
    try app.register(collection: AuthController())
    try app.register(collection: DirectoryController())
    try app.register(collection: PeopleController())
    try app.register(collection: AccountsController())
    try app.register(collection: DirectoryAPIController())
    try app.register(collection: IncidentController())
    try app.register(collection: SignalController())
    try app.register(collection: SignalsAPIController())
    try app.register(collection: AbsenceController())
    try app.register(collection: PyramidController())
    try app.register(collection: DashboardController())
    try app.register(collection: EnrolmentController())
    try app.register(collection: ScreeningController())
    try app.register(collection: HolidayController())
    try app.register(collection: ConsentController())
    try app.register(collection: MeetingController())
    try app.register(collection: CaseController())
    try app.register(collection: ProgrammeController())
    try app.register(collection: QuestionnaireController())
    try app.register(collection: WaveController())
    try app.register(collection: GuardianController())
    try app.register(collection: RegionController())
    try app.register(collection: MetricsController())
}
