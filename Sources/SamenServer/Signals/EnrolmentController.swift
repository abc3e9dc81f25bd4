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
}

/// Enrolments: a student assigned to a Tier II or III intervention with a
/// goal and a pair; Check-In/Check-Out point cards filled in per day.
struct EnrolmentController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("students", ":student", "enrolments", use: create)
        routes.get("enrolments", ":enrolment", use: show)
        routes.post("enrolments", ":enrolment", "cards", use: saveCard)
        routes.post("enrolments", ":enrolment", "fade", use: fade)
        routes.post("enrolments", ":enrolment", "end", use: end)
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
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.create, .enrolment)
        guard user.role == .coordinator else { throw SamenError.forbidden }
        guard let id = req.parameters.get("student", as: UUID.self) else { throw SamenError.notFound }
        let student = try await req.directory.student(id, for: user.viewer)
        let form = try req.content.decode(EnrolForm.self)
        let schoolID = student.$school.id
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
        let validated = EnrolmentFields.validate(goal: form.goal ?? "", start: form.start_on ?? "", review: form.review_on ?? "",
                                                 expectations: form.expectations ?? "", periods: form.periods ?? "")
        if case .failure(let more) = validated { problems += more }
        guard problems.isEmpty, case .success(let fields) = validated, let intervention else {
            // Back to the student's page, the messages next to the form's fields.
            let values = ["intervention_id": form.intervention_id ?? "", "goal": form.goal ?? "", "start_on": form.start_on ?? "",
                          "review_on": form.review_on ?? "", "teacher_id": form.teacher_id ?? "", "youthworker_id": form.youthworker_id ?? "",
                          "expectations": form.expectations ?? "", "periods": form.periods ?? ""]
            return try await DirectoryController().renderStudent(req: req, guardianValues: [:], guardianErrors: [:],
                                                                 enrolValues: values, enrolErrors: problems.messages(req.language),
                                                                 status: .badRequest)
        }
        let enrolment = try await req.enrolments.create(studentID: id, schoolID: schoolID, interventionID: intervention.id, fields,
                                                        teacherID: teacher, youthworkerID: worker)
        return req.redirect(to: SiteURL.enrolment(enrolment).path)
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
        let cards = try await req.enrolments.cards(enrolmentID: e.id)
        let scored = cards.filter { $0.score != nil }
        let weeks = CheckInCheckOutRules.weeklyAverages(cards)
        var t = try await req.rules.thresholds(schoolID: e.school_id)
        t.pointCardGoal = e.goal
        let phase = CheckInCheckOutRules.phase(fadingDecided: e.fading_on.flatMap(LocalDate.init(iso:)), today: today, t)
        let date = values["date"] ?? today.iso
        let existing = cards.first { $0.date.iso == date }
        let canWrite = user.viewer.can(.update, .enrolment) && e.status == "active"
        let percent = { (x: Double) in String(Int((x * 100).rounded())) + "%" }
        let page = EnrolmentPage(
            student: e.student, studentHref: user.viewer.can(.read, .student) ? SiteURL.student(e.student_id).path : nil,
            intervention: e.intervention, tier: e.tier, goal: percent(e.goal),
            start: LocalDate(iso: e.start_on)?.display(language) ?? e.start_on, review: LocalDate(iso: e.review_on)?.display(language) ?? e.review_on,
            pair: [e.teacher, e.youthworker].compactMap { $0 }.joined(separator: " + "),
            phase: Catalogue.text("cico_phase_\(phase.rawValue)", language),
            status: Catalogue.text("enrolment_status_\(e.status)", language),
            chart: LineChart.svg(title: Catalogue.text("cico_chart", language, [e.student]),
                                 labels: scored.map { $0.date.display(language) }, values: scored.compactMap(\.score), goal: e.goal,
                                 goalLabel: Catalogue.text("cico_goal", language, [percent(e.goal)])),
            weeks: weeks.map { WeekLine(week: $0.monday.display(language), average: percent($0.average),
                                        verdict: Catalogue.text($0.average >= e.goal - 1e-12 ? "cico_at_goal" : "cico_below_goal", language)) },
            cardAction: canWrite ? SiteURL.enrolmentCards(e.id).path : nil,
            date: date, periods: Array(1...e.periods),
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
            errorText: errors.values.sorted().joined(separator: " "))
        return try await req.renderPage("signals/enrolment", title: "enrolment_title", titleArguments: [e.intervention, e.student], page: page, status: status)
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
}
