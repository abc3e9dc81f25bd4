import Foundation
import SamenCore
import Vapor

/// A link in the page's navigation.
struct NavItem: Encodable, Sendable {
    var label: String
    var href: String
    var current: Bool
}

/// What every template may read of the layout: the page's language, title and form
/// token, the home link, and the layout itself as two pieces of markup built in Swift
/// (`PageShell`). The layout around every page was the largest part of rendering
/// one (a menu of a dozen links, some twenty escaped values); as markup built once
/// per request it costs a fraction of that.
struct LayoutContext: Encodable, Sendable {
    var lang: String
    var title: String
    var csrf: String
    var homeHref: String
    /// Everything before the page's own content: head, header with menu, `<main>` and its `<h1>`.
    var head: String
    /// Everything after it.
    var foot: String
}

/// The context every template renders: catalogue `t`, `layout`, and the page's own `page`.
struct PageContext<Page: Encodable>: Encodable {
    var t: [String: String]
    var layout: LayoutContext
    var page: Page
}

/// The shared layout: the document head, the header with the menu, the language switch
/// and the account's links, and the footer. Every value from data or the catalogue goes
/// through `HTML.escape`.
struct PageShell {
    var language: Language
    var title: String
    var csrf: String
    var user: (name: String, role: String)?
    var nav: [NavItem]
    var switchHref: String

    func head() -> String {
        let e = HTML.escape
        func t(_ key: String) -> String { e(Catalogue.text(key, language)) }
        var out = "<!doctype html>\n<html lang=\"" + language.rawValue + "\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>" + e(title) + " · " + t("app_name") + "</title>\n"
        out += "<link rel=\"stylesheet\" href=\"" + e(SiteURL.stylesheet.path) + "\">\n</head>\n<body>\n"
        out += "<a class=\"skip\" href=\"#main\">" + t("skip_to_content") + "</a>\n"
        out += "<header class=\"top\">\n  <a class=\"brand\" href=\"" + e(SiteURL.home.path) + "\">" + t("app_name") + "</a>\n"
        if user != nil {
            out += "  <nav aria-label=\"" + t("nav_menu") + "\">\n    <ul>\n"
            for item in nav {
                out += "      <li><a href=\"" + e(item.href) + "\"" + (item.current ? " aria-current=\"page\"" : "") + ">" + e(item.label) + "</a></li>\n"
            }
            out += "    </ul>\n  </nav>\n"
        }
        out += "  <div class=\"who\">\n"
        out += "    <a class=\"lang\" href=\"" + e(switchHref) + "\" lang=\"" + (language == .nl ? "en" : "nl") + "\">" + t("switch_language") + "</a>\n"
        if let user {
            out += "    <span class=\"user\" title=\"" + t("logged_in_as") + "\">" + e(user.name) + " · " + e(user.role) + "</span>\n"
            out += "    <a href=\"" + e(SiteURL.password.path) + "\">" + t("change_password") + "</a>\n"
            out += "    <form method=\"post\" action=\"" + e(SiteURL.logout.path) + "\" class=\"inline\">\n"
            out += "      <input type=\"hidden\" name=\"_csrf\" value=\"" + e(csrf) + "\">\n"
            out += "      <button type=\"submit\" class=\"link\">" + t("logout") + "</button>\n    </form>\n"
        }
        out += "  </div>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>" + e(title) + "</h1>\n"
        return out
    }

    func foot() -> String {
        "</main>\n<footer class=\"bottom\">" + HTML.escape(Catalogue.text("app_tagline", language)) + "</footer>\n</body>\n</html>\n"
    }
}

extension Request {
    var csrfToken: String { storage[CSRFTokenKey.self] ?? "" }

    /// Renders a template inside the shared layout, in the user's language.
    func renderPage<Page: Encodable>(_ template: String, title: String, titleArguments: [String] = [], page: Page,
                                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let language = self.language
        let user = currentUser
        let other: Language = language == .nl ? .en : .nl
        let shell = PageShell(
            language: language, title: Catalogue.text(title, language, titleArguments), csrf: csrfToken,
            user: user.map { ($0.name.display, Catalogue.text("role_\($0.role.rawValue)", language)) },
            nav: user.map { Navigation.items(for: $0, language: language, path: url.path) } ?? [],
            switchHref: SiteURL.language(other, back: url.string).path)
        let layout = LayoutContext(lang: language.rawValue, title: shell.title, csrf: shell.csrf, homeHref: SiteURL.home.path,
                                   head: shell.head(), foot: shell.foot())
        let t = application.catalogueKeys.table(for: template, language: language)
        let view = try await self.view.render(template, PageContext(t: t, layout: layout, page: page))
        let response = try await view.encodeResponse(for: self)
        response.status = status
        return response
    }
}

/// The menu, by role: only what the role may open.
enum Navigation {
    static func items(for user: CurrentUser, language: Language, path: String) -> [NavItem] {
        var items: [(String, SiteURL)] = [("nav_home", .home)]
        let viewer = user.viewer
        if user.role == .region || user.role == .admin { items.append(("nav_region", .region)) }
        if AccessPolicy.schoolScope(user.role) != .none { items.append(("nav_schools", .schools)) }
        if AccessPolicy.studentScope(user.role) != .none { items.append(("nav_students", .students(query: nil, schoolID: nil))) }
        if viewer.can(.read, .incident) && AccessPolicy.studentScope(user.role) != .consentOrCase { items.append(("nav_incidents", .incidents)) }
        if viewer.can(.read, .signal) && AccessPolicy.studentScope(user.role) != .consentOrCase { items.append(("nav_signals", .signals(tab: nil))) }
        if viewer.can(.read, .absence) && AccessPolicy.studentScope(user.role) != .consentOrCase { items.append(("nav_absence", .absenceHome)) }
        if viewer.can(.read, .incident), [StudentScope.ownSchools].contains(AccessPolicy.studentScope(user.role)),
           let school = viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) {
            items.append(("nav_dashboard", .dashboard(school)))
        }
        if viewer.can(.read, .intervention) {
            if AccessPolicy.schoolScope(user.role) == .ownSchools, let school = viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) {
                items.append(("nav_pyramid", .pyramid(school)))
                if [Role.leader, .coordinator].contains(user.role) {
                    items.append(("nav_team", .team(school)))
                    items.append(("nav_cases", .cases(school)))
                }
            } else if AccessPolicy.schoolScope(user.role) != .none && AccessPolicy.schoolScope(user.role) != .ownSchools {
                items.append(("nav_pyramid", .pyramids))
            }
        }
        if viewer.can(.read, .screening), [StudentScope.ownSchools, .ownGroups].contains(AccessPolicy.studentScope(user.role)),
           let school = viewer.schoolIDs.min(by: { $0.uuidString < $1.uuidString }) {
            items.append(("nav_screening", .screening(school)))
        } else if user.role == .region || user.role == .admin {
            items.append(("nav_screening", .instruments))
        }
        if viewer.can(.read, .programme) { items.append(("nav_programmes", .programmes)) }
        if viewer.can(.read, .questionnaire) { items.append(("nav_questionnaires", .questionnaires)) }
        if [Role.admin, .researcher].contains(user.role) { items.append(("nav_waves", .waves)) }
        if viewer.can(.read, .directory) && AccessPolicy.schoolScope(user.role) != .none { items.append(("nav_staff", .staff)) }
        if viewer.can(.read, .organisation) { items.append(("nav_organisations", .organisations)) }
        if viewer.can(.read, .account) { items.append(("nav_accounts", .accounts)) }
        // The current item is the one whose address matches most of the path (the pyramid under /schools/… is not "Schools").
        let bases = items.map { $0.1.path.split(separator: "?").first.map(String.init) ?? $0.1.path }
        let best = bases.enumerated().filter { $0.element == "/" ? path == "/" : path.hasPrefix($0.element) }.max { $0.element.count < $1.element.count }?.offset
        return items.enumerated().map { i, item in
            NavItem(label: Catalogue.text(item.0, language), href: item.1.path, current: i == best)
        }
    }
}

/// The catalogue keys each template (with the layout it extends) reads, found
/// once at start-up, so a page is rendered with the few dozen strings it
/// needs rather than the whole catalogue: Leaf converts every value in the
/// context on every render.
struct TemplateCatalogueKeys: Sendable {
    private var tables: [String: [Language: [String: String]]] = [:]

    init(viewsDirectory: String) throws {
        let root = URL(fileURLWithPath: viewsDirectory)
        let pattern = try Regex(#"[(\s!]t\.([a-z0-9_]+)"#)
        let extends = try Regex(#"#extend\("([^"]+)"\)"#)
        var keysByTemplate: [String: Set<String>] = [:]
        var included: [String: Set<String>] = [:]
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "leaf" else { continue }
            let name = String(url.path.dropFirst(root.path.count).drop { $0 == "/" }.dropLast(5))
            let text = try String(contentsOf: url, encoding: .utf8)
            keysByTemplate[name] = Set(text.matches(of: pattern).map { String($0.output[1].substring!) })
            included[name] = Set(text.matches(of: extends).map { String($0.output[1].substring!) })
        }
        // A template reads its own keys and those of every template it extends or includes.
        func keys(of name: String, seen: Set<String> = []) -> Set<String> {
            var all = keysByTemplate[name] ?? []
            for other in included[name] ?? [] where !seen.contains(other) { all.formUnion(keys(of: other, seen: seen.union([name]))) }
            return all
        }
        for name in keysByTemplate.keys {
            let all = keys(of: name)
            for language in Language.allCases {
                tables[name, default: [:]][language] = Dictionary(uniqueKeysWithValues: all.map { ($0, Catalogue.text($0, language)) })
            }
        }
    }

    /// The strings a template reads; the whole catalogue for a template not seen at start-up.
    func table(for template: String, language: Language) -> [String: String] {
        tables[template]?[language] ?? Catalogue.table(language)
    }
}

struct TemplateCatalogueKeysKey: StorageKey { typealias Value = TemplateCatalogueKeys }

extension Application {
    var catalogueKeys: TemplateCatalogueKeys {
        get { storage[TemplateCatalogueKeysKey.self]! }
        set { storage[TemplateCatalogueKeysKey.self] = newValue }
    }
}

extension String {
    /// nil for the empty string, for optional lines on a page.
    var nonEmpty: String? { isEmpty ? nil : self }
}
