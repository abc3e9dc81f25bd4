import Foundation

/// A year and a bit of school life for the demo region: incidents and
/// compliments with the patterns schools see (more in VO and VSO, peaks at
/// breaks and on Mondays, a few students with many incidents and most with
/// none), from the start of last school year up to today. Deterministic
/// from the seed and today's date.
public struct DemoActivity: Sendable {
    public struct Incident: Sendable {
        public var id: UUID
        public var schoolID: UUID
        public var date: LocalDate
        public var minute: Int
        public var behaviour: String
        public var location: String
        public var motivation: String?
        public var action: String?
        public var managedBy: ManagedBy
        public var others: OthersInvolved
        public var note: String
        public var status: IncidentStatus
        public var reporterID: UUID
        public var students: [(id: UUID, role: IncidentRole)]
    }

    public struct Recognition: Sendable {
        public var schoolID: UUID
        public var studentID: UUID
        public var date: LocalDate
        public var minute: Int
        public var expectation: String
        public var staffID: UUID
        public var note: String
    }

    public struct Absence: Sendable {
        public var schoolID: UUID
        public var studentID: UUID
        public var date: LocalDate
        public var hours: Double
        public var authorised: Bool
        public var reason: String
    }

    public var incidents: [Incident] = []
    public var recognitions: [Recognition] = []
    public var absences: [Absence] = []
    public var interventions: [(schoolID: UUID, fields: InterventionFields)] = []

    /// Whether the demo schools are open on a date: weekdays outside the
    /// usual Dutch holidays (summer, autumn, Christmas, spring, May).
    public static func isSchoolDay(_ date: LocalDate) -> Bool {
        guard date.weekday <= 5 else { return false }
        let md = date.month * 100 + date.day
        if md >= 711 && md <= 823 { return false }        // summer
        if md >= 1019 && md <= 1025 { return false }      // autumn
        if md >= 1221 || md <= 104 { return false }       // Christmas
        if md >= 216 && md <= 222 { return false }        // spring
        if md >= 427 && md <= 505 { return false }        // May
        return true
    }

    /// The demo's breaks of a school year as holiday periods (the same days
    /// `isSchoolDay` leaves out), with the public holidays.
    public static func holidays(_ year: SchoolYearPeriod) -> [HolidayPeriod] {
        let y1 = year.startYear, y2 = year.startYear + 1
        func d(_ y: Int, _ m: Int, _ day: Int) -> LocalDate { LocalDate(year: y, month: m, day: day)! }
        return [
            HolidayPeriod(name: "Zomervakantie", from: d(y1, 8, 1), through: d(y1, 8, 23)),
            HolidayPeriod(name: "Herfstvakantie", from: d(y1, 10, 19), through: d(y1, 10, 25)),
            HolidayPeriod(name: "Kerstvakantie", from: d(y1, 12, 21), through: d(y2, 1, 4)),
            HolidayPeriod(name: "Voorjaarsvakantie", from: d(y2, 2, 16), through: d(y2, 2, 22)),
            HolidayPeriod(name: "Meivakantie", from: d(y2, 4, 27), through: d(y2, 5, 5)),
            HolidayPeriod(name: "Zomervakantie", from: d(y2, 7, 11), through: d(y2, 7, 31)),
        ] + DutchHolidays.publicHolidays(year).filter { p in
            // Those outside the breaks.
            isSchoolDay(p.from)
        }
    }

    /// Incidents per student per school year, on average, by school type.
    static func rate(_ type: SchoolType) -> Double {
        switch type {
        case .po: 0.5
        case .so: 1.2
        case .vo: 1.4
        case .vso: 1.8
        case .mbo: 0.7
        }
    }

    public static func generate(for demo: DemoRegion, today: LocalDate, seed: UInt64 = 2026) -> DemoActivity {
        var rng = SeededGenerator(seed: seed &+ 77)
        var activity = DemoActivity()
        let current = SchoolYearPeriod.containing(today)
        let previous = SchoolYearPeriod(startYear: current.startYear - 1)
        // School days per period, up to today.
        func days(_ year: SchoolYearPeriod) -> [LocalDate] {
            var list: [LocalDate] = []
            var day = year.start
            while day <= min(year.end, today) {
                if isSchoolDay(day) { list.append(day) }
                day = day.adding(days: 1)
            }
            return list
        }
        let periods = [days(previous), days(current)]
        let typeOf = Dictionary(uniqueKeysWithValues: demo.schools.map { ($0.id, $0.type) })
        let mentorOf = Dictionary(demo.teaching.filter(\.isMentor).map { ($0.groupID, $0.personID) }, uniquingKeysWith: { a, _ in a })
        var staffOf: [UUID: [UUID]] = [:]
        var coordinatorOf: [UUID: UUID] = [:]
        for person in demo.people {
            for school in person.schoolIDs {
                if person.role == .teacher { staffOf[school, default: []].append(person.id) }
                if person.role == .coordinator, coordinatorOf[school] == nil || person.isDemoLogin { coordinatorOf[school] = person.id }
            }
        }
        let studentsBySchool = Dictionary(grouping: demo.students, by: \.schoolID)

        for student in demo.students {
            let type = typeOf[student.schoolID] ?? .po
            let u = Double.random(in: 0..<1, using: &rng)
            // Most students rarely, some sometimes, a few often: the triangle schools know.
            let weight = u < 0.70 ? 0.25 : u < 0.90 ? 1.6 : u < 0.98 ? 4.0 : 10.0
            let reporter = mentorOf[student.groupID] ?? staffOf[student.schoolID]?.first
            guard let reporter else { continue }
            for dates in periods where !dates.isEmpty {
                let eligible = dates.filter { $0 >= student.enrolled }
                guard !eligible.isEmpty else { continue }
                let share = Double(dates.count) / 190
                let n = poisson(rate(type) * weight * share, &rng)
                for _ in 0..<n {
                    let date = pickDay(eligible, &rng)
                    let (minute, inBreak) = pickMinute(type, weekday: date.weekday, &rng)
                    let behaviour = pick(behaviours, &rng)
                    let major = ["aggression", "fighting", "bullying", "damage", "theft"].contains(behaviour)
                    var students: [(UUID, IncidentRole)] = [(student.id, .involved)]
                    if behaviour == "fighting" || behaviour == "bullying", let other = studentsBySchool[student.schoolID]?
                        .filter({ $0.groupID == student.groupID && $0.id != student.id }).randomElement(using: &rng) {
                        students.append((other.id, behaviour == "bullying" ? .target : .involved))
                    }
                    let recent = today.dayNumber - date.dayNumber < 7
                    let r = Double.random(in: 0..<1, using: &rng)
                    let status: IncidentStatus = recent ? (r < 0.3 ? .review : r < 0.4 ? .draft : .complete) : .complete
                    activity.incidents.append(Incident(
                        id: rng.uuid(), schoolID: student.schoolID, date: date, minute: minute, behaviour: behaviour,
                        location: inBreak ? pick(type == .po || type == .so ? breakPlacesPO : breakPlaces, &rng) : pick(lessonPlaces, &rng),
                        motivation: Double.random(in: 0..<1, using: &rng) < 0.8 ? pick(motivations, &rng) : nil,
                        action: major ? pick(["sent_out", "parents", "restorative", "suspension"], &rng) : pick(minorActions, &rng),
                        managedBy: major ? .office : .staff,
                        others: inBreak ? .peers : pick([OthersInvolved.none, .none, .peers, .teacher], &rng),
                        note: Double.random(in: 0..<1, using: &rng) < 0.35 ? notes[behaviour].map { pick($0, &rng) } ?? "" : "",
                        status: status,
                        reporterID: major ? (coordinatorOf[student.schoolID] ?? reporter) : reporter,
                        students: students))
                }
                // Compliments: about three for every incident, school-wide, so the ratio shows.
                let praise = poisson((type == .po ? 3.0 : 2.0) * share, &rng)
                for _ in 0..<praise {
                    let date = pickDay(eligible, &rng)
                    activity.recognitions.append(Recognition(
                        schoolID: student.schoolID, studentID: student.id, date: date, minute: pickMinute(type, weekday: date.weekday, &rng).0,
                        expectation: pick(["respectful", "responsible", "safe", "helpful"], &rng), staffID: reporter,
                        note: Double.random(in: 0..<1, using: &rng) < 0.3 ? pick(praiseNotes, &rng) : ""))
                }
            }
        }
        activity.incidents.sort { ($0.date, $0.minute) < ($1.date, $1.minute) }
        activity.addAbsence(demo, periods: periods, typeOf: typeOf, today: today, rng: &rng)
        activity.addInterventions(demo, rng: &rng)
        return activity
    }

    /// Illness (authorised, a day or three), appointments, some truancy in
    /// secondary schools (a few students pass 16 hours in four weeks), and a
    /// few thuiszitters: one at the demo coordinator's school, one in SO and
    /// one in VSO, each away every school day for the last six weeks. One more
    /// student is away as long but with an exemption: no thuiszitter.
    mutating func addAbsence(_ demo: DemoRegion, periods: [[LocalDate]], typeOf: [UUID: SchoolType], today: LocalDate,
                             rng: inout SeededGenerator) {
        let year = SchoolYearPeriod.containing(today)
        let dayHours = { (type: SchoolType) -> Double in type == .po || type == .so ? 5.5 : 6 }
        for student in demo.students {
            let type = typeOf[student.schoolID] ?? .po
            for dates in periods where !dates.isEmpty {
                let eligible = dates.filter { $0 >= student.enrolled }
                guard !eligible.isEmpty else { continue }
                let share = Double(dates.count) / 190
                for _ in 0..<DemoActivity.poisson(2.2 * share, &rng) {
                    let start = eligible.randomElement(using: &rng)!
                    let length = Int.random(in: 1...3, using: &rng)
                    for day in eligible.filter({ $0 >= start }).prefix(length) {
                        absences.append(Absence(schoolID: student.schoolID, studentID: student.id, date: day, hours: dayHours(type), authorised: true, reason: "ZIEK"))
                    }
                }
                for _ in 0..<DemoActivity.poisson(1.0 * share, &rng) {
                    absences.append(Absence(schoolID: student.schoolID, studentID: student.id, date: eligible.randomElement(using: &rng)!,
                                            hours: 2, authorised: true, reason: "ARTS"))
                }
                if [.vo, .mbo, .vso].contains(type), Double.random(in: 0..<1, using: &rng) < 0.15 {
                    for _ in 0..<DemoActivity.poisson(4 * share, &rng) {
                        absences.append(Absence(schoolID: student.schoolID, studentID: student.id, date: eligible.randomElement(using: &rng)!,
                                                hours: Double(Int.random(in: 1...2, using: &rng)), authorised: false,
                                                reason: Bool.random(using: &rng) ? "SPIJBEL" : "TELAAT"))
                    }
                }
            }
        }
        // A few students cross the DUO threshold this school year: four afternoons of 4 hours within three weeks.
        let current = periods.last ?? []
        let secondary = demo.students.filter { [.vo, .mbo].contains(typeOf[$0.schoolID] ?? .po) }
        if current.count > 20 {
            for student in secondary.shuffled(using: &rng).prefix(6) {
                let start = Int.random(in: 0..<(current.count - 15), using: &rng)
                for offset in [0, 3, 7, 12] {
                    absences.append(Absence(schoolID: student.schoolID, studentID: student.id, date: current[start + offset], hours: 4,
                                            authorised: false, reason: "SPIJBEL"))
                }
            }
        }
        // Thuiszitters: every school day of the last six weeks (30 school days), and one exempt.
        let recent = current.filter { $0 >= year.start && $0 <= today }.suffix(30)
        guard recent.count >= 20 else { return }
        func compulsory(_ s: DemoRegion.Student) -> Bool { (6..<17).contains(s.birthDate.age(on: today)) }
        var chosen: [(DemoRegion.Student, String, Bool)] = []
        if let home = demo.students.first(where: { $0.schoolID == demo.schools[0].id && compulsory($0) }) { chosen.append((home, "THUIS", false)) }
        for type in [SchoolType.so, .vso] {
            if let s = demo.students.first(where: { typeOf[$0.schoolID] == type && compulsory($0) }) { chosen.append((s, "THUIS", false)) }
        }
        if let exempt = demo.students.last(where: { typeOf[$0.schoolID] == .so && compulsory($0) }) { chosen.append((exempt, "VRIJSTELLING", true)) }
        for (student, reason, authorised) in chosen {
            let hours = dayHours(typeOf[student.schoolID] ?? .po)
            absences.removeAll { $0.studentID == student.id && recent.contains($0.date) }
            for day in recent {
                absences.append(Absence(schoolID: student.schoolID, studentID: student.id, date: day, hours: hours, authorised: authorised, reason: reason))
            }
        }
    }

    /// Each school's inventory, different per school as in the seeds: some
    /// with a full pyramid, a VO school heavy at the top, a school whose
    /// Tier II has no youth care, an SO school where everything is joint.
    mutating func addInterventions(_ demo: DemoRegion, rng: inout SeededGenerator) {
        typealias I = (String, Tier, Provider, InterventionTarget, String)
        let tierOne: [I] = [
            ("Schoolbrede gedragsverwachtingen (PBS)", .one, .school, .all, "Positive Behavior Support; effectief volgens de databank van het NJi."),
            ("Kanjertraining in alle groepen", .one, .school, .all, "Erkend als goed onderbouwd."),
            ("Complimentenkaart en beloningssysteem", .one, .school, .all, ""),
            ("Ouderavond opvoeden en grenzen", .one, .joint, .all, "Samen met de jeugdhulp georganiseerd."),
            ("Spreekuur jeugdhulp op school", .one, .youthcare, .all, ""),
            ("Rots en Water", .one, .school, .all, ""),
        ]
        let tierTwo: [I] = [
            ("Check-In/Check-Out", .two, .school, .individual, "Tier II-interventie uit PBS; dagelijkse puntenkaart met mentor."),
            ("Sociale vaardigheidstraining in kleine groepen", .two, .joint, .group, "Samen gegeven door leerkracht en jeugdhulpverlener."),
            ("Faalangstreductietraining", .two, .school, .group, ""),
            ("Respect-programma (leerkracht en jeugdhulp)", .two, .joint, .group, "Het programma uit de seeds; zes bijeenkomsten."),
            ("Huiswerkbegeleiding", .two, .school, .group, ""),
        ]
        let tierThree: [I] = [
            ("Individueel begeleidingsplan", .three, .school, .individual, ""),
            ("Ambulante begeleiding", .three, .youthcare, .individual, ""),
            ("Gezinscoach", .three, .youthcare, .individual, ""),
            ("Jeugdhulp op school (individueel traject)", .three, .joint, .individual, ""),
            ("Time-outvoorziening", .three, .school, .individual, ""),
            ("Traject met leerplicht en jeugdarts", .three, .joint, .individual, ""),
        ]
        for (n, school) in demo.schools.enumerated() {
            var chosen: [I]
            switch n % 4 {
            case 0: chosen = Array(tierOne.prefix(4)) + Array(tierTwo.prefix(4)) + Array(tierThree.prefix(3))    // full, joint at every tier
            case 1: chosen = Array(tierOne.prefix(3)) + [tierTwo[0], tierTwo[2], tierTwo[4]] + Array(tierThree.prefix(2)) // Tier II without youth care
            case 2: chosen = Array(tierOne.prefix(2)) + [tierTwo[0]] + tierThree                                   // top-heavy
            default: chosen = tierOne.map { ($0.0, $0.1, Provider.joint, $0.3, $0.4) } + tierTwo.prefix(3).map { ($0.0, $0.1, .joint, $0.3, $0.4) } + [tierThree[3]]
            }
            for item in chosen {
                let status: InterventionStatus = Double.random(in: 0..<1, using: &rng) < 0.1 ? .planned : .active
                interventions.append((school.id, InterventionFields(name: item.0, tier: item.1, provider: item.2, target: item.3, evidence: item.4, status: status)))
            }
        }
    }

    static let behaviours: [(String, Double)] = [("disruption", 30), ("defiance", 20), ("disrespect", 15), ("language", 10), ("bullying", 6),
                                                 ("aggression", 5), ("fighting", 4), ("damage", 2), ("truancy", 4), ("phone", 3), ("theft", 1)]
    static let lessonPlaces: [(String, Double)] = [("classroom", 75), ("corridor", 10), ("gym", 10), ("toilets", 3), ("online", 2)]
    static let breakPlaces: [(String, Double)] = [("canteen", 40), ("corridor", 25), ("playground", 20), ("bikes", 10), ("offsite", 5)]
    static let breakPlacesPO: [(String, Double)] = [("playground", 70), ("corridor", 15), ("toilets", 10), ("canteen", 5)]
    static let motivations: [(String, Double)] = [("peer_attention", 30), ("adult_attention", 15), ("avoid_task", 25), ("obtain_item", 10),
                                                  ("avoid_peers", 5), ("avoid_adults", 5), ("unknown", 10)]
    static let minorActions: [(String, Double)] = [("talk", 50), ("timeout", 25), ("parents", 10), ("detention", 10), ("restorative", 5)]
    static let notes: [String: [String]] = [
        "disruption": ["Liep tijdens de instructie door de klas.", "Bleef na drie aanwijzingen praten tijdens de uitleg.", "Tikte steeds op de tafel tijdens het zelfstandig werken."],
        "defiance": ["Weigerde na twee aanwijzingen aan het werk te gaan.", "Wilde de telefoon niet inleveren.", "Ging niet op de aangewezen plek zitten."],
        "disrespect": ["Reageerde brutaal op een aanwijzing.", "Lachte een medeleerling uit tijdens een presentatie."],
        "language": ["Schold een medeleerling uit bij het binnenkomen.", "Vloekte hardop na een slecht cijfer."],
        "bullying": ["Sloot een medeleerling opnieuw buiten bij het groepswerk.", "Maakte herhaaldelijk opmerkingen over het uiterlijk van een medeleerling."],
        "aggression": ["Duwde een medeleerling tegen de muur bij de kapstok.", "Gooide een stoel om toen de les begon."],
        "fighting": ["Vechtpartij op het plein na een ruzie over voetbal.", "Duwen en slaan in de rij bij de kantine."],
        "damage": ["Schreef op een tafel.", "Trapte tegen een deur, die nu klemt."],
        "truancy": ["Kwam een half uur te laat zonder reden.", "Was het laatste uur niet aanwezig."],
        "phone": ["Filmde een medeleerling zonder toestemming."],
        "theft": ["Pakte een etui van een medeleerling."],
    ]
    static let praiseNotes = ["Hielp een nieuwe leerling de weg te vinden.", "Ruimde zonder te vragen het lokaal op.", "Bleef rustig toen het in de klas onrustig werd.",
                              "Sprak een medeleerling aan op pestgedrag.", "Kwam de hele week op tijd.", "Werkte de hele les geconcentreerd door."]

    static func pick<T>(_ items: [(T, Double)], _ rng: inout SeededGenerator) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var x = Double.random(in: 0..<total, using: &rng)
        for (item, w) in items {
            if x < w { return item }
            x -= w
        }
        return items[items.count - 1].0
    }

    static func pick<T>(_ items: [T], _ rng: inout SeededGenerator) -> T { items.randomElement(using: &rng)! }

    static func poisson(_ mean: Double, _ rng: inout SeededGenerator) -> Int {
        guard mean > 0 else { return 0 }
        let limit = exp(-mean)
        var k = 0
        var p = Double.random(in: 0..<1, using: &rng)
        while p > limit && k < 200 {
            k += 1
            p *= Double.random(in: 0..<1, using: &rng)
        }
        return k
    }

    /// A school day, Mondays more often and Fridays less, as schools report.
    public static func pickDay(_ days: [LocalDate], _ rng: inout SeededGenerator) -> LocalDate {
        while true {
            let day = days.randomElement(using: &rng)!
            let weight = [1.3, 1.0, 0.9, 1.0, 0.8][day.weekday - 1]
            if Double.random(in: 0..<1.3, using: &rng) < weight { return day }
        }
    }

    /// A time of day: a third in the breaks, the rest spread over lessons
    /// (primary schools end at 14:30 and at noon on Wednesdays).
    public static func pickMinute(_ type: SchoolType, weekday: Int, _ rng: inout SeededGenerator) -> (Int, Bool) {
        if Double.random(in: 0..<1, using: &rng) < 0.33 {
            return Bool.random(using: &rng) ? (Int.random(in: 600...630, using: &rng), true) : (Int.random(in: 720...765, using: &rng), true)
        }
        let end = type == .po || type == .so ? (weekday == 3 ? 720 : 870) : 960
        var minute = Int.random(in: 510...end, using: &rng)
        if (600...630).contains(minute) || (720...765).contains(minute) { minute += 45 }
        return (min(minute, end), false)
    }
}
