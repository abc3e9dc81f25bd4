import Foundation
@testable import SamenCore
import Testing

@Suite("Student lists: scope, search, order and pages")
struct StudentListingTests {
    static let schoolA = UUID(), schoolB = UUID()
    static let groupA1 = UUID(), groupA2 = UUID(), groupB1 = UUID()
    var schoolA: UUID { Self.schoolA }
    var schoolB: UUID { Self.schoolB }
    var groupA1: UUID { Self.groupA1 }
    var groupA2: UUID { Self.groupA2 }

    static func student(_ first: String, _ particle: String = "", _ last: String, number: String, school: UUID, group: UUID?) -> ListedStudent {
        let name = PersonName(first: first, particle: particle, last: last)
        return ListedStudent(id: UUID(), schoolID: school, groupID: group, number: number, name: name, sortName: name.sortKey,
                             searchText: name.searchText, birthDate: "2014-03-01", group: nil, school: "")
    }

    /// Made once per test: every student keeps their id.
    let students: [ListedStudent]

    init() {
        students = [
            Self.student("Jan", "van der", "Berg", number: "A100", school: Self.schoolA, group: Self.groupA1),
            Self.student("Fatima", "", "Özdemir", number: "A101", school: Self.schoolA, group: Self.groupA2),
            Self.student("Daan", "de", "Vries", number: "A102", school: Self.schoolA, group: Self.groupA1),
            Self.student("Sanne", "", "Bakker", number: "B200", school: Self.schoolB, group: Self.groupB1),
            Self.student("Noah", "", "Berg", number: "A103", school: Self.schoolA, group: nil),
        ].sorted(by: StudentListing.precedes)
    }

    func names(_ list: [ListedStudent]) -> [String] { list.map(\.name.listed) }

    @Test("A list reads surname first, ignoring the particle; the same name orders by student number")
    func order() {
        let twins = [Self.student("Jan", "", "Berg", number: "2", school: schoolA, group: nil),
                     Self.student("Jan", "", "Berg", number: "1", school: schoolA, group: nil)]
        #expect(twins.sorted(by: StudentListing.precedes).map(\.number) == ["1", "2"])
        #expect(names(students) == ["Bakker, Sanne", "Berg, Jan van der", "Berg, Noah", "Özdemir, Fatima", "Vries, Daan de"])
    }

    @Test("A coordinator sees their own school only; a leader of both schools sees both")
    func schoolScope() {
        let coordinator = Viewer(accountID: UUID(), role: .coordinator, schoolIDs: [schoolA])
        let found = StudentListing.page(students, viewer: coordinator, page: 1, perPage: 50)
        #expect(found.total == 4)
        #expect(!found.items.contains { $0.schoolID == schoolB })
        let leader = Viewer(accountID: UUID(), role: .leader, schoolIDs: [schoolA, schoolB])
        #expect(StudentListing.page(students, viewer: leader, page: 1, perPage: 50).total == 5)
        #expect(StudentListing.page(students, viewer: leader, schoolID: schoolB, page: 1, perPage: 50).total == 1)
    }

    @Test("A teacher sees the students of their own groups; a student without a group is in no teacher's list")
    func groupScope() {
        let teacher = Viewer(accountID: UUID(), role: .teacher, schoolIDs: [schoolA], groupIDs: [groupA1])
        let found = StudentListing.page(students, viewer: teacher, page: 1, perPage: 50)
        #expect(names(found.items) == ["Berg, Jan van der", "Vries, Daan de"])
        #expect(StudentListing.page(students, viewer: teacher, groupID: groupA2, page: 1, perPage: 50).total == 0)
    }

    @Test("A youth-care worker sees only students whose consent opens their file; region staff and researchers see no list")
    func consentAndNone() {
        let consented = students.first { $0.name.last == "Özdemir" }!
        let worker = Viewer(accountID: UUID(), role: .youthworker, schoolIDs: [schoolA],
                            consented: [consented.id: StudentAccess(parts: [])])
        #expect(names(StudentListing.page(students, viewer: worker, page: 1, perPage: 50).items) == ["Özdemir, Fatima"])
        for role in [Role.region, .researcher] {
            #expect(StudentListing.page(students, viewer: Viewer(accountID: UUID(), role: role, schoolIDs: [schoolA]),
                                        page: 1, perPage: 50).total == 0)
        }
    }

    @Test("Search finds any part of a name without accents or case, and the start of a student number")
    func search() {
        let admin = Viewer(accountID: UUID(), role: .admin)
        func find(_ text: String) -> [String] { names(StudentListing.page(students, viewer: admin, search: text, page: 1, perPage: 50).items) }
        #expect(find("ozdem") == ["Özdemir, Fatima"])
        #expect(find("  VAN DER berg ") == ["Berg, Jan van der"])
        #expect(find("berg") == ["Berg, Jan van der", "Berg, Noah"])
        #expect(find("a10") == ["Berg, Jan van der", "Berg, Noah", "Özdemir, Fatima", "Vries, Daan de"])
        #expect(find("100") == [])
        #expect(find("   ").count == 5)
        #expect(find("%") == [])
    }

    @Test("Pages hold perPage students in order; the total counts every match, also past the last page")
    func pages() {
        let admin = Viewer(accountID: UUID(), role: .admin)
        let second = StudentListing.page(students, viewer: admin, page: 2, perPage: 2)
        #expect(names(second.items) == ["Berg, Noah", "Özdemir, Fatima"])
        #expect(second.total == 5)
        let beyond = StudentListing.page(students, viewer: admin, page: 4, perPage: 2)
        #expect(beyond.items.isEmpty && beyond.total == 5)
    }

    @Test("A student number beyond ASCII is folded like a name")
    func foldedNumber() {
        #expect(StudentListing.numberStarts("ÉB-12", with: "eb"))
        #expect(StudentListing.numberStarts("AB123", with: "ab1"))
        #expect(!StudentListing.numberStarts("AB", with: "abc"))
    }
}
