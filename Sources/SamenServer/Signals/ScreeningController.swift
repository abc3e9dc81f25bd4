import Fluent
import Foundation
import SamenCore
import Vapor

struct RoundLine: Encodable { var name: String; var href: String; var instrument: String; var dates: String; var state: String; var rated: String }
struct GroupRateLine: Encodable { var group: String; var href: String?; var progress: String; var internalising: String; var externalising: String }

struct ScreeningHomePage: Encodable {
    var school: String
    var schoolHref: String
    var rounds: [RoundLine]
    var instruments: [LinkedItem]
    var newInstrumentHref: String?
    var roundAction: String?
    var values: [String: String]
    var errors: [String: String]
    var instrumentOptions: [Option]
}

struct InstrumentView: Encodable {
    struct ScaleLine: Encodable { var code: String; var name: String; var kind: String; var items: Int; var range: String }
    struct ItemLine: Encodable { var number: Int; var text: String; var scale: String; var reversed: Bool }
    struct BandLine: Encodable { var informant: String; var scale: String; var range: String; var label: String; var atRisk: Bool }
    var name: String
    var description: String
    var origin: String
    var builtIn: Bool
    var version: Int
    var archived: Bool
    var answers: String
    var scales: [ScaleLine]
    var items: [ItemLine]
    var bands: [BandLine]
    var editHref: String?
    var copyHref: String?
    var archiveAction: String?
    var jsonHref: String
}

struct InstrumentEditorPage: Encodable {
    struct ScaleRow: Encodable { var n: Int; var code: String; var name: String; var kinds: [Option] }
    struct ItemRow: Encodable { var n: Int; var text: String; var scale: String; var reversed: Bool }
    struct BandRow: Encodable { var n: Int; var informants: [Option]; var scale: String; var from: String; var label: String; var risk: Bool }
    var action: String
    var cancelHref: String
    var values: [String: String]
    var errors: [String: String]
    var errorList: [String]
    var scales: [ScaleRow]
    var items: [ItemRow]
    var bands: [BandRow]
    var versionNote: Bool
}

struct RoundPage: Encodable {
    var name: String
    var school: String
    var screeningHref: String
    var instrument: String
    var instrumentHref: String
    var dates: String
    var state: String
    var groups: [GroupRateLine]
    var dashboard: Bool
    var overview: [LinkedItem]
    var svg: String
    var bandHeader: [String]
    var bandRows: [[String]]
    var unseen: [LinkedItem]
    var csvBandsHref: String
    var csvGroupsHref: String
    var notice: String?
}

struct RatingPage: Encodable {
    struct Cell: Encodable { var name: String; var value: String; var label: String }
    struct Row: Encodable { var name: String; var number: String; var cells: [Cell]; var scores: String; var locked: Bool; var problem: String? }
    struct Column: Encodable { var number: Int; var text: String; var scale: String }
    var round: String
    var roundHref: String
    var group: String
    var action: String?
    var columns: [Column]
    var answers: [Option]
    var rows: [Row]
    var errorText: String?
    var saved: String?
    var notice: String?
    var closed: Bool
}

/// Screening: instruments (the example shipped with Samen, the region's and
/// a school's own), rounds in which teachers rate the students of a group on
/// one screen, and the round's dashboard with internalising and
/// externalising problems side by side.
struct ScreeningController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("schools", ":school", "screening", use: home)
        routes.post("schools", ":school", "screening", "rounds", use: createRound)
        routes.get("screening", "instruments", use: regionInstruments)
        routes.get("screening", "instruments", "new", use: newInstrument)
        routes.post("screening", "instruments", use: createInstrument)
        routes.get("screening", "instruments", ":instrument", use: showInstrument)
        routes.get("screening", "instruments", ":instrument", "edit", use: editInstrument)
        routes.post("screening", "instruments", ":instrument", "edit", use: updateInstrument)
        routes.post("screening", "instruments", ":instrument", "archive", use: archiveInstrument)
        routes.get("screening", "rounds", ":round", use: showRound)
        routes.get("screening", "rounds", ":round", "results.csv", use: csv)
        routes.get("screening", "rounds", ":round", "groups", ":group", use: ratingSheet)
        routes.post("screening", "rounds", ":round", "groups", ":group", use: saveRatings)
        let api = routes.grouped("api", "v1")
        api.get("screening", "instruments", use: apiInstruments)
        api.post("screening", "instruments", use: apiCreateInstrument)
        api.get("screening", "instruments", ":instrument", use: apiInstrument)
        api.get("schools", ":school", "screening", "rounds", use: apiRounds)
        api.post("schools", ":school", "screening", "rounds", use: apiCreateRound)
        api.get("screening", "rounds", ":round", "ratings", use: apiRatings)
        api.post("screening", "rounds", ":round", "ratings", use: apiSaveRatings)
        api.get("screening", "rounds", ":round", "results", use: apiResults)
        api.get("screening", "rounds", ":round", "chart.svg", use: apiChart)
    }

    // MARK: Scope

    func school(_ req: Request, _ user: CurrentUser, id: UUID? = nil) async throws -> School {
        guard let id = id ?? req.parameters.get("school", as: UUID.self) else { throw SamenError.notFound }
        let school = try await req.directory.school(id, for: user.viewer)
        // Screening concerns students: a school's own staff (and the administrator) only. A youth-care
        // worker's view depends on consent per student (the collaboration issue); until then it is empty.
        guard user.role == .admin || (user.viewer.schoolIDs.contains(id) && AccessPolicy.studentScope(user.role) != .consentOrCase) else {
            throw SamenError.notFound
        }
        return school
    }

    /// An instrument the person may read: the example, their region's, or their school's own.
    func instrument(_ req: Request, _ user: CurrentUser) async throws -> InstrumentJSON {
        guard let id = req.parameters.get("instrument", as: UUID.self), let instrument = try await req.screening.instrument(id) else { throw SamenError.notFound }
        if user.role == .admin || instrument.built_in { return instrument }
        let region = try await regionOf(req, user)
        if let schoolID = instrument.school_id {
            // A school's own: its staff, and the region's staff (an instrument holds no student data).
            if user.viewer.schoolIDs.contains(schoolID) || (user.role == .region && instrument.region_id == region) { return instrument }
        } else if let regionID = instrument.region_id, regionID == region {
            return instrument
        }
        throw SamenError.notFound
    }

    /// The region a person works in: their own (region staff) or their schools'.
    func regionOf(_ req: Request, _ user: CurrentUser) async throws -> UUID? {
        if let region = user.viewer.regionID { return region }
        guard let school = user.viewer.schoolIDs.first else { return nil }
        return try await School.find(school, on: req.db)?.$region.id
    }

    /// Whether the person may change this instrument: a school's own by its coordinator, a region's by its staff.
    func mayWrite(_ instrument: InstrumentJSON, _ user: CurrentUser, regionID: UUID?) -> Bool {
        guard !instrument.built_in, user.viewer.can(.update, .instrument) else { return false }
        switch user.role {
        case .admin: return true
        case .coordinator: return instrument.school_id.map(user.viewer.schoolIDs.contains) ?? false
        case .region: return instrument.school_id == nil && instrument.region_id != nil && instrument.region_id == regionID
        default: return false
        }
    }

    func round(_ req: Request, _ user: CurrentUser) async throws -> (RoundJSON, School) {
        guard let id = req.parameters.get("round", as: UUID.self), let round = try await req.screening.round(id) else { throw SamenError.notFound }
        return (round, try await school(req, user, id: round.school_id))
    }

    func dates(_ round: RoundJSON, _ language: Language) -> String {
        (LocalDate(iso: round.opens_on)?.display(language) ?? round.opens_on) + " – " + (LocalDate(iso: round.closes_on)?.display(language) ?? round.closes_on)
    }

    func state(_ round: RoundJSON, today: LocalDate = .today()) -> String {
        if today.iso < round.opens_on { return "upcoming" }
        return today.iso > round.closes_on ? "closed" : "open"
    }

    /// Whether this person sees a round's figures (the whole school's results), not only what they rated.
    func seesDashboard(_ user: CurrentUser) -> Bool { [.admin, .leader, .coordinator].contains(user.role) }

    // MARK: Pages: a school's screening

    func home(req: Request) async throws -> Response {
        try await renderHome(req: req, values: [:], errors: [:], status: .ok)
    }

    func renderHome(req: Request, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .screening)
        let school = try await school(req, user)
        let language = req.language
        let rounds = try await req.screening.rounds(schoolID: school.id!)
        let instruments = try await req.screening.instruments(schoolID: school.id!, regionID: school.$region.id)
        let today = LocalDate.today()
        var defaults = ["name": Catalogue.text(today.month >= 8 ? "screening_round_autumn" : "screening_round_spring", language, [String(today.year)]),
                        "opens_on": today.iso, "closes_on": today.adding(days: 21).iso, "instrument_id": instruments.first?.id.uuidString ?? ""]
        defaults.merge(values) { _, given in given }
        let page = ScreeningHomePage(
            school: school.name, schoolHref: SiteURL.school(school.id!).path,
            rounds: rounds.map { r in
                RoundLine(name: r.name, href: SiteURL.screeningRound(r.id).path, instrument: r.instrument, dates: dates(r, language),
                          state: Catalogue.text("screening_state_" + state(r, today: today), language), rated: String(r.rated))
            },
            instruments: user.viewer.can(.read, .instrument) ? instruments.map { i in
                LinkedItem(label: i.definition.text(i.name, language), href: SiteURL.instrument(i.id).path, detail: origin(i, language))
            } : [],
            newInstrumentHref: user.viewer.can(.create, .instrument) && user.role != .region ? SiteURL.instrumentNew(school: school.id!, from: nil).path : nil,
            roundAction: user.viewer.can(.create, .screening) && user.role != .teacher ? SiteURL.screeningRounds(school.id!).path : nil,
            values: defaults, errors: errors,
            instrumentOptions: instruments.map { Option(value: $0.id.uuidString, label: $0.definition.text($0.name, language), selected: defaults["instrument_id"] == $0.id.uuidString) })
        return try await req.renderPage("signals/screening", title: "screening_title", titleArguments: [school.name], page: page, status: status)
    }

    func origin(_ i: InstrumentJSON, _ language: Language) -> String {
        let base = Catalogue.text(i.built_in ? "instrument_origin_example" : i.school_id == nil ? "instrument_origin_region" : "instrument_origin_school", language)
        return base + " · " + Catalogue.text("instrument_version", language, [String(i.version)])
    }

    struct RoundForm: Content { var instrument_id: String?; var name: String?; var opens_on: String?; var closes_on: String? }

    /// Checks a new round; the instrument must be one the school may use.
    func validate(_ form: RoundForm, school: School, req: Request) async throws -> Validated<(ScreeningRoundFields, UUID)> {
        var problems: [FieldProblem] = []
        let instruments = try await req.screening.instruments(schoolID: school.id!, regionID: school.$region.id)
        let instrument = form.instrument_id.flatMap(UUID.init(uuidString:)).flatMap { id in instruments.first { $0.id == id } }
        if instrument == nil { problems.append(FieldProblem(field: "instrument_id", key: "screening_choose_instrument")) }
        else if !instrument!.definition.informants.contains(.teacher) { problems.append(FieldProblem(field: "instrument_id", key: "screening_no_teacher_bands")) }
        let fields = ScreeningRoundFields.validate(name: form.name ?? "", opens: form.opens_on ?? "", closes: form.closes_on ?? "")
        if case .failure(let more) = fields { problems += more }
        guard problems.isEmpty, case .success(let value) = fields, let instrument else { return .failure(problems) }
        return .success((value, instrument.id))
    }

    func createRound(req: Request) async throws -> Response {
        let user = try req.require(.create, .screening)
        guard user.role != .teacher else { throw SamenError.forbidden }
        let school = try await school(req, user)
        let form = try req.content.decode(RoundForm.self)
        switch try await validate(form, school: school, req: req) {
        case .failure(let problems):
            let values = ["instrument_id": form.instrument_id ?? "", "name": form.name ?? "", "opens_on": form.opens_on ?? "", "closes_on": form.closes_on ?? ""]
            return try await renderHome(req: req, values: values, errors: problems.messages(req.language), status: .badRequest)
        case .success(let (fields, instrumentID)):
            let id = try await req.screening.createRound(schoolID: school.id!, instrumentID: instrumentID, fields, informant: .teacher, by: user.accountID)
            return req.redirect(to: SiteURL.screeningRound(id).path)
        }
    }

    // MARK: Pages: instruments

    func regionInstruments(req: Request) async throws -> Response {
        let user = try req.require(.read, .instrument)
        guard user.role == .region || user.role == .admin else {
            // Staff of a school find the instruments on their school's screening page.
            guard let school = user.viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) else { throw SamenError.notFound }
            return req.redirect(to: SiteURL.screening(school).path)
        }
        let language = req.language
        let list = try await req.screening.instruments(regionID: user.role == .admin ? nil : user.viewer.regionID)
        let page = ScreeningHomePage(
            school: "", schoolHref: "", rounds: [],
            instruments: list.map { i in
                LinkedItem(label: i.definition.text(i.name, language), href: SiteURL.instrument(i.id).path, detail: origin(i, language))
            },
            newInstrumentHref: user.viewer.can(.create, .instrument) ? SiteURL.instrumentNew(school: nil, from: nil).path : nil,
            roundAction: nil, values: [:], errors: [:], instrumentOptions: [])
        return try await req.renderPage("signals/screening", title: "instruments_title", page: page)
    }

    func showInstrument(req: Request) async throws -> Response {
        let user = try req.require(.read, .instrument)
        let i = try await instrument(req, user)
        let language = req.language
        let d = i.definition
        let region = try await regionOf(req, user)
        let canCopy = user.viewer.can(.create, .instrument)
        let copySchool = user.role == .coordinator ? user.viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) : nil
        let page = InstrumentView(
            name: d.text(d.name, language), description: d.text(d.description, language), origin: origin(i, language), builtIn: i.built_in,
            version: i.version, archived: i.archived,
            answers: d.answers.enumerated().map { "\($0.offset) = \(d.text($0.element, language))" }.joined(separator: " · "),
            scales: d.scales.map { s in
                .init(code: s.code, name: d.text(s.name, language), kind: Catalogue.text("scale_kind_" + s.kind.rawValue, language),
                      items: d.items(of: s.code).count, range: "0 – " + ScreeningScoring.format(d.maxScore(of: s.code)))
            },
            items: d.items.enumerated().map { .init(number: $0.offset + 1, text: d.text($0.element.text, language), scale: $0.element.scale, reversed: $0.element.reversed) },
            bands: d.informants.flatMap { informant in
                d.scales.flatMap { s in
                    let list = d.bands(of: s.code, informant: informant)
                    return list.enumerated().map { n, b in
                        let upper = n + 1 < list.count ? " – <" + ScreeningScoring.format(list[n + 1].from) : " – " + ScreeningScoring.format(d.maxScore(of: s.code))
                        return InstrumentView.BandLine(informant: Catalogue.text("informant_" + informant.rawValue, language), scale: s.code,
                                                       range: ScreeningScoring.format(b.from) + upper, label: d.text(b.label, language), atRisk: b.atRisk)
                    }
                }
            },
            editHref: mayWrite(i, user, regionID: region) && !i.archived ? SiteURL.instrumentEdit(i.id).path : nil,
            copyHref: canCopy && (copySchool != nil || user.role != .coordinator) ? SiteURL.instrumentNew(school: copySchool, from: i.id).path : nil,
            archiveAction: mayWrite(i, user, regionID: region) && !i.archived ? SiteURL.instrumentArchive(i.id).path : nil,
            jsonHref: "/api/v1/screening/instruments/\(i.id)")
        return try await req.renderPage("signals/instrument", title: "instrument_title", titleArguments: [page.name], page: page)
    }

    /// The owner of a new instrument: a coordinator's school (from `?school=`), or region staff's region.
    func owner(_ req: Request, _ user: CurrentUser, schoolID given: UUID? = nil) async throws -> (regionID: UUID?, schoolID: UUID?) {
        let schoolID = given ?? req.query[UUID.self, at: "school"]
        switch user.role {
        case .coordinator:
            guard let schoolID else { throw SamenError.invalid("screening_choose_school", field: "school") }
            let school = try await school(req, user, id: schoolID)
            return (school.$region.id, schoolID)
        case .region:
            guard let region = user.viewer.regionID else { throw SamenError.forbidden }
            return (region, nil)
        case .admin:
            if let schoolID { let school = try await school(req, user, id: schoolID); return (school.$region.id, schoolID) }
            // The administrator adds to the first region when no school is named.
            guard let region = try await Region.query(on: req.db).sort(\.$name).first()?.id else { throw SamenError.notFound }
            return (region, nil)
        default:
            throw SamenError.forbidden
        }
    }

    func newInstrument(req: Request) async throws -> Response {
        let user = try req.require(.create, .instrument)
        let owner = try await owner(req, user)
        var definition: ScreeningInstrument? = nil
        if let from = req.query[UUID.self, at: "from"], let source = try await req.screening.instrument(from) {
            var copy = source.definition
            copy.name = Catalogue.text("instrument_copy_name", req.language, [copy.name])
            definition = copy
        }
        let values = definition?.formValues() ?? ["answers": Catalogue.text("instrument_default_answers", req.language)]
        let query = owner.schoolID.map { "?school=\($0)" } ?? ""
        return try await renderEditor(req: req, action: "/screening/instruments" + query,
                                      cancelHref: owner.schoolID.map { SiteURL.screening($0).path } ?? SiteURL.instruments.path,
                                      values: values, problems: [], versionNote: false, status: .ok)
    }

    func renderEditor(req: Request, action: String, cancelHref: String, values: [String: String], problems: [FieldProblem], versionNote: Bool,
                      status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        func count(_ prefix: String, _ field: String) -> Int {
            values.keys.compactMap { key -> Int? in
                guard key.hasPrefix(prefix), key.hasSuffix("_" + field), !(values[key] ?? "").isEmpty else { return nil }
                return Int(key.dropFirst(prefix.count).dropLast(field.count + 1))
            }.max() ?? 0
        }
        let scaleRows = max(count("scale", "code"), count("scale", "name")) + 2
        let itemRows = count("item", "text") + 4
        let bandRows = max(count("band", "label"), count("band", "from"), count("band", "scale")) + 3
        let page = InstrumentEditorPage(
            action: action, cancelHref: cancelHref, values: values, errors: problems.messages(language),
            errorList: problems.map { Catalogue.text($0.key, language, $0.arguments) },
            scales: (1...scaleRows).map { n in
                .init(n: n, code: values["scale\(n)_code"] ?? "", name: values["scale\(n)_name"] ?? "",
                      kinds: ScaleKind.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("scale_kind_" + $0.rawValue, language),
                                                             selected: (values["scale\(n)_kind"] ?? "other") == $0.rawValue) })
            },
            items: (1...itemRows).map { n in
                .init(n: n, text: values["item\(n)_text"] ?? "", scale: values["item\(n)_scale"] ?? "", reversed: !(values["item\(n)_reversed"] ?? "").isEmpty)
            },
            bands: (1...bandRows).map { n in
                .init(n: n, informants: Informant.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("informant_" + $0.rawValue, language),
                                                                        selected: (values["band\(n)_informant"] ?? "teacher") == $0.rawValue) },
                      scale: values["band\(n)_scale"] ?? "", from: values["band\(n)_from"] ?? "", label: values["band\(n)_label"] ?? "",
                      risk: !(values["band\(n)_risk"] ?? "").isEmpty)
            },
            versionNote: versionNote)
        return try await req.renderPage("signals/instrument-form", title: "instrument_edit_title", page: page, status: status)
    }

    func formValues(_ req: Request) throws -> [String: String] {
        var form = try req.content.decode([String: String].self)
        form["_csrf"] = nil
        return form
    }

    func createInstrument(req: Request) async throws -> Response {
        let user = try req.require(.create, .instrument)
        let owner = try await owner(req, user)
        let values = try formValues(req)
        switch ScreeningInstrument.read(form: values) {
        case .failure(let problems):
            let query = owner.schoolID.map { "?school=\($0)" } ?? ""
            return try await renderEditor(req: req, action: "/screening/instruments" + query,
                                          cancelHref: owner.schoolID.map { SiteURL.screening($0).path } ?? SiteURL.instruments.path,
                                          values: values, problems: problems, versionNote: false, status: .badRequest)
        case .success(let definition):
            let id = try await req.screening.createInstrument(definition, regionID: owner.regionID, schoolID: owner.schoolID, by: user.accountID)
            return req.redirect(to: SiteURL.instrument(id).path)
        }
    }

    /// An instrument this person may change; `archivedToo` for archiving, which may be repeated.
    func editable(_ req: Request, archivedToo: Bool = false) async throws -> (CurrentUser, InstrumentJSON) {
        let user = try req.require(.update, .instrument)
        let i = try await instrument(req, user)
        guard mayWrite(i, user, regionID: try await regionOf(req, user)), archivedToo || !i.archived else { throw SamenError.forbidden }
        return (user, i)
    }

    func editInstrument(req: Request) async throws -> Response {
        let (_, i) = try await editable(req)
        return try await renderEditor(req: req, action: SiteURL.instrumentEdit(i.id).path, cancelHref: SiteURL.instrument(i.id).path,
                                      values: i.definition.formValues(), problems: [], versionNote: true, status: .ok)
    }

    func updateInstrument(req: Request) async throws -> Response {
        let (user, i) = try await editable(req)
        let values = try formValues(req)
        var read = ScreeningInstrument.read(form: values)
        if case .success(var definition) = read {
            // Translations are kept; the editor does not show them.
            if definition.translations.isEmpty { definition.translations = i.definition.translations }
            read = .success(definition)
        }
        switch read {
        case .failure(let problems):
            return try await renderEditor(req: req, action: SiteURL.instrumentEdit(i.id).path, cancelHref: SiteURL.instrument(i.id).path,
                                          values: values, problems: problems, versionNote: true, status: .badRequest)
        case .success(let definition):
            let id = try await req.screening.updateInstrument(i, definition, by: user.accountID)
            return req.redirect(to: SiteURL.instrument(id).path)
        }
    }

    func archiveInstrument(req: Request) async throws -> Response {
        let (_, i) = try await editable(req, archivedToo: true)
        try await req.screening.archive(i.id)
        return req.redirect(to: SiteURL.instrument(i.id).path)
    }

    // MARK: Pages: a round

    func showRound(req: Request) async throws -> Response {
        let user = try req.require(.read, .screening)
        let (round, school) = try await round(req, user)
        let language = req.language
        let definition = try await req.screening.instrument(round.instrument_id)?.definition ?? .example
        let dashboard = seesDashboard(user)
        let results = try await req.screening.results(round)
        // A teacher sees their own groups; the others every group of the round's year.
        let groups = results.groups.filter { dashboard || $0.groupID.map(user.viewer.groupIDs.contains) == true }
        let canRate = user.viewer.can(.create, .screening) && (state(round) == "open" || (user.role == .coordinator && state(round) == "closed"))
        let risk = { (n: Int) in dashboard ? String(n) : "" }
        var page = RoundPage(
            name: round.name, school: school.name, screeningHref: SiteURL.screening(school.id!).path,
            instrument: definition.text(round.instrument, language), instrumentHref: SiteURL.instrument(round.instrument_id).path,
            dates: dates(round, language), state: Catalogue.text("screening_state_" + state(round), language),
            groups: groups.map { g in
                GroupRateLine(group: g.group, href: canRate || g.rated > 0 ? g.groupID.map { SiteURL.screeningGroup(round: round.id, group: $0).path } : nil,
                              progress: Catalogue.text("screening_progress", language, [String(g.rated), String(g.students)]),
                              internalising: risk(g.internalising), externalising: risk(g.externalising))
            },
            dashboard: dashboard, overview: [], svg: "", bandHeader: [], bandRows: [], unseen: [],
            csvBandsHref: SiteURL.screeningCSV(round.id).path + "?table=bands", csvGroupsHref: SiteURL.screeningCSV(round.id).path + "?table=groups",
            notice: state(round) == "upcoming" ? Catalogue.text("screening_not_open_yet", language, [dates(round, language)]) : nil)
        if dashboard {
            let o = results.overview
            page.overview = [
                LinkedItem(label: Catalogue.text("screening_rated", language), href: "", detail: String(o.rated)),
                LinkedItem(label: Catalogue.text("screening_only_internalising", language), href: "", detail: String(o.internalisingOnly)),
                LinkedItem(label: Catalogue.text("screening_only_externalising", language), href: "", detail: String(o.externalisingOnly)),
                LinkedItem(label: Catalogue.text("screening_both", language), href: "", detail: String(o.both)),
            ]
            let table = bandTable(definition, results, language)
            page.bandHeader = table.header
            page.bandRows = table.rows
            page.svg = chart(definition, results, title: Catalogue.text("screening_chart_title", language, [round.name]), language)
            page.unseen = results.unseen.map { s in
                LinkedItem(label: s.name, href: SiteURL.student(s.id).path,
                           detail: s.group + " · " + s.scale + " " + (s.score.map(ScreeningScoring.format) ?? "—") + " (" + definition.text(s.band, language) + ")")
            }
        }
        return try await req.renderPage("signals/screening-round", title: "screening_round_title", titleArguments: [round.name], page: page)
    }

    /// Scales in the order that puts internalising beside externalising.
    func orderedScales(_ d: ScreeningInstrument) -> [ScreeningInstrument.Scale] {
        let order: [ScaleKind] = [.internalising, .externalising, .strengths, .other]
        return d.scales.sorted { order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)! }
    }

    /// Students per band of every scale (teacher bands), internalising scales first.
    func bandTable(_ d: ScreeningInstrument, _ r: ScreeningResults, _ language: Language) -> (header: [String], rows: [[String]]) {
        let header = [Catalogue.text("screening_scale", language), Catalogue.text("screening_kind", language), Catalogue.text("screening_band", language),
                      Catalogue.text("screening_students", language)]
        var rows: [[String]] = []
        for s in orderedScales(d) {
            for b in d.bands(of: s.code, informant: .teacher) {
                let n = r.bands.first { $0.scale == s.code && $0.band == b.label }?.count ?? 0
                rows.append([d.text(s.name, language), Catalogue.text("scale_kind_" + s.kind.rawValue, language),
                             d.text(b.label, language) + (b.atRisk ? " ⚑" : ""), String(n)])
            }
            let unscored = r.bands.first { $0.scale == s.code && $0.band == nil }?.count ?? 0
            if unscored > 0 { rows.append([d.text(s.name, language), Catalogue.text("scale_kind_" + s.kind.rawValue, language), Catalogue.text("screening_unscored", language), String(unscored)]) }
        }
        return (header, rows)
    }

    /// Per scale the students in the at-risk band and in the band just below it, internalising and externalising side by side.
    func chart(_ d: ScreeningInstrument, _ r: ScreeningResults, title: String, _ language: Language) -> String {
        let scales = orderedScales(d).filter { $0.kind != .strengths && $0.kind != .other }
        func count(_ s: ScreeningInstrument.Scale, atRisk: Bool) -> Double {
            let bands = d.bands(of: s.code, informant: .teacher)
            let wanted: [String] = atRisk ? bands.filter(\.atRisk).map(\.label)
                : bands.enumerated().filter { $0.offset > 0 && !$0.element.atRisk }.map(\.element.label)
            return Double(r.bands.filter { $0.scale == s.code && $0.band.map(wanted.contains) == true }.reduce(0) { $0 + $1.count })
        }
        return BarChart.svg(title: title,
                            categories: scales.map { d.text($0.name, language) + " (" + Catalogue.text("scale_kind_" + $0.kind.rawValue, language) + ")" },
                            series: [BarChart.Series(name: Catalogue.text("screening_series_risk", language), colour: "#c0392b", values: scales.map { count($0, atRisk: true) }),
                                     BarChart.Series(name: Catalogue.text("screening_series_watch", language), colour: "#e0a800", values: scales.map { count($0, atRisk: false) })],
                            valueText: { String(Int($0.rounded())) })
    }

    func groupTable(_ r: ScreeningResults, _ language: Language) -> (header: [String], rows: [[String]]) {
        ([Catalogue.text("student_group", language), Catalogue.text("screening_students", language), Catalogue.text("screening_rated", language),
          Catalogue.text("scale_kind_internalising", language), Catalogue.text("scale_kind_externalising", language)],
         r.groups.map { [$0.group, String($0.students), String($0.rated), String($0.internalising), String($0.externalising)] })
    }

    func csv(req: Request) async throws -> Response {
        let user = try req.require(.read, .screening)
        guard seesDashboard(user) else { throw SamenError.forbidden }
        let (round, school) = try await round(req, user)
        let definition = try await req.screening.instrument(round.instrument_id)?.definition ?? .example
        let results = try await req.screening.results(round)
        let which = req.query[String.self, at: "table"] ?? "bands"
        let table = which == "groups" ? groupTable(results, req.language) : bandTable(definition, results, req.language)
        let name = "\(school.code)-screening-\(which).csv"
        return Response(status: .ok, headers: ["Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(name)\""],
                        body: .init(string: "\u{FEFF}" + CSVWriter.write(header: table.header, rows: table.rows)))
    }

    // MARK: Pages: rating a group

    /// The students of a group a person may rate in a round: a teacher their own groups, a coordinator any group of the school.
    func sheet(_ req: Request, _ user: CurrentUser) async throws -> (RoundJSON, InstrumentJSON, SchoolGroup, [StudentRow]) {
        let (round, _) = try await round(req, user)
        guard let groupID = req.parameters.get("group", as: UUID.self) else { throw SamenError.notFound }
        let group = try await req.directory.group(groupID, for: user.viewer)
        guard group.$school.id == round.school_id, user.role != .teacher || user.viewer.groupIDs.contains(groupID) else { throw SamenError.notFound }
        guard let instrument = try await req.screening.instrument(round.instrument_id) else { throw SamenError.notFound }
        var filter = DirectoryService.StudentFilter()
        filter.groupID = groupID
        filter.perPage = 500
        let students = try await req.directory.students(for: user.viewer, filter: filter).items
        return (round, instrument, group, students)
    }

    func ratingSheet(req: Request) async throws -> Response {
        try await renderSheet(req: req, values: [:], problems: [:], saved: nil, status: .ok)
    }

    func renderSheet(req: Request, values: [String: String], problems: [UUID: String], saved: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.require(.read, .screening)
        let (round, instrument, group, students) = try await sheet(req, user)
        let language = req.language
        let d = instrument.definition
        let ratings = try await req.screening.ratings(roundID: round.id, studentIDs: students.map(\.id))
        let open = state(round) == "open" || (user.role == .coordinator && state(round) == "closed")
        let canWrite = user.viewer.can(.create, .screening) && open
        let page = RatingPage(
            round: round.name, roundHref: SiteURL.screeningRound(round.id).path, group: group.name,
            action: canWrite ? SiteURL.screeningGroup(round: round.id, group: group.id!).path : nil,
            columns: d.items.enumerated().map { .init(number: $0.offset + 1, text: d.text($0.element.text, language), scale: $0.element.scale) },
            answers: d.answers.enumerated().map { Option(value: String($0.offset), label: "\($0.offset) \(d.text($0.element, language))", selected: false) },
            rows: students.map { s in
                let rating = ratings[s.id]
                // A teacher reads and changes what they rated; a colleague's rating shows as done, without its answers.
                let locked = user.role == .teacher && rating != nil && rating!.rater_id != user.accountID
                let shown = locked ? nil : rating
                return RatingPage.Row(
                    name: s.listed_name, number: s.number,
                    cells: d.items.indices.map { i in
                        let key = "\(s.id)_\(i + 1)"
                        let stored = shown.flatMap { i < $0.answers.count ? $0.answers[i].map(String.init) : nil } ?? ""
                        return .init(name: key, value: values[key] ?? stored, label: "\(s.listed_name), \(i + 1)")
                    },
                    scores: locked ? Catalogue.text("screening_rated_by_colleague", language)
                        : (shown?.scores ?? []).map { "\($0.scale) " + ($0.score.map(ScreeningScoring.format) ?? "—") + ($0.band.map { " " + d.text($0, language) } ?? "") }
                        .joined(separator: " · "),
                    locked: locked, problem: problems[s.id])
            },
            errorText: problems.isEmpty ? nil : Catalogue.text("form_has_errors", language), saved: saved,
            notice: instrument.built_in ? Catalogue.text("instrument_example_notice", language) : nil, closed: !open)
        return try await req.renderPage("signals/screening-sheet", title: "screening_sheet_title", titleArguments: [group.name, round.name], page: page, status: status)
    }

    func saveRatings(req: Request) async throws -> Response {
        let user = try req.require(.create, .screening)
        let (round, instrument, _, students) = try await sheet(req, user)
        var form = try formValues(req)
        form["_csrf"] = nil
        let ratings = try await req.screening.ratings(roundID: round.id, studentIDs: students.map(\.id))
        var entries: [(student: UUID, answers: [Int?])] = []
        var problems: [UUID: String] = [:]
        let count = instrument.definition.items.count
        for s in students {
            let values = (1...count).map { form["\(s.id)_\($0)"] ?? "" }
            let existing = ratings[s.id]
            if user.role == .teacher, let existing, existing.rater_id != user.accountID { continue }
            switch ScreeningScoring.read(instrument.definition, values: values) {
            case .failure(let found):
                problems[s.id] = found.messages(req.language).values.first
            case .success(let answers):
                // A row left empty is not rated yet (unless it was: then the answers are cleared, which a rating cannot be).
                if answers.allSatisfy({ $0 == nil }) {
                    if existing != nil { problems[s.id] = Catalogue.text("screening_cannot_clear", req.language) }
                    continue
                }
                if existing?.answers != answers { entries.append((s.id, answers)) }
            }
        }
        guard problems.isEmpty else { return try await renderSheet(req: req, values: form, problems: problems, saved: nil, status: .badRequest) }
        try checkOpen(round, user)
        let raised = try await req.screening.save(entries, round: round, instrument: instrument.definition, by: user.accountID)
        return try await renderSheet(req: req, values: [:], problems: [:],
                                     saved: Catalogue.text("screening_saved", req.language, [String(entries.count), String(raised)]), status: .ok)
    }

    /// Ratings are taken while the round is open; a coordinator may still correct them after it closed.
    func checkOpen(_ round: RoundJSON, _ user: CurrentUser) throws {
        switch state(round) {
        case "open": return
        case "closed" where user.role == .coordinator: return
        case "upcoming": throw SamenError(status: .conflict, key: "screening_not_open_yet", arguments: [round.opens_on + " – " + round.closes_on])
        default: throw SamenError(status: .conflict, key: "screening_round_closed", arguments: [round.closes_on])
        }
    }

    // MARK: API

    func apiInstruments(req: Request) async throws -> Items<InstrumentJSON> {
        let user = try req.require(.read, .instrument)
        if let schoolID = req.query[UUID.self, at: "school"] {
            let school = try await school(req, user, id: schoolID)
            return Items(items: try await req.screening.instruments(schoolID: schoolID, regionID: school.$region.id))
        }
        if user.role == .region || user.role == .admin {
            return Items(items: try await req.screening.instruments(regionID: user.role == .admin ? nil : user.viewer.regionID))
        }
        guard let schoolID = user.viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) else { return Items(items: []) }
        let school = try await school(req, user, id: schoolID)
        return Items(items: try await req.screening.instruments(schoolID: schoolID, regionID: school.$region.id))
    }

    func apiInstrument(req: Request) async throws -> InstrumentJSON {
        let user = try req.require(.read, .instrument)
        return try await instrument(req, user)
    }

    struct InstrumentBody: Content { var school_id: UUID?; var definition: ScreeningInstrument }

    func apiCreateInstrument(req: Request) async throws -> Response {
        let user = try req.require(.create, .instrument)
        let body = try req.content.decode(InstrumentBody.self)
        let owner = try await owner(req, user, schoolID: body.school_id)
        let problems = body.definition.problems()
        guard problems.isEmpty else { throw DirectoryAPIController.fail(problems) }
        let id = try await req.screening.createInstrument(body.definition, regionID: owner.regionID, schoolID: owner.schoolID, by: user.accountID)
        guard let created = try await req.screening.instrument(id) else { throw SamenError.notFound }
        let response = Response(status: .created)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/screening/instruments/\(id)")
        try response.content.encode(created)
        return response
    }

    func apiRounds(req: Request) async throws -> Items<RoundJSON> {
        let user = try req.require(.read, .screening)
        let school = try await school(req, user)
        return Items(items: try await req.screening.rounds(schoolID: school.id!))
    }

    func apiCreateRound(req: Request) async throws -> Response {
        let user = try req.require(.create, .screening)
        guard user.role != .teacher else { throw SamenError.forbidden }
        let school = try await school(req, user)
        let form = try req.content.decode(RoundForm.self)
        switch try await validate(form, school: school, req: req) {
        case .failure(let problems): throw DirectoryAPIController.fail(problems)
        case .success(let (fields, instrumentID)):
            let id = try await req.screening.createRound(schoolID: school.id!, instrumentID: instrumentID, fields, informant: .teacher, by: user.accountID)
            guard let round = try await req.screening.round(id) else { throw SamenError.notFound }
            let response = Response(status: .created)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/schools/\(school.id!)/screening/rounds")
            try response.content.encode(round)
            return response
        }
    }

    /// The ratings a person may read: the whole round for those who see a school, what they rated themselves for a teacher.
    func apiRatings(req: Request) async throws -> Items<RatingJSON> {
        let user = try req.require(.read, .screening)
        let (round, _) = try await round(req, user)
        let all = try await req.screening.ratings(roundID: round.id).values.sorted { $0.student_id.uuidString < $1.student_id.uuidString }
        return Items(items: seesDashboard(user) ? all : all.filter { $0.rater_id == user.accountID })
    }

    struct RatingEntry: Content { var student_id: UUID; var answers: [Int?] }
    struct RatingsBody: Content { var ratings: [RatingEntry] }
    struct SavedJSON: Content { var saved: Int; var signals_raised: Int }

    /// Saves ratings, all or nothing: every student must be one the person may rate in this round.
    func apiSaveRatings(req: Request) async throws -> SavedJSON {
        let user = try req.require(.create, .screening)
        let (round, _) = try await round(req, user)
        guard let instrument = try await req.screening.instrument(round.instrument_id) else { throw SamenError.notFound }
        let body = try req.content.decode(RatingsBody.self)
        guard !body.ratings.isEmpty, body.ratings.count <= 2000 else { throw SamenError.invalid("screening_ratings_count", field: "ratings") }
        let d = instrument.definition
        var seen: Set<UUID> = []
        for (n, entry) in body.ratings.enumerated() {
            let field = "ratings[\(n)]"
            guard seen.insert(entry.student_id).inserted else { throw SamenError.invalid("screening_duplicate_student", field: field + ".student_id") }
            guard entry.answers.count == d.items.count else {
                throw SamenError.invalid("screening_answer_count", field: field + ".answers", [String(d.items.count), String(entry.answers.count)])
            }
            if let bad = entry.answers.enumerated().first(where: { $0.element.map { !(0...d.maxAnswer).contains($0) } ?? false }) {
                throw SamenError.invalid("screening_bad_answer", field: field + ".answers[\(bad.offset)]", [String(bad.offset + 1), String(bad.element!), String(d.maxAnswer)])
            }
            if entry.answers.allSatisfy({ $0 == nil }) { throw SamenError.invalid("screening_cannot_clear", field: field + ".answers") }
        }
        // Every student in the person's scope and of the round's school; a teacher cannot overwrite a colleague's rating.
        let ids = body.ratings.map(\.student_id)
        let rows = try await Student.query(on: req.db).filter(\.$id ~~ ids).all()
        for (n, entry) in body.ratings.enumerated() {
            guard let s = rows.first(where: { $0.id == entry.student_id }), s.$school.id == round.school_id,
                  user.viewer.canSeeStudent(id: s.id!, schoolID: s.$school.id, groupID: s.$group.id) else {
                throw SamenError.invalid("screening_unknown_student", field: "ratings[\(n)].student_id", [entry.student_id.uuidString])
            }
        }
        if user.role == .teacher {
            let existing = try await req.screening.ratings(roundID: round.id, studentIDs: ids)
            if let n = body.ratings.firstIndex(where: { existing[$0.student_id].map { $0.rater_id != user.accountID } ?? false }) {
                throw SamenError(status: .conflict, key: "screening_rated_by_colleague", field: "ratings[\(n)].student_id")
            }
        }
        try checkOpen(round, user)
        let raised = try await req.screening.save(body.ratings.map { ($0.student_id, $0.answers) }, round: round, instrument: d, by: user.accountID)
        return SavedJSON(saved: body.ratings.count, signals_raised: raised)
    }

    struct BandCountJSON: Content { var scale: String; var kind: String; var band: String?; var at_risk: Bool; var students: Int }
    struct GroupJSON: Content { var group_id: UUID?; var group: String; var students: Int; var rated: Int; var internalising_at_risk: Int; var externalising_at_risk: Int }
    struct ResultsJSON: Content {
        var round: RoundJSON
        var rated: Int
        var internalising_only: Int
        var externalising_only: Int
        var both: Int
        var neither: Int
        var bands: [BandCountJSON]
        var groups: [GroupJSON]
        /// At risk on an internalising scale without any completed incident this school year.
        var unseen_internalising: Int
    }

    func apiResults(req: Request) async throws -> ResultsJSON {
        let user = try req.require(.read, .screening)
        guard seesDashboard(user) else { throw SamenError.forbidden }
        let (round, _) = try await round(req, user)
        let d = try await req.screening.instrument(round.instrument_id)?.definition ?? .example
        let r = try await req.screening.results(round)
        let kinds = Dictionary(uniqueKeysWithValues: d.scales.map { ($0.code, $0.kind.rawValue) })
        return ResultsJSON(
            round: round, rated: r.overview.rated, internalising_only: r.overview.internalisingOnly, externalising_only: r.overview.externalisingOnly,
            both: r.overview.both, neither: r.overview.neither,
            bands: r.bands.sorted { ($0.scale, $0.band ?? "") < ($1.scale, $1.band ?? "") }.map { b in
                BandCountJSON(scale: b.scale, kind: kinds[b.scale] ?? "other", band: b.band,
                              at_risk: d.bands.contains { $0.scale == b.scale && $0.label == b.band && $0.atRisk }, students: b.count)
            },
            groups: r.groups.map { GroupJSON(group_id: $0.groupID, group: $0.group, students: $0.students, rated: $0.rated,
                                             internalising_at_risk: $0.internalising, externalising_at_risk: $0.externalising) },
            unseen_internalising: Set(r.unseen.map(\.id)).count)
    }

    func apiChart(req: Request) async throws -> Response {
        let user = try req.require(.read, .screening)
        guard seesDashboard(user) else { throw SamenError.forbidden }
        let (round, _) = try await round(req, user)
        let language = req.apiLanguage
        let d = try await req.screening.instrument(round.instrument_id)?.definition ?? .example
        let svg = chart(d, try await req.screening.results(round), title: Catalogue.text("screening_chart_title", language, [round.name]), language)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8"], body: .init(string: svg))
    }
}
