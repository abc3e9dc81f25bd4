import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

struct QuestionnaireLine: Encodable { var title: String; var href: String; var code: String; var version: Int; var origin: String; var size: String }

struct QuestionnairesPage: Encodable {
    var questionnaires: [QuestionnaireLine]
    var importAction: String?
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
            importAction: user.viewer.can(.create, .questionnaire) ? "/questionnaires/import" : nil, values: values, errors: errors)
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
        let page = QuestionnairePage(
            title: q.title, code: q.code, version: q.version, origin: origin(q, language), instructions: d.instructions.text(language),
            answerScale: points.joined(separator: " · "), aspects: d.aspects.map { $0.map { $0.text.text(language) }.joined(separator: " / ") },
            minimumAnswered: String(Int((d.minimumAnswered * 100).rounded())) + "%",
            scales: d.scales.map { s in ScaleBlock(code: s.code, name: s.name.text(language), items: d.items(of: s.code).map(line)) },
            others: d.items.filter { $0.kind != .scaled }.map(line),
            versions: try await req.questionnaires.versions(familyID: q.family_id, language: language).map { v in
                LinkedItem(label: Catalogue.text("programme_version", language, [String(v.version)]), href: "/questionnaires/\(v.id)",
                           detail: v.created_at.formatted(.iso8601.year().month().day()))
            },
            exportHref: "/questionnaires/\(q.id)/export",
            copyAction: user.viewer.can(.create, .questionnaire) && q.owner_id != user.accountID ? "/questionnaires/\(q.id)/copy" : nil)
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
