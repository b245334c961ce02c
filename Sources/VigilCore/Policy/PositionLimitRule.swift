/// POSITION_LIMIT (seed 001): per-symbol limits on the position after the decision and on single
/// orders. Keys of `policy_rules`: `max_position_weight` (fraction of NAV, ≤ 1),
/// `max_position_value`, `max_position_quantity`, `max_order_value`, `max_order_quantity`,
/// optional `symbols` (only these symbols) and `severity` (default HIGH).
///
/// Position limits apply only when the decision increases the absolute exposure of a symbol:
/// a risk-reducing trade is never blocked, even when the position stays above the limit.
struct PositionLimitRule: PolicyRule {
    var maxPositionWeight: Double?
    var maxPositionValue: Double?
    var maxPositionQuantity: Double?
    var maxOrderValue: Double?
    var maxOrderQuantity: Double?
    var symbols: NameSet?
    var severity: Severity

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        maxPositionWeight = try reader.limit("max_position_weight", maximum: 1)
        maxPositionValue = try reader.limit("max_position_value")
        maxPositionQuantity = try reader.limit("max_position_quantity")
        maxOrderValue = try reader.limit("max_order_value")
        maxOrderQuantity = try reader.limit("max_order_quantity")
        symbols = try reader.strings("symbols").map(NameSet.init)
        severity = try reader.severity(default: .high)
        try reader.rejectUnknownKeys()
        guard [maxPositionWeight, maxPositionValue, maxPositionQuantity, maxOrderValue, maxOrderQuantity]
            .contains(where: { $0 != nil }) else {
            throw PolicyError(policyName: policyName, field: "policy_rules",
                              "names no limit (max_position_weight, max_position_value, max_position_quantity, max_order_value or max_order_quantity)")
        }
    }

    private func applies(to symbol: String) -> Bool { symbols?.contains(symbol) ?? true }

    /// Which position limit binds; the description text is built only for a reported violation.
    private enum CapKind { case weight, value, quantity }

    /// The largest absolute quantity of a symbol allowed at `price`, and which limit sets it
    /// (the first of weight, value, quantity on a tie, as before).
    private func positionCap(price: Double, nav: Double) -> (quantity: Double, kind: CapKind)? {
        var best: (quantity: Double, kind: CapKind)?
        if let weight = maxPositionWeight { best = (weight * nav / price, .weight) }
        if let value = maxPositionValue, best == nil || value / price < best!.quantity { best = (value / price, .value) }
        if let quantity = maxPositionQuantity, best == nil || quantity < best!.quantity { best = (quantity, .quantity) }
        return best
    }

    private func describe(_ kind: CapKind, nav: Double) -> (type: String, text: String) {
        switch kind {
        case .weight:
            ("MAX_POSITION_WEIGHT", "max position weight \(Format.percent(maxPositionWeight ?? 0)) of NAV \(Format.number(nav))")
        case .value:
            ("MAX_POSITION_VALUE", "max position value \(Format.number(maxPositionValue ?? 0))")
        case .quantity:
            ("MAX_POSITION_QUANTITY", "max position quantity \(Format.number(maxPositionQuantity ?? 0))")
        }
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        let decision = context.decision
        // Through a buffer pointer: iterating `orders` by value would copy (retain and release)
        // every order's strings once per policy.
        decision.orders.withUnsafeBufferPointer { orders in
            for index in orders.indices where applies(to: orders[index].symbol) {
                checkOrder(index, orders[index].quantity, orders[index].price, decision: decision, policy: policy, into: &outcome)
            }
        }
        guard maxPositionWeight != nil || maxPositionValue != nil || maxPositionQuantity != nil else { return outcome }
        checkPositions(context, policy: policy, into: &outcome)
        return outcome
    }

    private func checkOrder(_ index: Int, _ quantity: Double, _ price: Double, decision: TradingDecision, policy: PolicyHeader,
                            into outcome: inout RuleOutcome) {
        let notional = quantity * price
        if let cap = maxOrderQuantity, exceeds(quantity, cap) {
            let order = decision.orders[index]
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: "MAX_ORDER_QUANTITY",
                        description: "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol) exceeds max order quantity \(Format.number(cap))",
                        maxQuantity: cap)
        }
        if let cap = maxOrderValue, exceeds(notional, cap) {
            let order = decision.orders[index]
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: "MAX_ORDER_VALUE",
                        description: "\(order.side.rawValue) \(order.symbol) order value \(Format.number(order.notional)) exceeds max order value \(Format.number(cap))",
                        maxQuantity: cap / order.price)
        }
        outcome.bound(scale: min(maxOrderQuantity.map { $0 / quantity } ?? 1, maxOrderValue.map { $0 / notional } ?? 1))
    }

    private func checkPositions(_ context: EvaluationContext, policy: PolicyHeader, into outcome: inout RuleOutcome) {
        let decision = context.decision
        let nav = context.projection.nav
        // The projection keeps the touched symbols sorted, so violations come out in symbol order.
        for (symbol, exposure) in context.projection.exposures where applies(to: symbol) {
            guard let cap = positionCap(price: exposure.price, nav: nav) else { continue }
            guard exposure.delta != 0, exceeds(abs(exposure.after), cap.quantity), abs(exposure.after) > abs(exposure.before) else { continue }
            // Scale bound for the whole decision: |before + s·delta| ≤ cap, for s in [0, 1].
            outcome.bound(scale: (cap.quantity - (exposure.delta > 0 ? exposure.before : -exposure.before)) / abs(exposure.delta))
            // Blame the last order on the symbol that moves exposure outward; the others stay fixed.
            guard let index = decision.orders.lastIndex(where: { $0.symbol == symbol && $0.signedQuantity * exposure.after > 0 }) else { continue }
            let order = decision.orders[index]
            let others = exposure.after - order.signedQuantity
            let allowed = cap.quantity - order.side.sign * others
            let value = abs(exposure.after) * exposure.price
            let weight = value / nav
            let (type, text) = describe(cap.kind, nav: nav)
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: type,
                        description: "\(symbol) position after the decision would be \(Format.number(exposure.after)) units (value \(Format.number(value)), \(Format.percent(weight)) of NAV), above \(text)",
                        maxQuantity: allowed)
        }
    }
}
