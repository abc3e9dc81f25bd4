import Foundation
import NIOCore
import SamenCore
import SQLKit
@testable import SamenServer
import Testing
import Vapor
import VaporTesting

/// Every route × every role × a record in scope and one outside it, with the
/// status ACCESS.md leads to. Outside a person's scope a record does not
/// exist (404); an action their role may not take is 403. Mutating routes
/// are sent an empty body: a permitted caller then gets 400 (the body is
/// checked only after access), so no record changes while the matrix runs.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// A route, the request that exercises it, and the expected statuses in
    /// the order admin, region, leader, coordinator, teacher, youthworker,
    /// researcher: for a record in scope, and (when it differs) outside it.
    struct Row {
        var route: String
        var path: String
        var body: Body = .none
        var inScope: String
        var outOfScope: String? = nil
        /// Status without a login.
        var anonymous: Int
        /// The request ends the session: log in afresh for it.
        var endsSession = false
    }

    enum Body { case none, form, json, jsonSchool }

    static let roles: [Role] = [.admin, .region, .leader, .coordinator, .teacher, .youthworker, .researcher]

    static let rows: [Row] = [
        // Pages
        Row(route: "GET /", path: "/", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "GET /login", path: "/login", inScope: "303 303 303 303 303 303 303", anonymous: 200),
        Row(route: "POST /login", path: "/login", body: .form, inScope: "400 400 400 400 400 400 400", anonymous: 400),
        Row(route: "POST /logout", path: "/logout", body: .form, inScope: "303 303 303 303 303 303 303", anonymous: 303, endsSession: true),
        Row(route: "GET /account/password", path: "/account/password", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "POST /account/password", path: "/account/password", body: .form, inScope: "400 400 400 400 400 400 400", anonymous: 303),
        Row(route: "GET /language/:language", path: "/language/en?back=/", inScope: "303 303 303 303 303 303 303", anonymous: 303),
        Row(route: "GET /schools", path: "/schools", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "GET /schools/new", path: "/schools/new", inScope: "200 403 403 403 403 403 403", anonymous: 303),
        Row(route: "POST /schools/new", path: "/schools/new", body: .form, inScope: "400 403 403 403 403 403 403", anonymous: 303),
        Row(route: "GET /schools/:school", path: "/schools/{school}",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /schools/:school/groups", path: "/schools/{school}/groups", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /schools/:school/edit", path: "/schools/{school}/edit",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/edit", path: "/schools/{school}/edit", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /schools/:school/import", path: "/schools/{school}/import",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/import", path: "/schools/{school}/import", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /groups/:group", path: "/groups/{group}",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /groups/:group/staff", path: "/groups/{group}/staff", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /students", path: "/students", inScope: "200 403 200 200 200 200 403", anonymous: 303),
        Row(route: "GET /students/new", path: "/students/new?school={school}",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /students/new", path: "/students/new?school={school}", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /students/:student", path: "/students/{student}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /students/:student/edit", path: "/students/{student}/edit",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /students/:student/edit", path: "/students/{student}/edit", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /students/:student/guardians", path: "/students/{student}/guardians", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /staff", path: "/staff", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "GET /organisations", path: "/organisations", inScope: "200 403 200 200 200 200 403", anonymous: 303),
        Row(route: "GET /accounts", path: "/accounts", inScope: "200 403 403 403 403 403 403", anonymous: 303),
        Row(route: "GET /accounts/new", path: "/accounts/new", inScope: "200 403 403 403 403 403 403", anonymous: 303),
        Row(route: "POST /accounts/new", path: "/accounts/new", body: .form, inScope: "400 403 403 403 403 403 403", anonymous: 303),
        Row(route: "GET /accounts/:account/edit", path: "/accounts/{account}/edit", inScope: "200 403 403 403 403 403 403", anonymous: 303),
        Row(route: "POST /accounts/:account/edit", path: "/accounts/{account}/edit", body: .form, inScope: "400 403 403 403 403 403 403", anonymous: 303),
        // API
        Row(route: "GET /healthz", path: "/healthz", inScope: "200 200 200 200 200 200 200", anonymous: 200),
        Row(route: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", inScope: "200 200 200 200 200 200 200", anonymous: 200),
        Row(route: "POST /api/v1/session", path: "/api/v1/session", body: .json, inScope: "400 400 400 400 400 400 400", anonymous: 400),
        Row(route: "DELETE /api/v1/session", path: "/api/v1/session", inScope: "204 204 204 204 204 204 204", anonymous: 401, endsSession: true),
        Row(route: "GET /api/v1/me", path: "/api/v1/me", inScope: "200 200 200 200 200 200 200", anonymous: 401),
        Row(route: "GET /api/v1/schools", path: "/api/v1/schools", inScope: "200 200 200 200 200 200 200", anonymous: 401),
        Row(route: "POST /api/v1/schools", path: "/api/v1/schools", body: .json, inScope: "400 403 403 403 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school", path: "/api/v1/schools/{school}",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        Row(route: "PATCH /api/v1/schools/:school", path: "/api/v1/schools/{school}", body: .json,
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/groups", path: "/api/v1/schools/{school}/groups",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/groups", path: "/api/v1/schools/{school}/groups", body: .json,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/students/import", path: "/api/v1/schools/{school}/students/import",
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/groups/:group", path: "/api/v1/groups/{group}",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        Row(route: "GET /api/v1/students", path: "/api/v1/students", inScope: "200 403 200 200 200 200 403", anonymous: 401),
        Row(route: "POST /api/v1/students", path: "/api/v1/students", body: .jsonSchool,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 400 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/students/:student", path: "/api/v1/students/{student}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "PATCH /api/v1/students/:student", path: "/api/v1/students/{student}", body: .json,
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 401),
        Row(route: "POST /api/v1/students/:student/guardians", path: "/api/v1/students/{student}/guardians", body: .json,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/staff", path: "/api/v1/staff", inScope: "200 200 200 200 200 200 200", anonymous: 401),
        Row(route: "GET /api/v1/organisations", path: "/api/v1/organisations", inScope: "200 403 200 200 200 200 403", anonymous: 401),
        // Incidents, recognitions, labels, signals (pages)
        Row(route: "GET /incidents", path: "/incidents", inScope: "200 403 200 200 200 200 403", anonymous: 303),
        Row(route: "GET /incidents/new", path: "/incidents/new", inScope: "200 403 403 200 200 403 403", anonymous: 303),
        Row(route: "POST /incidents/new", path: "/incidents/new", body: .form, inScope: "400 403 403 400 400 403 403", anonymous: 303),
        Row(route: "GET /incidents/:incident", path: "/incidents/{incident}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /incidents/:incident/edit", path: "/incidents/{incident}/edit",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 404 403 403", anonymous: 303),
        Row(route: "POST /incidents/:incident/edit", path: "/incidents/{incident}/edit", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 404 403 403", anonymous: 303),
        Row(route: "POST /incidents/:incident/status", path: "/incidents/{incident}/status", body: .form,
            inScope: "400 403 403 400 400 403 403", outOfScope: "400 403 403 404 404 403 403", anonymous: 303),
        Row(route: "GET /recognitions/new", path: "/recognitions/new", inScope: "200 403 403 200 200 403 403", anonymous: 303),
        Row(route: "POST /recognitions/new", path: "/recognitions/new", body: .form, inScope: "400 403 403 400 400 403 403", anonymous: 303),
        Row(route: "GET /schools/:school/labels", path: "/schools/{school}/labels",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/labels", path: "/schools/{school}/labels", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /labels/:label/archive", path: "/labels/{label}/archive", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /signals", path: "/signals", inScope: "200 403 200 200 200 200 403", anonymous: 303),
        Row(route: "GET /signals/:signal", path: "/signals/{signal}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /signals/:signal/decisions", path: "/signals/{signal}/decisions", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        // Incidents, recognitions, labels, signals (API)
        Row(route: "GET /api/v1/incidents", path: "/api/v1/incidents", inScope: "200 403 200 200 200 200 403", anonymous: 401),
        Row(route: "POST /api/v1/incidents", path: "/api/v1/incidents", body: .json, inScope: "400 403 403 400 400 403 403", anonymous: 401),
        Row(route: "GET /api/v1/incidents/:incident", path: "/api/v1/incidents/{incident}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/incidents/:incident/status", path: "/api/v1/incidents/{incident}/status", body: .json,
            inScope: "400 403 403 400 400 403 403", outOfScope: "400 403 403 404 404 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/labels", path: "/api/v1/schools/{school}/labels",
            inScope: "200 403 200 200 200 403 403", outOfScope: "200 403 404 404 404 403 403", anonymous: 401),
        Row(route: "GET /api/v1/recognitions", path: "/api/v1/recognitions?student_id={student}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/recognitions", path: "/api/v1/recognitions", body: .json, inScope: "400 403 403 400 400 403 403", anonymous: 401),
        Row(route: "GET /api/v1/signals", path: "/api/v1/signals", inScope: "200 403 200 200 200 200 403", anonymous: 401),
        Row(route: "GET /api/v1/signals/:signal", path: "/api/v1/signals/{signal}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/signals/:signal/decisions", path: "/api/v1/signals/{signal}/decisions", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        // Absence
        Row(route: "GET /absence", path: "/absence?school={school}",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /absence/import", path: "/absence/import?school={school}", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /absence/new", path: "/absence/new?school={school}", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /absence/thuiszitters", path: "/absence/thuiszitters?school={school}",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /api/v1/absences", path: "/api/v1/absences", inScope: "200 403 200 200 200 200 403", anonymous: 401),
        Row(route: "POST /api/v1/absences", path: "/api/v1/absences", body: .jsonSchool, inScope: "400 403 403 400 403 403 403", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/absences/import", path: "/api/v1/schools/{school}/absences/import",
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/thuiszitters", path: "/api/v1/schools/{school}/thuiszitters",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        // Pyramid of alignment and workshops
        Row(route: "GET /schools/:school/pyramid", path: "/schools/{school}/pyramid",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /schools/:school/interventions", path: "/schools/{school}/interventions", body: .form,
            inScope: "400 403 403 400 403 400 403", outOfScope: "400 403 403 404 403 404 403", anonymous: 303),
        Row(route: "GET /interventions/:intervention/edit", path: "/interventions/{intervention}/edit",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 404 403", anonymous: 303),
        Row(route: "POST /interventions/:intervention/edit", path: "/interventions/{intervention}/edit", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 404 403", anonymous: 303),
        Row(route: "POST /schools/:school/workshops", path: "/schools/{school}/workshops", body: .form,
            inScope: "303 403 403 303 403 403 403", outOfScope: "303 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /workshops/:workshop", path: "/workshops/{workshop}",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /workshops/:workshop/events", path: "/workshops/{workshop}/events?once=1",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /workshops/:workshop/note", path: "/workshops/{workshop}/note",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /workshops/:workshop/notes", path: "/workshops/{workshop}/notes", body: .form,
            inScope: "400 403 400 400 400 400 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /workshops/:workshop/merge", path: "/workshops/{workshop}/merge", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /pyramids", path: "/pyramids", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "GET /api/v1/schools/:school/interventions", path: "/api/v1/schools/{school}/interventions",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/interventions", path: "/api/v1/schools/{school}/interventions", body: .json,
            inScope: "400 403 403 400 403 400 403", outOfScope: "400 403 403 404 403 404 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/pyramid", path: "/api/v1/schools/{school}/pyramid",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/pyramid.svg", path: "/api/v1/schools/{school}/pyramid.svg",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        // Dashboards
        Row(route: "GET /schools/:school/dashboard", path: "/schools/{school}/dashboard",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 303),
        Row(route: "GET /schools/:school/dashboard.csv", path: "/schools/{school}/dashboard.csv?figure=behaviour",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 303),
        Row(route: "GET /api/v1/schools/:school/dashboard", path: "/api/v1/schools/{school}/dashboard",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/charts/:figure", path: "/api/v1/schools/{school}/charts/triangle",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 401),
        // Enrolments and point cards
        Row(route: "POST /students/:student/enrolments", path: "/students/{student}/enrolments", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /enrolments/:enrolment", path: "/enrolments/{enrolment}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /enrolments/:enrolment/cards", path: "/enrolments/{enrolment}/cards", body: .form,
            inScope: "403 403 403 400 400 404 403", outOfScope: "403 403 403 404 404 404 403", anonymous: 303),
        Row(route: "POST /enrolments/:enrolment/measurements", path: "/enrolments/{enrolment}/measurements", body: .form,
            inScope: "403 403 403 409 409 404 403", outOfScope: "403 403 403 404 404 404 403", anonymous: 303),
        Row(route: "GET /api/v1/students/:student/enrolments", path: "/api/v1/students/{student}/enrolments",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/students/:student/enrolments", path: "/api/v1/students/{student}/enrolments", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/enrolments/:enrolment", path: "/api/v1/enrolments/{enrolment}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "GET /api/v1/enrolments/:enrolment/chart.svg", path: "/api/v1/enrolments/{enrolment}/chart.svg",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/enrolments/:enrolment/cards", path: "/api/v1/enrolments/{enrolment}/cards", body: .json,
            inScope: "403 403 403 400 400 404 403", outOfScope: "403 403 403 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/enrolments/:enrolment/measurements", path: "/api/v1/enrolments/{enrolment}/measurements", body: .json,
            inScope: "403 403 403 409 409 404 403", outOfScope: "403 403 403 404 404 404 403", anonymous: 401),
        Row(route: "POST /enrolments/:enrolment/end", path: "/enrolments/{enrolment}/end", body: .form,
            inScope: "403 403 403 400 403 404 403", outOfScope: "403 403 403 404 403 404 403", anonymous: 303),
        Row(route: "POST /enrolments/:enrolment/fade", path: "/enrolments/{enrolment}/fade", body: .form,
            inScope: "403 403 403 303 403 404 403", outOfScope: "403 403 403 404 403 404 403", anonymous: 303),
        // Rule thresholds
        Row(route: "GET /schools/:school/rules", path: "/schools/{school}/rules",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/rules", path: "/schools/{school}/rules", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        // Holidays
        Row(route: "GET /schools/:school/holidays", path: "/schools/{school}/holidays",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /schools/:school/holidays", path: "/schools/{school}/holidays", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/holidays/public", path: "/schools/{school}/holidays/public", body: .form,
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /schools/:school/holidays/:holiday/remove", path: "/schools/{school}/holidays/\(UUID())/remove", body: .form,
            inScope: "303 403 403 303 403 403 403", outOfScope: "303 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /api/v1/schools/:school/holidays", path: "/api/v1/schools/{school}/holidays",
            inScope: "200 200 200 200 200 200 404", outOfScope: "200 200 404 404 404 404 404", anonymous: 401),
        // Screening
        Row(route: "GET /schools/:school/screening", path: "/schools/{school}/screening",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /schools/:school/screening/rounds", path: "/schools/{school}/screening/rounds", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /screening/instruments", path: "/screening/instruments", inScope: "200 200 303 303 303 403 403", anonymous: 303),
        Row(route: "GET /screening/instruments/new", path: "/screening/instruments/new?school={school}",
            inScope: "200 200 403 200 403 403 403", outOfScope: "200 200 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /screening/instruments", path: "/screening/instruments?school={school}", body: .form,
            inScope: "400 400 403 400 403 403 403", outOfScope: "400 400 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /screening/instruments/:instrument", path: "/screening/instruments/{instrument}",
            inScope: "200 200 200 200 200 403 403", outOfScope: "200 200 404 404 404 403 403", anonymous: 303),
        Row(route: "GET /screening/instruments/:instrument/edit", path: "/screening/instruments/{instrument}/edit",
            inScope: "200 403 403 200 403 403 403", outOfScope: "200 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /screening/instruments/:instrument/edit", path: "/screening/instruments/{instrument}/edit", body: .form,
            inScope: "400 403 403 400 403 403 403", outOfScope: "400 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /screening/instruments/:instrument/archive", path: "/screening/instruments/{instrument}/archive", body: .form,
            inScope: "303 403 403 303 403 403 403", outOfScope: "303 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /screening/rounds/:round", path: "/screening/rounds/{round}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /screening/rounds/:round/results.csv", path: "/screening/rounds/{round}/results.csv?table=groups",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 303),
        Row(route: "GET /screening/rounds/:round/groups/:group", path: "/screening/rounds/{round}/groups/{group}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /screening/rounds/:round/groups/:group", path: "/screening/rounds/{round}/groups/{group}", body: .form,
            inScope: "403 403 403 200 200 403 403", outOfScope: "403 403 403 404 404 403 403", anonymous: 303),
        Row(route: "GET /api/v1/screening/instruments", path: "/api/v1/screening/instruments", inScope: "200 200 200 200 200 403 403", anonymous: 401),
        Row(route: "POST /api/v1/screening/instruments", path: "/api/v1/screening/instruments", body: .jsonSchool,
            inScope: "400 400 403 400 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/screening/instruments/:instrument", path: "/api/v1/screening/instruments/{instrument}",
            inScope: "200 200 200 200 200 403 403", outOfScope: "200 200 404 404 404 403 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/screening/rounds", path: "/api/v1/schools/{school}/screening/rounds",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/screening/rounds", path: "/api/v1/schools/{school}/screening/rounds", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/screening/rounds/:round/ratings", path: "/api/v1/screening/rounds/{round}/ratings",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/screening/rounds/:round/ratings", path: "/api/v1/screening/rounds/{round}/ratings", body: .json,
            inScope: "403 403 403 400 400 403 403", outOfScope: "403 403 403 404 404 403 403", anonymous: 401),
        Row(route: "GET /api/v1/screening/rounds/:round/results", path: "/api/v1/screening/rounds/{round}/results",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/screening/rounds/:round/chart.svg", path: "/api/v1/screening/rounds/{round}/chart.svg",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 401),
        // Consent and the audit trail (no sharing consent here: the youth-care worker finds no student; see ConsentAccessTests)
        Row(route: "GET /students/:student/consent", path: "/students/{student}/consent",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /students/:student/consent", path: "/students/{student}/consent", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /students/:student/audit", path: "/students/{student}/audit",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 303),
        Row(route: "GET /api/v1/students/:student/consents", path: "/api/v1/students/{student}/consents",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/students/:student/consents", path: "/api/v1/students/{student}/consents", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/students/:student/audit", path: "/api/v1/students/{student}/audit",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 403 403 403", anonymous: 401),
        // The ISF team and its meetings (the demo teacher and youth-care worker are members of the home school's team)
        Row(route: "GET /schools/:school/team", path: "/schools/{school}/team",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /schools/:school/team/agreements", path: "/schools/{school}/team/agreements", body: .form,
            inScope: "303 403 303 303 403 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /schools/:school/team/members", path: "/schools/{school}/team/members", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /schools/:school/meetings", path: "/schools/{school}/meetings", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 403 403 403", anonymous: 303),
        Row(route: "GET /meetings/:meeting", path: "/meetings/{meeting}",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /meetings/:meeting/print", path: "/meetings/{meeting}/print",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /meetings/:meeting/minutes", path: "/meetings/{meeting}/minutes", body: .form,
            inScope: "303 403 303 303 403 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /meetings/:meeting/actions", path: "/meetings/{meeting}/actions", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /api/v1/schools/:school/team", path: "/api/v1/schools/{school}/team",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/meetings", path: "/api/v1/schools/{school}/meetings",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/meetings", path: "/api/v1/schools/{school}/meetings", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/meetings/:meeting", path: "/api/v1/meetings/{meeting}",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/meetings/:meeting/actions", path: "/api/v1/meetings/{meeting}/actions", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        // Guardians' personal links: made and revoked by the coordinator; the guardian's pages open by token only
        Row(route: "POST /students/:student/guardian-links", path: "/students/{student}/guardian-links", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /students/:student/guardian-links/:link/revoke", path: "/students/{student}/guardian-links/\(UUID())/revoke", body: .form,
            inScope: "403 403 403 303 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /api/v1/students/:student/guardian-links", path: "/api/v1/students/{student}/guardian-links", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /ouder/:token", path: "/ouder/not-a-token", inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /ouder/:token/consent", path: "/ouder/not-a-token/consent", body: .form, inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /ouder/:token/consent/:consent/withdraw", path: "/ouder/not-a-token/consent/{consent}/withdraw", body: .form,
            inScope: "404 404 404 404 404 404 404", anonymous: 404),
        // Cases (no worker assigned: the youth-care worker finds none)
        Row(route: "GET /schools/:school/cases", path: "/schools/{school}/cases",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /students/:student/cases", path: "/students/{student}/cases",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /students/:student/cases", path: "/students/{student}/cases", body: .form,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "GET /cases/:case", path: "/cases/{case}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /cases/:case/steps", path: "/cases/{case}/steps", body: .form,
            inScope: "403 403 403 400 403 404 403", outOfScope: "403 403 403 404 403 404 403", anonymous: 303),
        Row(route: "GET /api/v1/schools/:school/cases", path: "/api/v1/schools/{school}/cases",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/students/:student/cases", path: "/api/v1/students/{student}/cases", body: .json,
            inScope: "403 403 403 400 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        Row(route: "GET /api/v1/cases/:case", path: "/api/v1/cases/{case}",
            inScope: "200 403 200 200 200 404 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/cases/:case/steps", path: "/api/v1/cases/{case}/steps", body: .json,
            inScope: "403 403 403 400 403 404 403", outOfScope: "403 403 403 404 403 404 403", anonymous: 401),
        // Programmes, runs, pairs, the expectations matrix (the demo teacher and youth-care worker are the home run's pair)
        Row(route: "GET /programmes", path: "/programmes", inScope: "200 200 200 200 200 200 200", anonymous: 303),
        Row(route: "GET /programmes/:programme", path: "/programmes/{programme}",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "GET /programmes/:programme/guide", path: "/programmes/{programme}/guide",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /programmes/:programme/copy", path: "/programmes/{programme}/copy", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /programmes/:programme/edit", path: "/programmes/{programme}/edit",
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /programmes/:programme/edit", path: "/programmes/{programme}/edit", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /programmes/:programme/runs", path: "/programmes/{programme}/runs", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /runs/:run", path: "/runs/{run}", inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /runs/:run/pairs", path: "/runs/{run}/pairs", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /runs/:run/sessions/:session", path: "/runs/{run}/sessions/1",
            inScope: "200 403 200 200 200 200 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/sessions/:session", path: "/runs/{run}/sessions/1", body: .form,
            inScope: "400 403 400 400 400 400 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/deliveries/:delivery/reflection", path: "/runs/{run}/deliveries/{delivery}/reflection", body: .form,
            inScope: "403 403 403 403 303 303 403", outOfScope: "403 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /runs/:run/matrix", path: "/runs/{run}/matrix",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /runs/:run/matrix", path: "/runs/{run}/matrix", body: .form,
            inScope: "400 403 400 400 400 400 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/matrix/publish", path: "/runs/{run}/matrix/publish", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/links", path: "/runs/{run}/links", body: .form,
            inScope: "200 403 200 200 403 403 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/links/:link/revoke", path: "/runs/{run}/links/\(UUID())/revoke", body: .form,
            inScope: "303 403 303 303 403 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/finish", path: "/runs/{run}/finish", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /runs/:run/again", path: "/runs/{run}/again", body: .form,
            inScope: "409 403 409 409 403 403 403", outOfScope: "409 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /schools/:school/expectations", path: "/schools/{school}/expectations",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "GET /schools/:school/pairs", path: "/schools/{school}/pairs",
            inScope: "200 404 200 200 403 403 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /schools/:school/pairs", path: "/schools/{school}/pairs", body: .form,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 303),
        Row(route: "GET /pairs/:pair", path: "/pairs/{pair}", inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 303),
        Row(route: "GET /ideeen/:token", path: "/ideeen/not-a-token", inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /ideeen/:token", path: "/ideeen/not-a-token", body: .form, inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "GET /api/v1/programmes", path: "/api/v1/programmes", inScope: "200 200 200 200 200 200 200", anonymous: 401),
        Row(route: "GET /api/v1/programmes/:programme", path: "/api/v1/programmes/{programme}",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 401),
        Row(route: "POST /api/v1/programmes/:programme/copy", path: "/api/v1/programmes/{programme}/copy", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/programmes/:programme/versions", path: "/api/v1/programmes/{programme}/versions", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/programmes/:programme/runs", path: "/api/v1/programmes/{programme}/runs", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "GET /api/v1/runs/:run", path: "/api/v1/runs/{run}",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 401),
        Row(route: "POST /api/v1/runs/:run/deliveries", path: "/api/v1/runs/{run}/deliveries", body: .json,
            inScope: "400 403 400 400 400 400 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "PUT /api/v1/runs/:run/matrix", path: "/api/v1/runs/{run}/matrix", body: .json,
            inScope: "400 403 400 400 400 400 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "POST /api/v1/runs/:run/matrix/publish", path: "/api/v1/runs/{run}/matrix/publish", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        Row(route: "GET /api/v1/schools/:school/pairs", path: "/api/v1/schools/{school}/pairs",
            inScope: "200 404 200 200 200 200 404", outOfScope: "200 404 404 404 404 404 404", anonymous: 401),
        Row(route: "POST /api/v1/schools/:school/pairs", path: "/api/v1/schools/{school}/pairs", body: .json,
            inScope: "400 403 400 400 403 403 403", outOfScope: "400 403 404 404 404 404 403", anonymous: 401),
        // Metrics: counts only, for a scraper on the machine itself or with the token (neither in these requests)
        Row(route: "GET /metrics", path: "/metrics", inScope: "403 403 403 403 403 403 403", anonymous: 403),
        // The region's aggregates: its staff and the administrator only
        Row(route: "GET /region", path: "/region", inScope: "200 200 403 403 403 403 403", anonymous: 303),
        Row(route: "GET /region.csv", path: "/region.csv?table=schools", inScope: "200 200 403 403 403 403 403", anonymous: 303),
        Row(route: "GET /api/v1/region", path: "/api/v1/region", inScope: "200 200 403 403 403 403 403", anonymous: 401),
        // Questionnaires: the researcher's and the administrator's; the school's managers and the region read them
        Row(route: "GET /questionnaires", path: "/questionnaires", inScope: "200 200 200 200 403 403 200", anonymous: 303),
        Row(route: "POST /questionnaires/import", path: "/questionnaires/import", body: .form, inScope: "400 403 403 403 403 403 400", anonymous: 303),
        Row(route: "GET /questionnaires/:questionnaire", path: "/questionnaires/{questionnaire}",
            inScope: "200 200 200 200 403 403 200", outOfScope: "200 404 404 404 403 403 404", anonymous: 303),
        Row(route: "GET /questionnaires/:questionnaire/export", path: "/questionnaires/{questionnaire}/export",
            inScope: "200 200 200 200 403 403 200", outOfScope: "200 404 404 404 403 403 404", anonymous: 303),
        // Editing: only one's own latest version; Samen's are copied first (409). Before the copy below, which makes a newer version.
        Row(route: "GET /questionnaires/:questionnaire/edit", path: "/questionnaires/{questionnaire}/edit",
            inScope: "409 403 403 403 403 403 409", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "POST /questionnaires/:questionnaire/edit", path: "/questionnaires/{questionnaire}/edit", body: .form,
            inScope: "409 403 403 403 403 403 409", outOfScope: "400 403 403 403 403 403 404", anonymous: 303),
        Row(route: "POST /questionnaires/:questionnaire/copy", path: "/questionnaires/{questionnaire}/copy", body: .form,
            inScope: "303 403 403 403 403 403 303", outOfScope: "303 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /questionnaires/new", path: "/questionnaires/new", inScope: "200 403 403 403 403 403 200", anonymous: 303),
        Row(route: "POST /questionnaires/new", path: "/questionnaires/new", body: .form, inScope: "400 403 403 403 403 403 400", anonymous: 303),
        Row(route: "GET /api/v1/questionnaires", path: "/api/v1/questionnaires", inScope: "200 200 200 200 403 403 200", anonymous: 401),
        Row(route: "GET /api/v1/questionnaires/:questionnaire", path: "/api/v1/questionnaires/{questionnaire}",
            inScope: "200 200 200 200 403 403 200", outOfScope: "200 404 404 404 403 403 404", anonymous: 401),
        Row(route: "POST /api/v1/questionnaires", path: "/api/v1/questionnaires", body: .json, inScope: "400 403 403 403 403 403 400", anonymous: 401),
        // Waves: the researcher's own (the administrator's all); the invited teachers and youth-care workers answer
        Row(route: "GET /waves", path: "/waves", inScope: "200 403 403 403 403 403 200", anonymous: 303),
        Row(route: "POST /waves", path: "/waves", body: .form, inScope: "400 403 403 403 403 403 400", anonymous: 303),
        Row(route: "GET /waves/:wave", path: "/waves/{wave}", inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /waves/:wave/report", path: "/waves/{wave}/report",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "POST /waves/:wave/groups/:group/link", path: "/waves/{wave}/groups/00000000-0000-4000-8000-000000000000/link", body: .form,
            inScope: "404 403 403 403 403 403 404", outOfScope: "404 403 403 403 403 403 404", anonymous: 303),
        Row(route: "POST /waves/:wave/personal-links", path: "/waves/{wave}/personal-links", body: .form,
            inScope: "400 403 403 403 403 403 400", outOfScope: "400 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /r/:token", path: "/r/not-a-token", inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /r/:token", path: "/r/not-a-token", body: .form, inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /api/v1/waves/:wave/links", path: "/api/v1/waves/{wave}/links", body: .json,
            inScope: "400 403 403 403 403 403 400", outOfScope: "400 403 403 403 403 403 404", anonymous: 401),
        Row(route: "GET /m/:token", path: "/m/not-a-token", inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "POST /m/:token", path: "/m/not-a-token", body: .form, inScope: "404 404 404 404 404 404 404", anonymous: 404),
        Row(route: "GET /waves/:wave/report.csv", path: "/waves/{wave}/report.csv?table=scale_interdependence",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /waves/:wave/data.csv", path: "/waves/{wave}/data.csv",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /waves/:wave/codebook.csv", path: "/waves/{wave}/codebook.csv",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 303),
        Row(route: "GET /waves/:wave/respond", path: "/waves/{wave}/respond",
            inScope: "404 404 404 404 200 200 404", outOfScope: "404 404 404 404 404 404 404", anonymous: 303),
        Row(route: "POST /waves/:wave/respond", path: "/waves/{wave}/respond", body: .form,
            inScope: "404 404 404 404 200 200 404", outOfScope: "404 404 404 404 404 404 404", anonymous: 303),
        Row(route: "GET /api/v1/waves", path: "/api/v1/waves", inScope: "200 403 403 403 403 403 200", anonymous: 401),
        Row(route: "POST /api/v1/waves", path: "/api/v1/waves", body: .json, inScope: "400 403 403 403 403 403 400", anonymous: 401),
        Row(route: "GET /api/v1/waves/:wave/report", path: "/api/v1/waves/{wave}/report",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 401),
        Row(route: "GET /api/v1/waves/:wave", path: "/api/v1/waves/{wave}",
            inScope: "200 403 403 403 403 403 200", outOfScope: "200 403 403 403 403 403 404", anonymous: 401),
        // An action is closed once: by the administrator first; after that 409 for those who may close it.
        Row(route: "POST /meetings/:meeting/actions/:action/done", path: "/meetings/{meeting}/actions/{action}/done", body: .form,
            inScope: "303 403 409 409 403 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /api/v1/meetings/:meeting/actions/:action/done", path: "/api/v1/meetings/{meeting}/actions/{apiAction}/done", body: .json,
            inScope: "200 403 409 409 403 403 403", outOfScope: "200 403 404 404 404 404 403", anonymous: 401),
        // Last: these remove links (a guardian, the demo teacher from group 7a), which earlier rows would notice.
        Row(route: "POST /students/:student/guardians/:guardian/remove", path: "/students/{student}/guardians/{guardian}/remove", body: .form,
            inScope: "303 403 403 303 403 403 403", outOfScope: "303 403 403 404 403 403 403", anonymous: 303),
        Row(route: "DELETE /api/v1/students/:student/guardians/:guardian", path: "/api/v1/students/{student}/guardians/{guardian}",
            inScope: "204 403 403 204 403 403 403", outOfScope: "204 403 403 404 403 403 403", anonymous: 401),
        Row(route: "POST /students/:student/consent/:consent/withdraw", path: "/students/{student}/consent/{consent}/withdraw", body: .form,
            inScope: "403 403 403 303 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 303),
        Row(route: "POST /api/v1/students/:student/consents/:consent/withdraw", path: "/api/v1/students/{student}/consents/{consent}/withdraw", body: .json,
            inScope: "403 403 403 409 403 403 403", outOfScope: "403 403 403 404 403 403 403", anonymous: 401),
        // A pair is ended once: by the administrator first; after that 409 for the school's managers.
        Row(route: "POST /pairs/:pair/end", path: "/pairs/{pair}/end", body: .form,
            inScope: "303 403 409 409 403 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        // After the administrator takes the demo teacher out of the team, the team no longer exists for them (404).
        Row(route: "POST /schools/:school/team/members/:account/remove", path: "/schools/{school}/team/members/{account}/remove", body: .form,
            inScope: "303 403 303 303 404 403 403", outOfScope: "303 403 404 404 404 404 403", anonymous: 303),
        Row(route: "POST /groups/:group/staff/:account/remove", path: "/groups/{group}/staff/{account}/remove", body: .form,
            inScope: "303 403 403 303 403 403 403", outOfScope: "303 403 403 404 403 403 403", anonymous: 303),
    ]

    func resolve(_ path: String, world: TestWorld, fixtures: SignalFixtures, inScope: Bool) -> String {
        let school = inScope ? world.home.id : world.other.id
        let group = inScope ? world.teacherGroup.id : world.otherGroup.id
        let student = world.student(in: inScope ? world.teacherGroup : world.otherGroup).id
        func pick(_ pair: (home: UUID, other: UUID)) -> String { (inScope ? pair.home : pair.other).uuidString }
        let values: [(String, String)] = [
            ("{school}", school.uuidString), ("{group}", group.uuidString), ("{student}", student.uuidString),
            ("{account}", world.account.id.uuidString), ("{incident}", pick(fixtures.incident)), ("{signal}", pick(fixtures.signal)),
            ("{intervention}", pick(fixtures.intervention)), ("{enrolment}", pick(fixtures.enrolment)), ("{workshop}", pick(fixtures.workshop)),
            ("{round}", pick(fixtures.round)), ("{instrument}", pick(fixtures.instrument)), ("{meeting}", pick(fixtures.meeting)),
            ("{action}", pick(fixtures.action)), ("{apiAction}", pick(fixtures.apiAction)), ("{consent}", pick(fixtures.consent)), ("{case}", pick(fixtures.caseID)),
            ("{label}", pick(fixtures.label)), ("{programme}", pick(fixtures.programme)), ("{run}", pick(fixtures.run)),
            ("{pair}", pick(fixtures.pair)), ("{delivery}", pick(fixtures.delivery)),
            ("{questionnaire}", pick(fixtures.questionnaire)), ("{wave}", pick(fixtures.wave)),
            ("{guardian}", world.demo.links.first { $0.studentID == student }!.guardianID.uuidString),
        ]
        return values.reduce(path) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    func send(_ row: Row, client: Client, world: TestWorld, fixtures: SignalFixtures, inScope: Bool) async throws -> UInt {
        let path = resolve(row.path, world: world, fixtures: fixtures, inScope: inScope)
        let method = HTTPMethod(rawValue: String(row.route.split(separator: " ")[0]))
        switch row.body {
        case .none: return try await client.send(method, path).status.code
        case .form: return try await client.form(path, [:]).status.code
        case .json: return try await client.json(method, path, [String: String]()).status.code
        case .jsonSchool:
            return try await client.json(method, path, ["school_id": (inScope ? world.home.id : world.other.id).uuidString]).status.code
        }
    }

    @Test("Every route answers every role, in and out of scope, as ACCESS.md says")
    func matrix() async throws {
        try await withSamen { app, world in
            let fixtures = try await SignalFixtures.make(app, world)
            var clients: [Role: Client] = [:]
            for role in Self.roles { clients[role] = try await Client.login(app, role.rawValue) }
            var failures: [String] = []
            for row in Self.rows {
                for (scopeIndex, expectedLine) in [row.inScope, row.outOfScope ?? row.inScope].enumerated() {
                    let expected = expectedLine.split(separator: " ").map { UInt($0)! }
                    for (i, role) in Self.roles.enumerated() {
                        let client = row.endsSession ? try await Client.login(app, role.rawValue) : clients[role]!
                        let status = try await send(row, client: client, world: world, fixtures: fixtures, inScope: scopeIndex == 0)
                        if status != expected[i] {
                            failures.append("\(row.route) \(role.rawValue) \(scopeIndex == 0 ? "in" : "out"): \(status), expected \(expected[i])")
                        }
                    }
                }
                let anonymous = try await send(row, client: Client(app), world: world, fixtures: fixtures, inScope: true)
                if anonymous != UInt(row.anonymous) { failures.append("\(row.route) anonymous: \(anonymous), expected \(row.anonymous)") }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    /// Every column people type free text into, as (table, column).
    static let freeText: [(String, String)] = [
        ("regions", "name"), ("regions", "municipalities"), ("schools", "name"), ("schools", "city"), ("organisations", "name"),
        ("accounts", "first_name"), ("accounts", "last_name"), ("accounts", "email"), ("school_groups", "name"), ("school_groups", "level"),
        ("students", "first_name"), ("students", "last_name"), ("guardians", "name"), ("guardians", "email"), ("guardians", "phone"),
        ("labels", "text_nl"), ("labels", "text_en"), ("incidents", "note"), ("recognitions", "note"), ("decisions", "note"),
        ("interventions", "name"), ("interventions", "evidence"), ("workshops", "title"), ("workshop_notes", "text"),
        ("enrolments", "exit_reason"), ("enrolments", "measure"), ("screening_rounds", "name"), ("school_holidays", "name"),
        ("consents", "note"), ("consents", "withdrawal_note"), ("teams", "hours"), ("teams", "steering"), ("meetings", "title"),
        ("meetings", "minutes"), ("meeting_items", "detail"), ("meeting_actions", "text"), ("cases", "note"), ("case_steps", "note"),
        ("programme_runs", "title"), ("programme_runs", "evaluation"), ("programme_deliveries", "reflection_teacher"),
        ("programme_deliveries", "reflection_youthworker"), ("matrix_ideas", "text"), ("waves", "name"),
    ]

    @Test("Script stored in every free-text field comes back escaped on every page, for every role; every page carries the security headers and no inline script")
    func storedScriptEscaped() async throws {
        try await withSamen { app, world in
            let fixtures = try await SignalFixtures.make(app, world)
            let sql = app.db as! any SQLDatabase
            let payload = "\"><script>alert(1)</script>"
            for (table, column) in Self.freeText {
                try await sql.raw("UPDATE \(ident: table) SET \(ident: column) = \(ident: column) || \(bind: payload) WHERE \(ident: column) IS NOT NULL").run()
            }
            var clients: [Role: Client] = [:]
            for role in Self.roles { clients[role] = try await Client.login(app, role.rawValue) }
            var raw: [String] = [], escapedSeen = 0, pages = 0
            for row in Self.rows where row.route.hasPrefix("GET ") && !row.route.contains("/api/") && !row.path.contains(".csv") {
                let path = resolve(row.path, world: world, fixtures: fixtures, inScope: true)
                for role in Self.roles {
                    let page = try await clients[role]!.get(path)
                    guard page.status == .ok else { continue }
                    pages += 1
                    if page.text.contains("<script>alert(1)") { raw.append("\(row.route) as \(role.rawValue)") }
                    if page.text.contains("&lt;script&gt;alert(1)") { escapedSeen += 1 }
                    // The headers every page carries, and no script in the page itself (the policy would block it).
                    let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
                    if !csp.contains("script-src 'self'") || !csp.contains("frame-ancestors 'none'") || csp.contains("unsafe-inline")
                        || page.headers.first(name: "X-Content-Type-Options") != "nosniff" || page.headers.first(name: "Referrer-Policy") == nil
                        || page.text.contains("<script>") || page.text.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) != nil {
                        raw.append("\(row.route) as \(role.rawValue): headers or inline script")
                    }
                }
            }
            #expect(raw.isEmpty, "unescaped: \(raw)")
            #expect(pages > 100 && escapedSeen > 50, "the payload was shown (escaped) on \(escapedSeen) of \(pages) pages")
        }
    }

    @Test("The matrix covers every route the app serves")
    func coverage() async throws {
        try await withSamen(empty: true) { app, _ in
            let served = Set(app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
            })
            let covered = Set(Self.rows.map(\.route))
            #expect(served == covered, "missing from matrix: \(served.subtracting(covered)); not served: \(covered.subtracting(served))")
        }
    }

    @Test("A teacher does not see a student of another group in the own school")
    func teacherOtherGroup() async throws {
        try await withSamen { app, world in
            let teacher = try await Client.login(app, "teacher")
            let student = world.student(in: world.homeOtherGroup)
            #expect(try await teacher.get("/students/\(student.id)").status == .notFound)
            #expect(try await teacher.get("/api/v1/students/\(student.id)").status == .notFound)
            #expect(try await teacher.get("/api/v1/students?group_id=\(world.homeOtherGroup.id)").content.decode(StudentPageBody.self).total == 0)
        }
    }
}
