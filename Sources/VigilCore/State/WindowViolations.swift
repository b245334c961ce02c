/// Turns windowed-limit breaches into violations with numbers, adjustments and advice. Severity is
/// HIGH: policy definitions carry no severity of their own yet.
enum WindowViolations {
    struct Result {
        var violations: [PolicyViolation] = []
        var recommendations: [String] = []
        /// The largest uniform scale that satisfies every strict turnover limit (1 when none is breached).
        var scale = 1.0
    }

    static func describe(_ breaches: [WindowBreach], decision: TradingDecision, advisory: Set<String>) -> Result {
        var result = Result()
        let orders = decision.orders
        let portfolio = decision.portfolioID.prefix(100)
        for breach in breaches {
            let isAdvisory = advisory.contains(breach.limit.policy)
            var details: [String: JSONValue] = [:]
            let type: String
            let description: String
            let offending: Int
            var allowedQuantity = 0.0
            switch breach.limit {
            case .orderCount(_, let maximum, let window):
                type = "MAX_ORDERS_PER_WINDOW"
                // A store reply is a count; clamp so a corrupt one cannot trap the conversion.
                let recorded = Int(breach.observed.isFinite ? min(max(breach.observed, 0), 1e15) : 0) - orders.count
                let allowed = max(0, maximum - recorded)
                offending = min(allowed, orders.count - 1)
                description = "Portfolio \(portfolio) would have \(Format.number(breach.observed)) orders within \(Format.number(window)) s "
                    + "(\(recorded) recorded + \(orders.count) in this decision), over the maximum of \(maximum)"
                details = ["window_seconds": .number(window), "max_orders": .number(Double(maximum)),
                           "orders_in_window": .number(Double(recorded)), "orders_allowed": .number(Double(allowed))]
            case .turnover(_, let maximum, let window):
                type = "MAX_TURNOVER_PER_WINDOW"
                let requested = orders.reduce(0) { $0 + $1.notional }
                let recorded = breach.observed - requested
                let remaining = max(0, maximum - recorded)
                var before = 0.0
                offending = orders.indices.first { index in
                    defer { before += orders[index].notional }
                    return WindowArithmetic.exceeds(before + orders[index].notional, remaining)
                } ?? orders.count - 1
                let earlier = orders[..<offending].reduce(0) { $0 + $1.notional }
                allowedQuantity = max(0, remaining - earlier) / orders[offending].price
                let scale = requested > 0 ? min(1, remaining / requested) : 0
                let scaled = (scale * 10_000).rounded(.down) / 10_000
                if !isAdvisory { result.scale = min(result.scale, scaled) }
                description = "Turnover of portfolio \(portfolio) within \(Format.number(window)) s would be \(Format.number(breach.observed)) "
                    + "(\(Format.number(recorded)) recorded + \(Format.number(requested)) in this decision), over the maximum of \(Format.number(maximum))"
                details = ["window_seconds": .number(window), "max_turnover": .number(maximum),
                           "turnover_in_window": .number(recorded), "remaining_turnover": .number(remaining),
                           "decision_scale_factor": .number(scaled)]
            case .washTrade(_, let window):
                type = "WASH_TRADE"
                let symbol = breach.symbol ?? ""
                offending = orders.firstIndex { $0.symbol == symbol } ?? 0
                let side = orders[offending].side
                description = "\(side.rawValue) \(symbol.prefix(100)) comes \(Format.number(breach.observed)) s after a "
                    + "\(side == .buy ? "SELL" : "BUY") of the same symbol in portfolio \(portfolio), inside the \(Format.number(window)) s wash-trade window"
                details = ["window_seconds": .number(window), "seconds_since_opposite": .number(breach.observed)]
            }
            let order = orders[offending]
            let allowed = Format.floorQuantity(min(order.quantity, allowedQuantity), like: order.quantity)
            details["order_index"] = .number(Double(offending))
            details["symbol"] = .string(order.symbol)
            details["side"] = .string(order.side.rawValue)
            details["requested_quantity"] = .number(order.quantity)
            details["max_compliant_quantity"] = .number(allowed)
            result.violations.append(PolicyViolation(
                policyName: breach.limit.policy, violationType: type, severity: .high, description: description,
                suggestedAdjustment: .object(details), advisory: isAdvisory))
            let action = allowed == 0 ? "Remove \(order.side.rawValue) \(order.symbol)"
                : "Reduce \(order.side.rawValue) \(order.symbol) from \(Format.number(order.quantity)) to \(Format.number(allowed))"
            result.recommendations.append("\(action) to satisfy \(breach.limit.policy) (\(type))")
        }
        if orders.count > 1, result.scale < 1 {
            result.recommendations.append("Or scale every order by \(Format.number(result.scale)) to stay within every strict turnover limit")
        }
        return result
    }
}
