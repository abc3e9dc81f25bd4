import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Guardians' personal links")
struct GuardianLinkTests {
    @Test("A guardian opens their link without an account, gives and withdraws consent; the youth-care worker's access follows at once; a revoked or expired link opens nothing")
    func link() async throws {
        try await withSamen { app, world in
            let student = world.student(in: world.homeOtherGroup).id
            try await clearSharing(app, student: student)
            let guardian = world.demo.links.first { $0.studentID == student }!.guardianID
            let coordinator = try await Client.login(app, "coordinator")
            let made = try await coordinator.json(.POST, "/api/v1/students/\(student)/guardian-links", ["guardian_id": guardian.uuidString, "days": "14"])
            #expect(made.status == .created, "\(made.text)")
            let link = try made.content.decode(GuardianLinkJSON.self)
            let url = try #require(link.url)
            let parent = Client(app)
            let page = try await parent.get(url)
            #expect(page.status == .ok)
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(page.text.contains(world.student(in: world.homeOtherGroup).name.display) && page.text.contains("Respectvol"))
            // Give consent to share support with the region's organisation.
            let given = try await parent.form(url + "/consent", ["organisation_id": world.demo.organisation.id.uuidString, "parts[]": "support"])
            #expect(given.status == .ok && given.text.contains("guardian-notice"))
            let worker = try await Client.login(app, "youthworker")
            #expect(try await worker.get("/api/v1/students/\(student)").status == .ok)
            let consents = try await coordinator.get("/api/v1/students/\(student)/consents").content.decode(Items<ConsentJSON>.self).items
            #expect(consents.count == 1 && consents[0].guardian_id == guardian && consents[0].state == "active")
            // Withdraw through the link: gone for youth care at once.
            let withdrawn = try await parent.form(url + "/consent/\(consents[0].id)/withdraw", [:])
            #expect(withdrawn.status == .ok)
            #expect(try await worker.get("/api/v1/students/\(student)").status == .notFound)
            // The guardian's look and changes are in the trail.
            let trail = try await coordinator.get("/api/v1/students/\(student)/audit").content.decode(Items<AuditEntryJSON>.self).items
            #expect(trail.filter { $0.role == "guardian" }.map(\.action).sorted() == ["change", "change", "read"])
            #expect(!trail.contains { $0.record_type.contains(String(url.dropFirst(7))) }, "the token is not in the trail")
            // Revoked: the link opens nothing.
            #expect(try await coordinator.form("/students/\(student)/guardian-links/\(link.id)/revoke", [:]).status == .seeOther)
            #expect(try await parent.get(url).status == .notFound)
            #expect(try await parent.form(url + "/consent", ["organisation_id": world.demo.organisation.id.uuidString, "parts[]": "support"]).status == .notFound)
            // Expired: the same.
            let (_, token, _) = try await GuardianLinkService(sql: app.db as! any SQLDatabase)
                .create(studentID: student, guardianID: guardian, days: 1, by: world.demo.people.first { $0.username == "coordinator" }!.id,
                        now: Date().addingTimeInterval(-2 * 86_400))
            #expect(try await parent.get("/ouder/\(token)").status == .notFound)
            // A guardian of another student is refused; so is a link of 91 days.
            let other = world.demo.links.first { $0.studentID != student }!.guardianID
            #expect(try await coordinator.json(.POST, "/api/v1/students/\(student)/guardian-links", ["guardian_id": other.uuidString]).status == .badRequest)
            #expect(try await coordinator.json(.POST, "/api/v1/students/\(student)/guardian-links", ["guardian_id": guardian.uuidString, "days": "91"]).status == .badRequest)
        }
    }

    @Test("A guardian removed from a student loses their link to the student's page at once, and is not left half-removed")
    func removedGuardianLosesLink() async throws {
        try await withSamen { app, world in
            let student = world.student(in: world.homeOtherGroup).id
            let guardian = world.demo.links.first { $0.studentID == student }!.guardianID
            let coordinator = try await Client.login(app, "coordinator")
            let link = try await coordinator.json(.POST, "/api/v1/students/\(student)/guardian-links", ["guardian_id": guardian.uuidString, "days": "14"])
                .content.decode(GuardianLinkJSON.self)
            let url = try #require(link.url)
            #expect(try await Client(app).get(url).status == .ok)
            #expect(try await coordinator.send(.DELETE, "/api/v1/students/\(student)/guardians/\(guardian)").status == .noContent)
            #expect(try await Client(app).get(url).status == .notFound)
            #expect(try await coordinator.send(.DELETE, "/api/v1/students/\(student)/guardians/\(guardian)").status == .noContent, "removing again changes nothing")
        }
    }
}
