import Foundation
import Vapor

/// Logs method, route pattern (`/students/:id`, never the concrete path or
/// query, which may carry a name typed into a search), status and time.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "-"
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        request.logger.info("\(request.method) \(pattern) \(response.status.code) \(String(format: "%.1f", ms))ms")
        request.application.metrics.request(method: request.method.rawValue, pattern: pattern, status: response.status.code, seconds: ms / 1000)
        return response
    }
}

/// Security headers on every response: no inline script, no framing, no sniffing.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // A page may ask for less (a guardian's link page sends no referrer at all).
        if response.headers.first(name: "Referrer-Policy") == nil { response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin") }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if response.headers.first(name: .cacheControl) == nil, !request.url.path.hasPrefix("/css/") {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
