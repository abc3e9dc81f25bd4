import Fluent
import Foundation
import SamenCore
import SQLKit
import Vapor

/// A school as lists show it.
struct SchoolSummary: Content, Sendable {
    var id: UUID
    var code: String
    var name: String
    var type: String
    var city: String
    var region_id: UUID
}

struct GroupSummary: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var name: String
    var level: String
    var school_year: String
    var student_count: Int
    var mentors: [String]
}

/// A student as lists show it.
struct StudentRow: Content, Sendable {
    var id: UUID
    var school_id: UUID
    var number: String
    var first_name: String
    var particle: String
    var last_name: String
    var display_name: String
    var listed_name: String
    var birth_date: String
    var group_id: UUID?
    var group: String?
    var school: String
}

struct GuardianJSON: Content, Sendable {
    var id: UUID
    var name: String
    var email: String
    var phone: String
    var relation: String
}

struct StudentDetail: Content, Sendable {
    var student: StudentRow
    var enrolled_on: String?
    var left_on: String?
    var pseudonym: String?
    var guardians: [GuardianJSON]
}

struct Page<Item: Content & Sendable>: Content, Sendable {
    var items: [Item]
    var total: Int
    var page: Int
    var per_page: Int
}

/// The directory's reads and writes, scoped to the person asking. Web
/// pages, the API and the CLI all go through here, so scope is checked once.
struct DirectoryService {
    let db: Database
    /// The app's students in memory, and the directory's version the request read with its session; without
    /// them (a command) a list reads its students afresh.
    var lists: StudentListCache? = nil
    var directoryVersion: Int64? = nil
    var sql: any SQLDatabase { db as! any SQLDatabase }

    // MARK: Schools

    func schools(for viewer: Viewer) async throws -> [SchoolSummary] {
        let query = School.query(on: db).filter(\.$archivedAt == nil).sort(\.$name)
        switch AccessPolicy.schoolScope(viewer.role) {
        case .all: break
        case .ownRegion:
            guard let region = viewer.regionID else { return [] }
            query.filter(\.$region.$id == region)
        case .ownSchools:
            guard !viewer.schoolIDs.isEmpty else { return [] }
            query.filter(\.$id ~~ Array(viewer.schoolIDs))
        case .none: return []
        }
        return try await query.all().map(summary)
    }

    func summary(_ school: School) -> SchoolSummary {
        SchoolSummary(id: school.id!, code: school.code, name: school.name, type: school.type, city: school.city, region_id: school.$region.id)
    }

    /// The school if it lies in the viewer's scope; 404 otherwise.
    func school(_ id: UUID, for viewer: Viewer) async throws -> School {
        guard let school = try await School.find(id, on: db), viewer.canSeeSchool(id: id, regionID: school.$region.id) else {
            throw SamenError.notFound
        }
        return school
    }

    func createSchool(_ fields: SchoolFields, regionID: UUID?) async throws -> School {
        try await ensureCodeFree(fields.code, except: nil)
        let region: UUID
        if let regionID, try await Region.find(regionID, on: db) != nil {
            region = regionID
        } else if regionID == nil, let only = try await Region.query(on: db).first()?.id {
            region = only
        } else {
            throw SamenError.invalid("school_bad_region", field: "region_id")
        }
        let school = School(regionID: region, code: fields.code, name: fields.name, type: fields.type, city: fields.city)
        try await db.transaction { db in
            try await school.create(on: db)
            try await currentYear(for: school.id!, on: db)
        }
        return school
    }

    func updateSchool(_ school: School, _ fields: SchoolFields) async throws {
        try await ensureCodeFree(fields.code, except: school.id)
        school.code = fields.code
        school.name = fields.name
        school.type = fields.type.rawValue
        school.city = fields.city
        try await school.save(on: db)
    }

    private func ensureCodeFree(_ code: String, except id: UUID?) async throws {
        let query = School.query(on: db).filter(\.$code == code)
        if let id { query.filter(\.$id != id) }
        if try await query.count() > 0 { throw SamenError.invalid("school_code_taken", field: "code", [code]) }
    }

    /// The school's current school year, created when missing.
    @discardableResult
    func currentYear(for schoolID: UUID, on db: Database? = nil, today: LocalDate = .today()) async throws -> SchoolYear {
        let db = db ?? self.db
        let period = SchoolYearPeriod.containing(today)
        if let year = try await SchoolYear.query(on: db).filter(\.$school.$id == schoolID).filter(\.$name == period.name).first() {
            return year
        }
        let year = SchoolYear(schoolID: schoolID, period: period)
        try await year.create(on: db)
        return year
    }

    /// Active staff linked to the schools the viewer sees, each with those schools, surname first.
    func staff(for viewer: Viewer) async throws -> [(account: Account, schoolIDs: [UUID])] {
        let schools = try await schools(for: viewer).map(\.id)
        let links = try await AccountSchool.query(on: db).filter(\.$school.$id ~~ schools)
            .with(\.$account) { $0.with(\.$organisation) }.all()
        var byAccount: [UUID: (account: Account, schoolIDs: [UUID])] = [:]
        for link in links where link.account.active {
            byAccount[link.account.id!, default: (link.account, [])].schoolIDs.append(link.$school.id)
        }
        return byAccount.values.sorted { $0.account.name.sortKey < $1.account.name.sortKey }
    }

    /// Groups and current students per school, for many schools in two grouped queries.
    func counts(ofSchools ids: [UUID]) async throws -> [UUID: (groups: Int, students: Int)] {
        guard !ids.isEmpty else { return [:] }
        var result: [UUID: (groups: Int, students: Int)] = [:]
        let groups = try await sql.select().column("school_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("school_groups").where("school_id", .in, SQLBind.group(ids)).groupBy("school_id").all()
        for row in groups { result[try row.decode(column: "school_id", as: UUID.self), default: (0, 0)].groups = try row.decode(column: "n", as: Int.self) }
        let students = try await sql.select().column("school_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("students").where("school_id", .in, SQLBind.group(ids)).where("left_on", .is, SQLLiteral.null)
            .groupBy("school_id").all()
        for row in students { result[try row.decode(column: "school_id", as: UUID.self), default: (0, 0)].students = try row.decode(column: "n", as: Int.self) }
        return result
    }

    // MARK: Groups

    /// Groups of a school with their student counts and mentors; for a
    /// teacher, their own groups are marked by the caller.
    func groups(ofSchool schoolID: UUID) async throws -> [GroupSummary] {
        let groups = try await SchoolGroup.query(on: db).filter(\.$school.$id == schoolID).with(\.$schoolYear).all()
        let counts = try await sql.select().column("group_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("students").where("school_id", .equal, SQLBind(schoolID)).where("left_on", .is, SQLLiteral.null)
            .groupBy("group_id").all()
        var countByGroup: [UUID: Int] = [:]
        for row in counts {
            if let id = try row.decode(column: "group_id", as: UUID?.self) { countByGroup[id] = try row.decode(column: "n", as: Int.self) }
        }
        let mentors = try await GroupStaff.query(on: db).filter(\.$group.$id ~~ groups.compactMap(\.id)).filter(\.$isMentor == true)
            .with(\.$account).all()
        return groups.map { group in
            GroupSummary(id: group.id!, school_id: schoolID, name: group.name, level: group.level, school_year: group.schoolYear.name,
                         student_count: countByGroup[group.id!] ?? 0,
                         mentors: mentors.filter { $0.$group.id == group.id }.map { $0.account.name.display })
        }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }

    func group(_ id: UUID, for viewer: Viewer) async throws -> SchoolGroup {
        guard let group = try await SchoolGroup.query(on: db).filter(\.$id == id).with(\.$school).with(\.$schoolYear).first(),
              viewer.canSeeSchool(id: group.$school.id, regionID: group.school.$region.id) else { throw SamenError.notFound }
        return group
    }

    func createGroup(schoolID: UUID, name: String, level: String) async throws -> SchoolGroup {
        if let key = NameRules.groupProblem(name) { throw SamenError.invalid(key, field: "name", [String(StudentImportRules.maxGroupLength)]) }
        if level.count > 40 { throw SamenError.invalid("import_too_long", field: "level", ["40"]) }
        let year = try await currentYear(for: schoolID)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if try await SchoolGroup.query(on: db).filter(\.$schoolYear.$id == year.id!).filter(\.$name == trimmed).count() > 0 {
            throw SamenError.invalid("group_name_taken", field: "name", [trimmed])
        }
        let group = SchoolGroup(schoolID: schoolID, schoolYearID: year.id!, name: trimmed, level: level.trimmingCharacters(in: .whitespaces))
        try await group.create(on: db)
        return group
    }

    /// School staff who could teach a group: active leaders, coordinators and teachers of the school.
    func groupStaffCandidates(schoolID: UUID, excluding: Set<UUID>) async throws -> [Account] {
        let ids = try await AccountSchool.query(on: db).filter(\.$school.$id == schoolID).all(\.$account.$id)
        return try await Account.query(on: db).filter(\.$id ~~ ids).filter(\.$active == true)
            .filter(\.$role ~~ [Role.teacher, .coordinator, .leader].map(\.rawValue)).all()
            .filter { !excluding.contains($0.id!) }
            .sorted { $0.name.sortKey < $1.name.sortKey }
    }

    /// Makes a staff member of the group's school its teacher or mentor.
    func assign(accountID: UUID?, to group: SchoolGroup, isMentor: Bool) async throws {
        guard let accountID,
              try await AccountSchool.query(on: db).filter(\.$account.$id == accountID).filter(\.$school.$id == group.$school.id).count() > 0,
              let account = try await Account.find(accountID, on: db), account.active,
              [Role.teacher, .coordinator, .leader].contains(account.accountRole) else {
            throw SamenError.invalid("group_bad_staff", field: "account_id")
        }
        if let existing = try await GroupStaff.query(on: db).filter(\.$group.$id == group.id!).filter(\.$account.$id == accountID).first() {
            existing.isMentor = isMentor
            try await existing.save(on: db)
        } else {
            try await GroupStaff(groupID: group.id!, accountID: accountID, isMentor: isMentor).create(on: db)
        }
    }

    // MARK: Students

    struct StudentFilter {
        var query: String?
        var schoolID: UUID?
        var groupID: UUID?
        var page: Int = 1
        var perPage: Int = 50
    }

    /// Students within the viewer's scope, surname first, 50 a page: drawn from the students held in memory
    /// (`StudentListCache`), narrowed to the scope and the filter per request (`StudentListing`).
    func students(for viewer: Viewer, filter: StudentFilter) async throws -> Page<StudentRow> {
        // Clamped, so no page number can overflow the offset.
        let page = min(max(1, filter.page), 1_000_000)
        let perPage = min(max(1, filter.perPage), 500)
        guard AccessPolicy.studentScope(viewer.role) != .none else { return Page(items: [], total: 0, page: page, per_page: perPage) }
        let version: Int64
        if let directoryVersion { version = directoryVersion } else { version = try await StudentListCache.currentVersion(on: sql) }
        let candidates = try await (lists ?? StudentListCache()).candidates(for: viewer, schoolID: filter.schoolID, version: version, on: sql)
        let found = StudentListing.page(candidates, viewer: viewer, schoolID: filter.schoolID, groupID: filter.groupID, search: filter.query,
                                        page: page, perPage: perPage)
        return Page(items: found.items.map(Self.row), total: found.total, page: page, per_page: perPage)
    }

    static func row(_ s: ListedStudent) -> StudentRow {
        StudentRow(id: s.id, school_id: s.schoolID, number: s.number, first_name: s.name.first, particle: s.name.particle,
                   last_name: s.name.last, display_name: s.display, listed_name: s.listed, birth_date: s.birthDate,
                   group_id: s.groupID, group: s.group, school: s.school)
    }

    /// The student if within the viewer's scope; 404 otherwise (outside scope a record does not exist).
    func student(_ id: UUID, for viewer: Viewer) async throws -> Student {
        guard let student = try await Student.query(on: db).filter(\.$id == id).with(\.$school).with(\.$group).first(),
              viewer.canSeeStudent(id: id, schoolID: student.$school.id, groupID: student.$group.id) else {
            throw SamenError.notFound
        }
        return student
    }

    func row(_ student: Student) -> StudentRow {
        StudentRow(id: student.id!, school_id: student.$school.id, number: student.number, first_name: student.firstName,
                   particle: student.particle, last_name: student.lastName, display_name: student.name.display, listed_name: student.name.listed,
                   birth_date: student.birthDate, group_id: student.$group.id, group: student.group?.name, school: student.school.name)
    }

    func detail(_ student: Student, for viewer: Viewer) async throws -> StudentDetail {
        // A youth-care worker's consent opens parts of the support file, not the family's contact details.
        let links = viewer.role == .youthworker ? []
            : try await StudentGuardian.query(on: db).filter(\.$student.$id == student.id!).with(\.$guardian).all()
        return StudentDetail(
            student: row(student), enrolled_on: student.enrolledOn, left_on: student.leftOn,
            pseudonym: viewer.can(.update, .student) ? student.pseudonym : nil,
            guardians: links.map { GuardianJSON(id: $0.guardian.id!, name: $0.guardian.name, email: $0.guardian.email, phone: $0.guardian.phone,
                                                relation: $0.relation) }
                .sorted { $0.name < $1.name })
    }

    /// Checks that a group belongs to the school (else the field is wrong, 400).
    func checkGroup(_ groupID: UUID?, school schoolID: UUID) async throws {
        guard let groupID else { return }
        guard let group = try await SchoolGroup.find(groupID, on: db), group.$school.id == schoolID else {
            throw SamenError.invalid("student_bad_group", field: "group_id")
        }
    }

    func createStudent(school schoolID: UUID, groupID: UUID?, fields: StudentFields) async throws -> Student {
        try await checkGroup(groupID, school: schoolID)
        if try await Student.query(on: db).filter(\.$school.$id == schoolID).filter(\.$number == fields.number).count() > 0 {
            throw SamenError.invalid("student_number_taken", field: "number", [fields.number])
        }
        let student = Student()
        student.$school.id = schoolID
        student.$group.id = groupID
        apply(fields, to: student)
        var rng = SystemRandomNumberGenerator()
        student.pseudonym = Pseudonym.make(using: &rng)
        try await student.create(on: db)
        return student
    }

    func updateStudent(_ student: Student, groupID: UUID?, fields: StudentFields) async throws {
        try await checkGroup(groupID, school: student.$school.id)
        if try await Student.query(on: db).filter(\.$school.$id == student.$school.id).filter(\.$number == fields.number)
            .filter(\.$id != student.id!).count() > 0 {
            throw SamenError.invalid("student_number_taken", field: "number", [fields.number])
        }
        student.$group.id = groupID
        apply(fields, to: student)
        try await student.save(on: db)
    }

    /// Links a new guardian to a student.
    func addGuardian(_ fields: GuardianFields, to student: Student) async throws {
        try await db.transaction { db in
            let guardian = Guardian(name: fields.name, email: fields.email, phone: fields.phone)
            try await guardian.create(on: db)
            try await StudentGuardian(studentID: student.id!, guardianID: guardian.id!, relation: fields.relation).create(on: db)
        }
    }

    /// Unlinks a guardian from a student, and forgets the guardian when no other student is linked.
    /// Removing a guardian that is not linked changes nothing.
    func removeGuardian(_ guardianID: UUID, from student: Student) async throws {
        try await db.transaction { db in
            try await StudentGuardian.query(on: db).filter(\.$student.$id == student.id!).filter(\.$guardian.$id == guardianID).delete()
            // No longer this student's guardian: their personal link to the student's page stops working.
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM guardian_links WHERE student_id = \(bind: student.id!) AND guardian_id = \(bind: guardianID)").run()
            // A guardian who gave a consent stays on record as its giver, without the link; so does one with a link to another child.
            if try await StudentGuardian.query(on: db).filter(\.$guardian.$id == guardianID).count() == 0,
               try await sql.raw("SELECT COUNT(*) AS n FROM consents WHERE guardian_id = \(bind: guardianID)").first(decodingColumn: "n", as: Int.self) == 0,
               try await sql.raw("SELECT COUNT(*) AS n FROM guardian_links WHERE guardian_id = \(bind: guardianID)").first(decodingColumn: "n", as: Int.self) == 0 {
                try await Guardian.query(on: db).filter(\.$id == guardianID).delete()
            }
        }
    }

    private func apply(_ fields: StudentFields, to student: Student) {
        student.number = fields.number
        student.setName(fields.name)
        student.birthDate = fields.birthDate.iso
        student.enrolledOn = fields.enrolled?.iso
        student.leftOn = fields.left?.iso
    }
}

extension Request {
    var directory: DirectoryService {
        DirectoryService(db: db, lists: application.studentLists, directoryVersion: currentUser?.directoryVersion)
    }
}
