/// The roles a Samen account can have. See `shared/domain/ACCESS.md`.
///
/// The raw value is what is stored in the database and used as the demo
/// account's user name, so it never changes.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin
    case region
    case leader
    case coordinator
    case teacher
    case youthworker
    case researcher

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Roles that belong to one or more schools as staff.
    public var isSchoolStaff: Bool {
        switch self {
        case .leader, .coordinator, .teacher: true
        default: false
        }
    }
}

/// The Dutch school types (DOMAIN.md §8).
public enum SchoolType: String, CaseIterable, Codable, Sendable {
    case po = "PO"
    case so = "SO"
    case vo = "VO"
    case vso = "VSO"
    case mbo = "MBO"
}
