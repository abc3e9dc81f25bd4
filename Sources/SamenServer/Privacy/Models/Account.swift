import Fluent
import Foundation
import SamenCore

/// A person who logs in. Staff, youth-care workers, region staff and
/// researchers are all accounts; the role says what they may do.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"
    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    /// Bcrypt hash; nil for an account that cannot log in until a password is set.
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Field(key: "role") var role: String
    @Field(key: "first_name") var firstName: String
    @Field(key: "particle") var particle: String
    @Field(key: "last_name") var lastName: String
    @Field(key: "email") var email: String
    @Field(key: "language") var language: String
    @Field(key: "active") var active: Bool
    @OptionalParent(key: "region_id") var region: Region?
    @OptionalParent(key: "organisation_id") var organisation: Organisation?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(id: UUID? = nil, username: String, passwordHash: String?, role: Role, name: PersonName, email: String,
         regionID: UUID? = nil, organisationID: UUID? = nil) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.firstName = name.first
        self.particle = name.particle
        self.lastName = name.last
        self.email = email
        self.language = Language.nl.rawValue
        self.active = true
        self.$region.id = regionID
        self.$organisation.id = organisationID
    }

    var accountRole: Role { Role(rawValue: role) ?? .teacher }
    var name: PersonName { PersonName(first: firstName, particle: particle, last: lastName) }
}

/// The schools a staff member works at, or a youth-care worker is linked to.
final class AccountSchool: Model, @unchecked Sendable {
    static let schema = "account_schools"
    @ID(key: .id) var id: UUID?
    @Parent(key: "account_id") var account: Account
    @Parent(key: "school_id") var school: School

    init() {}
    init(id: UUID? = nil, accountID: UUID, schoolID: UUID) {
        self.id = id
        self.$account.id = accountID
        self.$school.id = schoolID
    }
}

/// A login session (web cookie) or API token. Only the SHA-256 of the
/// token is stored, so a copy of the database does not let anyone in; kept
/// in the database so several app instances share sessions.
final class SessionRecord: Model, @unchecked Sendable {
    static let schema = "sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "account_id") var account: Account
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
    init(id: UUID? = nil, tokenHash: String, accountID: UUID, kind: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.tokenHash = tokenHash
        self.$account.id = accountID
        self.kind = kind
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A failed login, counted per user name to throttle guessing.
final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "at") var at: Date

    init() {}
    init(username: String, at: Date) {
        self.username = username
        self.at = at
    }
}
