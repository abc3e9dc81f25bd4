import Foundation

// MARK: - The audit trail (append-only, hash-chained)

/// One entry of the audit trail: who did what to which record, when, why and from where.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// 1, 2, 3, … without gaps: a missing number is a deleted entry.
    public var seq: Int
    /// Milliseconds since 1970 (UTC), so the text that is hashed is the same on every database.
    public var atMillis: Int64
    public var actorID: UUID?
    public var actor: String
    public var role: String
    /// read, create, update, withdraw, export, …
    public var action: String
    public var recordType: String
    public var recordID: String
    /// The student whose file it touches, when there is one.
    public var studentID: UUID?
    public var purpose: String
    /// The client address.
    public var client: String
    public var previousHash: String
    public var hash: String

    public init(seq: Int, atMillis: Int64, actorID: UUID?, actor: String, role: String, action: String, recordType: String, recordID: String,
                studentID: UUID?, purpose: String, client: String, previousHash: String = "", hash: String = "") {
        self.seq = seq; self.atMillis = atMillis; self.actorID = actorID; self.actor = actor; self.role = role; self.action = action
        self.recordType = recordType; self.recordID = recordID; self.studentID = studentID; self.purpose = purpose; self.client = client
        self.previousHash = previousHash; self.hash = hash
    }

    /// An entry stamped with the present moment, for the log to number and link.
    public static func now(actorID: UUID?, actor: String, role: String, action: String, recordType: String, recordID: String,
                           studentID: UUID?, purpose: String, client: String, at date: Date = Date()) -> AuditEntry {
        AuditEntry(seq: 0, atMillis: Int64((date.timeIntervalSince1970 * 1000).rounded()), actorID: actorID, actor: actor, role: role, action: action,
                   recordType: recordType, recordID: recordID, studentID: studentID, purpose: purpose, client: client)
    }

    /// The text the hash covers: every field and the previous entry's hash, one per line
    /// (a field's own line breaks are escaped so no two entries can read the same).
    public var canonicalText: String {
        [String(seq), String(atMillis), actorID?.uuidString.lowercased() ?? "", actor, role, action, recordType, recordID,
         studentID?.uuidString.lowercased() ?? "", purpose, client, previousHash]
            .map(Self.escapedLine)
            .joined(separator: "\n")
    }

    /// A field on one line: `\` as `\\`, a line break as `\n` (checked byte-wise first: an
    /// entry is hashed on every read of student data, and most fields need nothing).
    static func escapedLine(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return field }
        var out = ""
        for character in field.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// What a check of the chain found.
public enum AuditProblem: Sendable, Equatable {
    /// An entry's hash does not match its contents: it was changed.
    case changed(seq: Int)
    /// An entry does not point at the one before it.
    case brokenLink(seq: Int)
    /// Sequence numbers jump: entries between were deleted.
    case missing(after: Int, before: Int)
    /// The newest entries are gone: the chain ends before the recorded head.
    case truncated(last: Int, head: Int)
}

/// The chain's rules, with the hash function given (SHA-256 in the server).
public enum AuditChain {
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Links `entries` (in order) after the entry with `previousHash` and number `previousSeq`.
    public static func link(_ entries: [AuditEntry], after previousSeq: Int, previousHash: String, hash: (String) -> String) -> [AuditEntry] {
        var seq = previousSeq, previous = previousHash
        return entries.map { entry in
            var linked = entry
            seq += 1
            linked.seq = seq
            linked.previousHash = previous
            linked.hash = hash(linked.canonicalText)
            previous = linked.hash
            return linked
        }
    }

    /// Checks entries in order of `seq` against each other and against the
    /// head (the last number the log recorded). Empty when the chain is whole.
    public static func verify(_ entries: [AuditEntry], headSeq: Int, hash: (String) -> String) -> [AuditProblem] {
        var problems: [AuditProblem] = []
        var previousSeq = 0, previousHash = genesis
        for entry in entries {
            if entry.seq != previousSeq + 1 { problems.append(.missing(after: previousSeq, before: entry.seq)) }
            if hash(entry.canonicalText) != entry.hash { problems.append(.changed(seq: entry.seq)) }
            // After a gap the link is broken by definition; report the gap only.
            else if entry.previousHash != previousHash && entry.seq == previousSeq + 1 { problems.append(.brokenLink(seq: entry.seq)) }
            previousSeq = entry.seq
            previousHash = entry.hash
        }
        if previousSeq < headSeq { problems.append(.truncated(last: previousSeq, head: headSeq)) }
        return problems
    }
}

/// The address the audit trail records for a request. Behind a load balancer the connection comes from the
/// proxy; the client is then in `X-Forwarded-For`, which anyone can write. It is believed only from the proxies
/// named as trusted (`SAMEN_TRUSTED_PROXIES`), read from the right (each proxy appends the address it saw), and
/// the first hop that is not a trusted proxy is the client. A hop that is not an IP address stops the walk and
/// the last address known to be true is kept.
public enum ClientAddress {
    public static func resolve(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard var client = peer else { return "" }
        guard trusted.contains(client) else { return client }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard isIPAddress(hop) else { return client }
            client = hop
            if !trusted.contains(hop) { return hop }
        }
        return client
    }

    /// An IPv4 address (four numbers up to 255) or an IPv6 address (hex groups and colons, optionally ending in IPv4).
    public static func isIPAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, !text.contains(":") {
            return parts.allSatisfy { $0.count <= 3 && !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } && Int($0)! <= 255 }
        }
        guard text.contains(":"), text.count <= 45 else { return false }
        return text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } && text.split(separator: ":", omittingEmptySubsequences: false).count <= 9
    }

    /// The trusted proxies from a comma-separated list (addresses only; anything else is named as a problem).
    public static func trustedProxies(_ text: String) -> (addresses: Set<String>, invalid: [String]) {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (Set(items.filter(isIPAddress)), items.filter { !isIPAddress($0) })
    }
}
