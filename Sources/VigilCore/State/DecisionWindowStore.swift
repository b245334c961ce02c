public import Foundation
import Synchronization

/// A windowed limit that needs state shared by every instance (Redis in service): RISK_LIMIT's
/// orders and turnover per window, REGULATORY's wash-trade window. Windows are sliding and use
/// processing time from the engine's clock.
public enum WindowLimit: Sendable, Equatable {
    /// At most `maximum` orders per portfolio within `window` seconds.
    case orderCount(policy: String, maximum: Int, window: Double)
    /// At most `maximum` traded notional per portfolio within `window` seconds.
    case turnover(policy: String, maximum: Double, window: Double)
    /// No order on the opposite side of the same symbol within `window` seconds (across decisions).
    case washTrade(policy: String, window: Double)

    /// The policy the limit belongs to.
    public var policy: String {
        switch self {
        case .orderCount(let policy, _, _), .turnover(let policy, _, _), .washTrade(let policy, _): policy
        }
    }
}

/// One decision's windowed check: its orders, the limits that apply, and when.
public struct WindowCheck: Sendable, Equatable {
    /// Idempotency key: re-checking a recorded decision returns its recorded result.
    public var decisionID: String
    /// Portfolio whose windows are checked.
    public var portfolioID: String
    /// Processing time of the check.
    public var at: Date
    /// The decision's orders.
    public var orders: [Order]
    /// Limits to check.
    public var limits: [WindowLimit]

    /// Creates a check.
    public init(decisionID: String, portfolioID: String, at: Date, orders: [Order], limits: [WindowLimit]) {
        self.decisionID = decisionID
        self.portfolioID = portfolioID
        self.at = at
        self.orders = orders
        self.limits = limits
    }
}

/// A windowed limit that the decision would break, with the numbers.
public struct WindowBreach: Sendable, Equatable {
    /// The limit.
    public var limit: WindowLimit
    /// What the window would hold with the decision (orders, notional), or for a wash trade the
    /// seconds since the opposite-side order.
    public var observed: Double
    /// For wash trades, the symbol.
    public var symbol: String?

    /// Creates a breach.
    public init(limit: WindowLimit, observed: Double, symbol: String? = nil) {
        self.limit = limit
        self.observed = observed
        self.symbol = symbol
    }
}

/// Sliding windows of accepted decisions. `checkAndRecord` is atomic per decision: if no limit is
/// breached the decision's orders are recorded, otherwise nothing is. Checks in one call are applied
/// in order, so later decisions of a batch see earlier ones.
public protocol DecisionWindowStore: Sendable {
    /// Checks and, when nothing is breached, records each decision; one result per check.
    func checkAndRecord(_ checks: [WindowCheck]) throws -> [[WindowBreach]]
}
