import Foundation

/// A student as the lists show them: what a list row needs, and what it is
/// ordered and searched on. A class: a list passes over every student of a
/// school on each view, and a reference is one count to keep where a copy of
/// the value kept one for each of its ten strings.
public final class ListedStudent: Sendable {
    public let id: UUID
    public let schoolID: UUID
    public let groupID: UUID?
    public let number: String
    public let name: PersonName
    /// The name as it displays ("Jan van der Berg") and as a list reads ("Berg, Jan van der"), made once.
    public let display: String
    public let listed: String
    /// `PersonName.sortKey`, as stored.
    public let sortName: String
    /// `PersonName.searchText`, as stored.
    public let searchText: String
    public let birthDate: String
    public let group: String?
    public let school: String

    public init(id: UUID, schoolID: UUID, groupID: UUID?, number: String, name: PersonName, sortName: String, searchText: String,
                birthDate: String, group: String?, school: String) {
        self.id = id
        self.schoolID = schoolID
        self.groupID = groupID
        self.number = number
        self.name = name
        self.display = name.display
        self.listed = name.listed
        self.sortName = sortName
        self.searchText = searchText
        self.birthDate = birthDate
        self.group = group
        self.school = school
    }
}

/// Which students a list shows and in what order: those within the viewer's
/// scope (the same rule that opens one student's file), narrowed by school,
/// group and search text, surname first, a page at a time.
public enum StudentListing {
    /// The order of every list: sort name (surname, first name, particle), then student number.
    public static func precedes(_ a: ListedStudent, _ b: ListedStudent) -> Bool {
        a.sortName != b.sortName ? a.sortName < b.sortName : a.number < b.number
    }

    /// What a search looks for: the typed text folded as the stored search text is, or nil for no search.
    public static func searchKey(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmed
        return trimmed.isEmpty ? nil : PersonName.fold(trimmed)
    }

    /// Whether a search key finds a student: anywhere in the names, or at the start of the student number.
    public static func finds(_ key: String, in student: ListedStudent) -> Bool {
        student.searchText.contains(key) || numberStarts(student.number, with: key)
    }

    /// Whether a student number starts with a folded key, letters of either case alike ("ab12" finds "AB123").
    static func numberStarts(_ number: String, with key: String) -> Bool {
        var digits = number.utf8.makeIterator()
        for wanted in key.utf8 {
            guard let byte = digits.next() else { return false }
            // A number beyond ASCII is folded whole, as names are.
            if byte >= 0x80 { return PersonName.fold(number).hasPrefix(key) }
            if (byte >= 65 && byte <= 90 ? byte + 32 : byte) != wanted { return false }
        }
        return true
    }

    private static func passes(_ student: ListedStudent, inScope: (UUID, UUID, UUID?) -> Bool, schoolID: UUID?, groupID: UUID?,
                               key: String?) -> Bool {
        inScope(student.id, student.schoolID, student.groupID)
            && (schoolID == nil || schoolID == student.schoolID)
            && (groupID == nil || groupID == student.groupID)
            && (key == nil || finds(key!, in: student))
    }

    /// One page of the students that pass (given in list order), and how many pass in all.
    /// A page past the last is empty; the total still counts every match.
    public static func page(_ ordered: [ListedStudent], viewer: Viewer, schoolID: UUID? = nil, groupID: UUID? = nil,
                            search: String? = nil, page: Int, perPage: Int) -> (items: [ListedStudent], total: Int) {
        let key = searchKey(search)
        let inScope = viewer.studentScopeTest()
        let first = (max(1, page) - 1) * max(1, perPage)
        var items: [ListedStudent] = []
        items.reserveCapacity(min(perPage, ordered.count))
        var total = 0
        // By index: a student is copied (and their strings retained) only when they land on the page.
        for index in ordered.indices where passes(ordered[index], inScope: inScope, schoolID: schoolID, groupID: groupID, key: key) {
            if total >= first && items.count < perPage { items.append(ordered[index]) }
            total += 1
        }
        return (items, total)
    }
}
