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
    var sectors: Set<String>?
    var severity: Severity

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        defaultWeight = try reader.limit("max_sector_weight", maximum: 1)
        overrides = try reader.limits("sector_limits", maximum: 1) ?? [:]
        sectors = try reader.strings("sectors").map(Set.init)
        severity = try reader.severity(default: .high)
        try reader.rejectUnknownKeys()
        guard defaultWeight != nil || !overrides.isEmpty else {
            throw PolicyError(policyName: policyName, field: "policy_rules", "names no limit (max_sector_weight or sector_limits)")
        }
    }

    private func cap(of sector: String) -> Double? {
        if let sectors, !sectors.contains(sector) { return nil }
        return overrides[sector] ?? defaultWeight
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        let decision = context.decision
        let book = TouchedBook(decision, state: context.state)
        let adding = exposureAddingOrders(decision, book: book)
        for (index, order) in decision.orders.enumerated() where order.sector == nil && adding[index] {
            outcome.add(order: index, of: decision, policy: policy, severity: severity, type: "SECTOR_UNKNOWN",
                        description: "\(order.side.rawValue) \(Format.number(order.quantity)) \(order.symbol) has no `sector`, so its sector limit cannot be checked",
                        maxQuantity: 0)
        }
        var seen: [String] = []
        for line in book.lines {
            guard let sector = line.sector, !seen.contains(sector), let weight = cap(of: sector) else { continue }
            seen.append(sector)
            check(sector: sector, weight: weight, book: book, context: context, policy: policy, into: &outcome)
        }
        return outcome
    }

    private func check(sector: String, weight: Double, book: TouchedBook, context: EvaluationContext,
                       policy: PolicyHeader, into outcome: inout RuleOutcome) {
        let nav = context.projection.nav
        // Positions the decision does not trade are a constant part of the sector's exposure.
        var untouched = 0.0
        for position in context.state.positions where position.sector == sector && book.line(of: position.symbol) == nil {
            untouched += abs(position.value)
        }
        var before = untouched, after = untouched
        for line in book.lines where line.sector == sector {
            before += abs(line.before) * line.price
            after += abs(line.after) * line.price
        }
        let limit = weight * nav
        guard exceeds(after, limit), exceeds(after, before) else { return }
        let decision = context.decision
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
