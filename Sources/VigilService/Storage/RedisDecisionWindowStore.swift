import Foundation
public import VigilCore
public import VigilRedis

/// Sliding windows in Redis, exact with any number of instances: each decision's check-and-record
/// is one Lua script (atomic), and a batch's scripts go out pipelined on one connection, so they
/// run in batch order in one round trip. Semantics: ``DecisionWindowStore`` and docs/windows.md.
///
/// Keys per portfolio, under the configured prefix: `window:<portfolio>:orders` (ZSET),
/// `:notional` (HASH), `:sides` (ZSET), `:horizon` (STRING), `:turnover` (HASH of running sums);
/// all PEXPIRE after the longest window (plus a second), so idle portfolios vanish.
public struct RedisDecisionWindowStore: DecisionWindowStore {
    private let client: RedisClient
    private let prefix: String

    /// Creates a store over `client`, with keys `<keyPrefix>window:<portfolio>:…`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func check(_ checks: [WindowCheck], record: Bool) throws -> [[WindowBreach]] {
        guard !checks.isEmpty else { return [] }
        let calls = checks.map { call(for: $0, record: record) }
        let replies = try client.withConnection { try $0.evaluateAll(Self.script, calls: calls) }
        guard replies.count == checks.count else {
            throw WindowStoreError("Redis answered \(replies.count) of \(checks.count) window checks")
        }
        return try zip(checks, replies).map { check, reply in try Self.breaches(of: check, from: reply) }
    }

    private func call(for check: WindowCheck, record: Bool) -> (keys: [RedisArgument], arguments: [RedisArgument]) {
        let base = "\(prefix)window:\(check.portfolioID):"
        let keys = ["orders", "notional", "sides", "horizon", "turnover"].map { RedisArgument(base + $0) }
        var arguments: [RedisArgument] = [
            RedisArgument(WindowArithmetic.milliseconds(check.at)), record ? "1" : "0",
            RedisArgument(check.decisionID), RedisArgument(check.orders.count),
        ]
        for order in check.orders {
            arguments += [RedisArgument(order.symbol), order.side == .buy ? "B" : "S", RedisArgument(order.notional)]
        }
        arguments.append(RedisArgument(check.limits.count))
        for limit in check.limits {
            let advisory: RedisArgument = check.advisoryPolicies.contains(limit.policy) ? "1" : "0"
            switch limit {
            case .orderCount(_, let maximum, let window):
                arguments += ["o", RedisArgument(WindowArithmetic.windowMilliseconds(window)), RedisArgument(maximum), advisory]
            case .turnover(_, let maximum, let window):
                arguments += ["t", RedisArgument(WindowArithmetic.windowMilliseconds(window)),
                              RedisArgument(WindowArithmetic.turnoverMaximum(maximum)), advisory]
            case .washTrade(_, let window):
                arguments += ["w", RedisArgument(WindowArithmetic.windowMilliseconds(window)), "0", advisory]
            }
        }
        arguments.append(RedisArgument(WindowArithmetic.expiryMarginMilliseconds))
        return (keys, arguments)
    }

    private static func breaches(of check: WindowCheck, from reply: RedisValue) throws -> [WindowBreach] {
        if let message = reply.errorMessage {
            throw RedisError(code: .script, message: "window check of decision '\(check.decisionID.prefix(100))' failed: \(message)",
                             serverMessage: message)
        }
        guard let items = reply.array, items.count % 3 == 0 else {
            throw WindowStoreError("window check of decision '\(check.decisionID.prefix(100))' returned a reply of the wrong shape")
        }
        return try stride(from: 0, to: items.count, by: 3).map { start in
            guard let index = items[start].int, index >= 1, index <= check.limits.count,
                  let observed = items[start + 1].string.flatMap(Double.init), let symbol = items[start + 2].string else {
                throw WindowStoreError("window check of decision '\(check.decisionID.prefix(100))' returned an unreadable breach")
            }
            return WindowBreach(limit: check.limits[Int(index) - 1], observed: observed, symbol: symbol.isEmpty ? nil : symbol)
        }
    }
}
