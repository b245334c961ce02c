public import Foundation

/// The arithmetic every ``DecisionWindowStore`` shares, so the in-memory store and the Redis script
/// agree to the millisecond and to the last bit of a turnover sum.
public enum WindowArithmetic {
    /// The longest window honoured (10 years); longer or non-finite windows are clamped to it.
    public static let longestWindowMilliseconds: Int64 = 315_360_000_000
    /// Kept beyond a window's end before idle keys expire, to absorb clock skew between hosts.
    public static let expiryMarginMilliseconds: Int64 = 1_000

    /// Epoch milliseconds of `date`, rounded down (dates outside ±10^15 ms are clamped).
    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite else { return 0 }
        return Int64(min(max(value, -1e15), 1e15))
    }

    /// A window in whole milliseconds, at least 1: a zero, negative or NaN window (which policy
    /// compilation should have refused) degenerates to 1 ms instead of trapping.
    public static func windowMilliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return seconds > 0 ? longestWindowMilliseconds : 1 }
        let value = (seconds * 1000).rounded()
        return Int64(min(max(value, 1), Double(longestWindowMilliseconds)))
    }

    /// A turnover maximum as compared: NaN counts as 0, so a broken limit fails closed; infinity
    /// becomes the largest finite number, which every store reads the same way.
    public static func turnoverMaximum(_ value: Double) -> Double {
        value.isNaN ? 0 : min(value, .greatestFiniteMagnitude)
    }

    /// The recorded member of a decision's order: `<decision_id>#<index>`.
    public static func member(_ decisionID: String, _ index: Int) -> String {
        "\(decisionID)#\(index)"
    }

    /// The side-index field of an order: `B:<symbol>` or `S:<symbol>`.
    public static func sideField(_ side: OrderSide, _ symbol: String) -> String {
        (side == .buy ? "B:" : "S:") + symbol
    }

    /// Whether a turnover total is over its maximum, ignoring floating-point noise. The Redis
    /// script evaluates the same expression.
    public static func exceeds(_ value: Double, _ maximum: Double) -> Bool {
        value > maximum + max(abs(maximum), 1) * 1e-9
    }
}
