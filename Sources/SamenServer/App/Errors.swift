import FluentKit
import LeafKit
import SamenCore
import Vapor

/// An error a person can act on: a status, a catalogue key (with
/// arguments) saying what was wrong and what to do, and the field it is about.
struct SamenError: AbortError, Sendable {
    var status: HTTPResponseStatus
    var key: String
    var arguments: [String] = []
    var field: String? = nil

    var reason: String { Catalogue.text(key, .en, arguments) }

    static let notFound = SamenError(status: .notFound, key: "error_not_found")
    static let forbidden = SamenError(status: .forbidden, key: "error_forbidden")
    static let unauthorized = SamenError(status: .unauthorized, key: "error_unauthorized")

    static func invalid(_ key: String, field: String?, _ arguments: [String] = []) -> SamenError {
        SamenError(status: .badRequest, key: key, arguments: arguments, field: field)
    }
}

extension Array where Element == FieldProblem {
    /// Each field's first problem in words, for the messages next to a form's fields.
    func messages(_ language: Language) -> [String: String] {
        Dictionary(map { ($0.field, Catalogue.text($0.key, language, $0.arguments)) }, uniquingKeysWith: { first, _ in first })
    }
}

/// An import whose file has problems: nothing was written; every problem is listed.
struct ImportRejected: Error, Sendable {
    var problems: [ImportProblem]
}

/// Turns every error into a 4xx a person understands, or a 500 that says
/// nothing of the data. API requests get JSON `{"error", "field"}`, pages
/// get a page in the user's language. Logs never carry request data.
struct SamenErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await Self.response(for: error, request: request)
        }
    }

    static func response(for error: Error, request: Request) async -> Response {
        let language = request.isAPI ? Language(acceptLanguage: request.headers.first(name: .acceptLanguage)) : request.language
        var status: HTTPResponseStatus = .internalServerError
        var message = Catalogue.text("error_internal", language)
        var field: String? = nil
        var extra: [ImportProblemJSON]? = nil
        var headers = HTTPHeaders()

        switch error {
        case let error as SamenError:
            status = error.status
            message = Catalogue.text(error.key, language, error.arguments)
            field = error.field
        case let error as ImportRejected:
            status = .unprocessableEntity
            message = Catalogue.text("import_rejected", language, [String(error.problems.count)])
            extra = error.problems.map { ImportProblemJSON($0, language) }
        case let error as DecodingError:
            status = .badRequest
            (message, field) = describe(error, language)
        case let error as any DatabaseError where error.isConstraintFailure:
            // Two people saving the same thing at once: the checks passed for both, the database kept one.
            status = .conflict
            message = Catalogue.text("error_conflict", language)
        case let error as any AbortError:
            status = error.status
            headers = error.headers
            switch status {
            case .notFound: message = Catalogue.text("error_not_found", language)
            case .unauthorized: message = Catalogue.text("error_unauthorized", language)
            case .forbidden: message = Catalogue.text("error_forbidden", language)
            case .payloadTooLarge: message = Catalogue.text("error_too_large", language)
            case .unsupportedMediaType: message = Catalogue.text("error_media_type", language)
            case .methodNotAllowed: message = Catalogue.text("error_method", language)
            default:
                if status.code < 500 { message = Catalogue.text("error_bad_request", language) }
            }
        default:
            break
        }
        if status.code >= 500 {
            // The error's text may carry record values; log its type only.
            // The error's text may carry record values; log its type only. Template
            // errors describe the template, never data, so they are logged whole.
            let detail = error is LeafError ? String(describing: error) : String(describing: type(of: error))
            request.logger.error("internal error", metadata: ["error": "\(detail)", "route": "\(request.route?.description ?? "-")"])
        }

        if request.isAPI || request.prefersJSON {
            let body = ErrorJSON(error: message, field: field, problems: extra)
            let response = Response(status: status, headers: headers)
            try? response.content.encode(body)
            return response
        }
        if status == .unauthorized {
            return request.redirect(to: SiteURL.login(next: request.url.path).path)
        }
        do {
            let page = ErrorPage(status: Int(status.code), message: message)
            let response = try await request.renderPage("app/error", title: "error_title", page: page)
            response.status = status
            return response
        } catch {
            return Response(status: status, body: .init(string: message))
        }
    }

    static func describe(_ error: DecodingError, _ language: Language) -> (String, String?) {
        func path(_ context: DecodingError.Context) -> String? {
            let text = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? nil : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = (path(context).map { $0 + "." } ?? "") + key.stringValue
            return (Catalogue.text("error_field_missing", language, [field]), field)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = path(context)
            return (Catalogue.text("error_field_type", language, [field ?? "body"]), field)
        case .dataCorrupted(let context):
            let field = path(context)
            return (Catalogue.text(field == nil ? "error_body_unreadable" : "error_field_type", language, [field ?? "body"]), field)
        @unknown default:
            return (Catalogue.text("error_bad_request", language), nil)
        }
    }
}

struct ErrorJSON: Content {
    var error: String
    var field: String?
    var problems: [ImportProblemJSON]?
}

struct ImportProblemJSON: Content {
    var line: Int
    var column: String?
    var message: String

    init(_ problem: ImportProblem, _ language: Language) {
        line = problem.line
        column = problem.column
        message = Catalogue.text(problem.key, language, problem.arguments)
    }
}

struct ErrorPage: Encodable {
    var status: Int
    var message: String
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") || url.path == "/healthz" }
    var prefersJSON: Bool {
        headers.accept.first?.mediaType == .json && !(headers.accept.contains { $0.mediaType == .html })
    }
}
