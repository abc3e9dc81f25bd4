import Foundation

/// What a person may do with a kind of record: read, create, update,
/// archive, export (the letters of ACCESS.md's matrix).
public enum Action: String, CaseIterable, Sendable {
    case read, create, update, archive, export
}

/// The kinds of record the directory holds, as rows of ACCESS.md's matrix.
public enum Resource: String, CaseIterable, Sendable {
    /// Schools, groups and the staff directory.
    case directory
    /// A student's identity and file (names, date of birth, guardians).
    case student
    /// Youth-care organisations and their workers.
    case organisation
    /// Accounts and roles (other people's).
    case account
    /// Incidents and positive recognitions.
    case incident
    /// A school's label lists for incidents and recognitions.
    case labels
    /// Signals raised by the decision rules, and the team's decisions on them.
    case signal
    /// Absence records and the thuiszitter register.
    case absence
    /// A school's inventory of interventions: the pyramid of alignment.
    case intervention
    /// Workshop sessions where a team puts its interventions on notes.
    case workshop
    /// Students' enrolments in Tier II and III interventions, and their point cards.
    case enrolment
    /// Screening instruments (a school's own, the region's, and the example shipped with Samen).
    case instrument
    /// Screening rounds and their ratings and scores.
    case screening
    /// Consent records of students (sharing with youth care, programmes, research).
    case consent
    /// The audit trail: who read or changed a student's file.
    case audit
    /// The school's ISF team, its meetings, decisions in them and actions.
    case team
    /// Cases and referrals with their steps and lead times.
    case cases
    /// The programme library, programme runs with their pairs and delivered meetings, and the expectations matrix.
    case programme
    /// Questionnaires of the evaluation line (instruments) and, later, their waves.
    case questionnaire
}

/// How far a person's view of students reaches.
public enum StudentScope: Sendable, Equatable {
    /// Every student (the administrator, always audited).
    case all
    /// Students of the schools the person works at.
    case ownSchools
    /// Students in the groups the person teaches or mentors.
    case ownGroups
    /// Only students of linked schools whose guardians (or who, from 16) consented to
    /// sharing with the person's organisation, or on a case assigned to them on a legal
    /// basis; only the parts consented or the basis opens.
    case consentOrCase
    /// No student-level data at all.
    case none
}

/// How far a person's view of schools and groups reaches.
public enum SchoolScope: Sendable, Equatable {
    case all
    /// The schools of the person's region.
    case ownRegion
    /// The schools the person works at or is linked to.
    case ownSchools
    case none
}

/// The access rules of ACCESS.md as plain functions, so the server and the
/// tests share one statement of them.
public enum AccessPolicy {
    /// Whether a role may take an action on a kind of record at all
    /// (403 when not). Scope (which records) is decided separately (404 outside it).
    public static func allows(_ role: Role, _ action: Action, _ resource: Resource) -> Bool {
        switch (resource, role) {
        case (.signal, .admin), (.enrolment, .admin), (.screening, .admin), (.consent, .admin), (.audit, .admin), (.cases, .admin):
            return action == .read
        case (_, .admin):
            return true
        case (.directory, .coordinator):
            return action == .read || action == .update
        case (.directory, _):
            return action == .read
        case (.student, .coordinator):
            return true
        case (.student, .leader), (.student, .teacher), (.student, .youthworker):
            return action == .read
        case (.student, _):
            return false
        case (.organisation, .region), (.organisation, .researcher):
            return false
        case (.organisation, _):
            return action == .read
        case (.account, _):
            return false
        case (.incident, .coordinator):
            return true
        case (.incident, .teacher):
            // Create in their school; update only their own drafts (checked per record).
            return action == .read || action == .create || action == .update
        case (.incident, .leader), (.incident, .youthworker):
            return action == .read
        case (.incident, _):
            return false
        case (.labels, .coordinator):
            return true
        case (.labels, .leader), (.labels, .teacher):
            return action == .read
        case (.labels, _):
            return false
        case (.signal, .coordinator):
            // Decisions are updates of a signal; signals are raised by the rules, never by hand.
            return action == .read || action == .update
        case (.signal, .leader), (.signal, .teacher), (.signal, .youthworker):
            return action == .read
        case (.signal, _):
            return false
        case (.absence, .coordinator):
            return true
        case (.absence, .leader), (.absence, .teacher), (.absence, .youthworker):
            return action == .read
        case (.absence, _):
            return false
        case (.intervention, .coordinator):
            return true
        case (.intervention, .youthworker):
            // Joint interventions only (checked per record).
            return action == .read || action == .create || action == .update
        case (.intervention, _):
            return action == .read
        case (.workshop, .coordinator):
            return true
        case (.workshop, .leader), (.workshop, .teacher), (.workshop, .youthworker):
            // Everyone in the team adds notes; the coordinator merges and closes.
            return action == .read || action == .create
        case (.workshop, _):
            return false
        case (.enrolment, .coordinator):
            return true
        case (.enrolment, .teacher), (.enrolment, .youthworker):
            // Within their own pair (checked per record); youth-care workers also need consent (issue 5).
            return action == .read || action == .create || action == .update
        case (.enrolment, .leader):
            return action == .read
        case (.enrolment, _):
            return false
        case (.instrument, .coordinator), (.instrument, .region):
            // A school's own instruments, or the region's (checked per record).
            return true
        case (.instrument, .leader), (.instrument, .teacher):
            return action == .read
        case (.instrument, _):
            return false
        case (.screening, .coordinator):
            // Rounds are started and ratings corrected, never deleted.
            return action == .read || action == .create || action == .update
        case (.screening, .teacher):
            // Rates students of their own groups and reads what they rated.
            return action == .read || action == .create || action == .update
        case (.screening, .leader), (.screening, .youthworker):
            return action == .read
        case (.screening, _):
            return false
        case (.consent, .coordinator):
            // Recorded and withdrawn, never deleted.
            return action == .read || action == .create || action == .update
        case (.consent, .leader), (.consent, .teacher), (.consent, .youthworker):
            // Teachers and youth-care workers see the status only (checked in the view).
            return action == .read
        case (.consent, _):
            return false
        case (.audit, .coordinator), (.audit, .leader):
            return action == .read
        case (.audit, _):
            return false
        case (.team, .coordinator):
            return true
        case (.team, .leader):
            return action != .archive
        case (.team, .teacher), (.team, .youthworker):
            // Members read their own team and close their own actions (checked per record).
            return action == .read || action == .update
        case (.team, _):
            return false
        case (.cases, .coordinator):
            return true
        case (.cases, .leader), (.cases, .teacher):
            return action == .read
        case (.cases, .youthworker):
            // Cases they are assigned to (checked per record): read and record steps.
            return action == .read || action == .update
        case (.cases, _):
            return false
        case (.programme, .coordinator):
            return true
        case (.programme, .leader):
            return action != .archive
        case (.programme, .teacher), (.programme, .youthworker):
            // The library, and the runs they deliver in a pair (checked per record).
            return action == .read || action == .create || action == .update
        case (.programme, .region), (.programme, .researcher):
            // The library and its guide (runs only as figures).
            return action == .read
        case (.questionnaire, .researcher):
            // Their own instruments (checked per record); the shipped ones to read and copy.
            return true
        case (.questionnaire, .region), (.questionnaire, .leader), (.questionnaire, .coordinator):
            // The instruments behind the results they read.
            return action == .read || action == .export
        case (.questionnaire, _):
            return false
        }
    }

    public static func studentScope(_ role: Role) -> StudentScope {
        switch role {
        case .admin: .all
        case .leader, .coordinator: .ownSchools
        case .teacher: .ownGroups
        case .youthworker: .consentOrCase
        case .region, .researcher: .none
        }
    }

    public static func schoolScope(_ role: Role) -> SchoolScope {
        switch role {
        case .admin: .all
        case .region: .ownRegion
        case .leader, .coordinator, .teacher, .youthworker: .ownSchools
        // A researcher sees the school types of their own waves; waves come with the evaluation issue.
        case .researcher: .none
        }
    }

    /// Whether a role sees students' names anywhere.
    public static func seesStudentNames(_ role: Role) -> Bool {
        studentScope(role) != .none
    }
}

/// The person behind a request with the records their scope reaches.
public struct Viewer: Sendable {
    public var accountID: UUID
    public var role: Role
    public var regionID: UUID?
    public var schoolIDs: Set<UUID>
    public var groupIDs: Set<UUID>
    /// For a youth-care worker: the students an active consent for sharing with
    /// their organisation opens, with the parts it opens. Read at every request,
    /// so a withdrawal takes effect at once.
    public var consented: [UUID: StudentAccess]

    public init(accountID: UUID, role: Role, regionID: UUID? = nil, schoolIDs: Set<UUID> = [], groupIDs: Set<UUID> = [],
                consented: [UUID: StudentAccess] = [:]) {
        self.accountID = accountID
        self.role = role
        self.regionID = regionID
        self.schoolIDs = schoolIDs
        self.groupIDs = groupIDs
        self.consented = consented
    }

    /// The students whose `part` a youth-care worker may read.
    public func consentedStudents(for part: ConsentPart) -> [UUID] {
        consented.filter { $0.value.parts.contains(part) }.map(\.key).sorted { $0.uuidString < $1.uuidString }
    }

    /// The parts of a student's file the viewer may read, given the student is within scope:
    /// everything for school staff, what consent opens for a youth-care worker.
    public func parts(of studentID: UUID) -> Set<ConsentPart> {
        AccessPolicy.studentScope(role) == .consentOrCase ? consented[studentID]?.parts ?? [] : Set(ConsentPart.allCases)
    }

    public func can(_ action: Action, _ resource: Resource) -> Bool {
        AccessPolicy.allows(role, action, resource)
    }

    /// Whether a student (in this school and group) lies within the viewer's scope.
    public func canSeeStudent(id: UUID, schoolID: UUID, groupID: UUID?) -> Bool {
        studentScopeTest()(id, schoolID, groupID)
    }

    /// `canSeeStudent` for many students in a row (a list): the role's scope looked up once, and a viewer of a
    /// single school compares it directly instead of hashing every student's school into a set.
    public func studentScopeTest() -> @Sendable (_ id: UUID, _ schoolID: UUID, _ groupID: UUID?) -> Bool {
        switch AccessPolicy.studentScope(role) {
        case .all:
            return { _, _, _ in true }
        case .ownSchools:
            let schools = schoolIDs
            if schools.count == 1, let only = schools.first { return { _, school, _ in school == only } }
            return { _, school, _ in schools.contains(school) }
        case .ownGroups:
            let groups = groupIDs
            return { _, _, group in group.map(groups.contains) ?? false }
        case .consentOrCase:
            let schools = schoolIDs, consented = consented
            return { id, school, _ in schools.contains(school) && consented[id] != nil }
        case .none:
            return { _, _, _ in false }
        }
    }

    /// Whether a school (in a region) lies within the viewer's scope.
    public func canSeeSchool(id: UUID, regionID schoolRegion: UUID) -> Bool {
        switch AccessPolicy.schoolScope(role) {
        case .all: true
        case .ownRegion: regionID == schoolRegion
        case .ownSchools: schoolIDs.contains(id)
        case .none: false
        }
    }
}
