import Fluent
import Foundation
import SamenCore
@testable import SamenServer
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Cases and referrals")
struct CaseTests {
    @Test("A case is opened, its steps are recorded in order with their lead times, and the last step closes it")
    func steps() async throws {
        try await withSamen { app, world in
            let coordinator = try await Client.login(app, "coordinator")
            let lead = world.demo.people.first { $0.username == "coordinator" }!.id
            let student = world.student(in: world.homeOtherGroup).id
            let today = LocalDate.today()
            let opened = try await coordinator.json(.POST, "/api/v1/students/\(student)/cases",
                                                    ["type": "referral", "lead_id": lead.uuidString, "basis": "consent", "opened_on": today.adding(days: -10).iso])
            #expect(opened.status == .created, "\(opened.text)")
            let c = try opened.content.decode(CaseJSON.self)
            #expect(c.next_step == "first_contact" && c.steps.map(\.step) == ["signal"])
            // Out of order, in the future, before the step before: each refused with its field.
            let skip = try await coordinator.json(.POST, "/api/v1/cases/\(c.id)/steps", ["step": "evaluation", "date": today.iso])
            #expect(skip.status == .badRequest && skip.text.contains("step"))
            #expect(try await coordinator.json(.POST, "/api/v1/cases/\(c.id)/steps", ["date": today.adding(days: 1).iso]).status == .badRequest)
            #expect(try await coordinator.json(.POST, "/api/v1/cases/\(c.id)/steps", ["date": today.adding(days: -11).iso]).status == .badRequest)
            for (n, days) in [-7, -4, -1, 0].enumerated() {
                let step = try await coordinator.json(.POST, "/api/v1/cases/\(c.id)/steps", ["date": today.adding(days: days).iso])
                #expect(step.status == .ok, "step \(n)")
            }
            let closed = try await coordinator.get("/api/v1/cases/\(c.id)").content.decode(CaseJSON.self)
            #expect(closed.closed_on == today.iso && closed.next_step == nil)
            #expect(closed.steps.map(\.days) == [nil, 3, 3, 3, 1])
            #expect(try await coordinator.json(.POST, "/api/v1/cases/\(c.id)/steps", ["date": today.iso]).status == .conflict)
            let school = try await coordinator.get("/api/v1/schools/\(world.home.id)/cases").content.decode(CaseController.SchoolCases.self)
            #expect(school.lead_times.contains { $0.step == "first_contact" && $0.median_days >= 3 })
            let page = try await coordinator.get("/schools/\(world.home.id)/cases").text
            #expect(page.contains("id=\"lead-times\"") && page.contains("Eerste contact"))
        }
    }

    @Test("A youth-care worker assigned on a legal basis sees the parts it opens, without consent; on consent alone, nothing more; closed, nothing")
    func caseAccess() async throws {
        try await withSamen { app, world in
            let student = world.student(in: world.homeOtherGroup).id
            try await clearSharing(app, student: student)
            let coordinator = try await Client.login(app, "coordinator")
            let worker = try await Client.login(app, "youthworker")
            let workerID = world.demo.people.first { $0.username == "youthworker" }!.id
            let lead = world.demo.people.first { $0.username == "coordinator" }!.id
            func open(_ type: String, _ basis: String) async throws -> CaseJSON {
                let r = try await coordinator.json(.POST, "/api/v1/students/\(student)/cases",
                                                   ["type": type, "lead_id": lead.uuidString, "worker_id": workerID.uuidString, "basis": basis,
                                                    "opened_on": LocalDate.today().iso])
                #expect(r.status == .created, "\(r.text)")
                return try r.content.decode(CaseJSON.self)
            }
            // On consent, without a consent record: the case is theirs, the file is not.
            let onConsent = try await open("support", "consent")
            #expect(try await worker.get("/api/v1/cases/\(onConsent.id)").status == .ok)
            #expect(try await worker.get("/api/v1/students/\(student)").status == .notFound)
            // Compulsory education for a thuiszitter: absence and support open, signals not.
            let thuiszitter = try await open("thuiszitter", "compulsory_education")
            #expect(try await worker.get("/api/v1/students/\(student)").status == .ok)
            let basis = try await worker.get("/students/\(student)").text
            #expect(basis.contains("Verzuim") && !basis.contains("Signalen en besluiten"))
            // Closing the case ends it at once.
            for step in thuiszitter.steps.count..<CaseType.thuiszitter.steps.count {
                _ = step
                #expect(try await coordinator.json(.POST, "/api/v1/cases/\(thuiszitter.id)/steps", ["date": LocalDate.today().iso]).status == .ok)
            }
            #expect(try await worker.get("/api/v1/students/\(student)").status == .notFound)
            // A signal of another student does not start this student's case.
            let other = try await coordinator.json(.POST, "/api/v1/students/\(student)/cases",
                                                   ["type": "support", "lead_id": lead.uuidString, "basis": "consent", "opened_on": LocalDate.today().iso,
                                                    "signal_id": UUID().uuidString])
            #expect(other.status == .badRequest && other.text.contains("signal_id"))
        }
    }
}
