import Fluent
import SQLKit

/// A wave's report threshold: the smallest group shown, 5 unless its researcher set it higher.
struct M0033WaveMinimumCell: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("waves").field("minimum_cell", .int, .required, .sql(.default(5))).update()
    }

    func revert(on database: Database) async throws {
        try await database.schema("waves").deleteField("minimum_cell").update()
    }
}
