/// REGULATORY (seed 001). Keys of `policy_rules`: `restricted_symbols` (no order on them:
/// `RESTRICTED_SYMBOL`), `short_selling_ban` (no SELL may leave its symbol's position below zero:
/// `SHORT_SALE`), `wash_trade_window_seconds` (no order on the opposite side of an order on the same
/// symbol within that many seconds: `WASH_TRADE`), and `severity`, which when given overrides the
/// defaults: CRITICAL for restricted symbols and short sales, HIGH for wash trades.
///
/// Wash trades across decisions need shared state and are declared in ``windowLimits`` for a
/// ``DecisionWindowStore``; a BUY and a SELL of one symbol inside one decision are caught here.
struct RegulatoryRule: PolicyRule {
    var restricted: NameSet
    var shortSellingBan: Bool
    var washWindow: Double?
    var severityOverride: Severity?
    let windowLimits: [WindowLimit]

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        restricted = NameSet(try reader.strings("restricted_symbols") ?? [])
        shortSellingBan = try reader.flag("short_selling_ban") ?? false
        washWindow = try reader.limit("wash_trade_window_seconds")
        severityOverride = try reader.severityOverride()
        try reader.rejectUnknownKeys()
        windowLimits = washWindow.map { [.washTrade(policy: policyName, window: $0)] } ?? []
        guard !restricted.isEmpty || shortSellingBan || washWindow != nil else {
            throw PolicyError(policyName: policyName, field: "policy_rules",
                              "names no rule (restricted_symbols, short_selling_ban: true or wash_trade_window_seconds)")
        }
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        let decision = context.decision
        if !restricted.isEmpty {
            for (index, order) in decision.orders.enumerated() where restricted.contains(order.symbol) {
                outcome.add(order: index, of: decision, policy: policy, severity: severityOverride ?? .critical, type: "RESTRICTED_SYMBOL",
                            description: "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol): \(order.symbol) is on the restricted list",
                            maxQuantity: 0)
            }
        }
        if shortSellingBan {
            checkShortSales(context, policy: policy, into: &outcome)
        }
        if let washWindow, decision.orders.count > 1 {
            checkWashTrades(decision, window: washWindow, policy: policy, into: &outcome)
        }
        return outcome
    }

    /// Applies the orders in sequence; a SELL that leaves its symbol below zero may sell at most the
    /// long quantity held at that point (existing position plus earlier orders).
    private func checkShortSales(_ context: EvaluationContext, policy: PolicyHeader, into outcome: inout RuleOutcome) {
        let decision = context.decision
        for (index, order) in decision.orders.enumerated() where order.side == .sell {
            let held = context.held(before: index)
            let after = held - order.quantity
            guard exceeds(0, after) else { continue }
            // At scale s the position here is before + s·traded; it stays ≥ 0 up to before / −traded.
            let before = context.projection.exposure(of: order.symbol)?.before ?? 0
            let traded = after - before
            outcome.bound(scale: traded < 0 && before > 0 ? before / -traded : 0)
            outcome.add(order: index, of: decision, policy: policy, severity: severityOverride ?? .critical, type: "SHORT_SALE",
                        description: "SELL \(Format.number(order.quantity)) \(order.symbol) would take the position from \(Format.number(held)) to \(Format.number(after)) units; short selling is banned (at most \(Format.number(max(0, held))) may be sold)",
                        maxQuantity: max(0, held))
        }
    }

    /// Within one decision, an order on the opposite side of an earlier order on the same symbol.
    private func checkWashTrades(_ decision: TradingDecision, window: Double, policy: PolicyHeader, into outcome: inout RuleOutcome) {
        var reported: [String] = []
        for (index, order) in decision.orders.enumerated() where !reported.contains(order.symbol) {
            guard let earlier = decision.orders[..<index].firstIndex(where: { $0.symbol == order.symbol && $0.side != order.side }) else { continue }
            reported.append(order.symbol)
            let first = decision.orders[earlier]
            outcome.add(order: index, of: decision, policy: policy, severity: severityOverride ?? .high, type: "WASH_TRADE",
                        description: "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol) (order \(index)) trades against \(first.side.rawValue) \(Format.number(first.quantity)) \(order.symbol) (order \(earlier)) in the same decision, within the \(Format.number(window)) s wash-trade window",
                        maxQuantity: 0)
        }
    }
}
