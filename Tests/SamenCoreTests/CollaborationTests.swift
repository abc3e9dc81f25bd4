import Foundation
@testable import SamenCore
import Testing

@Suite("Consent and the audit chain")
struct CollaborationTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    let guardian = UUID(), organisation = UUID()

    func form(_ changes: [String: String] = [:]) -> [String: String] {
        var form = ["purpose": "share", "organisation_id": organisation.uuidString, "given_by": "guardian", "guardian_id": guardian.uuidString,
                    "given_on": "2026-11-20", "expires_on": "2027-11-19", "parts": "support,signals", "note": ""]
        form.merge(changes) { _, new in new }
        return form
    }

    func read(_ form: [String: String], birth: LocalDate? = LocalDate(year: 2014, month: 3, day: 1)) -> Validated<ConsentTerms> {
        ConsentRules.read(form: form, birthDate: birth, guardians: [guardian], organisations: [organisation], today: today)
    }

    func problems(_ result: Validated<ConsentTerms>) -> [String: String] {
        guard case .failure(let problems) = result else { return [:] }
        return Dictionary(problems.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("A guardian's consent to share two parts with an organisation is read with its dates")
    func readsSharing() throws {
        guard case .success(let terms) = read(form()) else { Issue.record("refused"); return }
        #expect(terms.purpose == .share && terms.organisationID == organisation && terms.guardianID == guardian)
        #expect(terms.parts == [.support, .signals])
        #expect(terms.givenOn == LocalDate(year: 2026, month: 11, day: 20) && terms.expiresOn == LocalDate(year: 2027, month: 11, day: 19))
    }

    @Test("Each wrong field is named: purpose, guardian, organisation, parts, dates")
    func namesEveryProblem() {
        #expect(problems(read(form(["purpose": "gossip"])))["purpose"] == "consent_bad_purpose")
        #expect(problems(read(form(["guardian_id": UUID().uuidString])))["guardian_id"] == "consent_bad_guardian")
        #expect(problems(read(form(["organisation_id": ""])))["organisation_id"] == "consent_bad_organisation")
        #expect(problems(read(form(["parts": ""])))["parts"] == "consent_no_parts")
        #expect(problems(read(form(["parts": "support,diary"])))["parts"] == "consent_bad_part")
        #expect(problems(read(form(["given_on": "2026-12-01"])))["given_on"] == "consent_given_future")
        #expect(problems(read(form(["given_on": "yesterday"])))["given_on"] == "import_bad_date")
        #expect(problems(read(form(["expires_on": "2026-11-01"])))["expires_on"] == "consent_expires_before_given")
        #expect(problems(read(form(["expires_on": "2032-11-20"])))["expires_on"] == "consent_too_long")
        #expect(problems(read(form(["given_by": "teacher"])))["given_by"] == "consent_bad_giver")
        // Programme consent needs the programme's name; research needs neither organisation nor parts.
        #expect(problems(read(form(["purpose": "programme", "programme": ""])))["programme"] == "import_required")
        if case .failure = read(form(["purpose": "research", "organisation_id": "", "parts": ""])) { Issue.record("research refused") }
    }

    @Test("A student gives consent for themselves from 16, not before")
    func ownConsentFrom16() {
        let student = form(["given_by": "student", "guardian_id": ""])
        #expect(problems(read(student, birth: LocalDate(year: 2010, month: 11, day: 21)))["given_by"] == "consent_student_too_young")
        guard case .success(let terms) = read(student, birth: LocalDate(year: 2010, month: 11, day: 20)) else { Issue.record("16-year-old refused"); return }
        #expect(terms.givenBy == .student && terms.guardianID == nil)
        #expect(problems(read(student, birth: nil))["given_by"] == "consent_student_too_young")
    }

    @Test("Consent is active from its date through its expiry; withdrawal ends it at once")
    func states() {
        let terms = ConsentTerms(purpose: .share, givenBy: .guardian, givenOn: today, expiresOn: today.adding(days: 30))
        #expect(terms.state(on: today.adding(days: -1), withdrawn: false) == .pending)
        #expect(terms.state(on: today, withdrawn: false) == .active)
        #expect(terms.state(on: today.adding(days: 30), withdrawn: false) == .active)
        #expect(terms.state(on: today.adding(days: 31), withdrawn: false) == .expired)
        #expect(terms.state(on: today, withdrawn: true) == .withdrawn)
        #expect(ConsentTerms(purpose: .share, givenBy: .guardian, givenOn: today).state(on: today.adding(days: 4000), withdrawn: false) == .active)
    }

    @Test("A youth-care worker sees a student only with consent, and only the parts it opens; staff see every part")
    func viewerParts() {
        let school = UUID(), student = UUID(), other = UUID()
        let worker = Viewer(accountID: UUID(), role: .youthworker, schoolIDs: [school],
                            consented: [student: StudentAccess.merged([[.support], [.signals, .support]])])
        #expect(worker.canSeeStudent(id: student, schoolID: school, groupID: nil))
        #expect(!worker.canSeeStudent(id: other, schoolID: school, groupID: nil))
        #expect(!worker.canSeeStudent(id: student, schoolID: UUID(), groupID: nil))
        #expect(worker.parts(of: student) == [.support, .signals])
        #expect(worker.parts(of: other).isEmpty)
        #expect(worker.consentedStudents(for: .signals) == [student] && worker.consentedStudents(for: .absence).isEmpty)
        #expect(Viewer(accountID: UUID(), role: .coordinator, schoolIDs: [school]).parts(of: other) == Set(ConsentPart.allCases))
    }

    @Test("Consent records: the coordinator records and withdraws; leader, teacher and youth-care worker read; the audit trail is for coordinator, leader and admin")
    func consentAccess() {
        #expect(AccessPolicy.allows(.coordinator, .create, .consent) && AccessPolicy.allows(.coordinator, .update, .consent))
        for role in [Role.leader, .teacher, .youthworker, .admin] {
            #expect(AccessPolicy.allows(role, .read, .consent) && !AccessPolicy.allows(role, .create, .consent))
        }
        for role in [Role.region, .researcher] { #expect(!AccessPolicy.allows(role, .read, .consent)) }
        for role in [Role.coordinator, .leader, .admin] { #expect(AccessPolicy.allows(role, .read, .audit)) }
        for role in [Role.teacher, .youthworker, .region, .researcher] { #expect(!AccessPolicy.allows(role, .read, .audit)) }
        for role in Role.allCases { #expect(!AccessPolicy.allows(role, .update, .audit)) }
    }

    // A stand-in hash for the chain's rules (the server uses SHA-256).
    func hash(_ text: String) -> String {
        var h: UInt64 = 1469598103934665603
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 1099511628211 }
        return String(h, radix: 16)
    }

    func chain(_ n: Int) -> [AuditEntry] {
        let entries = (0..<n).map { i in
            AuditEntry(seq: 0, atMillis: 1_795_000_000_000 + Int64(i), actorID: UUID(), actor: "Carla de Boer (coordinator)", role: "coordinator",
                       action: "read", recordType: "GET /students/:student", recordID: UUID().uuidString, studentID: UUID(),
                       purpose: "school_care", client: "127.0.0.1")
        }
        return AuditChain.link(entries, after: 0, previousHash: AuditChain.genesis, hash: hash)
    }

    @Test("Linked entries number 1, 2, 3 and each carries the hash of the one before; a whole chain verifies")
    func chainLinks() {
        let entries = chain(5)
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(entries[0].previousHash == AuditChain.genesis)
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
        #expect(AuditChain.verify(entries, headSeq: 5, hash: hash).isEmpty)
        // A batch appended later continues the chain.
        let more = AuditChain.link([entries[0]], after: 5, previousHash: entries[4].hash, hash: hash)
        #expect(AuditChain.verify(entries + more, headSeq: 6, hash: hash).isEmpty)
    }

    @Test("A changed entry, a changed entry with its hash recomputed, a deleted entry and a cut tail are all found")
    func tamperFound() {
        let entries = chain(5)
        var changed = entries
        changed[2].actor = "someone else"
        #expect(AuditChain.verify(changed, headSeq: 5, hash: hash) == [.changed(seq: 3)])
        changed[2].hash = hash(changed[2].canonicalText)
        #expect(AuditChain.verify(changed, headSeq: 5, hash: hash) == [.brokenLink(seq: 4)])
        var deleted = entries
        deleted.remove(at: 1)
        #expect(AuditChain.verify(deleted, headSeq: 5, hash: hash) == [.missing(after: 1, before: 3)])
        #expect(AuditChain.verify(Array(entries.prefix(3)), headSeq: 5, hash: hash) == [.truncated(last: 3, head: 5)])
    }

    @Test("A line break inside a field cannot make two different entries hash alike")
    func canonicalEscapes() {
        var a = chain(1)[0], b = a
        a.actor = "x\ny"; a.role = "z"
        b.actor = "x"; b.role = "y\nz"
        #expect(a.canonicalText != b.canonicalText)
        // The escaping the chains already written were hashed with: a backslash doubled, a line break as \n.
        a.actor = "a\\b\r\nc"
        #expect(a.canonicalText.split(separator: "\n", omittingEmptySubsequences: false)[3] == #"a\\b\#r\nc"#)
    }
}

@Suite("The ISF team and its meetings")
struct TeamRulesTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test("Agreements: texts of at most 300 characters, tiers I to III only")
    func agreements() {
        guard case .success(let a) = TeamAgreements.read(form: ["hours": " Dinsdag 14.30 ", "tiers": "2,3", "steering": "IB"]) else { Issue.record("refused"); return }
        #expect(a.hours == "Dinsdag 14.30" && a.tiers == [.two, .three] && a.steering == "IB")
        guard case .failure(let p) = TeamAgreements.read(form: ["tiers": "2,4", "hours": String(repeating: "x", count: 301)]) else { Issue.record("accepted"); return }
        #expect(Set(p.map(\.field)) == ["tiers", "hours"])
    }

    @Test("A meeting needs a title and a date within a year")
    func meetingFields() {
        guard case .success(let m) = MeetingFields.read(form: ["title": "Team", "date": "2026-12-01"], today: today) else { Issue.record("refused"); return }
        #expect(m.date == LocalDate(year: 2026, month: 12, day: 1))
        guard case .failure(let p) = MeetingFields.read(form: ["title": "", "date": "2028-01-01"], today: today) else { Issue.record("accepted"); return }
        #expect(Dictionary(p.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a }) == ["title": "import_required", "date": "meeting_date_far"])
    }

    @Test("An action has a text, an owner from the team and a due date not before the meeting; it is overdue once past it and open")
    func actions() {
        let owner = UUID()
        let good = ["text": "Ouders bellen", "owner_id": owner.uuidString, "due_on": "2026-11-30"]
        guard case .success(let a) = ActionFields.read(form: good, owners: [owner], meetingDate: today) else { Issue.record("refused"); return }
        #expect(a.due == LocalDate(year: 2026, month: 11, day: 30))
        guard case .failure(let p) = ActionFields.read(form: ["text": "", "owner_id": UUID().uuidString, "due_on": "2026-11-01"], owners: [owner], meetingDate: today)
        else { Issue.record("accepted"); return }
        #expect(Dictionary(p.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a })
                == ["text": "import_required", "owner_id": "action_bad_owner", "due_on": "action_due_before_meeting"])
        #expect(ActionFields.isOverdue(due: today.adding(days: -1), done: false, today: today))
        #expect(!ActionFields.isOverdue(due: today, done: false, today: today))
        #expect(!ActionFields.isOverdue(due: today.adding(days: -1), done: true, today: today))
    }

    @Test("A point card goes on the agenda after two weeks under the goal in a row")
    func trend() {
        #expect(AgendaRules.trendNeedsTeam([true, false, false]))
        #expect(!AgendaRules.trendNeedsTeam([false, false, true]))
        #expect(!AgendaRules.trendNeedsTeam([false]))
    }
}

@Suite("Cases and lead times")
struct CaseRulesTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    func d(_ offset: Int) -> LocalDate { today.adding(days: offset) }

    @Test("Each case type has its steps, from the signal to closed; the next step is the first not taken")
    func steps() {
        #expect(CaseType.thuiszitter.steps == [.signal, .firstContact, .plan, .backAtSchool, .closed])
        #expect(CaseType.schoolPlace.steps == [.signal, .firstContact, .assessment, .placement, .closed])
        for type in CaseType.allCases { #expect(type.steps.first == .signal && type.steps.last == .closed) }
        #expect(CaseRules.next(.referral, taken: [.signal]) == .firstContact)
        #expect(CaseRules.next(.referral, taken: CaseType.referral.steps) == nil)
    }

    @Test("A step must be the next one, not in the future and not before the one before")
    func checks() {
        let taken = [CaseStepDate(step: .signal, date: d(-10))]
        #expect(CaseRules.check(.support, step: .firstContact, date: d(-8), taken: taken, today: today).isEmpty)
        #expect(CaseRules.check(.support, step: .evaluation, date: d(-8), taken: taken, today: today).map(\.key) == ["case_step_out_of_order"])
        #expect(CaseRules.check(.support, step: .firstContact, date: d(1), taken: taken, today: today).map(\.key) == ["case_step_future"])
        #expect(CaseRules.check(.support, step: .firstContact, date: d(-11), taken: taken, today: today).map(\.key) == ["case_step_before_previous"])
    }

    @Test("The legal basis decides what an assigned worker sees without consent; compulsory education only for thuiszitters")
    func bases() {
        #expect(CaseBasis.consent.parts.isEmpty)
        #expect(CaseBasis.childProtection.parts == Set(ConsentPart.allCases))
        #expect(CaseBasis.compulsoryEducation.parts == [.absence, .support])
        let lead = UUID()
        let form = ["type": "support", "lead_id": lead.uuidString, "basis": "compulsory_education", "opened_on": today.iso]
        guard case .failure(let p) = CaseFields.read(form: form, leads: [lead], workers: [], organisations: [], today: today) else { Issue.record("accepted"); return }
        #expect(p.map(\.key) == ["case_basis_thuiszitter_only"])
        var thuiszitter = form
        thuiszitter["type"] = "thuiszitter"
        guard case .success(let fields) = CaseFields.read(form: thuiszitter, leads: [lead], workers: [], organisations: [], today: today) else { Issue.record("refused"); return }
        #expect(fields.basis == .compulsoryEducation && fields.workerID == nil)
        guard case .failure(let q) = CaseFields.read(form: ["type": "x", "lead_id": UUID().uuidString, "worker_id": UUID().uuidString, "basis": "", "opened_on": d(2).iso],
                                                    leads: [lead], workers: [], organisations: [], today: today) else { Issue.record("accepted"); return }
        #expect(Set(q.map(\.field)) == ["type", "lead_id", "worker_id", "basis", "opened_on"])
    }

    @Test("Lead times: days between steps, the median per step and month it was reached in")
    func leadTimes() {
        let a = [CaseStepDate(step: .signal, date: LocalDate(year: 2026, month: 9, day: 28)!), CaseStepDate(step: .firstContact, date: LocalDate(year: 2026, month: 10, day: 2)!),
                 CaseStepDate(step: .interventionStart, date: LocalDate(year: 2026, month: 10, day: 12)!)]
        let b = [CaseStepDate(step: .signal, date: LocalDate(year: 2026, month: 10, day: 1)!), CaseStepDate(step: .firstContact, date: LocalDate(year: 2026, month: 10, day: 11)!)]
        let c = [CaseStepDate(step: .signal, date: LocalDate(year: 2026, month: 10, day: 1)!), CaseStepDate(step: .firstContact, date: LocalDate(year: 2026, month: 10, day: 8)!)]
        #expect(CaseRules.leadTimes(a).map(\.days) == [4, 10])
        let medians = CaseRules.medianLeadTimes([a, b, c])
        #expect(medians["2026-10"]?[.firstContact]?.median == 7 && medians["2026-10"]?[.firstContact]?.n == 3)
        #expect(medians["2026-10"]?[.interventionStart]?.median == 10)
        let two = CaseRules.medianLeadTimes([a, b])
        #expect(two["2026-10"]?[.firstContact]?.median == 7)  // (4 + 10) / 2
        #expect(medians["2026-09"] == nil)
    }
}

@Suite("Guardian links")
struct GuardianLinkRulesTests {
    @Test("A link runs 30 days unless 1 to 90 are chosen; it opens only before it expires and while not revoked")
    func rules() {
        if case .success(let d) = GuardianLinkRules.days("") { #expect(d == 30) } else { Issue.record("default refused") }
        if case .success(let d) = GuardianLinkRules.days(" 7 ") { #expect(d == 7) } else { Issue.record("7 refused") }
        for bad in ["0", "91", "x"] { if case .success = GuardianLinkRules.days(bad) { Issue.record("\(bad) accepted") } }
        let now = Date()
        #expect(GuardianLinkRules.isUsable(expiresAt: now.addingTimeInterval(60), revoked: false, now: now))
        #expect(!GuardianLinkRules.isUsable(expiresAt: now.addingTimeInterval(60), revoked: true, now: now))
        #expect(!GuardianLinkRules.isUsable(expiresAt: now, revoked: false, now: now))
    }
}

@Suite("The client's address in the audit trail")
struct ClientAddressTests {
    @Test("X-Forwarded-For is believed only from a trusted proxy, read from the right, and never when it is no address")
    func forwarded() {
        let nginx: Set<String> = ["127.0.0.1", "10.0.0.2"]
        // No proxy trusted, or the connection not from one: the connection's own address, whatever the header says.
        #expect(ClientAddress.resolve(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"], trusted: []) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"], trusted: nginx) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["203.0.113.9"], trusted: nginx) == "")
        // Through nginx: the address nginx appended.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"], trusted: nginx) == "203.0.113.9")
        // A client's own claim on the left is passed over: the rightmost hop that is no trusted proxy.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 203.0.113.9"], trusted: nginx) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4", "203.0.113.9, 10.0.0.2"], trusted: nginx) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["2001:db8::1"], trusted: nginx) == "2001:db8::1")
        // No header, or only proxies: the last address known.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: [], trusted: nginx) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["10.0.0.2"], trusted: nginx) == "10.0.0.2")
        // Text that is no address is not written into the trail.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["<script>"], trusted: nginx) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, unknown"], trusted: nginx) == "127.0.0.1")
    }

    @Test("Addresses are IPv4 or IPv6; the trusted list names what it ignores")
    func addresses() {
        for good in ["127.0.0.1", "255.255.255.255", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"] { #expect(ClientAddress.isIPAddress(good), "\(good)") }
        for bad in ["256.1.1.1", "1.2.3", "+1.2.3.4", "01234.1.1.1", "host.example", "", "::g", "1:2:3:4:5:6:7:8:9:10"] { #expect(!ClientAddress.isIPAddress(bad), "\(bad)") }
        let (addresses, invalid) = ClientAddress.trustedProxies(" 127.0.0.1, nginx.local ,::1,")
        #expect(addresses == ["127.0.0.1", "::1"] && invalid == ["nginx.local"])
    }
}

@Suite("Audit entries")
struct AuditEntryTests {
    @Test("An entry made now carries the moment to the millisecond and waits for the log to number and link it")
    func now() {
        let moment = Date(timeIntervalSince1970: 1_765_000_000.1236)
        let entry = AuditEntry.now(actorID: nil, actor: "samen retention", role: "admin", action: "retention", recordType: "retention",
                                   recordID: "-", studentID: nil, purpose: "retention", client: "host:1", at: moment)
        #expect(entry.atMillis == 1_765_000_000_124 && entry.seq == 0 && entry.previousHash.isEmpty && entry.hash.isEmpty)
        let linked = AuditChain.link([entry], after: 41, previousHash: "abc", hash: { "h(" + $0.prefix(3) + ")" })
        #expect(linked[0].seq == 42 && linked[0].previousHash == "abc" && linked[0].atMillis == entry.atMillis)
    }
}
