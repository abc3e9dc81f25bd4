import Foundation
@testable import SamenCore
import Testing

@Suite("Dates")
struct DateTests {
    @Test("Dutch and ISO date forms parse; impossible dates do not", arguments: [
        ("22-11-2026", "2026-11-22"), ("1-2-2016", "2016-02-01"), ("01/02/2016", "2016-02-01"), ("01.02.2016", "2016-02-01"),
        ("2016-02-29", "2016-02-29"), ("29-02-2015", nil), ("31-04-2016", nil), ("2016-13-01", nil), ("gisteren", nil), ("12-12-16", nil), ("", nil),
    ] as [(String, String?)])
    func parse(text: String, iso: String?) {
        #expect(LocalDate.parse(text)?.iso == iso)
    }

    @Test("Age counts whole years up to the birthday")
    func age() {
        let born = LocalDate(year: 2016, month: 3, day: 14)!
        #expect(born.age(on: LocalDate(year: 2026, month: 3, day: 13)!) == 9)
        #expect(born.age(on: LocalDate(year: 2026, month: 3, day: 14)!) == 10)
    }

    @Test("A school year runs from 1 August to 31 July")
    func schoolYear() {
        #expect(SchoolYearPeriod.containing(LocalDate(year: 2026, month: 11, day: 22)!).name == "2026-2027")
        #expect(SchoolYearPeriod.containing(LocalDate(year: 2027, month: 7, day: 31)!).name == "2026-2027")
        #expect(SchoolYearPeriod.containing(LocalDate(year: 2027, month: 8, day: 1)!).name == "2027-2028")
    }

    @Test("Dates display as 22-11-2026 in Dutch and 22 Nov 2026 in English")
    func display() {
        let date = LocalDate(year: 2026, month: 11, day: 22)!
        #expect(date.display(.nl) == "22-11-2026")
        #expect(date.display(.en) == "22 Nov 2026")
        #expect(Language.nl.decimal(3.82, digits: 2) == "3,82")
        #expect(Language.en.decimal(3.82, digits: 2) == "3.82")
    }
}

@Suite("Names")
struct NameTests {
    @Test("A Dutch name displays with its particle and sorts on the surname without it")
    func particle() {
        let jan = PersonName(first: "Jan", particle: "van der", last: "Berg")
        #expect(jan.display == "Jan van der Berg")
        #expect(jan.listed == "Berg, Jan van der")
        let anna = PersonName(first: "Anna", last: "Bakker")
        let piet = PersonName(first: "Piet", particle: "de", last: "Vries")
        #expect([piet, jan, anna].sorted { $0.sortKey < $1.sortKey }.map(\.last) == ["Bakker", "Berg", "Vries"])
    }

    @Test("Search text ignores case and diacritics")
    func folding() {
        let name = PersonName(first: "Zoë", last: "Öztürk")
        #expect(name.searchText.contains("zoe ozturk"))
        #expect(name.searchText.contains(PersonName.fold("ÖZTÜRK")))
        // The ASCII shortcut and Foundation's folding agree.
        for text in ["Van der BERG", "O'Brien-Smit", "jan 12", "ÉLISE"] {
            #expect(PersonName.fold(text) == text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased())
        }
    }
}

@Suite("CSV")
struct CSVTests {
    @Test("Quoted fields, doubled quotes and line breaks inside quotes keep their physical line numbers")
    func quoting() throws {
        let text = "a;b\r\n\"x;1\";\"he said \"\"hi\"\"\"\n\"two\nlines\";z\n\n4;5"
        let records = try CSVParser.parse(text)
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(records[1].fields == ["x;1", "he said \"hi\""])
        #expect(records[2].fields == ["two\nlines", "z"])
    }

    @Test("The delimiter is taken from the header line")
    func delimiter() {
        #expect(CSVParser.detectDelimiter("a;b;c\n1,2,3"[...]) == ";")
        #expect(CSVParser.detectDelimiter("a,b,c"[...]) == ",")
        #expect(CSVParser.detectDelimiter("a\tb"[...]) == "\t")
        #expect(CSVParser.detectDelimiter("\"a;b\",c"[...]) == ",")
    }

    @Test("An unclosed quote is an error naming the line it opened on")
    func unterminated() {
        #expect(throws: CSVParser.Failure.unterminatedQuote(line: 2)) { try CSVParser.parse("a,b\n\"x,y\n1,2") }
    }

    @Test("Trimming removes surrounding white space only")
    func trimming() {
        #expect("  van der \t".trimmed == "van der")
        #expect(" \n ".trimmed == "")
        #expect("Jan".trimmed == "Jan")
        #expect("\u{00A0}Zoë ".trimmed == "Zoë")
    }

    @Test("UTF-8 with a BOM and Windows-1252 both decode")
    func encodings() {
        #expect(TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("Zoë".utf8)) == ("Zoë", .utf8))
        let cp = TextDecoding.decode([0x5A, 0x6F, 0xEB, 0x20, 0x80])
        #expect(cp.text == "Zoë €")
        #expect(cp.encoding == .windows1252)
    }
}

@Suite("Student import rules")
struct StudentImportTests {
    let today = LocalDate(year: 2026, month: 11, day: 22)!

    func read(_ text: String) -> StudentImportFile { StudentImportRules.read(bytes: Array(text.utf8), today: today) }

    @Test("Dutch and English headers are recognised in any order and spelling")
    func headers() {
        #expect(StudentColumn.match("Leerlingnummer") == .number)
        #expect(StudentColumn.match("student_number") == .number)
        #expect(StudentColumn.match(" Date of Birth ") == .birthDate)
        #expect(StudentColumn.match("Verzorger 1 e-mail") == .guardian1Email)
        #expect(StudentColumn.match("Stamgroep") == .group)
        #expect(StudentColumn.match("BSN") == nil)
        let file = read("klas,achternaam,roepnaam,geboortedatum,stamnummer\n3a,Jansen,Piet,01-01-2017,12\n")
        #expect(file.problems.isEmpty)
        #expect(file.records.first?.number == "12")
        #expect(file.records.first?.group == "3a")
    }

    @Test("Every bad row is reported with its line and column; valid rows are not imported alone")
    func problems() {
        let file = read("""
        leerlingnummer;roepnaam;achternaam;geboortedatum;groep;uitschrijfdatum;inschrijfdatum;verzorger1email
        1;Anna;Bakker;01-01-2016;4a;;;
        2;;Vos;01-01-2030;4a;;;
        1;Piet;Kok;01-01-1980;4a;;;niet-een-adres
        3;Sem;Bos;01-01-2016;4a;01-08-2020;01-08-2021;
        """)
        let found = Set(file.problems.map { "\($0.line):\($0.column ?? "-"):\($0.key)" })
        #expect(found == ["3:roepnaam:import_required", "3:geboortedatum:import_date_in_future",
                          "4:leerlingnummer:import_duplicate_number", "4:geboortedatum:import_implausible_birth",
                          "4:verzorger1email:import_bad_email", "5:uitschrijfdatum:import_left_before_enrolled"])
    }

    @Test("A file without a required column says which one to add")
    func missingColumn() {
        let file = read("leerlingnummer;roepnaam;achternaam\n1;A;B\n")
        #expect(Set(file.problems.compactMap(\.column)) == ["geboortedatum", "groep"])
        #expect(file.records.isEmpty)
    }

    @Test("BSN and other unknown columns are ignored and named")
    func ignored() {
        let file = read("leerlingnummer;roepnaam;achternaam;geboortedatum;groep;BSN;geslacht\n1;A;B;01-01-2016;3a;123456782;V\n")
        #expect(file.problems.isEmpty)
        #expect(file.ignoredColumns == ["BSN", "geslacht"])
    }

    @Test("Empty files and header-only files are explained")
    func empty() {
        #expect(read("").problems.map(\.key) == ["import_empty_file"])
        #expect(read("leerlingnummer;roepnaam;achternaam;geboortedatum;groep\n").problems.map(\.key) == ["import_no_rows"])
    }
}

@Suite("Directory rules")
struct DirectoryRuleTests {
    @Test("School codes are BRIN-like: two digits and two letters, optionally a location number", arguments: [
        ("10AA", true), ("10aa", false), ("1AAA", false), ("10AA01", true), ("10A", false), ("10A1", true), ("XXXX", false),
    ])
    func schoolCode(code: String, valid: Bool) {
        #expect(SchoolFields.isValidCode(code) == valid)
    }

    @Test("A school's fields are checked and normalised")
    func school() {
        guard case .success(let fields) = SchoolFields.validate(code: " 10aa ", name: "OBS De Regenboog", type: "po", city: "Veenendrecht") else {
            Issue.record("expected valid"); return
        }
        #expect(fields.code == "10AA")
        #expect(fields.type == .po)
        guard case .failure(let problems) = SchoolFields.validate(code: "abc", name: "", type: "HBO", city: "") else { Issue.record("expected invalid"); return }
        #expect(Set(problems.map(\.field)) == ["code", "name", "type"])
    }

    @Test("Student fields follow the import's rules")
    func student() {
        let today = LocalDate(year: 2026, month: 11, day: 22)!
        guard case .failure(let problems) = StudentFields.validate(number: "12 3", firstName: "", particle: "", lastName: "X", birthDate: "2027-01-01",
                                                                   enrolled: "nooit", left: "", today: today) else { Issue.record("expected invalid"); return }
        #expect(Set(problems.map(\.field)) == ["number", "first_name", "birth_date", "enrolled_on"])
    }

    @Test("A guardian needs a name; e-mail, phone and relation are checked when given")
    func guardian() {
        guard case .success(let fields) = GuardianFields.validate(name: " Ingrid de Vries ", email: "", phone: "+31 6 1234-5678", relation: "") else {
            Issue.record("expected valid"); return
        }
        #expect(fields.name == "Ingrid de Vries" && fields.relation == "guardian")
        guard case .failure(let problems) = GuardianFields.validate(name: "", email: "x@", phone: "bellen", relation: "buurman") else {
            Issue.record("expected invalid"); return
        }
        #expect(Set(problems.map(\.field)) == ["name", "email", "phone", "relation"])
    }

    @Test("User names and passwords have plain rules")
    func accounts() {
        #expect(NameRules.usernameProblem("j.jansen") == nil)
        #expect(NameRules.usernameProblem("J Jansen") != nil)
        #expect(PasswordRule.problem(with: "kort", username: "x") == "password_too_short")
        #expect(PasswordRule.problem(with: "jjansen1234", username: "JJansen1234") == "password_same_as_username")
        #expect(PasswordRule.problem(with: "een lange zin", username: "x") == nil)
        #expect(EmailRule.isPlausible("a@b.nl"))
        #expect(!EmailRule.isPlausible("a@b"))
        #expect(!EmailRule.isPlausible("a b@c.nl"))
    }
}

@Suite("Access")
struct AccessTests {
    let school = UUID(), otherSchool = UUID(), group = UUID(), region = UUID()

    @Test("Students: admin all, leader and coordinator own school, teacher own groups, others none")
    func studentScope() {
        func viewer(_ role: Role) -> Viewer { Viewer(accountID: UUID(), role: role, regionID: region, schoolIDs: [school], groupIDs: [group]) }
        #expect(viewer(.admin).canSeeStudent(id: UUID(), schoolID: otherSchool, groupID: nil))
        #expect(viewer(.coordinator).canSeeStudent(id: UUID(), schoolID: school, groupID: UUID()))
        #expect(!viewer(.coordinator).canSeeStudent(id: UUID(), schoolID: otherSchool, groupID: group))
        #expect(viewer(.leader).canSeeStudent(id: UUID(), schoolID: school, groupID: nil))
        #expect(viewer(.teacher).canSeeStudent(id: UUID(), schoolID: school, groupID: group))
        #expect(!viewer(.teacher).canSeeStudent(id: UUID(), schoolID: school, groupID: UUID()))
        for role in [Role.region, .researcher, .youthworker] { #expect(!viewer(role).canSeeStudent(id: UUID(), schoolID: school, groupID: group)) }
    }

    @Test("Only the administrator and the care coordinator change records; region and researcher read no student")
    func actions() {
        #expect(AccessPolicy.allows(.coordinator, .create, .student))
        #expect(AccessPolicy.allows(.coordinator, .update, .directory))
        #expect(!AccessPolicy.allows(.coordinator, .create, .directory))
        #expect(!AccessPolicy.allows(.leader, .update, .student))
        #expect(!AccessPolicy.allows(.teacher, .update, .student))
        #expect(!AccessPolicy.allows(.region, .read, .student))
        #expect(!AccessPolicy.allows(.researcher, .read, .student))
        for role in Role.allCases where role != .admin { #expect(!AccessPolicy.allows(role, .read, .account)) }
    }

    @Test("Schools: region staff see their region; others the schools they are linked to")
    func schoolScope() {
        let regionViewer = Viewer(accountID: UUID(), role: .region, regionID: region)
        #expect(regionViewer.canSeeSchool(id: otherSchool, regionID: region))
        #expect(!regionViewer.canSeeSchool(id: otherSchool, regionID: UUID()))
        let worker = Viewer(accountID: UUID(), role: .youthworker, schoolIDs: [school])
        #expect(worker.canSeeSchool(id: school, regionID: region))
        #expect(!worker.canSeeSchool(id: otherSchool, regionID: region))
    }

    @Test("Counts under the threshold show as < 10; the threshold is never below 5")
    func suppression() {
        #expect(Suppression().display(9) == "< 10")
        #expect(Suppression().display(10) == "10")
        #expect(Suppression(threshold: 2).display(4) == "< 5")
    }
}

@Suite("Login throttle")
struct ThrottleTests {
    @Test("Five failures within 15 minutes lock until 15 minutes after the last")
    func locks() {
        let throttle = LoginThrottle()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let four = (1...4).map { now.addingTimeInterval(Double(-$0 * 60)) }
        #expect(throttle.lockedUntil(failures: four, now: now) == nil)
        let five = four + [now.addingTimeInterval(-10)]
        #expect(throttle.lockedUntil(failures: five, now: now) == now.addingTimeInterval(-10 + 900))
        let old = (1...5).map { now.addingTimeInterval(Double(-1000 - $0)) }
        #expect(throttle.lockedUntil(failures: old, now: now) == nil)
    }
}

@Suite("Demo region")
struct DemoTests {
    let year = SchoolYearPeriod(startYear: 2026)

    @Test("The same seed gives the same region; another seed another one")
    func deterministic() {
        let a = DemoRegion.generate(seed: 7, schoolYear: year)
        let b = DemoRegion.generate(seed: 7, schoolYear: year)
        let c = DemoRegion.generate(seed: 8, schoolYear: year)
        #expect(a.students.map(\.id) == b.students.map(\.id))
        #expect(a.students.map(\.name) == b.students.map(\.name))
        #expect(a.students.map(\.name) != c.students.map(\.name))
    }

    @Test("About 2,000 students in at least six schools of every type, a demo login per role, unique numbers and names")
    func shape() {
        let demo = DemoRegion.generate(schoolYear: year)
        #expect((1_800...2_300).contains(demo.students.count))
        #expect(demo.schools.count >= 6)
        #expect(Set(demo.schools.map(\.type)) == Set(SchoolType.allCases))
        #expect(Set(demo.people.filter(\.isDemoLogin).map(\.username)) == Set(Role.allCases.map(\.rawValue)))
        #expect(Set(demo.people.map(\.username)).count == demo.people.count)
        #expect(Set(demo.students.map(\.pseudonym)).count == demo.students.count)
        for school in demo.schools {
            let numbers = demo.students.filter { $0.schoolID == school.id }.map(\.number)
            #expect(Set(numbers).count == numbers.count)
        }
        #expect(demo.students.allSatisfy { s in demo.links.contains { $0.studentID == s.id } })
        // Ages fit the school type: primary 4-12, vocational 16 and over.
        let po = Set(demo.schools.filter { $0.type == .po }.map(\.id))
        #expect(demo.students.filter { po.contains($0.schoolID) }.allSatisfy { (3...12).contains($0.birthDate.age(on: year.start)) })
    }

    @Test("Pseudonyms are ten letters from an alphabet without look-alikes, and do not repeat")
    func pseudonyms() {
        var rng = SeededGenerator(seed: 1)
        let made = (0..<10_000).map { _ in Pseudonym.make(using: &rng) }
        #expect(made.allSatisfy { $0.count == 10 && $0.allSatisfy { "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains($0) } })
        #expect(Set(made).count == made.count)
    }

    @Test("The demo teacher mentors group 7a of OBS De Regenboog")
    func teacher() {
        let demo = DemoRegion.generate(schoolYear: year)
        let teacher = demo.people.first { $0.username == "teacher" }!
        let mentors = demo.teaching.filter { $0.personID == teacher.id && $0.isMentor }
        #expect(mentors.count == 1)
        let group = demo.groups.first { $0.id == mentors[0].groupID }!
        #expect(group.name == "7a")
        #expect(demo.schools.first { $0.id == group.schoolID }?.name == "OBS De Regenboog")
        #expect(demo.teaching.filter { $0.groupID == group.id && $0.isMentor }.count == 1)
    }
}

@Suite("Catalogue")
struct CatalogueTests {
    @Test("Every entry has Dutch and English text with the same arguments")
    func complete() {
        for (key, entry) in Catalogue.entries {
            #expect(!entry.nl.isEmpty && !entry.en.isEmpty, "\(key)")
            for n in 1...4 { #expect(entry.nl.contains("%\(n)") == entry.en.contains("%\(n)"), "\(key) %\(n)") }
        }
    }

    @Test("Arguments fill in; an unknown key shows as itself")
    func arguments() {
        #expect(Catalogue.text("import_duplicate_number", .nl, ["12", "3"]) == "Leerlingnummer 12 staat ook al op regel 3.")
        #expect(Catalogue.text("no_such_key", .en) == "no_such_key")
        // In one pass: an argument's own "%1" stays, a tenth argument is %10, a lone % stays.
        #expect(Catalogue.fill("%2 of %1", ["%2", "b"]) == "b of %2")
        #expect(Catalogue.fill("%10 and %1", (1...10).map(String.init)) == "10 and 1")
        #expect(Catalogue.fill("%10", ["a"]) == "a0")
        #expect(Catalogue.fill("100% of %1 %", ["x"]) == "100% of x %")
    }

    @Test("Every key the code and templates use exists in the catalogue")
    func used() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        var used: Set<String> = []
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        let templateKey = try Regex(#"[(\s!]t\.([a-z0-9_]+)"#)
        // Keys as the code passes them: to the catalogue, in errors and problems, returned by rules, in menus.
        let codeKey = try Regex(#"(?:Catalogue\.text\(|say\(|invalid\(|key: |problem\([^,()]+, |return |\(\(|\? |\bt\(|AnalysisInputError\()"([a-z]+_[a-z0-9_]*[a-z0-9])""#)
        // Models and migrations name database columns, not catalogue keys.
        for case let url as URL in enumerator where ["leaf", "swift"].contains(url.pathExtension)
            && !url.path.contains("/Models/") && !url.path.contains("/Migrations/") {
            let text = try String(contentsOf: url, encoding: .utf8)
            let regex = url.pathExtension == "leaf" ? templateKey : codeKey
            for match in text.matches(of: regex) { used.insert(String(match.output[1].substring!)) }
        }
        #expect(used.count > 50)
        let missing = used.filter { Catalogue.entries[$0] == nil }.sorted()
        #expect(missing.isEmpty, "missing: \(missing)")
    }
}
