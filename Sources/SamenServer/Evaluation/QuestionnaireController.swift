import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct QuestionnaireLine: Encodable { var title: String; var href: String; var code: String; var version: Int; var origin: String; var size: String }

struct QuestionnairesPage: Encodable {
    var questionnaires: [QuestionnaireLine]
    var importAction: String?
    var newHref: String?
    var values: [String: String]
    var errors: [String: String]
}

struct ItemLine: Encodable { var code: String; var text: String; var marks: String }
struct ScaleBlock: Encodable { var code: String; var name: String; var items: [ItemLine] }

struct QuestionnairePage: Encodable {
    var title: String
    var code: String
    var version: Int
    var origin: String
    var instructions: String
    var answerScale: String
    var aspects: String?
    var minimumAnswered: String
    var scales: [ScaleBlock]
    var others: [ItemLine]
    var versions: [LinkedItem]
    var exportHref: String
    var copyAction: String?
    var editHref: String?
}

/// The editing form: the questionnaire's own fields, a row per scale and per item (and spare rows to add to).
struct QuestionnaireEditPage: Encodable {
    var intro: String
    var action: String
    var backHref: String
    /// Only a new questionnaire takes a code: another code would be another questionnaire.
    var codeEditable: Bool
    var saveLabel: String
    var values: [String: String]
    var errors: [String: String]
    var scales: [EditScaleRow]
    var items: [EditItemRow]
}

struct EditScaleRow: Encodable { var n: Int; var label: String; var code: String; var nl: String; var en: String; var codeError: String?; var nameError: String? }

struct EditItemRow: Encodable {
    var n: Int
    var label: String
    var code: String
    var nl: String
    var en: String
    var position: String
    var tier: String
    var choices: String
    var reverse: Bool
    var optional: Bool
    var kinds: [Option]
    var scales: [Option]
    var errors: [String: String]
}

/// The evaluation line's questionnaires: the library (shipped and a researcher's own), a
/// questionnaire's scales and items, import and export as the JSON of `docs/evaluation.md`.
struct QuestionnaireController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("questionnaires", use: library)
        routes.post("questionnaires", "import", use: importPage)
        routes.get("questionnaires", ":questionnaire", use: page)
        routes.get("questionnaires", ":questionnaire", "export", use: export)
        routes.post("questionnaires", ":questionnaire", "copy", use: copy)
        routes.get("questionnaires", "new", use: newForm)
        routes.post("questionnaires", "new", use: createFromForm)
        routes.get("questionnaires", ":questionnaire", "edit", use: editForm)
        routes.post("questionnaires", ":questionnaire", "edit", use: saveForm)
        let api = routes.grouped("api", "v1")
        api.get("questionnaires", use: apiLibrary)
        api.get("questionnaires", ":questionnaire", use: apiQuestionnaire)
        api.post("questionnaires", use: apiImport)
    }

    /// A questionnaire the person may read; 404 for another researcher's.
    func questionnaire(_ req: Request, _ action: SamenCore.Action) async throws -> (CurrentUser, QuestionnaireJSON) {
        let user = try req.require(action, .questionnaire)
        guard let id = req.parameters.get("questionnaire", as: UUID.self), let q = try await req.questionnaires.find(id, language: req.language),
              req.questionnaires.mayRead(q, user.viewer) else { throw SamenError.notFound }
        return (user, q)
    }

    func origin(_ q: QuestionnaireJSON, _ language: Language) -> String {
        q.owner.map { Catalogue.text("questionnaire_of", language, [$0]) } ?? Catalogue.text("questionnaire_shipped", language)
    }

    func library(req: Request) async throws -> Response {
        let user = try req.require(.read, .questionnaire)
        return try await renderLibrary(req: req, user: user, values: [:], errors: [:], status: .ok)
    }

    func renderLibrary(req: Request, user: CurrentUser, values: [String: String], errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        let list = try await req.questionnaires.library(for: user.viewer, language: language)
        let page = QuestionnairesPage(
            questionnaires: list.map { q in
                QuestionnaireLine(title: q.title, href: "/questionnaires/\(q.id)", code: q.code, version: q.version, origin: origin(q, language),
                                  size: Catalogue.text("questionnaire_size", language, [String(q.definition.scales.count), String(q.definition.items.count)]))
            },
            importAction: user.viewer.can(.create, .questionnaire) ? "/questionnaires/import" : nil,
            newHref: user.viewer.can(.create, .questionnaire) ? "/questionnaires/new" : nil, values: values, errors: errors)
        return try await req.renderPage("evaluation/questionnaires", title: "questionnaires_title", page: page, status: status)
    }

    struct ImportForm: Content { var file: File?; var definition: String? }

    /// Loads a definition from an uploaded file or pasted text; a problem is shown next to the form and nothing is stored.
    func importPage(req: Request) async throws -> Response {
        let user = try req.require(.create, .questionnaire)
        let form = (try? req.content.decode(ImportForm.self)) ?? ImportForm()
        var bytes = form.file.map { Array(buffer: $0.data) } ?? []
        if bytes.isEmpty { bytes = Array((form.definition ?? "").utf8) }
        switch Questionnaire.read(json: bytes) {
        case .failure(let problems):
            let messages = problems.map { p in (p.field == "definition" ? "" : p.field + ": ") + Catalogue.text(p.key, req.language, p.arguments) }
            return try await renderLibrary(req: req, user: user, values: ["definition": bytes.count <= 200_000 ? String(decoding: bytes, as: UTF8.self) : ""],
                                           errors: ["definition": messages.joined(separator: " ")], status: .badRequest)
        case .success(let definition):
            let id = try await req.questionnaires.importDefinition(definition, owner: user.accountID)
            return req.redirect(to: "/questionnaires/\(id)")
        }
    }

    func page(req: Request) async throws -> Response {
        let (user, q) = try await questionnaire(req, .read)
        let language = req.language
        let d = q.definition
        func line(_ item: QuestionItem) -> ItemLine {
            var marks: [String] = []
            if item.reverse { marks.append(Catalogue.text("questionnaire_reverse", language)) }
            if item.optional { marks.append(Catalogue.text("questionnaire_optional", language)) }
            if item.kind != .scaled { marks.append(Catalogue.text("questionnaire_kind_\(item.kind.rawValue)", language)) }
            if let tier = item.tier { marks.append(Catalogue.text("tier_\(tier)", language)) }
            if let choices = item.choices { marks.append(choices.map { $0.text.text(language) }.joined(separator: " / ")) }
            return ItemLine(code: item.code, text: item.text.text(language), marks: marks.joined(separator: " · "))
        }
        let points = (d.answerScale.minimum...max(d.answerScale.minimum, d.answerScale.maximum)).enumerated().map { i, value in
            String(value) + (i < d.answerScale.labels.count ? " " + d.answerScale.labels[i].text(language) : "")
        }
        let versions = try await req.questionnaires.versions(familyID: q.family_id, language: language)
        let page = QuestionnairePage(
            title: q.title, code: q.code, version: q.version, origin: origin(q, language), instructions: d.instructions.text(language),
            answerScale: points.joined(separator: " · "), aspects: d.aspects.map { $0.map { $0.text.text(language) }.joined(separator: " / ") },
            minimumAnswered: String(Int((d.minimumAnswered * 100).rounded())) + "%",
            scales: d.scales.map { s in ScaleBlock(code: s.code, name: s.name.text(language), items: d.items(of: s.code).map(line)) },
            others: d.items.filter { $0.kind != .scaled }.map(line),
            versions: versions.map { v in
                LinkedItem(label: Catalogue.text("programme_version", language, [String(v.version)]), href: "/questionnaires/\(v.id)",
                           detail: v.created_at.formatted(.iso8601.year().month().day()))
            },
            exportHref: "/questionnaires/\(q.id)/export",
            copyAction: user.viewer.can(.create, .questionnaire) && q.owner_id != user.accountID ? "/questionnaires/\(q.id)/copy" : nil,
            editHref: q.owner_id != nil && (q.owner_id == user.accountID || user.role == .admin) && versions.first?.id == q.id
                ? "/questionnaires/\(q.id)/edit" : nil)
        return try await req.renderPage("evaluation/questionnaire", title: "questionnaire_title", titleArguments: [q.title], page: page)
    }

    /// The definition as a JSON file, to share with another research team or load elsewhere.
    func export(req: Request) async throws -> Response {
        let (_, q) = try await questionnaire(req, .export)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(q.code)-v\(q.version).json\"")
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(q.definition)))
    }

    /// A researcher's own copy (the next version of their questionnaire with that code, or a new one).
    func copy(req: Request) async throws -> Response {
        let (user, q) = try await questionnaire(req, .create)
        let id = try await req.questionnaires.importDefinition(q.definition, owner: user.accountID, basedOn: q.id)
        return req.redirect(to: "/questionnaires/\(id)")
    }

    // MARK: Editing on a form

    /// A researcher's own questionnaire, its latest version: what the form edits. Samen's are copied first (409), an
    /// earlier version is not edited (409: its successor is).
    func editable(_ req: Request) async throws -> (CurrentUser, QuestionnaireJSON) {
        let (user, q) = try await questionnaire(req, .update)
        guard q.owner_id != nil, q.owner_id == user.accountID || user.role == .admin,
              try await req.questionnaires.versions(familyID: q.family_id, language: req.language).first?.id == q.id else {
            throw SamenError(status: .conflict, key: "questionnaire_edit_latest_only")
        }
        return (user, q)
    }

    func newForm(req: Request) async throws -> Response {
        _ = try req.require(.create, .questionnaire)
        var blank = QuestionnaireForm.values(of: Questionnaire(code: "", title: BilingualText(nl: "", en: ""), instructions: BilingualText(nl: "", en: ""),
                                                               scales: [], items: []))
        blank["code"] = ""
        return try await renderForm(req: req, questionnaire: nil, form: blank, errors: [:], status: .ok)
    }

    func editForm(req: Request) async throws -> Response {
        let (_, q) = try await editable(req)
        return try await renderForm(req: req, questionnaire: q, form: QuestionnaireForm.values(of: q.definition), errors: [:], status: .ok)
    }

    func createFromForm(req: Request) async throws -> Response {
        let user = try req.require(.create, .questionnaire)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var outcome = QuestionnaireForm.read(form)
        if case .success(let definition) = outcome,
           try await req.questionnaires.library(for: user.viewer, language: req.language).contains(where: { $0.owner_id == user.accountID && $0.code == definition.code }) {
            outcome = .failure([FieldProblem(field: "code", key: "questionnaire_code_taken", arguments: [definition.code])])
        }
        switch outcome {
        case .failure(let problems):
            return try await renderForm(req: req, questionnaire: nil, form: form, errors: problems.messages(req.language), status: .badRequest)
        case .success(let definition):
            return req.redirect(to: "/questionnaires/\(try await req.questionnaires.importDefinition(definition, owner: user.accountID))")
        }
    }

    /// Saves the form as the questionnaire's next version (the owner's; the administrator's edit stays the owner's questionnaire).
    func saveForm(req: Request) async throws -> Response {
        let (_, q) = try await editable(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        switch QuestionnaireForm.read(form, code: q.code) {
        case .failure(let problems):
            return try await renderForm(req: req, questionnaire: q, form: form, errors: problems.messages(req.language), status: .badRequest)
        case .success(let definition):
            return req.redirect(to: "/questionnaires/\(try await req.questionnaires.importDefinition(definition, owner: q.owner_id!, basedOn: q.id))")
        }
    }

    func renderForm(req: Request, questionnaire q: QuestionnaireJSON?, form: [String: String], errors: [String: String],
                    status: HTTPResponseStatus) async throws -> Response {
        let language = req.language
        func rowCount(_ kind: String, spare: Int) -> Int {
            // A posted form brings its own rows (spare ones included); a fresh one gets the spare rows added.
            let rows = QuestionnaireForm.rows(kind, in: form)
            return form["_posted"] == nil ? (rows.last ?? 0) + spare : max(rows.last ?? 0, 1)
        }
        let scaleRows = (1...rowCount("s", spare: QuestionnaireForm.spareScales)).map { n in
            let p = "s\(n)_"
            return EditScaleRow(n: n, label: Catalogue.text("questionnaire_scale_n", language, [String(n)]), code: form[p + "code"] ?? "",
                                nl: form[p + "nl"] ?? "", en: form[p + "en"] ?? "", codeError: errors[p + "code"], nameError: errors[p + "nl"])
        }
        let scaleCodes = scaleRows.map(\.code).filter { !$0.isEmpty }
        let itemCount = rowCount("i", spare: QuestionnaireForm.spareItems)
        let itemRows = (1...itemCount).map { n in
            let p = "i\(n)_"
            let kind = form[p + "kind"] ?? ItemKind.scaled.rawValue
            let scale = form[p + "scale"] ?? ""
            return EditItemRow(
                n: n, label: Catalogue.text("questionnaire_item_n", language, [String(n)]), code: form[p + "code"] ?? "", nl: form[p + "nl"] ?? "",
                en: form[p + "en"] ?? "", position: form[p + "position"] ?? String(n), tier: form[p + "tier"] ?? "", choices: form[p + "choices"] ?? "",
                reverse: form[p + "reverse"] == "on", optional: form[p + "optional"] == "on",
                kinds: ItemKind.allCases.map { Option(value: $0.rawValue, label: Catalogue.text("questionnaire_kind_\($0.rawValue)", language), selected: $0.rawValue == kind) },
                scales: [Option(value: "", label: Catalogue.text("questionnaire_no_scale", language), selected: scale.isEmpty)]
                    + (scaleCodes.contains(scale) || scale.isEmpty ? scaleCodes : scaleCodes + [scale]).map { Option(value: $0, label: $0, selected: $0 == scale) },
                errors: Dictionary(errors.compactMap { key, message in key.hasPrefix(p) ? (String(key.dropFirst(p.count)), message) : nil }) { a, _ in a })
        }
        let page = QuestionnaireEditPage(
            intro: q.map { Catalogue.text("questionnaire_edit_intro", language, [String($0.version + 1)]) } ?? Catalogue.text("questionnaire_new_intro", language),
            action: q.map { "/questionnaires/\($0.id)/edit" } ?? "/questionnaires/new", backHref: q.map { "/questionnaires/\($0.id)" } ?? "/questionnaires",
            codeEditable: q == nil, saveLabel: Catalogue.text(q == nil ? "questionnaire_save_new" : "questionnaire_save", language),
            values: form, errors: errors, scales: scaleRows, items: itemRows)
        return try await req.renderPage("evaluation/questionnaire-edit", title: q == nil ? "questionnaire_new_title" : "questionnaire_edit_title",
                                        titleArguments: q.map { [$0.title] } ?? [], page: page, status: status)
    }

    func apiLibrary(req: Request) async throws -> Items<QuestionnaireJSON> {
        let user = try req.require(.read, .questionnaire)
        return Items(items: try await req.questionnaires.library(for: user.viewer, language: req.language))
    }

    func apiQuestionnaire(req: Request) async throws -> QuestionnaireJSON {
        try await questionnaire(req, .read).1
    }

    /// Imports a definition sent as the request body.
    func apiImport(req: Request) async throws -> Response {
        let user = try req.require(.create, .questionnaire)
        let bytes = req.body.data.map { Array(buffer: $0) } ?? []
        switch Questionnaire.read(json: bytes) {
        case .failure(let problems): throw SamenError.invalid(problems[0].key, field: problems[0].field, problems[0].arguments)
        case .success(let definition):
            let id = try await req.questionnaires.importDefinition(definition, owner: user.accountID)
            let response = try await req.questionnaires.find(id, language: req.language)!.encodeResponse(for: req)
            response.status = .created
            return response
        }
    }
}
