import Foundation
import Synchronization

/// In-memory ``DecisionWindowStore`` for tests and the simulator. It follows the Redis script step
/// by step (turnover sums, trim, duplicate check, limits, record, expiry) so the shared conformance
/// scenarios hold for both; time is always the check's `at`, never the system clock.
public final class InMemoryDecisionWindowStore: DecisionWindowStore {
    private let portfolios = Mutex<[String: Windows]>([:])

    /// Creates an empty store.
    public init() {}

    public func check(_ checks: [WindowCheck], record: Bool) throws -> [[WindowBreach]] {
        portfolios.withLock { all in
            checks.map { check in
                var windows = all[check.portfolioID] ?? Windows()
                let breaches = Self.apply(check, record: record, to: &windows)
                all[check.portfolioID] = windows
                return breaches
            }
        }
    }

    private static func apply(_ check: WindowCheck, record: Bool, to windows: inout Windows) -> [WindowBreach] {
        let now = WindowArithmetic.milliseconds(check.at)
        if now >= windows.expiresAt { windows = Windows() }
        let stored = windows.horizon
        var registered = false
        for limit in check.limits {
            let window = window(of: limit)
            windows.horizon = max(windows.horizon, window)
            if case .turnover = limit, windows.sums[window] == nil {
                let cutoff = now - window
                var sum = RunningSum(cutoff: cutoff)
                for entry in windows.entries where entry.milliseconds > cutoff { sum.add(entry.notional) }
                windows.sums[window] = sum
                registered = true
            }
        }
        for window in Array(windows.sums.keys) { windows.advance(window, to: now - window) }
        windows.trim(upTo: now - windows.horizon)
        let expiry = now + windows.horizon + WindowArithmetic.expiryMarginMilliseconds
        if windows.horizon > stored || registered { windows.expiresAt = expiry }
        if windows.members.contains(WindowArithmetic.member(check.decisionID, 0)) { return [] }

        var breaches: [WindowBreach] = []
        for limit in check.limits {
            let from = now - window(of: limit)
            switch limit {
            case .orderCount(_, let maximum, _):
                let observed = windows.entries.reduce(0) { $1.milliseconds > from ? $0 + 1 : $0 } + check.orders.count
                if observed > maximum { breaches.append(WindowBreach(limit: limit, observed: Double(observed))) }
            case .turnover(_, let maximum, _):
                var total = windows.sums[window(of: limit)]?.sum ?? 0
                for order in check.orders { total += order.notional }
                if WindowArithmetic.exceeds(total, WindowArithmetic.turnoverMaximum(maximum)) {
                    breaches.append(WindowBreach(limit: limit, observed: total))
                }
            case .washTrade:
                var seen = Set<String>()
                for order in check.orders where !seen.contains(order.symbol) {
                    let opposite = WindowArithmetic.sideField(order.side == .buy ? .sell : .buy, order.symbol)
                    guard let last = windows.sides[opposite], last > from else { continue }
                    seen.insert(order.symbol)
                    breaches.append(WindowBreach(limit: limit, observed: Double(max(0, now - last)) / 1000, symbol: order.symbol))
                }
            }
        }
        let blocking = breaches.contains { !check.advisoryPolicies.contains($0.limit.policy) }
        guard record, !blocking else { return breaches }
        for (index, order) in check.orders.enumerated() {
            windows.record(Entry(member: WindowArithmetic.member(check.decisionID, index), milliseconds: now, notional: order.notional),
                           side: WindowArithmetic.sideField(order.side, order.symbol))
        }
        windows.expiresAt = expiry
        return breaches
    }

    private static func window(of limit: WindowLimit) -> Int64 {
        switch limit {
        case .orderCount(_, _, let window), .turnover(_, _, let window), .washTrade(_, let window):
            WindowArithmetic.windowMilliseconds(window)
        }
    }
}
