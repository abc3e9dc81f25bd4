import Fluent
import Foundation
import NIOCore
import SamenCore
import Vapor

struct InterventionLine: Encodable {
    var name: String
    var results: String
    var tier: Int
    var tierLabel: String
    var provider: String
    var target: String
    var status: String
    var evidence: String
    var editHref: String?
}

struct TierRow: Encodable { var tier: Int; var label: String; var count: Int; var withYouthCare: Int }

struct PyramidPage: Encodable {
    var school: String
    var schoolHref: String
    /// The pyramid, drawn in Swift and escaped there (`PyramidChart`).
    var svg: String
    var rows: [TierRow]
    var share: String
    var gaps: [String]
    var interventions: [InterventionLine]
    var createAction: String?
    var form: InterventionForm
    var workshops: [LinkedItem]
    var workshopAction: String?
    var compareHref: String?
}

struct InterventionForm: Encodable {
    var values: [String: String]
    var errors: [String: String]
    var tiers: [Option]
    var providers: [Option]
    var targets: [Option]
    var statuses: [Option]
}

struct InterventionEditPage: Encodable {
    var action: String
    var cancelHref: String
    var form: InterventionForm
}

struct WorkshopPage: Encodable {
    var title: String
    var school: String
    var pyramidHref: String
    var open: Bool
    var board: String
    var eventsHref: String
    var noteHref: String
    var mergeAction: String?
    var merges: [MergeLine]
    var closeNotice: String?
}

struct MergeLine: Encodable { var field: String; var text: String; var tier: Int; var author: String; var options: [Option] }

struct NotePage: Encodable {
    var title: String
    var action: String
    var open: Bool
    var values: [String: String]
    var errors: [String: String]
    var providers: [Option]
    var saved: Bool
    var boardHref: String
}

struct ComparePage: Encodable {
    struct Card: Encodable { var name: String; var type: String; var svg: String; var share: String; var href: String; var gaps: [String] }
    var cards: [Card]
}

/// The pyramid of alignment: a school's interventions drawn as a pyramid,
/// workshop sessions that fill it live from the team's phones, and the
/// region's view of all its schools' pyramids side by side.
struct PyramidController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "pyramid", use: page)
        routes.post("schools", ":school", "interventions", use: create)
        routes.get("interventions", ":intervention", "edit", use: edit)
        routes.post("interventions", ":intervention", "edit", use: update)
        routes.post("schools", ":school", "workshops", use: startWorkshop)
        routes.get("workshops", ":workshop", use: workshop)
        routes.get("workshops", ":workshop", "events", use: events)
        routes.get("workshops", ":workshop", "note", use: noteForm)
        routes.post("workshops", ":workshop", "notes", use: addNote)
        routes.post("workshops", ":workshop", "merge", use: merge)
        routes.get("pyramids", use: compare)
        let api = routes.grouped("api", "v1")
        api.get("schools", ":school", "interventions", use: apiList)
        api.post("schools", ":school", "interventions", use: apiCreate)
        api.get("schools", ":school", "pyramid", use: apiPyramid)
        api.get("schools", ":school", "pyramid.svg", use: apiSVG)
    }

    func school(_ req: Request, _ user: CurrentUser) async throws -> School {
        guard let id = req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        return try await req.directory.school(id, for: user.viewer)
    }

    /// Whether this person may create or change an intervention with this provider: youth-care workers only joint ones.
    func mayWrite(_ user: CurrentUser, provider: Provider?, _ action: SamenCore.Action) -> Bool {
        guard user.viewer.can(action, .intervention) else { return false }
        return user.role != .youthworker || provider == .joint
    }

    func form(_ values: [String: String], _ errors: [String: String], language: Language, youthworker: Bool) -> InterventionForm {
        InterventionForm(
            values: values, errors: errors,
            tiers: Tier.allCases.map { Option(value: String($0.rawValue), label: Catalogue.text("tier_\($0.rawValue)", language), selected: values["tier"] == String($0.rawValue)) },
            providers: Provider.allCases.filter { !youthworker || $0 == .joint }.map {
                Option(value: $0.rawValue, label: Catalogue.text("provider_\($0.rawValue)", language), selected: values["provider"] == $0.rawValue)
            },
            targets: InterventionTarget.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("target_\($0.rawValue)", language), selected: values["target"] == $0.rawValue) },
            statuses: InterventionStatus.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("intervention_status_\($0.rawValue)", language), selected: values["status"] == $0.rawValue) })
    }

    static func share(_ pyramid: Pyramid, _ language: Language) -> String {
        guard let share = pyramid.youthCareShare else { return Catalogue.text("pyramid_share_none", language) }
        return Catalogue.text("pyramid_share", language, [String(Int((share * 100).rounded()))])
    }

    func page(req: Request) async throws -> Response {
        try await render(req: req, values: [:], errors: [:], status: .ok)
    }

    func render(req: Request, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .intervention)
        let school = try await school(req, user)
        let language = req.language
        let list = try await req.pyramids.interventions(schoolID: school.id!)
        let pyramid = Pyramid(list.compactMap(\.fields))
        // Results for the team, not for the region: they rest on students' point cards and incidents.
        let results = AccessPolicy.studentScope(user.role) == .ownSchools || user.role == .admin ? try await req.enrolments.results(schoolID: school.id!) : [:]
        let defaults = ["tier": "2", "provider": user.role == .youthworker ? "joint" : "school", "target": "group", "status": "active", "name": "", "evidence": ""]
        let page = PyramidPage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            svg: PyramidService.svg(pyramid, title: Catalogue.text("pyramid_title", language, [school.name]), language: language),
            rows: pyramid.tiers.map { TierRow(tier: $0.tier.rawValue, label: Catalogue.text("tier_\($0.tier.rawValue)", language), count: $0.count,
                                              withYouthCare: $0.withYouthCare) },
            share: Self.share(pyramid, language),
            gaps: pyramid.gaps.map { Catalogue.text($0.key, language, $0.arguments) },
            interventions: list.map { i in
                InterventionLine(name: i.name, results: results[i.id].map { r in
                                     Catalogue.text("intervention_results", language, [String(r.students),
                                                    r.withCards == 0 ? "—" : "\(r.reachingGoal)/\(r.withCards)", String(r.incidentsBefore), String(r.incidentsAfter)])
                                 } ?? "", tier: i.tier, tierLabel: Catalogue.text("tier_\(i.tier)", language),
                                 provider: Catalogue.text("provider_\(i.provider)", language), target: Catalogue.text("target_\(i.target)", language),
                                 status: Catalogue.text("intervention_status_\(i.status)", language), evidence: i.evidence,
                                 editHref: mayWrite(user, provider: Provider(rawValue: i.provider), .update) ? SiteURL.interventionEdit(i.id).path : nil)
            },
            createAction: user.viewer.can(.create, .intervention) ? SiteURL.interventions(school.id!).path : nil,
            form: form(defaults.merging(values) { _, given in given }, errors, language: language, youthworker: user.role == .youthworker),
            workshops: user.viewer.can(.read, .workshop) ? try await req.pyramids.workshops(schoolID: school.id!).map { w in
                LinkedItem(label: w.title, href: SiteURL.workshop(w.id).path,
                           detail: Catalogue.text(w.open ? "workshop_open" : "workshop_closed", language) + " · " + LocalDate.today(now: w.created_at).display(language))
            } : [],
            workshopAction: user.viewer.can(.update, .workshop) ? SiteURL.workshops(school.id!).path : nil,
            compareHref: AccessPolicy.schoolScope(user.role) == .ownRegion || user.role == .admin ? SiteURL.pyramids.path : nil)
        return try await req.renderPage("signals/pyramid", title: "pyramid_title", titleArguments: [school.name], page: page, status: status)
    }

    struct Form: Content { var name: String?; var tier: String?; var provider: String?; var target: String?; var evidence: String?; var status: String? }

    func values(_ f: Form) -> [String: String] {
        ["name": f.name ?? "", "tier": f.tier ?? "", "provider": f.provider ?? "", "target": f.target ?? "", "evidence": f.evidence ?? "", "status": f.status ?? ""]
    }

    func validate(_ f: Form, user: CurrentUser, action: SamenCore.Action) -> Validated<InterventionFields> {
        let result = InterventionFields.validate(name: f.name ?? "", tier: f.tier ?? "", provider: f.provider ?? "", target: f.target ?? "",
                                                 evidence: f.evidence ?? "", status: f.status ?? "")
        if case .success(let fields) = result, !mayWrite(user, provider: fields.provider, action) {
            return .failure([FieldProblem(field: "provider", key: "intervention_joint_only")])
        }
        return result
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.create, .intervention)
        let school = try await school(req, user)
        let form = try req.content.decode(Form.self)
        switch validate(form, user: user, action: .create) {
        case .failure(let problems):
            return try await render(req: req, values: values(form), errors: problems.messages(req.language), status: .badRequest)
        case .success(let fields):
            _ = try await req.pyramids.create(fields, schoolID: school.id!)
            return req.redirect(to: SiteURL.pyramid(school.id!).path)
        }
    }

    /// The intervention, if its school is in scope (404) and this person may change it (403).
    func editable(_ req: Request, _ user: CurrentUser) async throws -> (InterventionJSON, School) {
        guard let id = req.parameters.get("intervention", as: UUID.self), let intervention = try await req.pyramids.intervention(id) else { throw SamenError.notFound }
        let school = try await req.directory.school(intervention.school_id, for: user.viewer)
        guard mayWrite(user, provider: Provider(rawValue: intervention.provider), .update) else { throw SamenError.forbidden }
        return (intervention, school)
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.require(.update, .intervention)
        let (i, _) = try await editable(req, user)
        let values = ["name": i.name, "tier": String(i.tier), "provider": i.provider, "target": i.target, "evidence": i.evidence, "status": i.status]
        return try await req.renderPage("signals/intervention-form", title: "intervention_edit_title", titleArguments: [i.name],
                                        page: InterventionEditPage(action: SiteURL.interventionEdit(i.id).path, cancelHref: SiteURL.pyramid(i.school_id).path,
                                                                   form: form(values, [:], language: req.language, youthworker: user.role == .youthworker)))
    }

    func update(req: Request) async throws -> Response {
        let user = try req.require(.update, .intervention)
        let (i, _) = try await editable(req, user)
        let f = try req.content.decode(Form.self)
        switch validate(f, user: user, action: .update) {
        case .failure(let problems):
            return try await req.renderPage("signals/intervention-form", title: "intervention_edit_title", titleArguments: [i.name],
                                            page: InterventionEditPage(action: SiteURL.interventionEdit(i.id).path, cancelHref: SiteURL.pyramid(i.school_id).path,
                                                                       form: form(values(f), problems.messages(req.language),
                                                                                  language: req.language, youthworker: user.role == .youthworker)),
                                            status: .badRequest)
        case .success(let fields):
            try await req.pyramids.update(i.id, fields)
            return req.redirect(to: SiteURL.pyramid(i.school_id).path)
        }
    }

    // MARK: Workshop

    struct StartForm: Content { var title: String? }

    func startWorkshop(req: Request) async throws -> Response {
        let user = try req.require(.update, .workshop)
        let school = try await school(req, user)
        let form = try req.content.decode(StartForm.self)
        let title = (form.title ?? "").trimmed
        let name = title.isEmpty ? Catalogue.text("workshop_default_title", req.language, [LocalDate.today().display(req.language)]) : String(title.prefix(120))
        let id = try await req.pyramids.startWorkshop(schoolID: school.id!, title: name, by: user.accountID)
        return req.redirect(to: SiteURL.workshop(id).path)
    }

    /// The workshop if its school is in scope; 404 otherwise.
    func workshop(_ req: Request, _ user: CurrentUser) async throws -> (WorkshopJSON, School) {
        guard let id = req.parameters.get("workshop", as: UUID.self), let workshop = try await req.pyramids.workshop(id) else { throw SamenError.notFound }
        return (workshop, try await req.directory.school(workshop.school_id, for: user.viewer))
    }

    /// The shared board: the pyramid of the notes so far, and the notes per colour.
    static func board(_ notes: [NoteJSON], title: String, language: Language) -> String {
        let live = notes.filter { $0.state != "dismissed" }
        let pyramid = Pyramid(tiers: Tier.allCases.map { tier in
            let here = live.filter { $0.tier == tier.rawValue }
            return PyramidTier(tier: tier, items: here.map(\.text), withYouthCare: here.filter { Provider(rawValue: $0.provider)?.involvesYouthCare ?? false }.count)
        })
        var html = "<div class=\"board-pyramid\">" + PyramidService.svg(pyramid, title: title, language: language) + "</div><div class=\"notes\">"
        for tier in [Tier.three, .two, .one] {
            let here = live.filter { $0.tier == tier.rawValue }
            html += "<section class=\"note-column tier-\(tier.rawValue)\"><h2>" + HTML.escape(Catalogue.text("tier_\(tier.rawValue)", language))
                + " <small>(\(here.count))</small></h2><ul>"
            for note in here {
                html += "<li class=\"note\">" + HTML.escape(note.text) + " <small>" + HTML.escape(note.author)
                    + (note.provider == "school" ? "" : " · " + HTML.escape(Catalogue.text("provider_\(note.provider)", language))) + "</small></li>"
            }
            html += "</ul></section>"
        }
        return html + "</div>"
    }

    func workshop(req: Request) async throws -> Response {
        let user = try req.require(.read, .workshop)
        let (w, school) = try await workshop(req, user)
        let language = req.language
        let notes = try await req.pyramids.notes(workshopID: w.id)
        let canMerge = user.viewer.can(.update, .workshop) && w.open
        let existing = canMerge ? try await req.pyramids.interventions(schoolID: school.id!) : []
        let page = WorkshopPage(
            title: w.title, school: school.name, pyramidHref: SiteURL.pyramid(school.id!).path, open: w.open,
            board: Self.board(notes, title: w.title, language: language),
            eventsHref: SiteURL.workshopEvents(w.id).path, noteHref: SiteURL.workshopNote(w.id).path,
            mergeAction: canMerge && !notes.isEmpty ? SiteURL.workshopMerge(w.id).path : nil,
            merges: canMerge ? notes.filter { $0.state == "new" }.map { note in
                MergeLine(field: "note_\(note.id)", text: note.text, tier: note.tier, author: note.author,
                          options: [Option(value: "new", label: Catalogue.text("workshop_merge_new", language), selected: true)]
                            + existing.filter { $0.tier == note.tier }.map { Option(value: $0.id.uuidString, label: Catalogue.text("workshop_merge_into", language, [$0.name]), selected: false) }
                            + [Option(value: "dismiss", label: Catalogue.text("workshop_merge_dismiss", language), selected: false)])
            } : [],
            closeNotice: w.open ? nil : Catalogue.text("workshop_closed_notice", language))
        return try await req.renderPage("signals/workshop", title: "workshop_title", titleArguments: [w.title], page: page)
    }

    /// Server-sent events: the board again whenever it changes. Each instance
    /// polls the database once a second, so several app instances behind a
    /// load balancer all see every note.
    func events(req: Request) async throws -> Response {
        let user = try req.require(.read, .workshop)
        let (w, _) = try await workshop(req, user)
        let language = req.language
        let db = req.db
        // `?once=1`: the board as one event and done, for clients that poll (and for tests).
        let once = (try? req.query.get(String.self, at: "once")) == "1"
        let headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"]
        return Response(status: .ok, headers: headers, body: .init(managedAsyncStream: { writer in
            let service = PyramidService(db: db)
            var last = ""
            let started = ContinuousClock.now
            var quiet = 0
            // Ten minutes per connection; the browser reconnects by itself.
            while ContinuousClock.now - started < .seconds(600) {
                let version = try await service.version(workshopID: w.id)
                if version != last {
                    last = version
                    let board = Self.board(try await service.notes(workshopID: w.id), title: w.title, language: language)
                    try await writer.writeBuffer(ByteBuffer(string: "event: board\ndata: " + board.replacingOccurrences(of: "\n", with: " ") + "\n\n"))
                    quiet = 0
                } else {
                    quiet += 1
                    if quiet % 15 == 0 { try await writer.writeBuffer(ByteBuffer(string: ": still here\n\n")) }
                }
                if once || version.hasSuffix("/1") { break }
                try await Task.sleep(for: .seconds(1))
            }
        }))
    }

    func noteForm(req: Request) async throws -> Response {
        let user = try req.require(.create, .workshop)
        let (w, _) = try await workshop(req, user)
        return try await renderNote(req: req, w: w, user: user, values: ["tier": "", "text": "", "provider": "school"], errors: [:],
                                    saved: (try? req.query.get(String.self, at: "saved")) != nil, status: .ok)
    }

    func renderNote(req: Request, w: WorkshopJSON, user: CurrentUser, values: [String: String], errors: [String: String], saved: Bool,
                    status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let page = NotePage(title: w.title, action: SiteURL.workshopNotes(w.id).path, open: w.open, values: values, errors: errors,
                            providers: Provider.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("provider_\($0.rawValue)", language),
                                                                      selected: (values["provider"] ?? "school") == $0.rawValue) },
                            saved: saved, boardHref: SiteURL.workshop(w.id).path)
        return try await req.renderPage("signals/workshop-note", title: "workshop_note_title", page: page, status: status)
    }

    struct NoteForm: Content { var tier: String?; var text: String?; var provider: String? }

    func addNote(req: Request) async throws -> Response {
        let user = try req.require(.create, .workshop)
        let (w, _) = try await workshop(req, user)
        let form = try req.content.decode(NoteForm.self)
        let values = ["tier": form.tier ?? "", "text": form.text ?? "", "provider": form.provider ?? "school"]
        guard w.open else { throw SamenError(status: .conflict, key: "workshop_closed_notice") }
        var errors: [String: String] = [:]
        let tier = Int(form.tier ?? "").flatMap(Tier.init(rawValue:))
        if tier == nil { errors["tier"] = Catalogue.text("workshop_choose_colour", req.language) }
        let text = (form.text ?? "").trimmed
        if text.isEmpty { errors["text"] = Catalogue.text("import_required", req.language) }
        else if text.count > 120 { errors["text"] = Catalogue.text("import_too_long", req.language, ["120"]) }
        let provider = Provider(rawValue: form.provider ?? "school")
        if provider == nil { errors["provider"] = Catalogue.text("incident_bad_choice", req.language, [form.provider ?? ""]) }
        guard errors.isEmpty, let tier, let provider else {
            return try await renderNote(req: req, w: w, user: user, values: values, errors: errors, saved: false, status: .badRequest)
        }
        try await req.pyramids.addNote(workshopID: w.id, tier: tier, text: text, provider: provider, author: user.accountID)
        return req.redirect(to: SiteURL.workshopNote(w.id).path + "?saved=1")
    }

    func merge(req: Request) async throws -> Response {
        let user = try req.require(.update, .workshop)
        let (w, school) = try await workshop(req, user)
        guard w.open else { throw SamenError(status: .conflict, key: "workshop_closed_notice") }
        let fields = try req.content.decode([String: String].self)
        guard fields["confirm"] == "1" else { throw SamenError.invalid("workshop_bad_choice", field: "confirm") }
        var choices: [UUID: String] = [:]
        for (key, value) in fields where key.hasPrefix("note_") {
            if let id = UUID(uuidString: String(key.dropFirst(5))) { choices[id] = value }
        }
        _ = try await req.pyramids.merge(workshopID: w.id, schoolID: school.id!, choices: choices)
        return req.redirect(to: SiteURL.pyramid(school.id!).path)
    }

    // MARK: Region

    func compare(req: Request) async throws -> Response {
        let user = try req.require(.read, .intervention)
        let language = req.language
        var cards: [ComparePage.Card] = []
        for school in try await req.directory.schools(for: user.viewer) {
            let pyramid = try await req.pyramids.pyramid(schoolID: school.id)
            cards.append(ComparePage.Card(name: school.name, type: school.type, svg: PyramidService.svg(pyramid, title: school.name, language: language),
                                          share: Self.share(pyramid, language), href: SiteURL.pyramid(school.id).path,
                                          gaps: pyramid.gaps.map { Catalogue.text($0.key, language, $0.arguments) }))
        }
        return try await req.renderPage("signals/pyramids", title: "pyramids_title", page: ComparePage(cards: cards))
    }

    // MARK: API

    func apiList(req: Request) async throws -> Items<InterventionJSON> {
        let user = try req.require(.read, .intervention)
        let school = try await school(req, user)
        return Items(items: try await req.pyramids.interventions(schoolID: school.id!))
    }

    struct Body: Content { var name: String?; var tier: Int?; var provider: String?; var target: String?; var evidence: String?; var status: String? }

    func apiCreate(req: Request) async throws -> Response {
        let user = try req.require(.create, .intervention)
        let school = try await school(req, user)
        let b = try req.content.decode(Body.self)
        let form = Form(name: b.name, tier: b.tier.map(String.init), provider: b.provider, target: b.target, evidence: b.evidence, status: b.status)
        switch validate(form, user: user, action: .create) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let fields):
            let id = try await req.pyramids.create(fields, schoolID: school.id!)
            let response = Response(status: .created)
            try response.content.encode(try await req.pyramids.intervention(id)!)
            return response
        }
    }

    func apiPyramid(req: Request) async throws -> PyramidJSON {
        let user = try req.require(.read, .intervention)
        let school = try await school(req, user)
        return req.pyramids.json(try await req.pyramids.pyramid(schoolID: school.id!), schoolID: school.id!, language: req.apiLanguage)
    }

    func apiSVG(req: Request) async throws -> Response {
        let user = try req.require(.read, .intervention)
        let school = try await school(req, user)
        let language = req.apiLanguage
        let svg = PyramidService.svg(try await req.pyramids.pyramid(schoolID: school.id!), title: Catalogue.text("pyramid_title", language, [school.name]),
                                     language: language)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8"], body: .init(string: svg))
    }
}
