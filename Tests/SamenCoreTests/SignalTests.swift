import Foundation
@testable import SamenCore
import Testing

@Suite("Incidents, labels, signals and decisions")
struct SignalTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test("A teacher sends their own draft for review; only the coordinator completes, sends back or withdraws")
    func workflow() {
        #expect(IncidentWorkflow.allows(.teacher, isReporter: true, from: .draft, to: .review))
        #expect(!IncidentWorkflow.allows(.teacher, isReporter: false, from: .draft, to: .review))
        #expect(!IncidentWorkflow.allows(.teacher, isReporter: true, from: .review, to: .complete))
        #expect(!IncidentWorkflow.allows(.teacher, isReporter: true, from: .complete, to: .withdrawn))
        #expect(IncidentWorkflow.allows(.teacher, isReporter: true, from: .review, to: .draft), "a teacher may take back what they sent")
        #expect(IncidentWorkflow.allows(.coordinator, isReporter: false, from: .review, to: .complete))
        #expect(IncidentWorkflow.allows(.coordinator, isReporter: false, from: .review, to: .draft))
        #expect(IncidentWorkflow.allows(.coordinator, isReporter: false, from: .complete, to: .withdrawn))
        #expect(IncidentWorkflow.allows(.coordinator, isReporter: false, from: .withdrawn, to: .review))
        #expect(!IncidentWorkflow.allows(.coordinator, isReporter: false, from: .complete, to: .draft))
        #expect(!IncidentWorkflow.allows(.leader, isReporter: false, from: .review, to: .complete))
        #expect(IncidentWorkflow.sentStatus(for: .teacher) == .review)
        #expect(IncidentWorkflow.sentStatus(for: .coordinator) == .complete)
        #expect(IncidentWorkflow.canEdit(.teacher, isReporter: true, status: .draft))
        #expect(!IncidentWorkflow.canEdit(.teacher, isReporter: true, status: .review))
        #expect(!IncidentWorkflow.canEdit(.teacher, isReporter: false, status: .draft))
        #expect(IncidentWorkflow.canEdit(.coordinator, isReporter: false, status: .complete))
        #expect(!IncidentWorkflow.canEdit(.coordinator, isReporter: false, status: .withdrawn))
        #expect(!IncidentWorkflow.canEdit(.leader, isReporter: true, status: .draft))
    }

    @Test("Times of day: 8:05, 08:05 and 8.05 read; 24:00, 7:5 and words do not")
    func timeOfDay() {
        #expect(TimeOfDay(text: "8:05")?.minutes == 485)
        #expect(TimeOfDay(text: "08:05")?.text == "08:05")
        #expect(TimeOfDay(text: " 13.45 ")?.minutes == 825)
        #expect(TimeOfDay(text: "24:00") == nil)
        #expect(TimeOfDay(text: "7:5") == nil)
        #expect(TimeOfDay(text: "noon") == nil)
        #expect(TimeOfDay(text: "12:60") == nil)
        #expect(TimeOfDay(minutes: 1440) == nil)
        #expect(TimeOfDay(minutes: 615)?.hour == 10)
    }

    @Test("An incident's date is not in the future nor before last school year; choices and note length are checked")
    func incidentFields() {
        func problems(date: String = "2026-11-20", time: String = "10:15", managed: String = "staff", others: String = "none",
                      note: String = "") -> [String] {
            if case .failure(let list) = IncidentFields.validate(date: date, time: time, managedBy: managed, others: others, note: note, today: today) {
                return list.map { "\($0.field):\($0.key)" }
            }
            return []
        }
        #expect(problems().isEmpty)
        #expect(problems(date: "20-11-2026").isEmpty, "Dutch date order reads too")
        #expect(problems(date: "2026-11-24") == ["date:incident_date_future"])
        #expect(problems(date: "2025-08-01").isEmpty, "last school year is allowed")
        #expect(problems(date: "2025-07-31") == ["date:incident_date_old"])
        #expect(problems(date: "") == ["date:import_required"])
        #expect(problems(date: "gisteren") == ["date:import_bad_date"])
        #expect(problems(time: "25:00") == ["time:incident_bad_time"])
        #expect(problems(managed: "janitor") == ["managed_by:incident_bad_choice"])
        #expect(problems(others: "aliens") == ["others_involved:incident_bad_choice"])
        #expect(problems(note: String(repeating: "a", count: 2001)) == ["note:import_too_long"])
        #expect(problems(date: "x", time: "y").count == 2, "every problem at once")
        if case .success(let fields) = IncidentFields.validate(date: "2026-11-20", time: "9:00", managedBy: "office", others: "",
                                                               note: "  Duwde.  ", today: today) {
            #expect(fields.note == "Duwde.")
            #expect(fields.others == .none, "an empty choice means none")
            #expect(fields.managedBy == .office)
        } else { Issue.record("valid fields rejected") }
    }

    @Test("Decisions: each kind leads to fitting tiers; a review date is required, not in the past, except to close")
    func decisions() {
        func check(_ kind: String, tier: String = "", review: String = "2027-01-10", current: Tier = .one) -> Validated<DecisionFields> {
            DecisionFields.validate(kind: kind, tierAfter: tier, reviewBy: review, note: "", currentTier: current, today: today)
        }
        func fields(_ v: Validated<DecisionFields>) -> DecisionFields? { if case .success(let f) = v { return f }; return nil }
        func keys(_ v: Validated<DecisionFields>) -> [String] { if case .failure(let p) = v { return p.map(\.key) }; return [] }
        #expect(fields(check("continue"))?.tierAfter == .one)
        #expect(fields(check("intensify"))?.tierAfter == nil, "from Tier I intensify must say II or III")
        #expect(keys(check("intensify")) == ["decision_bad_tier"])
        #expect(fields(check("intensify", tier: "2"))?.tierAfter == .two)
        #expect(fields(check("intensify", tier: "3", current: .two))?.tierAfter == .three)
        #expect(fields(check("intensify", current: .two))?.tierAfter == .three, "one tier left: it follows")
        #expect(keys(check("intensify", tier: "1", current: .two)) == ["decision_bad_tier"], "intensify never lowers the tier")
        #expect(fields(check("fade", current: .two))?.tierAfter == .one)
        #expect(keys(check("fade", tier: "3", current: .two)) == ["decision_bad_tier"])
        #expect(fields(check("refer", current: .three))?.tierAfter == .three, "referral from Tier III stays at III")
        #expect(fields(check("close", review: "", current: .two))?.tierAfter == .two, "close keeps the tier unless the team lowers it")
        #expect(fields(check("close", tier: "1", review: "", current: .two))?.reviewBy == nil)
        #expect(keys(check("continue", review: "")) == ["decision_review_required"])
        #expect(keys(check("continue", review: "2026-11-22")) == ["decision_review_past"])
        #expect(keys(check("")) == ["decision_choose"])
        #expect(keys(check("pray")) == ["incident_bad_choice"])
        #expect(DecisionKind.close.signalStatus == .closed)
        #expect(DecisionKind.fade.signalStatus == .decided)
    }

    @Test("Labels: Dutch defaults with English, unique codes per list; a school's own label needs Dutch text")
    func labels() {
        for kind in LabelKind.allCases {
            let list = DefaultLabels.of(kind)
            #expect(list.count >= 4, "\(kind)")
            #expect(Set(list.map(\.code)).count == list.count, "codes unique in \(kind)")
            #expect(list.allSatisfy { !$0.nl.isEmpty && !$0.en.isEmpty && $0.nl.count <= LabelFields.maxLength })
        }
        #expect(DefaultLabels.of(.location).contains { $0.code == "classroom" }, "the quick form's fallback location")
        if case .success(let own) = LabelFields.validate(kind: "location", nl: " Technieklokaal ", en: "") {
            #expect(own.nl == "Technieklokaal" && own.en == "Technieklokaal", "without English the Dutch shows in both")
        } else { Issue.record("valid label rejected") }
        if case .failure(let problems) = LabelFields.validate(kind: "colour", nl: "", en: String(repeating: "x", count: 81)) {
            #expect(problems.map(\.field) == ["kind", "text_nl", "text_en"])
        } else { Issue.record("invalid label accepted") }
    }

    @Test("A signal's period: the school year for incident rules, the run of weeks for a point card, the crossing for a DUO report, the stretch for a thuiszitter")
    func periods() {
        let date = LocalDate(year: 2026, month: 9, day: 15)!
        #expect(RuleFinding(rule: .incidentsYellow, date: date, figures: []).period == "2026-2027")
        #expect(RuleFinding(rule: .earlyWarning, date: LocalDate(year: 2027, month: 3, day: 1)!, figures: []).period == "2026-2027")
        #expect(RuleFinding(rule: .absenceReport, date: date, figures: []).period == "2026-09-15", "each crossing is its own report")
        // A run of weeks is one period, also when it crosses into the next month.
        let friday = LocalDate(year: 2026, month: 10, day: 2)!
        #expect(RuleFinding(rule: .pointCardReview, date: friday, figures: ["2", "70"]).period == "since 2026-09-21")
        #expect(RuleFinding(rule: .pointCardReview, date: friday.adding(days: 7), figures: ["3", "65"]).period == "since 2026-09-21")
        #expect(RuleFinding(rule: .thuiszitter, date: date, figures: ["25", "2026-08-10"]).period == "since 2026-08-10", "one signal while it lasts")
        let finding = RuleFinding(rule: .earlyWarning, date: date, figures: ["3", "2026-10-31"])
        #expect(finding.displayFigures(.nl) == ["3", "31-10-2026"])
        #expect(RuleFinding(rule: .absenceReport, date: date, figures: ["16.5", "28"]).displayFigures(.nl) == ["16,5", "28"])
        #expect(RuleFinding(rule: .absenceReport, date: date, figures: ["16.5", "28"]).displayFigures(.en) == ["16.5", "28"])
        #expect(Catalogue.text(finding.key, .nl, finding.displayFigures(.nl)).contains("31-10-2026"))
    }

    @Test("Tiers only move by decision kind: intensify up, fade down")
    func tiers() {
        #expect(DecisionKind.intensify.allowedTiers(from: .one) == [.two, .three])
        #expect(DecisionKind.fade.allowedTiers(from: .three) == [.one, .two])
        #expect(DecisionKind.fade.allowedTiers(from: .one) == [.one])
        #expect(DecisionKind.continue.allowedTiers(from: .two) == [.two])
        #expect(Tier.three.colour == "red" && Tier.one.colour == "green")
    }

    @Test("Access: teachers record incidents and read signals; only coordinators decide; the region and researchers see neither")
    func access() {
        #expect(AccessPolicy.allows(.teacher, .create, .incident))
        #expect(!AccessPolicy.allows(.teacher, .archive, .incident))
        #expect(AccessPolicy.allows(.coordinator, .archive, .incident))
        #expect(!AccessPolicy.allows(.leader, .create, .incident))
        #expect(AccessPolicy.allows(.leader, .read, .signal))
        #expect(AccessPolicy.allows(.coordinator, .update, .signal))
        #expect(!AccessPolicy.allows(.admin, .update, .signal), "the administrator reads signals but the team decides")
        #expect(!AccessPolicy.allows(.teacher, .update, .signal))
        for role in [Role.region, .researcher] {
            #expect(!AccessPolicy.allows(role, .read, .incident))
            #expect(!AccessPolicy.allows(role, .read, .signal))
            #expect(!AccessPolicy.allows(role, .read, .labels))
        }
        #expect(AccessPolicy.allows(.coordinator, .update, .labels))
        #expect(!AccessPolicy.allows(.teacher, .update, .labels))
    }

    @Test("Demo activity: deterministic, more incidents in VO than PO, peaks at breaks and on Mondays, a few students with many")
    func demoActivity() {
        let demo = DemoRegion.generate(seed: 2026, size: .full, schoolYear: .containing(today))
        let a = DemoActivity.generate(for: demo, today: today)
        let b = DemoActivity.generate(for: demo, today: today)
        #expect(a.incidents.map(\.id) == b.incidents.map(\.id))
        #expect(a.incidents.count > 1000)
        #expect(a.incidents.allSatisfy { $0.date <= today && DemoActivity.isSchoolDay($0.date) })
        let typeOf = Dictionary(uniqueKeysWithValues: demo.schools.map { ($0.id, $0.type) })
        let students = Dictionary(grouping: demo.students, by: { typeOf[$0.schoolID]! }).mapValues(\.count)
        let incidents = Dictionary(grouping: a.incidents, by: { typeOf[$0.schoolID]! }).mapValues(\.count)
        let perStudent = { (t: SchoolType) in Double(incidents[t] ?? 0) / Double(students[t] ?? 1) }
        #expect(perStudent(.vo) > 1.8 * perStudent(.po))
        let weekdays = Dictionary(grouping: a.incidents, by: { $0.date.weekday }).mapValues(\.count)
        #expect(weekdays[1]! > weekdays[5]!, "Mondays more than Fridays")
        let breaks = a.incidents.filter { (600...630).contains($0.minute) || (720...765).contains($0.minute) }.count
        #expect(Double(breaks) / Double(a.incidents.count) > 0.25, "a quarter or more in 75 minutes of breaks")
        var perStudentCount: [UUID: Int] = [:]
        for incident in a.incidents { for s in incident.students { perStudentCount[s.id, default: 0] += 1 } }
        let many = perStudentCount.values.filter { $0 >= 6 }.count
        #expect(many > 0 && many < demo.students.count / 10, "a few students, not many, with six or more")
        #expect(a.recognitions.count > 2 * a.incidents.count, "compliments outnumber incidents")
        let fighting = a.incidents.filter { $0.behaviour == "fighting" }
        #expect(fighting.contains { $0.students.count == 2 }, "a fight usually has two students")
    }

    @Test("The foundation's and the signals' catalogue keys do not overlap")
    func catalogueParts() {
        #expect(Set(Catalogue.foundationEntries.keys).isDisjoint(with: Catalogue.signalEntries.keys))
    }
}

@Suite("Absence import")
struct AbsenceImportTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test("A Dutch export reads: hours with a decimal comma, periods as hours, ja/nee, reason codes, VRIJ as exemption")
    func reads() {
        let text = "Leerlingnummer;Datum;Uren;Lesuren;Geoorloofd;Reden;BSN\n100001;02-11-2026;1,5;;nee;TELAAT;123\n100002;2026-11-03;;3;ja;ZIEK;456\n100003;03-11-2026;6;;ja;VRIJSTELLING;789\n"
        let file = AbsenceImportRules.read(bytes: Array(text.utf8), today: today)
        #expect(file.problems.isEmpty)
        #expect(file.ignoredColumns == ["BSN"])
        #expect(file.rows.map(\.hours) == [1.5, 3, 6])
        #expect(file.rows[1].periods == 3)
        #expect(file.rows.map(\.authorised) == [false, true, true])
        #expect(file.rows.map(\.isExempt) == [false, false, true])
        #expect(file.rows[0].date == LocalDate(year: 2026, month: 11, day: 2))
    }

    @Test("Every problem with its line and column; nothing is kept when one row is wrong")
    func problems() {
        let text = "number,date,hours,authorised\n100001,2026-11-02,2,yes\n,2026-11-31,0,misschien\n100001,2026-11-02,2,yes\n100004,2026-12-01,13,no\n100005,2019-01-01,2,no\n"
        let file = AbsenceImportRules.read(bytes: Array(text.utf8), today: today)
        #expect(file.rows.isEmpty)
        let found = file.problems.map { "\($0.line) \($0.column ?? "-") \($0.key)" }
        #expect(found == ["3 number import_required", "3 date import_bad_date", "3 hours absence_bad_hours", "3 authorised absence_bad_authorised",
                          "4 date absence_duplicate", "5 date absence_date_future", "5 hours absence_bad_hours", "6 date absence_date_old"])
        let missing = AbsenceImportRules.read(bytes: Array("leerlingnummer;datum\n1;2026-11-02\n".utf8), today: today)
        #expect(missing.problems.map(\.key) == ["import_missing_column", "absence_missing_hours_column"])
        #expect(AbsenceImportRules.read(bytes: [], today: today).problems.map(\.key) == ["import_empty_file"])
        #expect(AbsenceImportRules.read(bytes: Array("leerlingnummer;datum;uren;geoorloofd\n".utf8), today: today).problems.map(\.key) == ["absence_no_rows"])
    }

    @Test("Yes and no in Dutch and English; hours with comma or point")
    func parsing() {
        #expect(["ja", "J", "yes", "1", "true", "Geoorloofd"].allSatisfy { AbsenceImportRules.parseAuthorised($0) == true })
        #expect(["nee", "n", "No", "0", "false", "ongeoorloofd"].allSatisfy { AbsenceImportRules.parseAuthorised($0) == false })
        #expect(AbsenceImportRules.parseAuthorised("misschien") == nil)
        #expect(AbsenceImportRules.parseHours("1,5") == 1.5 && AbsenceImportRules.parseHours("0.75") == 0.75)
        #expect(AbsenceImportRules.parseHours("-2") == nil && AbsenceImportRules.parseHours("twee") == nil && AbsenceImportRules.parseHours("1e3") == nil)
        #expect(AbsenceRules.isExemption("vrij-4a") && AbsenceRules.isExemption("EXEMPT") && !AbsenceRules.isExemption("ZIEK"))
    }
}

@Suite("Pyramid of alignment")
struct PyramidTests {
    func item(_ name: String, _ tier: Tier, _ provider: Provider, _ status: InterventionStatus = .active) -> InterventionFields {
        InterventionFields(name: name, tier: tier, provider: provider, target: .group, status: status)
    }

    @Test("Counts per tier and the share with youth care count running interventions only")
    func counts() {
        let pyramid = Pyramid([item("PBS", .one, .school), item("Spreekuur", .one, .youthcare), item("CICO", .two, .school),
                               item("SoVa", .two, .joint), item("Plan", .three, .school), item("Later", .two, .joint, .planned),
                               item("Oud", .three, .joint, .stopped)])
        #expect(pyramid.tiers.map(\.count) == [2, 2, 1])
        #expect(pyramid.tiers.map(\.withYouthCare) == [1, 1, 0])
        #expect(pyramid.youthCareShare == 0.4)
        #expect(pyramid.gaps.map(\.key) == ["pyramid_gap_no_youth_care"], "Tier III has none with youth care")
        #expect(pyramid.gaps[0].arguments == ["III"])
        #expect(Pyramid([]).youthCareShare == nil)
        #expect(Pyramid([]).gaps.map(\.key) == ["pyramid_gap_empty", "pyramid_gap_empty", "pyramid_gap_empty"])
    }

    @Test("A pyramid on its head is called out: more at Tier III than Tier II")
    func topHeavy() {
        let pyramid = Pyramid([item("PBS", .one, .joint), item("CICO", .two, .joint), item("A", .three, .joint), item("B", .three, .youthcare)])
        #expect(pyramid.gaps.map(\.key) == ["pyramid_gap_top_heavy"])
        #expect(pyramid.gaps[0].arguments == ["2", "1"])
        #expect(Catalogue.text("pyramid_gap_no_youth_care", .en, ["II"]) == "No Tier II intervention delivered with youth care.")
    }

    @Test("The SVG: three bands in green, yellow and red, captions and names escaped, no script")
    func svg() {
        let pyramid = Pyramid([item("<script>alert(1)</script>", .two, .school), item("PBS & co", .one, .joint)])
        let svg = PyramidChart.svg(pyramid, title: "Piramide \"test\"", labels: [.one: "I", .two: "II", .three: "III"]) { "+\($0)" }
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<polygon").count == 4)
        #expect(svg.contains("#c8e6c9") && svg.contains("#fff3c4") && svg.contains("#ffcdd2"))
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("PBS &amp; co") && svg.contains("Piramide &quot;test&quot;"))
        let many = Pyramid((1...9).map { item("I\($0)", .one, .school) })
        let crowded = PyramidChart.svg(many, title: "t", labels: [:], maxNames: 4) { "en nog \($0)" }
        #expect(crowded.contains("en nog 5") && !crowded.contains(">I9<"))
    }

    @Test("Interventions are checked: name, tier, provider, target, status")
    func fields() {
        if case .failure(let problems) = InterventionFields.validate(name: "", tier: "4", provider: "ouders", target: "x", evidence: "", status: "done") {
            #expect(problems.map(\.field) == ["name", "tier", "provider", "target", "status"])
        } else { Issue.record("invalid intervention accepted") }
        if case .success(let f) = InterventionFields.validate(name: " CICO ", tier: "2", provider: "joint", target: "individual", evidence: "", status: "") {
            #expect(f.name == "CICO" && f.tier == .two && f.status == .active)
        } else { Issue.record("valid intervention rejected") }
    }
}

@Suite("Enrolments and point cards")
struct EnrolmentTests {
    @Test("An enrolment: goal 10–100%, review after start, one to five expectations, 1–10 periods")
    func fields() {
        if case .success(let f) = EnrolmentFields.validate(goal: "", start: "2026-11-02", review: "14-12-2026", expectations: "Respectvol\n\n Veilig \n", periods: "6") {
            #expect(f.goal == 0.8 && f.expectations == ["Respectvol", "Veilig"] && f.periods == 6)
        } else { Issue.record("valid enrolment rejected") }
        if case .failure(let p) = EnrolmentFields.validate(goal: "5", start: "2026-11-02", review: "2026-11-01", expectations: "", periods: "11") {
            #expect(p.map(\.field) == ["goal", "review_on", "expectations", "periods"])
        } else { Issue.record("invalid enrolment accepted") }
    }

    @Test("A day's card from the form: 0, 1, 2 or empty per cell; at least one rated; earned over possible")
    func card() {
        let day = LocalDate(year: 2026, month: 11, day: 23)!
        let cells = ["0,0": "2", "0,1": "1", "1,0": "", "1,1": "0"]
        if case .success(let c) = PointCard.read(date: day, expectations: 2, periods: 2, rating: { cells["\($0),\($1)"] }) {
            #expect(c.earned == 3 && c.possible == 6 && c.score == 0.5)
            #expect(c.ratings == [[2, 1], [nil, 0]])
        } else { Issue.record("valid card rejected") }
        if case .failure(let p) = PointCard.read(date: day, expectations: 1, periods: 1, rating: { _, _ in "3" }) { #expect(p[0].field == "r_0_0") }
        else { Issue.record("bad rating accepted") }
        if case .failure(let p) = PointCard.read(date: day, expectations: 1, periods: 2, rating: { _, _ in "" }) { #expect(p[0].key == "point_card_empty") }
        else { Issue.record("empty card accepted") }
    }
}
