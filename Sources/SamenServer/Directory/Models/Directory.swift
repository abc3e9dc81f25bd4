import Fluent
import Foundation
import SamenCore

/// A samenwerkingsverband: the regional partnership of school boards.
final class Region: Model, @unchecked Sendable {
    static let schema = "regions"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "municipalities") var municipalities: String

    init() {}
    init(id: UUID? = nil, name: String, municipalities: String) {
        self.id = id
        self.name = name
        self.municipalities = municipalities
    }
}

final class School: Model, @unchecked Sendable {
    static let schema = "schools"
    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    /// BRIN-like code, unique in the installation.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @Field(key: "city") var city: String
    @OptionalField(key: "archived_at") var archivedAt: Date?

    init() {}
    init(id: UUID? = nil, regionID: UUID, code: String, name: String, type: SchoolType, city: String) {
        self.id = id
        self.$region.id = regionID
        self.code = code
        self.name = name
        self.type = type.rawValue
        self.city = city
    }

    var schoolType: SchoolType { SchoolType(rawValue: type) ?? .po }
}

/// A school's school year, with the number of school days (the "per school
/// day" rates of later reports need it).
final class SchoolYear: Model, @unchecked Sendable {
    static let schema = "school_years"
    @ID(key: .id) var id: UUID?
    @Parent(key: "school_id") var school: School
    @Field(key: "name") var name: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @OptionalField(key: "school_days") var schoolDays: Int?

    init() {}
    init(id: UUID? = nil, schoolID: UUID, period: SchoolYearPeriod, schoolDays: Int? = 190) {
        self.id = id
        self.$school.id = schoolID
        self.name = period.name
        self.startsOn = period.start.iso
        self.endsOn = period.end.iso
        self.schoolDays = schoolDays
    }
}

/// A group (class) of a school in a school year: "7a", "havo 3b".
final class SchoolGroup: Model, @unchecked Sendable {
    static let schema = "school_groups"
    @ID(key: .id) var id: UUID?
    @Parent(key: "school_id") var school: School
    @Parent(key: "school_year_id") var schoolYear: SchoolYear
    @Field(key: "name") var name: String
    @Field(key: "level") var level: String

    init() {}
    init(id: UUID? = nil, schoolID: UUID, schoolYearID: UUID, name: String, level: String) {
        self.id = id
        self.$school.id = schoolID
        self.$schoolYear.id = schoolYearID
        self.name = name
        self.level = level
    }
}

/// Who teaches a group, and who is its mentor.
final class GroupStaff: Model, @unchecked Sendable {
    static let schema = "group_staff"
    @ID(key: .id) var id: UUID?
    @Parent(key: "group_id") var group: SchoolGroup
    @Parent(key: "account_id") var account: Account
    @Field(key: "is_mentor") var isMentor: Bool

    init() {}
    init(id: UUID? = nil, groupID: UUID, accountID: UUID, isMentor: Bool) {
        self.id = id
        self.$group.id = groupID
        self.$account.id = accountID
        self.isMentor = isMentor
    }
}

final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"
    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Field(key: "name") var name: String

    init() {}
    init(id: UUID? = nil, regionID: UUID, name: String) {
        self.id = id
        self.$region.id = regionID
        self.name = name
    }
}

final class Student: Model, @unchecked Sendable {
    static let schema = "students"
    @ID(key: .id) var id: UUID?
    @Parent(key: "school_id") var school: School
    @OptionalParent(key: "group_id") var group: SchoolGroup?
    @Field(key: "number") var number: String
    @Field(key: "first_name") var firstName: String
    @Field(key: "particle") var particle: String
    @Field(key: "last_name") var lastName: String
    /// Surname-first, folded: how lists order (DOMAIN.md §8b).
    @Field(key: "sort_name") var sortName: String
    /// Folded display and listed forms, for "type part of a name" search.
    @Field(key: "search_text") var searchText: String
    @Field(key: "birth_date") var birthDate: String
    @OptionalField(key: "enrolled_on") var enrolledOn: String?
    @OptionalField(key: "left_on") var leftOn: String?
    /// Random, stable, for research: carries nothing of the student.
    @Field(key: "pseudonym") var pseudonym: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var name: PersonName { PersonName(first: firstName, particle: particle, last: lastName) }

    func setName(_ name: PersonName) {
        firstName = name.first
        particle = name.particle
        lastName = name.last
        sortName = name.sortKey
        searchText = name.searchText
    }
}

final class Guardian: Model, @unchecked Sendable {
    static let schema = "guardians"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String

    init() {}
    init(id: UUID? = nil, name: String, email: String, phone: String) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
    }
}

final class StudentGuardian: Model, @unchecked Sendable {
    static let schema = "student_guardians"
    @ID(key: .id) var id: UUID?
    @Parent(key: "student_id") var student: Student
    @Parent(key: "guardian_id") var guardian: Guardian
    @Field(key: "relation") var relation: String

    init() {}
    init(id: UUID? = nil, studentID: UUID, guardianID: UUID, relation: String) {
        self.id = id
        self.$student.id = studentID
        self.$guardian.id = guardianID
        self.relation = relation
    }
}
