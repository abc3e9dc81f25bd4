import Foundation
import SQLKit

/// Statements with their values written in, for the database's own shell: the benchmarks time the very SQL a
/// page runs (`samen dashboard-sql`, `samen region-sql`) against the page. Never used to run anything.
enum LiteralSQL {
    static func script(_ queries: [SQLQueryString], on sql: any SQLDatabase) -> String {
        queries.map { query in
            var serializer = SQLSerializer(database: sql)
            query.serialize(to: &serializer)
            // Placeholders are `?1`, `?2`, … (SQLite) or `$1`, … (PostgreSQL): write each value in.
            func literal(_ value: (any Encodable & Sendable)?) -> String {
                switch value {
                case let v as UUID: return "'\(v.uuidString)'"
                case let v as String: return "'" + v.replacingOccurrences(of: "'", with: "''") + "'"
                case let v as Int: return String(v)
                case let v as Bool: return v ? "TRUE" : "FALSE"
                case let v as Date: return "'" + ISO8601DateFormatter().string(from: v) + "'"
                case let v?: return "'\(v)'"
                case nil: return "NULL"
                }
            }
            var out = ""
            let chars = Array(serializer.sql)
            var i = 0, next = 0
            while i < chars.count {
                if chars[i] == "?" || chars[i] == "$" {
                    var j = i + 1
                    while j < chars.count, chars[j].isNumber { j += 1 }
                    let index = j > i + 1 ? Int(String(chars[(i + 1)..<j]))! - 1 : next
                    out += literal(index < serializer.binds.count ? serializer.binds[index] : nil)
                    next = index + 1
                    i = j
                } else {
                    out.append(chars[i])
                    i += 1
                }
            }
            return out.replacingOccurrences(of: "\n", with: " ") + ";"
        }.joined(separator: "\n") + "\n"
    }
}
