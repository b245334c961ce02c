/// RISK_LIMIT (seed 001): portfolio-wide risk after the decision. Keys of `policy_rules`:
/// `max_gross_leverage` (Σ |position values| / NAV), `max_net_exposure` (|Σ signed values| / NAV),
/// `min_cash_weight` (cash after / NAV, in [0, 1]), `max_top_n_concentration` with `top_n` (the N
/// largest |position values| / NAV), the windowed `max_orders_per_window` and
/// `max_turnover_per_window` with `window_seconds`, and `severity` (default HIGH).
///
/// A decision that does not worsen a measure is never blocked by it, even when the measure stays
/// beyond its limit. The windowed limits are only declared here (``windowLimits``): they need state
/// shared by every instance and are checked by a ``DecisionWindowStore``.
struct RiskLimitRule: PolicyRule {
    var maxGrossLeverage: Double?
    var maxNetExposure: Double?
    var minCashWeight: Double?
    var maxTopN: Double?
    var topN: Int
    var severity: Severity
    let windowLimits: [WindowLimit]

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        var reader = try RuleReader(policyName: policyName, rules: rules)
        maxGrossLeverage = try reader.limit("max_gross_leverage")
        maxNetExposure = try reader.limit("max_net_exposure")
        minCashWeight = try reader.fraction("min_cash_weight")
        maxTopN = try reader.limit("max_top_n_concentration")
        let topN = try reader.count("top_n")
        let maxOrders = try reader.count("max_orders_per_window")
        let maxTurnover = try reader.limit("max_turnover_per_window")
        let window = try reader.limit("window_seconds")
        severity = try reader.severity(default: .high)
        try reader.rejectUnknownKeys()
        switch (maxTopN, topN) {
        case (.some, nil): throw PolicyError(policyName: policyName, field: "top_n", "is required with max_top_n_concentration")
        case (nil, .some): throw PolicyError(policyName: policyName, field: "top_n", "is only meaningful with max_top_n_concentration")
        default: self.topN = topN ?? 1
        }
        var limits: [WindowLimit] = []
        if maxOrders != nil || maxTurnover != nil {
            guard let window else {
                throw PolicyError(policyName: policyName, field: "window_seconds",
                                  "is required with max_orders_per_window or max_turnover_per_window")
            }
            if let maxOrders { limits.append(.orderCount(policy: policyName, maximum: maxOrders, window: window)) }
            if let maxTurnover { limits.append(.turnover(policy: policyName, maximum: maxTurnover, window: window)) }
        } else if window != nil {
            throw PolicyError(policyName: policyName, field: "window_seconds",
                              "is only meaningful with max_orders_per_window or max_turnover_per_window")
        }
        windowLimits = limits
        guard maxGrossLeverage != nil || maxNetExposure != nil || minCashWeight != nil || maxTopN != nil || !limits.isEmpty else {
            throw PolicyError(policyName: policyName, field: "policy_rules",
                              "names no limit (max_gross_leverage, max_net_exposure, min_cash_weight, max_top_n_concentration, max_orders_per_window or max_turnover_per_window)")
        }
    }

    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome {
        var outcome = RuleOutcome()
        guard maxGrossLeverage != nil || maxNetExposure != nil || minCashWeight != nil || maxTopN != nil else { return outcome }
        // Fast path: every measure before and after from one scan, with no heap allocation.
        let orders = context.decision.orders
        let wantsTop = maxTopN != nil
        var untouchedGross = 0.0, untouchedNet = 0.0, cashAfter = context.state.cash
        var gross = (0.0, 0.0), net = (0.0, 0.0), concentration = (0.0, 0.0)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: wantsTop ? context.state.positions.count + 2 * orders.count : 0) { values in
            var count = 0
            let positions = context.state.positions
            context.withHoldings(untouched: { position in
                let value = positions[position].quantity * positions[position].price
                untouchedGross += abs(value)
                untouchedNet += value
                if wantsTop { values[count] = abs(value); count += 1 }
            }) { held in
                gross = (untouchedGross, untouchedGross)
                net = (untouchedNet, untouchedNet)
                let untouchedCount = count
                for index in orders.indices {
                    cashAfter -= orders[index].signedQuantity * orders[index].price
                    guard context.isLastOrder(index) else { continue }
                    let price = orders[index].price, before = held[index], after = before + context.netTraded(index)
                    gross.0 += abs(before) * price
                    gross.1 += abs(after) * price
                    net.0 += before * price
                    net.1 += after * price
                    if wantsTop { values[count] = abs(before) * price; values[count + 1] = abs(after) * price; count += 2 }
                }
                guard wantsTop else { return }
                // Untouched values, then (before, after) pairs of the traded symbols.
                concentration = (topSum(values, untouched: untouchedCount, total: count, pick: 0),
                                 topSum(values, untouched: untouchedCount, total: count, pick: 1))
            }
        }
        let nav = context.projection.nav
        func breached(_ limit: Double?, _ before: Double, _ after: Double) -> Bool {
            guard let limit else { return false }
            return exceeds(after, limit * nav) && exceeds(after, before)
        }
        guard breached(maxGrossLeverage, gross.0, gross.1) || breached(maxNetExposure, abs(net.0), abs(net.1))
                || breached(minCashWeight.map { -$0 }, -context.state.cash, -cashAfter)
                || breached(maxTopN, concentration.0, concentration.1) else { return outcome }
        let book = TouchedBook(context.decision, state: context.state)
        let untouched = context.state.positions.filter { position in !book.lines.contains { $0.symbol == position.symbol } }
        reportBreaches(context, policy: policy, measures: RiskMeasures(
            book: book, untouchedGross: untouchedGross, untouchedNet: untouchedNet,
            untouchedTop: Array(untouched.map { abs($0.value) }.sorted(by: >).prefix(topN)), topN: topN), into: &outcome)
        return outcome
    }

    /// The sum of the `topN` largest of the untouched values and, of each traded symbol's
    /// (before, after) pair, the one at `pick`: by repeated selection, in place.
    private func topSum(_ values: UnsafeMutableBufferPointer<Double>, untouched: Int, total: Int, pick: Int) -> Double {
        var sum = 0.0
        var taken = 0
        // A taken value v ≥ 0 is marked as −1 − v (always negative) and restored afterwards.
        while taken < topN {
            var best = -1
            var index = 0
            while index < total {
                let eligible = index < untouched || (index - untouched) % 2 == pick
                if eligible, values[index] >= 0, best < 0 || values[index] > values[best] { best = index }
                index += 1
            }
            if best < 0 { break }
            sum += values[best]
            values[best] = -1 - values[best]
            taken += 1
        }
        for index in 0..<total where values[index] < 0 { values[index] = -1 - values[index] }
        return sum
    }

    /// Slow path, once a limit is known to be breached: solves each breached measure along the decision.
    private func reportBreaches(_ context: EvaluationContext, policy: PolicyHeader, measures: RiskMeasures,
                                into outcome: inout RuleOutcome) {
        let nav = context.projection.nav
        let book = measures.book
        let scalePath = book.scalePath(context.decision, cash: context.state.cash)
        func check(_ limit: Double?, _ measure: (DecisionPath) -> PathMeasure, type: String, _ describe: (Double, Double) -> String) {
            guard let limit else { return }
            let along = measure(scalePath)
            let before = along.value(at: 0), after = along.value(at: 1)
            guard exceeds(after, limit), exceeds(after, before) else { return }
            let solved = BreachAdjustment(threshold: max(limit, before), decision: context.decision, book: book,
                                          cash: context.state.cash, candidates: Array(context.decision.orders.indices), measure: measure)
            outcome.bound(scale: solved.scale)
            outcome.add(order: solved.order, of: context.decision, policy: policy, severity: severity, type: type,
                        description: describe(after, limit), maxQuantity: solved.maxQuantity)
        }
        check(maxGrossLeverage.map { $0 * nav }, measures.gross, type: "MAX_GROSS_LEVERAGE") { after, limit in
            "gross leverage after the decision would be \(Format.number(after / nav))x (gross exposure \(Format.number(after)) / NAV \(Format.number(nav))), above the limit \(Format.number(limit / nav))x"
        }
        check(maxNetExposure.map { $0 * nav }, measures.net, type: "MAX_NET_EXPOSURE") { after, limit in
            "net exposure after the decision would be \(Format.number(after)) (\(Format.percent(after / nav)) of NAV \(Format.number(nav))), above the limit \(Format.percent(limit / nav))"
        }
        // Cash is a floor: checked as the ceiling of −cash.
        check(minCashWeight.map { -$0 * nav }, measures.negativeCash, type: "MIN_CASH_WEIGHT") { after, limit in
            "cash after the decision would be \(Format.number(-after)) (\(Format.percent(-after / nav)) of NAV \(Format.number(nav))), below the minimum \(Format.percent(-limit / nav)) (\(Format.number(-limit)))"
        }
        check(maxTopN.map { $0 * nav }, measures.topConcentration, type: "MAX_TOP_N_CONCENTRATION") { after, limit in
            "the \(topN) largest positions after the decision would be \(Format.number(after)) (\(Format.percent(after / nav)) of NAV \(Format.number(nav))), above the limit \(Format.percent(limit / nav))"
        }
    }
}

/// RISK_LIMIT's measures along a decision path, each convex in t.
private struct RiskMeasures {
    var book: TouchedBook
    var untouchedGross: Double
    var untouchedNet: Double
    /// The `topN` largest |values| of untouched positions, largest first.
    var untouchedTop: [Double]
    var topN: Int

    func gross(_ path: DecisionPath) -> PathMeasure {
        var function = PiecewiseLinear(constant: untouchedGross)
        for (index, line) in book.lines.enumerated() { function.terms.append((line.price, path.start[index], path.step[index])) }
        return .piecewise(function)
    }

    func net(_ path: DecisionPath) -> PathMeasure {
        var a = untouchedNet, b = 0.0
        for (index, line) in book.lines.enumerated() {
            a += line.price * path.start[index]
            b += line.price * path.step[index]
        }
        return .piecewise(PiecewiseLinear(terms: [(1, a, b)]))
    }

    func negativeCash(_ path: DecisionPath) -> PathMeasure {
        .piecewise(PiecewiseLinear(constant: -path.cashStart, slope: -path.cashStep))
    }

    func topConcentration(_ path: DecisionPath) -> PathMeasure {
        .convex { t in
            var values = untouchedTop
            for (index, line) in book.lines.enumerated() { values.append(abs(path.quantity(index, at: t)) * line.price) }
            values.sort(by: >)
            return values.prefix(topN).reduce(0, +)
        }
    }
}
