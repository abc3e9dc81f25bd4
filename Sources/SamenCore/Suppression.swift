/// Small-cell suppression for aggregates shown outside a school: a count
/// below the threshold shows as "< threshold" so no child can be singled
/// out. The threshold is configurable but never below 5 (ACCESS.md).
public struct Suppression: Sendable {
    public static let minimumThreshold = 5
    public let threshold: Int

    public init(threshold: Int = 10) {
        self.threshold = max(Suppression.minimumThreshold, threshold)
    }

    /// The count as text, or "< threshold" when it would single out children.
    public func display(_ count: Int) -> String {
        count < threshold ? "< \(threshold)" : String(count)
    }
}

extension Suppression {
    /// The positions of a row of counts (whose total is shown) to hide: every count from 1 below the threshold, and when
    /// that is only one, the next smallest count too, so the hidden one cannot be recovered from the total
    /// (complementary suppression). Zeros are shown: nobody is singled out by none.
    public func hidden(_ counts: [Int]) -> Set<Int> {
        var hidden = Set(counts.indices.filter { counts[$0] > 0 && counts[$0] < threshold })
        if hidden.count == 1, let next = counts.indices.filter({ !hidden.contains($0) && counts[$0] > 0 }).min(by: { counts[$0] < counts[$1] }) {
            hidden.insert(next)
        }
        return hidden
    }
}
