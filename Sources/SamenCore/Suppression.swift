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
