import Fluent
import Foundation
import SamenCore
import SQLKit

extension DemoLoader {
    /// The demo researcher's waves over the region's teachers and youth-care workers: the collaboration scan and the
    /// competence scan, each a baseline a good year ago and a follow-up that closed last month (most people answered
    /// both, so they pair); the collaboration-model question last term; and the working-factors scan open now, half
    /// answered, so the demo teacher finds it on the home page.
    static func storeWaves(_ demo: DemoRegion, today: LocalDate, seed: UInt64, on db: Database) async throws {
        guard let researcher = demo.people.first(where: { $0.username == "researcher" })?.id else { return }
        try await QuestionnaireService(db: db).ensureShipped()
        let service = WaveService(db: db)
        let sql = db as! any SQLDatabase
        let schools = Set(demo.schools.map(\.id))
        let typeOf = Dictionary(uniqueKeysWithValues: demo.schools.map { ($0.id, $0.type) })
        var rng = SeededGenerator(seed: seed &+ 0x5A3E)
        let shipped = EvaluationInstruments.all

        func wave(_ name: String, _ q: Questionnaire, opens: Int, closes: Int, baseline: UUID? = nil, phase: DemoEvaluation.Phase, rate: Double,
                  answered: [UUID: Bool] = [:], skip: Set<String> = []) async throws -> (UUID, [UUID: Bool]) {
            let index = shipped.firstIndex { $0.code == q.code }!
            let id = try await service.create(WaveFields(name: name, opens: today.adding(days: opens), closes: today.adding(days: closes), schoolIDs: schools,
                                                         baselineID: baseline),
                                              questionnaireID: QuestionnaireService.shippedFamily(index), owner: researcher)
            let chain = try await sql.raw("SELECT chain_id FROM waves WHERE id = \(bind: id)").first(decodingColumn: "chain_id", as: UUID.self)!
            let invitations = try await sql.raw("""
                SELECT i.id, i.account_id, i.school_id, a.role, a.username FROM wave_invitations i JOIN accounts a ON a.id = i.account_id
                WHERE i.wave_id = \(bind: id) ORDER BY a.username, a.id
                """).all()
            var rows: [[any Encodable & Sendable]] = []
            var done: [UUID] = []
            var took: [UUID: Bool] = [:]
            var respondents: [(invitation: SQLRow, account: UUID, type: SchoolType)] = []
            let sent = Date(timeIntervalSince1970: Double(today.adding(days: min(closes, -1)).dayNumber) * 86_400 + 43_200)
            for invitation in invitations {
                let account = try invitation.uuid("account_id")
                let username = try invitation.decode(column: "username", as: String.self)
                // Who answered the baseline mostly answers the follow-up too.
                let chance = answered.isEmpty ? rate : answered[account] == true ? rate + 0.1 : rate - 0.3
                let answers = Double.random(in: 0..<1, using: &rng) < chance && !skip.contains(username)
                took[account] = answers
                guard answers, let type = typeOf[try invitation.uuid("school_id")] else { continue }
                respondents.append((invitation, account, type))
            }
            let outlooks = DemoEvaluation.outlooks(respondents.map { ($0.account, $0.type) }, questionnaire: q)
            for (invitation, account, type) in respondents {
                let invitationID = try invitation.uuid("id")
                let response = DemoEvaluation.answers(q, outlook: outlooks[account] ?? [:], type: type, phase: phase, rng: &rng)
                rows.append([UUID(), id, invitationID, type.rawValue, try invitation.decode(column: "role", as: String.self),
                             WaveService.linkKey(chain: chain, account: account), try JSONText.encode(response), true, sent])
                done.append(invitationID)
            }
            try await sql.bulkInsert("wave_responses", columns: ["id", "wave_id", "invitation_id", "school_type", "role", "link_key", "answers", "complete",
                                                                 "updated_at"], rows: rows)
            for chunk in stride(from: 0, to: done.count, by: 200) {
                let part = Array(done[chunk..<min(chunk + 200, done.count)])
                try await sql.raw("UPDATE wave_invitations SET completed_at = \(bind: sent) WHERE id IN (\(binds: part))").run()
            }
            return (id, took)
        }

        let (collaborationBase, collaborationTook) = try await wave("Samenwerkingsscan nulmeting", EvaluationInstruments.collaborationScan,
                                                                    opens: -420, closes: -392, phase: .baseline, rate: 0.82)
        _ = try await wave("Samenwerkingsscan vervolgmeting", EvaluationInstruments.collaborationScan, opens: -60, closes: -32,
                           baseline: collaborationBase, phase: .followUp, rate: 0.85, answered: collaborationTook)
        let (competenceBase, competenceTook) = try await wave("Competentiescan nulmeting", EvaluationInstruments.competenceScan,
                                                              opens: -418, closes: -390, phase: .baseline, rate: 0.8)
        _ = try await wave("Competentiescan vervolgmeting", EvaluationInstruments.competenceScan, opens: -58, closes: -30,
                           baseline: competenceBase, phase: .followUp, rate: 0.85, answered: competenceTook)
        _ = try await wave("Samenwerkingsmodel", EvaluationInstruments.collaborationModel, opens: -150, closes: -120, phase: .baseline, rate: 0.8)
        // Open now: the demo logins have not answered yet.
        _ = try await wave("Werkfactoren \(today.year)", EvaluationInstruments.workingFactorsScan, opens: -6, closes: 22, phase: .baseline, rate: 0.45,
                           skip: ["teacher", "youthworker"])
    }
}
