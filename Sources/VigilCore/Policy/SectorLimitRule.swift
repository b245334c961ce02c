/// SECTOR_LIMIT (seed 001): the gross exposure of each sector after the decision, Σ |position
/// value| of its symbols, as a fraction of NAV. Keys of `policy_rules`: `max_sector_weight` (the
/// default for every sector, in (0, 1]), `sector_limits` (sector → weight, overriding the default),
/// optional `sectors` (only these sectors) and `severity` (default HIGH). Sector names match exactly.
///
/// An order that adds exposure but names no sector cannot be checked and is rejected
/// (`SECTOR_UNKNOWN`); positions without a sector count in NAV but in no sector. A decision that does
/// not raise a sector's exposure is never blocked, even when the sector stays above its limit.
struct SectorLimitRule: PolicyRule {
    var defaultWeight: Double?
    var overrides: [String: Double]
    var sectors: NameSet?
    var severity: Severity

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        defaultWeight = try reader.limit("max_sector_weight", maximum: 1)
        overrides = try reader.limits("sector_limits", maximum: 1) ?? [:]
        sectors = try reader.strings("sectors").map(NameSet.init)
        severity = try reader.severity(default: .high)
        try reader.rejectUnknownKeys()
        guard defaultWeight != nil || !overrides.isEmpty else {
            throw PolicyError(policyName: policyName, field: "policy_rules", "names no limit (max_sector_weight or sector_limits)")
        }
    }

    private func cap(of sector: String) -> Double? {
        if let sectors, !sectors.contains(sector) { return nil }
        // Most policies override nothing: skip hashing the name then.
        return overrides.isEmpty ? defaultWeight : overrides[sector] ?? defaultWeight
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        let orders = context.decision.orders
        for index in orders.indices where orders[index].sector == nil && context.addsExposure(index) {
            reportUnknown(index, context, policy, &outcome)
        }
        let count = orders.count
        // One bucket per sector, at the first order naming it: exposure of untouched positions, and
        // of the traded symbols before and after.
        func bucket(_ sector: String?) -> Int? {
            guard let sector else { return nil }
            return orders.firstIndex { $0.sector == sector }
        }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * count) { sums in
            _ = sums.initialize(from: repeatElement(0, count: 3 * count))
            let positions = context.state.positions
            context.withHoldings(untouched: { position in
                if let k = bucket(positions[position].sector) { sums[k] += abs(positions[position].quantity * positions[position].price) }
            }) { held in
                for index in orders.indices where context.isLastOrder(index) {
                    guard let k = bucket(context.lineSector(index)) else { continue }
                    let price = orders[index].price
                    sums[count + k] += abs(held[index]) * price
                    sums[2 * count + k] += abs(held[index] + context.netTraded(index)) * price
                }
            }
            for k in orders.indices {
                guard let sector = orders[k].sector, bucket(sector) == k, let weight = cap(of: sector) else { continue }
                let exposure = Exposure(untouched: sums[k], before: sums[k] + sums[count + k], after: sums[k] + sums[2 * count + k])
                check(sector: sector, weight: weight, exposure: exposure, context: context, policy: policy, into: &outcome)
            }
        }
        return outcome
    }

    private struct Exposure {
        var untouched: Double
        var before: Double
        var after: Double
    }

    private func reportUnknown(_ index: Int, _ context: EvaluationContext, _ policy: PolicyHeader, _ outcome: inout RuleOutcome) {
        let order = context.decision.orders[index]
        outcome.add(order: index, of: context.decision, policy: policy, severity: severity, type: "SECTOR_UNKNOWN",
                    description: "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol) has no `sector`, so its sector limit cannot be checked",
                    maxQuantity: 0)
    }

    private func check(sector: String, weight: Double, exposure: Exposure, context: EvaluationContext,
                       policy: PolicyHeader, into outcome: inout RuleOutcome) {
        let nav = context.projection.nav
        let (untouched, before, after) = (exposure.untouched, exposure.before, exposure.after)
        let limit = weight * nav
        guard exceeds(after, limit), exceeds(after, before) else { return }
        let decision = context.decision
        let book = TouchedBook(decision, state: context.state)
        let candidates = decision.orders.indices.filter { book.lines[book.lineOfOrder[$0]].sector == sector }
        let solved = BreachAdjustment(threshold: max(limit, before), decision: decision, book: book,
                                      cash: context.state.cash, candidates: candidates) { path in
            var function = PiecewiseLinear(constant: untouched)
            for (index, line) in book.lines.enumerated() where line.sector == sector {
                function.terms.append((line.price, path.start[index], path.step[index]))
            }
            return .piecewise(function)
        }
        outcome.bound(scale: solved.scale)
        outcome.add(order: solved.order, of: decision, policy: policy, severity: severity, type: "SECTOR_LIMIT",
                    description: "\(sector) exposure after the decision would be \(Format.number(after)) (\(Format.percent(after / nav)) of NAV \(Format.number(nav))), above the sector limit \(Format.percent(weight)) (\(Format.number(limit)))",
                    maxQuantity: solved.maxQuantity)
    }
}
