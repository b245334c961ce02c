public import Foundation
import Synchronization

/// In-memory ``DecisionWindowStore`` for tests and the simulator. It follows the Redis store step
/// by step (trim, duplicate check, limits, record, expiry) so the shared conformance scenarios
/// hold for both; time is always the check's `at`, never the system clock.
public final class InMemoryDecisionWindowStore: DecisionWindowStore {
    private struct Entry {
        var member: String
        var milliseconds: Int64
        var notional: Double
    }

    private struct Windows {
        /// Recorded orders in (time, member) order — the order Redis's ZRANGEBYSCORE returns.
        var entries: [Entry] = []
        var members: Set<String> = []
        /// Latest time of each `B:<symbol>` / `S:<symbol>`.
        var sides: [String: Int64] = [:]
        /// Longest window seen; members older than it are trimmed.
        var horizon: Int64 = 0
        /// When the idle portfolio's windows vanish, like PEXPIREd keys.
        var expiresAt = Int64.max
    }

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
        let horizon = check.limits.reduce(windows.horizon) { max($0, window(of: $1)) }
        windows.horizon = horizon
        windows.expiresAt = now + horizon + WindowArithmetic.expiryMarginMilliseconds
        let cutoff = now - horizon
        let expired = windows.entries.prefix { $0.milliseconds <= cutoff }
        windows.members.subtract(expired.map(\.member))
        windows.entries.removeFirst(expired.count)
        windows.sides = windows.sides.filter { $0.value > cutoff }
        if windows.members.contains(WindowArithmetic.member(check.decisionID, 0)) { return [] }

        var breaches: [WindowBreach] = []
        for limit in check.limits {
            let from = now - window(of: limit)
            switch limit {
            case .orderCount(_, let maximum, _):
                let observed = windows.entries.reduce(0) { $1.milliseconds > from ? $0 + 1 : $0 } + check.orders.count
                if observed > maximum { breaches.append(WindowBreach(limit: limit, observed: Double(observed))) }
            case .turnover(_, let maximum, _):
                var total = 0.0
                for entry in windows.entries where entry.milliseconds > from { total += entry.notional }
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
            let member = WindowArithmetic.member(check.decisionID, index)
            windows.members.insert(member)
            insert(Entry(member: member, milliseconds: now, notional: order.notional), into: &windows.entries)
            let field = WindowArithmetic.sideField(order.side, order.symbol)
            windows.sides[field] = max(windows.sides[field] ?? now, now)
        }
        return breaches
    }

    private static func window(of limit: WindowLimit) -> Int64 {
        switch limit {
        case .orderCount(_, _, let window), .turnover(_, _, let window), .washTrade(_, let window):
            WindowArithmetic.windowMilliseconds(window)
        }
    }

    /// Keeps (time, member bytes) order, as a sorted set does; appends in the usual in-order case.
    private static func insert(_ entry: Entry, into entries: inout [Entry]) {
        let precedes = { (a: Entry, b: Entry) in
            a.milliseconds != b.milliseconds ? a.milliseconds < b.milliseconds : Array(a.member.utf8).lexicographicallyPrecedes(b.member.utf8)
        }
        if let last = entries.last, precedes(entry, last) {
            let index = entries.firstIndex { precedes(entry, $0) } ?? entries.endIndex
            entries.insert(entry, at: index)
        } else {
            entries.append(entry)
        }
    }
}
