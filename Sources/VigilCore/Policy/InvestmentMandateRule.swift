/// INVESTMENT_MANDATE (seed 001). Keys of `policy_rules`: `allowed_asset_classes`,
/// `excluded_sectors`, `excluded_countries` (names match exactly), `long_only` (no position may end
/// the decision below zero), and `severity` (default HIGH).
///
/// The mandate judges every order that adds exposure: only an order that trims a holding towards
/// zero (without crossing it) is never blocked, so a portfolio can always divest. An order the
/// mandate needs an attribute of (`asset_class`, `sector`, `country`) and that lacks it is rejected
/// with a violation naming the missing field.
struct InvestmentMandateRule: PolicyRule {
    var allowedAssetClasses: NameSet?
    var excludedSectors: NameSet
    var excludedCountries: NameSet
    var longOnly: Bool
    var severity: Severity

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        allowedAssetClasses = try reader.strings("allowed_asset_classes").map(NameSet.init)
        excludedSectors = NameSet(try reader.strings("excluded_sectors") ?? [])
        excludedCountries = NameSet(try reader.strings("excluded_countries") ?? [])
        longOnly = try reader.flag("long_only") ?? false
        severity = try reader.severity(default: .high)
        try reader.rejectUnknownKeys()
        if allowedAssetClasses?.isEmpty == true {
            throw PolicyError(policyName: policyName, field: "allowed_asset_classes", "must name at least one asset class")
        }
        guard allowedAssetClasses != nil || !excludedSectors.isEmpty || !excludedCountries.isEmpty || longOnly else {
            throw PolicyError(policyName: policyName, field: "policy_rules",
                              "names no rule (allowed_asset_classes, excluded_sectors, excluded_countries or long_only: true)")
        }
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        let decision = context.decision
        let judged = allowedAssetClasses != nil || !excludedSectors.isEmpty || !excludedCountries.isEmpty
        for (index, order) in decision.orders.enumerated() where judged && context.addsExposure(index) {
            if let allowed = allowedAssetClasses {
                check(order.assetClass, field: "asset_class", index, decision, policy, &outcome) { value in
                    allowed.contains(value) ? nil
                        : ("ASSET_CLASS_NOT_ALLOWED", "asset class \(value) is not among the allowed \(allowed.sorted.joined(separator: ", "))")
                }
            }
            if !excludedSectors.isEmpty {
                check(order.sector, field: "sector", index, decision, policy, &outcome) { value in
                    excludedSectors.contains(value) ? ("EXCLUDED_SECTOR", "sector \(value) is excluded by the mandate") : nil
                }
            }
            if !excludedCountries.isEmpty {
                check(order.country, field: "country", index, decision, policy, &outcome) { value in
                    excludedCountries.contains(value) ? ("EXCLUDED_COUNTRY", "country \(value) is excluded by the mandate") : nil
                }
            }
        }
        if longOnly { checkLongOnly(context, policy: policy, into: &outcome) }
        return outcome
    }

    private func check(_ value: String?, field: String, _ index: Int, _ decision: TradingDecision, _ policy: PolicyHeader,
                       _ outcome: inout RuleOutcome, _ judge: (String) -> (type: String, reason: String)?) {
        // Descriptions are built only once a violation is certain: interpolation dominates otherwise.
        func subject() -> String {
            let order = decision.orders[index]
            return "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol)"
        }
        guard let value else {
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: "\(field.uppercased())_UNKNOWN",
                        description: "\(subject()) has no `\(field)`, so the investment mandate cannot be checked", maxQuantity: 0)
            return
        }
        guard let (type, reason) = judge(value) else { return }
        outcome.add(order: index, of: decision, policy: policy, severity: severity, type: type,
                    description: "\(subject()): \(reason)", maxQuantity: 0)
    }

    /// A symbol ending below zero, and lower than it started, breaks the mandate; blame its last SELL.
    private func checkLongOnly(_ context: EvaluationContext, policy: PolicyHeader, into outcome: inout RuleOutcome) {
        let decision = context.decision
        for (last, order) in decision.orders.enumerated() where context.isLastOrder(last) {
            guard let exposure = context.projection.exposure(of: order.symbol),
                  exceeds(0, exposure.after), exceeds(exposure.before, exposure.after),
                  let index = decision.orders.indices.last(where: { decision.orders[$0].symbol == order.symbol && decision.orders[$0].side == .sell })
            else { continue }
            // The floor is zero, or the existing short when the portfolio already holds one.
            let floor = min(0, exposure.before)
            outcome.bound(scale: (exposure.before - floor) / -exposure.delta)
            let others = exposure.after + decision.orders[index].quantity
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: "LONG_ONLY",
                        description: "\(order.symbol) position after the decision would be \(Format.number(exposure.after)) units (from \(Format.number(exposure.before))); the mandate is long-only (minimum \(Format.number(floor)))",
                        maxQuantity: others - floor)
        }
    }
}
