import Foundation

/// SplitMix64: a small, fast generator that gives the same sequence for the
/// same seed on every platform, so the demo region is reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func uuid() -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { bytes[i] = UInt8.random(in: 0...255, using: &self) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// A research pseudonym: random, stable, carrying nothing of the person.
public enum Pseudonym {
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// Ten characters from a 32-letter alphabet: 50 random bits from one draw.
    public static func make<G: RandomNumberGenerator>(using rng: inout G) -> String {
        var bits = rng.next()
        var chars: [Character] = []
        chars.reserveCapacity(10)
        for _ in 0..<10 {
            chars.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return String(chars)
    }
}

/// A made-up region in plain values: what `samen demo` stores.
public struct DemoRegion: Sendable {
    public struct Region: Sendable { public var id: UUID; public var name: String; public var municipalities: String }
    public struct School: Sendable { public var id: UUID; public var code: String; public var name: String; public var type: SchoolType; public var city: String }
    public struct Group: Sendable { public var id: UUID; public var schoolID: UUID; public var name: String; public var level: String }
    public struct Student: Sendable {
        public var id: UUID; public var schoolID: UUID; public var groupID: UUID; public var number: String
        public var name: PersonName; public var birthDate: LocalDate; public var enrolled: LocalDate; public var pseudonym: String
    }
    public struct Guardian: Sendable { public var id: UUID; public var name: String; public var email: String; public var phone: String }
    public struct Link: Sendable { public var studentID: UUID; public var guardianID: UUID; public var relation: String }
    public struct Organisation: Sendable { public var id: UUID; public var name: String }
    /// A person with an account. `username` equal to a role's name marks a demo login.
    public struct Person: Sendable {
        public var id: UUID; public var username: String; public var name: PersonName; public var role: Role
        public var email: String; public var schoolIDs: [UUID]; public var organisationID: UUID?; public var isDemoLogin: Bool
    }
    public struct Teaching: Sendable { public var groupID: UUID; public var personID: UUID; public var isMentor: Bool }

    public var region: Region
    public var schoolYear: SchoolYearPeriod
    public var schools: [School] = []
    public var groups: [Group] = []
    public var students: [Student] = []
    public var guardians: [Guardian] = []
    public var links: [Link] = []
    public var organisation: Organisation
    public var people: [Person] = []
    public var teaching: [Teaching] = []

    public enum Size: Sendable {
        /// About 2,000 students: the demo a new user meets.
        case full
        /// Two groups per school and three students per group: enough for tests.
        case small
    }

    /// The password of every demo login.
    public static let demoPassword = "demo"

    /// Generates the region. The same seed, size and school year give the same region.
    public static func generate(seed: UInt64 = 2026, size: Size = .full, schoolYear: SchoolYearPeriod) -> DemoRegion {
        var rng = SeededGenerator(seed: seed)
        var demo = DemoRegion(
            region: Region(id: rng.uuid(), name: "Samenwerkingsverband Passend Onderwijs Veenendrecht", municipalities: "Veenendrecht, Heuvelrode, Lagedijk"),
            schoolYear: schoolYear,
            organisation: Organisation(id: rng.uuid(), name: "Jeugdhulp Veenendrecht"))

        let plans: [(code: String, name: String, type: SchoolType, city: String, groups: [String], perGroup: ClosedRange<Int>)] = [
            ("10AA", "OBS De Regenboog", .po, "Veenendrecht", ["1/2a", "1/2b", "3a", "4a", "5a", "6a", "7a", "8a"], 22...28),
            ("11BB", "CBS De Klimop", .po, "Heuvelrode", ["1/2a", "1/2b", "1/2c", "3a", "3b", "4a", "4b", "5a", "5b", "6a", "6b", "7a", "7b", "8a", "8b"], 21...27),
            ("12CC", "SO De Wegwijzer", .so, "Veenendrecht", ["Onderbouw A", "Onderbouw B", "Middenbouw A", "Middenbouw B", "Middenbouw C", "Bovenbouw A", "Bovenbouw B", "Bovenbouw C"], 10...14),
            ("13DD", "Veenendrecht College", .vo, "Veenendrecht",
             ["1A", "1B", "1C", "1D", "1E", "2A", "2B", "2C", "2D", "2E", "3V", "3H", "3K", "3B", "4V", "4H", "4K", "4B", "5V", "5H", "6V"], 24...30),
            ("14EE", "VSO Het Anker", .vso, "Lagedijk", ["Klas 1", "Klas 2", "Klas 3", "Klas 4", "Arbeid A", "Arbeid B", "Vervolg A", "Vervolg B"], 10...14),
            ("15FF", "Vakcollege Veenendrecht", .mbo, "Veenendrecht",
             ["ZW1A", "ZW1B", "ZW2A", "ZW3A", "ICT1A", "ICT2A", "ICT3A", "TECH1A", "TECH1B", "TECH2A", "TECH3A", "HOR1A", "HOR2A", "EC1A", "EC2A", "BOUW1A", "BOUW2A", "ENTREE1"], 20...28),
            ("16GG", "Daltonschool De Vlinder", .po, "Lagedijk", ["1/2a", "1/2b", "3a", "4a", "5a", "6a", "7a", "8a"], 22...28),
        ]

        let start = schoolYear.start
        var nextNumber = 100_000
        for plan in plans {
            let school = School(id: rng.uuid(), code: plan.code, name: plan.name, type: plan.type, city: plan.city)
            demo.schools.append(school)
            var groupNames = plan.groups
            // Keep the demo teacher's group 7a in the small set.
            if size == .small {
                let seventh = groupNames.first { $0 == "7a" }
                groupNames = [seventh ?? groupNames[1], groupNames[0]]
            }
            var schoolGroups: [Group] = []
            for name in groupNames {
                let group = Group(id: rng.uuid(), schoolID: school.id, name: name, level: level(of: name, type: plan.type))
                schoolGroups.append(group)
                demo.groups.append(group)
                let count = size == .small ? 3 : Int.random(in: plan.perGroup, using: &rng)
                for _ in 0..<count {
                    nextNumber += Int.random(in: 1...3, using: &rng)
                    let age = Int.random(in: ageRange(of: name, type: plan.type), using: &rng)
                    let born = LocalDate(year: start.year - age, month: Int.random(in: 1...12, using: &rng), day: Int.random(in: 1...28, using: &rng))!
                    let name = randomName(&rng)
                    let student = Student(
                        id: rng.uuid(), schoolID: school.id, groupID: group.id, number: String(nextNumber), name: name,
                        birthDate: born, enrolled: LocalDate(year: start.year - Int.random(in: 0...min(3, max(0, age - 4)), using: &rng), month: 8, day: Int.random(in: 15...31, using: &rng))!,
                        pseudonym: Pseudonym.make(using: &rng))
                    demo.students.append(student)
                    let guardianCount = Int.random(in: 0..<10, using: &rng) < 7 ? 2 : 1
                    for g in 0..<guardianCount {
                        let first = (g == 0 ? Names.women : Names.men).randomElement(using: &rng)!
                        // A quarter of the mothers carry a surname of their own, with its own particle.
                        let own = g == 0 && Int.random(in: 0..<4, using: &rng) == 0 ? Names.surnames.randomElement(using: &rng)! : nil
                        let guardianName = PersonName(first: first, particle: own?.particle ?? name.particle, last: own?.last ?? name.last)
                        let guardian = Guardian(
                            id: rng.uuid(), name: guardianName.display,
                            email: mailbox(guardianName) + "@mail.example",
                            phone: "06-" + String(Int.random(in: 10_000_000...99_999_999, using: &rng)))
                        demo.guardians.append(guardian)
                        demo.links.append(Link(studentID: student.id, guardianID: guardian.id, relation: g == 0 ? "mother" : "father"))
                    }
                }
            }
            // Staff: a leader, a care coordinator, a mentor per group and one extra teacher.
            demo.addStaff(.leader, school: school, rng: &rng)
            demo.addStaff(.coordinator, school: school, rng: &rng)
            for group in schoolGroups {
                let mentor = demo.addStaff(.teacher, school: school, rng: &rng)
                demo.teaching.append(Teaching(groupID: group.id, personID: mentor, isMentor: true))
            }
            let extra = demo.addStaff(.teacher, school: school, rng: &rng)
            for group in schoolGroups.prefix(3) { demo.teaching.append(Teaching(groupID: group.id, personID: extra, isMentor: false)) }
        }

        // The demo logins: one per role, at OBS De Regenboog where a role is tied to a school.
        let home = demo.schools[0]
        let homeGroups = demo.groups.filter { $0.schoolID == home.id }
        demo.people.append(demo.person(.admin, username: "admin", name: PersonName(first: "Anouk", last: "Verbeek"), schools: [], rng: &rng))
        demo.people.append(demo.person(.region, username: "region", name: PersonName(first: "Ruud", particle: "van", last: "Dijk"), schools: [], rng: &rng))
        demo.people.append(demo.person(.leader, username: "leader", name: PersonName(first: "Lotte", last: "Hendriks"), schools: [home.id], rng: &rng))
        demo.people.append(demo.person(.coordinator, username: "coordinator", name: PersonName(first: "Carla", particle: "de", last: "Boer"), schools: [home.id], rng: &rng))
        let teacher = demo.person(.teacher, username: "teacher", name: PersonName(first: "Thijs", particle: "van der", last: "Meer"), schools: [home.id], rng: &rng)
        demo.people.append(teacher)
        if let seventh = homeGroups.first(where: { $0.name == "7a" }) ?? homeGroups.first {
            // The demo teacher mentors 7a; the generated mentor of 7a becomes a co-teacher.
            demo.teaching = demo.teaching.map { t in
                var t = t
                if t.groupID == seventh.id && t.isMentor { t.isMentor = false }
                return t
            }
            demo.teaching.append(Teaching(groupID: seventh.id, personID: teacher.id, isMentor: true))
        }
        let linked = [demo.schools[0].id, demo.schools[2].id, demo.schools[3].id]
        var worker = demo.person(.youthworker, username: "youthworker", name: PersonName(first: "Yasmina", last: "El Idrissi"), schools: linked, rng: &rng)
        worker.organisationID = demo.organisation.id
        demo.people.append(worker)
        demo.people.append(demo.person(.researcher, username: "researcher", name: PersonName(first: "Roos", last: "Kuipers"), schools: [], rng: &rng))
        // Two more youth-care workers of the organisation, without demo logins.
        for schools in [[demo.schools[1].id, demo.schools[4].id], [demo.schools[5].id, demo.schools[6].id]] {
            var other = demo.person(.youthworker, username: "", name: randomAdultName(&rng), schools: schools, rng: &rng)
            other.username = mailbox(other.name) + ".jhv"
            other.organisationID = demo.organisation.id
            other.isDemoLogin = false
            demo.people.append(other)
        }
        return demo
    }

    @discardableResult
    mutating func addStaff(_ role: Role, school: School, rng: inout SeededGenerator) -> UUID {
        var p = person(role, username: "", name: DemoRegion.randomAdultName(&rng), schools: [school.id], rng: &rng)
        p.username = DemoRegion.mailbox(p.name) + "." + school.code.lowercased()
        p.isDemoLogin = false
        // Two staff with the same generated name at one school get a number.
        var username = p.username
        var n = 2
        while people.contains(where: { $0.username == username }) { username = p.username + String(n); n += 1 }
        p.username = username
        people.append(p)
        return p.id
    }

    func person(_ role: Role, username: String, name: PersonName, schools: [UUID], rng: inout SeededGenerator) -> Person {
        Person(id: rng.uuid(), username: username, name: name, role: role,
               email: DemoRegion.mailbox(name) + "@samen.example", schoolIDs: schools, organisationID: nil, isDemoLogin: true)
    }

    static func mailbox(_ name: PersonName) -> String {
        let raw = "\(name.first.prefix(1)).\(name.particle)\(name.last)"
        return PersonName.fold(raw).filter { $0.isLetter || $0 == "." }
    }

    static func randomName(_ rng: inout SeededGenerator) -> PersonName {
        let first = (Bool.random(using: &rng) ? Names.girls : Names.boys).randomElement(using: &rng)!
        let last = Names.surnames.randomElement(using: &rng)!
        return PersonName(first: first, particle: last.particle, last: last.last)
    }

    static func randomAdultName(_ rng: inout SeededGenerator) -> PersonName {
        let first = (Bool.random(using: &rng) ? Names.women : Names.men).randomElement(using: &rng)!
        let last = Names.surnames.randomElement(using: &rng)!
        return PersonName(first: first, particle: last.particle, last: last.last)
    }

    static func level(of group: String, type: SchoolType) -> String {
        switch type {
        case .po: "groep " + group.prefix { $0.isNumber || $0 == "/" }
        case .vo: "leerjaar " + group.prefix(1)
        case .mbo: "niveau " + (group.hasPrefix("ENTREE") ? "1" : "\(group.last(where: \.isNumber) ?? "2")")
        case .so, .vso: group.components(separatedBy: " ").first ?? group
        }
    }

    static func ageRange(of group: String, type: SchoolType) -> ClosedRange<Int> {
        switch type {
        case .po:
            if group.hasPrefix("1/2") { return 4...5 }
            let year = Int(group.prefix { $0.isNumber }) ?? 5
            return (year + 3)...(year + 4)
        case .so: return group.hasPrefix("Onder") ? 6...7 : group.hasPrefix("Midden") ? 8...9 : 10...12
        case .vo:
            let year = Int(group.prefix(1)) ?? 1
            return (year + 11)...(year + 12)
        case .vso: return group.hasPrefix("Klas") ? 12...15 : 15...18
        case .mbo: return 16...20
        }
    }
}

/// Made-up but Dutch-sounding names; combinations are random, so no real person is meant.
enum Names {
    static let girls = ["Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Liv", "Saar", "Anna", "Noor", "Lotte",
                        "Fenna", "Lieke", "Isa", "Jasmijn", "Fleur", "Maud", "Roos", "Esmee", "Femke", "Amira", "Aya", "Ilse", "Nina", "Lina", "Elif",
                        "Hanna", "Sanne", "Floor", "Veerle", "Britt", "Lara", "Merel", "Ize", "Nova", "Luna"]
    static let boys = ["Noah", "Sem", "Liam", "Lucas", "Daan", "Finn", "Levi", "Luuk", "Mees", "Milan", "Bram", "Sven", "Thomas", "Jesse", "Ruben",
                       "Tijn", "Jayden", "Stijn", "Gijs", "Lars", "Mohamed", "Adam", "Ayoub", "Youssef", "Thijs", "Siem", "Jens", "Niek", "Bas", "Teun",
                       "Olivier", "Dex", "Hugo", "Joep", "Floris", "Koen", "Mats", "Owen", "Rayan", "Emir"]
    static let women = ["Marieke", "Anouk", "Sandra", "Linda", "Esther", "Ingrid", "Monique", "Petra", "Karin", "Nicole", "Fatima", "Yvonne", "Judith",
                        "Mirjam", "Annemiek", "Sabine", "Hanneke", "Marloes", "Naima", "Ilse", "Wendy", "Chantal", "Eline", "Iris", "Manon"]
    static let men = ["Jeroen", "Mark", "Erik", "Martijn", "Dennis", "Sander", "Bas", "Rob", "Hans", "Peter", "Ahmed", "Marco", "Wouter", "Joost",
                      "Kees", "Gerard", "Hakan", "Remco", "Tom", "Roel", "Vincent", "Jasper", "Frank", "Stefan", "Michiel"]
    static let surnames: [(particle: String, last: String)] = [
        ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"), ("", "Janssen"), ("", "Visser"), ("", "Smit"),
        ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
        ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"),
        ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
        ("van den", "Broek"), ("de", "Bruijn"), ("de", "Jong"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
        ("", "Hoekstra"), ("", "Koster"), ("", "Prins"), ("", "Huisman"), ("", "Kuipers"), ("", "Yılmaz"), ("", "Kaya"), ("El", "Amrani"),
        ("", "Öztürk"), ("", "Bouzid"), ("", "Nguyen"), ("", "Wijaya"), ("", "Pinas"), ("", "Tahiri"), ("", "Verhoeven"), ("", "Postma"),
        ("ter", "Horst"), ("", "Veldhuis"), ("", "Zwart"), ("van", "Wijk"), ("", "Timmermans"), ("", "Gerritsen"),
    ]
}
