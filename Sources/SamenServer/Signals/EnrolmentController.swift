import Fluent
import Foundation
import SamenCore
import Vapor

struct CardCell: Encodable { var name: String; var value: String }
struct CardRow: Encodable { var expectation: String; var cells: [CardCell] }

struct WeekLine: Encodable { var week: String; var average: String; var verdict: String }
struct CardLine: Encodable { var date: String; var score: String; var points: String }

struct EnrolmentPage: Encodable {
    var student: String
    var studentHref: String?
    var intervention: String
    var tier: Int
    var goal: String
    var start: String
    var review: String
    var pair: String
    var phase: String
    var status: String
    var chart: String
    var weeks: [WeekLine]
    var cardAction: String?
    var date: String
    var periods: [Int]
    var rows: [CardRow]
    var errors: [String: String]
    var saved: String?
    var fadeAction: String?
    var endAction: String?
    var cards: [CardLine]
    var errorText: String
    /// A figure a day instead of a point card: what is measured, where to save a day's figure, and the figures.
    var measure: String?
    var measurementAction: String?
    var valueHint: String
    var value: String
    var figures: [CardLine]
}

/// Enrolments: a student assigned to a Tier II or III intervention with a
/// goal and a pair; Check-In/Check-Out point cards filled in per day.
struct EnrolmentController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("students", ":student", "enrolments", use: create)
        routes.get("enrolments", ":enrolment", use: show)
        routes.post("enrolments", ":enrolment", "cards", use: saveCard)
        routes.post("enrolments", ":enrolment", "measurements", use: saveMeasurement)
        routes.post("enrolments", ":enrolment", "fade", use: fade)
        routes.post("enrolments", ":enrolment", "end", use: end)
        let api = routes.grouped("api", "v1")
        api.get("students", ":student", "enrolments", use: apiList)
        api.post("students", ":student", "enrolments", use: apiCreate)
        api.get("enrolments", ":enrolment", use: apiShow)
        api.get("enrolments", ":enrolment", "chart.svg", use: apiChart)
        api.post("enrolments", ":enrolment", "cards", use: apiCard)
        api.post("enrolments", ":enrolment", "measurements", use: apiMeasurement)
    }

    struct EnrolForm: Content {
        var intervention_id: String?
        var goal: String?
        var start_on: String?
        var review_on: String?
        var teacher_id: String?
        var youthworker_id: String?
        var expectations: String?
        var periods: String?
        var monitoring: String?
        var measure: String?
        var direction: String?
        var scale_max: String?
    }

    /// A checked enrolment: the fields, the measurement plan (nil for a point card), the intervention and the pair.
    struct CheckedEnrolment {
        var fields: EnrolmentFields
        var plan: MeasurementPlan?
        var interventionID: UUID
        var teacherID: UUID?
        var youthworkerID: UUID?
    }

    /// Checks an enrolment for a student of `schoolID`, from the form or the API: every problem with its field.
    func check(_ form: EnrolForm, schoolID: UUID, req: Request) async throws -> Validated<CheckedEnrolment> {
        let interventions = try await req.pyramids.interventions(schoolID: schoolID)
        var problems: [FieldProblem] = []
        let intervention = form.intervention_id.flatMap(UUID.init(uuidString:)).flatMap { i in interventions.first { $0.id == i && $0.tier > 1 } }
        if intervention == nil { problems.append(FieldProblem(field: "intervention_id", key: "enrolment_choose_intervention")) }
        let staff = Set(try await req.directory.groupStaffCandidates(schoolID: schoolID, excluding: []).compactMap(\.id))
        let teacher = (form.teacher_id ?? "").isEmpty ? nil : UUID(uuidString: form.teacher_id!)
        if !(form.teacher_id ?? "").isEmpty && (teacher == nil || !staff.contains(teacher!)) {
            problems.append(FieldProblem(field: "teacher_id", key: "decision_bad_owner"))
        }
        let workers = Set(try await youthworkers(req, schoolID: schoolID).map(\.id))
        let worker = (form.youthworker_id ?? "").isEmpty ? nil : UUID(uuidString: form.youthworker_id!)
        if !(form.youthworker_id ?? "").isEmpty && (worker == nil || !workers.contains(worker!)) {
            problems.append(FieldProblem(field: "youthworker_id", key: "decision_bad_owner"))
        }
        let monitoring = MonitoringType(rawValue: form.monitoring ?? MonitoringType.pointCard.rawValue)
        if monitoring == nil { problems.append(FieldProblem(field: "monitoring", key: "incident_bad_choice", arguments: [form.monitoring ?? ""])) }
        let validated = EnrolmentFields.validate(goal: form.goal ?? "", start: form.start_on ?? "", review: form.review_on ?? "",
                                                 expectations: form.expectations ?? "", periods: form.periods ?? "", monitoring: monitoring ?? .pointCard)
        if case .failure(let more) = validated { problems += more }
        var plan: MeasurementPlan? = nil
        if let monitoring, monitoring != .pointCard {
            switch MeasurementPlan.validate(type: monitoring, measure: form.measure ?? "", goal: form.goal ?? "", direction: form.direction ?? "",
                                            scaleMax: form.scale_max ?? "") {
            case .failure(let more): problems += more
            case .success(let value): plan = value
            }
        }
        guard problems.isEmpty, case .success(let fields) = validated, let intervention else { return .failure(problems) }
        return .success(CheckedEnrolment(fields: fields, plan: plan, interventionID: intervention.id, teacherID: teacher, youthworkerID: worker))
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.create, .enrolment)
        guard user.role == .coordinator else { throw SamenError.forbidden }
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        let student = try await req.directory.student(id, for: user.viewer)
        let form = try req.content.decode(EnrolForm.self)
        switch try await check(form, schoolID: student.$school.id, req: req) {
        case .failure(let problems):
            // Back to the student's page, the messages next to the form's fields.
            let values = ["intervention_id": form.intervention_id ?? "", "goal": form.goal ?? "", "start_on": form.start_on ?? "",
                          "review_on": form.review_on ?? "", "teacher_id": form.teacher_id ?? "", "youthworker_id": form.youthworker_id ?? "",
                          "expectations": form.expectations ?? "", "periods": form.periods ?? "", "monitoring": form.monitoring ?? "",
                          "measure": form.measure ?? "", "direction": form.direction ?? "", "scale_max": form.scale_max ?? ""]
            return try await DirectoryController().renderStudent(req: req, guardianValues: [:], guardianErrors: [:],
                                                                 enrolValues: values, enrolErrors: problems.messages(req.language),
                                                                 status: .badRequest)
        case .success(let c):
            let enrolment = try await req.enrolments.create(studentID: id, schoolID: student.$school.id, interventionID: c.interventionID, c.fields,
                                                            plan: c.plan, teacherID: c.teacherID, youthworkerID: c.youthworkerID)
            return req.redirect(to: SiteURL.enrolment(enrolment).path)
        }
    }

    func youthworkers(_ req: Request, schoolID: UUID) async throws -> [(id: UUID, name: String)] {
        let ids = try await AccountSchool.query(on: req.db).filter(\.$school.$id == schoolID).all(\.$account.$id)
        return try await Account.query(on: req.db).filter(\.$id ~~ ids).filter(\.$role == Role.youthworker.rawValue).filter(\.$active == true).all()
            .map { ($0.id!, $0.name.display) }
    }

    func enrolment(_ req: Request, _ user: CurrentUser) async throws -> EnrolmentJSON {
        guard let id = req.parameters.get("enrolment", as: UUID.self) else { throw SamenError.notFound }
        return try await req.enrolments.enrolment(id, for: user.viewer)
    }

    func show(req: Request) async throws -> Response {
        try await render(req: req, values: [:], errors: [:], saved: nil, status: .ok)
    }

    func render(req: Request, values: [String: String], errors: [String: String], saved: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .enrolment)
        let e = try await enrolment(req, user)
        let language = req.language
        let today = LocalDate.today()
        let cards = e.plan == nil ? try await req.enrolments.cards(enrolmentID: e.id) : []
        let figures = e.plan == nil ? [] : try await req.enrolments.measurements(enrolmentID: e.id)
        let weeks = EnrolmentService.weeks(e, cards: cards, figures: figures)
        var t = try await req.rules.thresholds(schoolID: e.school_id)
        t.pointCardGoal = e.goal
        let phase = CheckInCheckOutRules.phase(fadingDecided: e.fading_on.flatMap(LocalDate.init(iso:)), today: today, t)
        let date = values["date"] ?? today.iso
        let existing = cards.first { $0.date.iso == date }
        let canWrite = user.viewer.can(.update, .enrolment) && e.status == "active"
        let percent = { (x: Double) in String(Int((x * 100).rounded())) + "%" }
        let plan = e.plan
        let goalText = e.goalText(language)
        let chart = Self.chart(e, cards: cards, figures: figures, language: language)
        let page = EnrolmentPage(
            student: e.student, studentHref: user.viewer.can(.read, .student) ? SiteURL.student(e.student_id).path : nil,
            intervention: e.intervention, tier: e.tier, goal: goalText,
            start: LocalDate(iso: e.start_on)?.display(language) ?? e.start_on, review: LocalDate(iso: e.review_on)?.display(language) ?? e.review_on,
            pair: [e.teacher, e.youthworker].compactMap { $0 }.joined(separator: " + "),
            phase: Catalogue.text("cico_phase_\(phase.rawValue)", language),
            status: Catalogue.text("enrolment_status_\(e.status)", language),
            chart: chart,
            weeks: weeks.map { WeekLine(week: $0.monday.display(language), average: e.show($0.average),
                                        verdict: Catalogue.text($0.reached ? "cico_at_goal" : "cico_below_goal", language)) },
            cardAction: canWrite && plan == nil ? SiteURL.enrolmentCards(e.id).path : nil,
            date: date, periods: Array(1...max(e.periods, 1)),
            rows: e.expectations.enumerated().map { i, name in
                CardRow(expectation: name, cells: (0..<e.periods).map { p in
                    let key = "r_\(i)_\(p)"
                    return CardCell(name: key, value: values[key] ?? existing.flatMap { $0.ratings.indices.contains(i) && $0.ratings[i].indices.contains(p) ? $0.ratings[i][p].map(String.init) : nil } ?? "")
                })
            },
            errors: errors, saved: saved,
            fadeAction: canWrite && user.role != .teacher ? SiteURL.enrolmentFade(e.id).path : nil,
            endAction: canWrite && user.role != .teacher ? SiteURL.enrolmentEnd(e.id).path : nil,
            cards: cards.reversed().map { c in CardLine(date: c.date.display(language), score: c.score.map(percent) ?? "—", points: "\(c.earned) / \(c.possible)") },
            errorText: errors.values.sorted().joined(separator: " "),
            measure: plan?.measure,
            measurementAction: canWrite && plan != nil ? SiteURL.enrolmentMeasurements(e.id).path : nil,
            valueHint: plan.map { Catalogue.text("measurement_value_hint_" + $0.type.rawValue, language, [$0.rangeText]) } ?? "",
            value: values["value"] ?? figures.first { $0.date.iso == date }.map { MeasurementPlan.format($0.value) } ?? "",
            figures: figures.reversed().map { CardLine(date: $0.date.display(language), score: MeasurementPlan.format($0.value), points: "") })
        return try await req.renderPage("signals/enrolment", title: "enrolment_title", titleArguments: [e.intervention, e.student], page: page, status: status)
    }

    /// The enrolment's chart: daily point-card scores, or the daily figures, against the goal line.
    static func chart(_ e: EnrolmentJSON, cards: [PointCard], figures: [DailyFigure], language: Language) -> String {
        if let plan = e.plan {
            let top = plan.type == .percentage || plan.type == .rating ? plan.range.upperBound
                : BarChart.niceCeiling(max(figures.map(\.value).max() ?? 0, plan.goal) * 1.1)
            return LineChart.svg(title: Catalogue.text("measurement_chart", language, [plan.measure, e.student]),
                                 labels: figures.map { $0.date.display(language) }, values: figures.map(\.value), goal: plan.goal,
                                 goalLabel: Catalogue.text("cico_goal", language, [e.goalText(language)]), top: top, valueText: MeasurementPlan.format,
                                 reaches: plan.reaches)
        }
        let scored = cards.filter { $0.score != nil }
        return LineChart.svg(title: Catalogue.text("cico_chart", language, [e.student]),
                             labels: scored.map { $0.date.display(language) }, values: scored.compactMap(\.score), goal: e.goal,
                             goalLabel: Catalogue.text("cico_goal", language, [e.show(e.goal)]))
    }

    func saveCard(req: Request) async throws -> Response {
        let user = try req.require(.update, .enrolment)
        let e = try await enrolment(req, user)
        guard e.status == "active" else { throw SamenError(status: .conflict, key: "enrolment_ended") }
        let form = try req.content.decode([String: String].self)
        var values = form
        values["_csrf"] = nil
        guard let date = LocalDate.parse(form["date"] ?? ""), date <= .today() else {
            return try await render(req: req, values: values, errors: ["date": Catalogue.text("point_card_bad_date", req.language, [form["date"] ?? ""])],
                                    saved: nil, status: .badRequest)
        }
        switch PointCard.read(date: date, expectations: e.expectations.count, periods: e.periods, rating: { form["r_\($0)_\($1)"] }) {
        case .failure(let problems):
            return try await render(req: req, values: values, errors: problems.messages(req.language), saved: nil, status: .badRequest)
        case .success(let card):
            let raised = try await req.enrolments.save(card, enrolment: e, by: user.accountID)
            return try await render(req: req, values: ["date": date.iso], errors: [:],
                                    saved: Catalogue.text("point_card_saved", req.language, [String(Int(((card.score ?? 0) * 100).rounded())) + "%", String(raised)]),
                                    status: .ok)
        }
    }

    func saveMeasurement(req: Request) async throws -> Response {
        let user = try req.require(.update, .enrolment)
        let e = try await enrolment(req, user)
        guard e.status == "active" else { throw SamenError(status: .conflict, key: "enrolment_ended") }
        guard let plan = e.plan else { throw SamenError(status: .conflict, key: "measurement_point_card_only") }
        let form = try req.content.decode([String: String].self)
        let values = ["date": form["date"] ?? "", "value": form["value"] ?? ""]
        guard let date = LocalDate.parse(form["date"] ?? ""), date <= .today() else {
            return try await render(req: req, values: values, errors: ["date": Catalogue.text("point_card_bad_date", req.language, [form["date"] ?? ""])],
                                    saved: nil, status: .badRequest)
        }
        switch plan.read(form["value"] ?? "") {
        case .failure(let problems):
            return try await render(req: req, values: values, errors: problems.messages(req.language), saved: nil, status: .badRequest)
        case .success(let value):
            let raised = try await req.enrolments.save(DailyFigure(date: date, value: value), plan: plan, enrolment: e, by: user.accountID)
            return try await render(req: req, values: ["date": date.iso], errors: [:],
                                    saved: Catalogue.text("measurement_saved", req.language, [MeasurementPlan.format(value), String(raised)]), status: .ok)
        }
    }

    func fade(req: Request) async throws -> Response {
        let user = try req.require(.update, .enrolment)
        guard user.role != .teacher else { throw SamenError.forbidden }
        let e = try await enrolment(req, user)
        try await req.enrolments.setFading(e.id, on: e.fading_on == nil ? .today() : nil)
        return req.redirect(to: SiteURL.enrolment(e.id).path)
    }

    struct EndForm: Content { var reason: String? }

    func end(req: Request) async throws -> Response {
        let user = try req.require(.update, .enrolment)
        guard user.role != .teacher else { throw SamenError.forbidden }
        let e = try await enrolment(req, user)
        let reason = (try req.content.decode(EndForm.self).reason ?? "").trimmed
        guard ["graduated", "stopped", "moved", "referred"].contains(reason) else { throw SamenError.invalid("incident_bad_choice", field: "reason", [reason]) }
        try await req.enrolments.end(e.id, on: .today(), reason: reason)
        return req.redirect(to: SiteURL.enrolment(e.id).path)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Items<EnrolmentJSON> {
        let user = try req.require(.read, .enrolment)
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        // A teacher reads the enrolments of their own pair, also of a student outside their groups.
        let list = try await req.enrolments.list(for: user.viewer, studentID: id)
        if user.role != .teacher || list.isEmpty { _ = try await req.directory.student(id, for: user.viewer) }
        return Items(items: list)
    }

    /// The API's enrolment: typed values, checked by the same rules as the form.
    struct EnrolBody: Content {
        var intervention_id: UUID
        var goal: Double?
        var start_on: String
        var review_on: String
        var teacher_id: UUID?
        var youthworker_id: UUID?
        var expectations: [String]?
        var periods: Int?
        var monitoring: String?
        var measure: String?
        var direction: String?
        var scale_max: Int?

        var form: EnrolForm {
            EnrolForm(intervention_id: intervention_id.uuidString, goal: goal.map(MeasurementPlan.format), start_on: start_on, review_on: review_on,
                      teacher_id: teacher_id?.uuidString, youthworker_id: youthworker_id?.uuidString, expectations: expectations?.joined(separator: "\n"),
                      periods: periods.map(String.init), monitoring: monitoring, measure: measure, direction: direction, scale_max: scale_max.map(String.init))
        }
    }

    func apiCreate(req: Request) async throws -> Response {
        let user = try req.require(.create, .enrolment)
        guard user.role == .coordinator else { throw SamenError.forbidden }
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        let student = try await req.directory.student(id, for: user.viewer)
        let body = try req.content.decode(EnrolBody.self)
        switch try await check(body.form, schoolID: student.$school.id, req: req) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let c):
            let enrolmentID = try await req.enrolments.create(studentID: id, schoolID: student.$school.id, interventionID: c.interventionID, c.fields,
                                                              plan: c.plan, teacherID: c.teacherID, youthworkerID: c.youthworkerID)
            let response = Response(status: .created)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/enrolments/\(enrolmentID)")
            try response.content.encode(try await req.enrolments.enrolment(enrolmentID, for: user.viewer))
            return response
        }
    }

    struct WeekJSON: Content { var monday: String; var average: Double; var reached: Bool }
    struct EnrolmentDetailJSON: Content {
        var enrolment: EnrolmentJSON
        var cards: [PointCardJSON]
        var measurements: [MeasurementJSON]
        var weeks: [WeekJSON]
    }

    func apiShow(req: Request) async throws -> EnrolmentDetailJSON {
        let user = try req.require(.read, .enrolment)
        let e = try await enrolment(req, user)
        let cards = e.plan == nil ? try await req.enrolments.cards(enrolmentID: e.id) : []
        let figures = e.plan == nil ? [] : try await req.enrolments.measurements(enrolmentID: e.id)
        return EnrolmentDetailJSON(
            enrolment: e,
            cards: cards.map { PointCardJSON(date: $0.date.iso, ratings: $0.ratings, earned: $0.earned, possible: $0.possible, score: $0.score) },
            measurements: figures.map { MeasurementJSON(date: $0.date.iso, value: $0.value) },
            weeks: EnrolmentService.weeks(e, cards: cards, figures: figures).map { WeekJSON(monday: $0.monday.iso, average: $0.average, reached: $0.reached) })
    }

    func apiChart(req: Request) async throws -> Response {
        let user = try req.require(.read, .enrolment)
        let e = try await enrolment(req, user)
        let cards = e.plan == nil ? try await req.enrolments.cards(enrolmentID: e.id) : []
        let figures = e.plan == nil ? [] : try await req.enrolments.measurements(enrolmentID: e.id)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8"],
                        body: .init(string: Self.chart(e, cards: cards, figures: figures, language: req.apiLanguage)))
    }

    struct SavedDay: Content { var date: String; var score: Double?; var signals_raised: Int }
    struct CardBody: Content { var date: String; var ratings: [[Int?]] }

    /// A day's point card: one row per expectation, one cell per period, each 0, 1, 2 or null.
    func apiCard(req: Request) async throws -> SavedDay {
        let user = try req.require(.update, .enrolment)
        let e = try await enrolment(req, user)
        guard e.status == "active" else { throw SamenError(status: .conflict, key: "enrolment_ended") }
        guard e.plan == nil else { throw SamenError(status: .conflict, key: "measurement_measurement_only") }
        let body = try req.content.decode(CardBody.self)
        guard let date = LocalDate.parse(body.date), date <= .today() else { throw SamenError.invalid("point_card_bad_date", field: "date", [body.date]) }
        guard body.ratings.count == e.expectations.count, body.ratings.allSatisfy({ $0.count == e.periods }) else {
            throw SamenError.invalid("point_card_shape", field: "ratings", [String(e.expectations.count), String(e.periods)])
        }
        switch PointCard.read(date: date, expectations: e.expectations.count, periods: e.periods, rating: { body.ratings[$0][$1].map(String.init) }) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let card):
            let raised = try await req.enrolments.save(card, enrolment: e, by: user.accountID)
            return SavedDay(date: date.iso, score: card.score, signals_raised: raised)
        }
    }

    struct MeasurementBody: Content { var date: String; var value: Double }

    func apiMeasurement(req: Request) async throws -> SavedDay {
        let user = try req.require(.update, .enrolment)
        let e = try await enrolment(req, user)
        guard e.status == "active" else { throw SamenError(status: .conflict, key: "enrolment_ended") }
        guard let plan = e.plan else { throw SamenError(status: .conflict, key: "measurement_point_card_only") }
        let body = try req.content.decode(MeasurementBody.self)
        guard let date = LocalDate.parse(body.date), date <= .today() else { throw SamenError.invalid("point_card_bad_date", field: "date", [body.date]) }
        switch plan.read(String(body.value)) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let value):
            let raised = try await req.enrolments.save(DailyFigure(date: date, value: value), plan: plan, enrolment: e, by: user.accountID)
            return SavedDay(date: date.iso, score: value, signals_raised: raised)
        }
    }
}
