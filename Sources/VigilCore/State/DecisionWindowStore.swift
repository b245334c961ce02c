public import Foundation

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
    /// Policies whose limits are advisory: their breaches are reported but do not stop recording.
    public var advisoryPolicies: Set<String>

    /// Creates a check.
    public init(decisionID: String, portfolioID: String, at: Date, orders: [Order], limits: [WindowLimit],
                advisoryPolicies: Set<String> = []) {
        self.decisionID = decisionID
        self.portfolioID = portfolioID
        self.at = at
        self.orders = orders
        self.limits = limits
        self.advisoryPolicies = advisoryPolicies
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

/// Sliding windows of accepted decisions, shared by every instance. Semantics (docs/windows.md):
/// - Time is the check's `at` (processing time), in whole milliseconds. A recorded order counts
///   in a window of `w` seconds while it is younger than `w`: one recorded exactly `w` ago has expired.
/// - `orderCount`: orders recorded in the window plus the decision's orders must not exceed the maximum.
/// - `turnover`: notional (quantity × price) recorded in the window plus the decision's must not
///   exceed the maximum (a relative tolerance of 1e-9 absorbs floating-point noise).
/// - `washTrade`: breached, once per symbol, when an order on the opposite side of the same symbol
///   was recorded for the portfolio within the window; `observed` is the seconds since it. Orders of
///   the same decision are not compared with each other.
/// - A decision is recorded (every order, whatever limits were checked) only when `record` is true
///   and no strict limit is breached; advisory breaches are reported and do not stop recording.
/// - Idempotent by decision: a decision already recorded returns no breaches and records nothing.
/// - Checks of one call run in order, each atomically, so later decisions see earlier ones.
public protocol DecisionWindowStore: Sendable {
    /// Checks each decision and, when `record` is true and no strict limit is breached, records it.
    /// `record: false` is the pre-trade check of request-reply and REST validation.
    func check(_ checks: [WindowCheck], record: Bool) throws -> [[WindowBreach]]
}

extension DecisionWindowStore {
    /// Checks and, when no strict limit is breached, records each decision; one result per check.
    public func checkAndRecord(_ checks: [WindowCheck]) throws -> [[WindowBreach]] {
        try check(checks, record: true)
    }
}

/// A window store answered something the engine cannot use (e.g. a reply of the wrong shape).
public struct WindowStoreError: Error, Sendable, CustomStringConvertible {
    /// What was wrong; safe to log.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// `window store error: <message>`.
    public var description: String { "window store error: \(message)" }
}
