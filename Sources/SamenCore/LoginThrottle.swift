import Foundation

/// Slows down password guessing: after `maxFailures` failed logins for one
/// user name within `window`, further attempts are refused until `window`
/// has passed since the last failure. Counted in the database, so every
/// app instance sees the same count.
public struct LoginThrottle: Sendable {
    public var maxFailures: Int
    public var window: TimeInterval

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// When login is locked given recent failure times, the moment it opens again; nil when open.
    public func lockedUntil(failures: [Date], now: Date) -> Date? {
        let recent = failures.filter { now.timeIntervalSince($0) < window }.sorted()
        guard recent.count >= maxFailures, let last = recent.last else { return nil }
        return last.addingTimeInterval(window)
    }
}

/// Rules a new password must meet, stated as the error a user sees.
public enum PasswordRule {
    public static let minimumLength = 10

    /// The catalogue key of the problem with a new password, or nil when it is acceptable.
    public static func problem(with password: String, username: String) -> String? {
        if password.count < minimumLength { return "password_too_short" }
        if password.lowercased() == username.lowercased() { return "password_same_as_username" }
        return nil
    }
}
