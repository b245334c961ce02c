/// A portfolio measure (sector exposure, leverage, cash shortfall, …) along a ``DecisionPath``,
/// convex in t. Convexity is what makes "the largest compliant t" a single number: the values of t
/// that keep the measure within a threshold form one interval.
enum PathMeasure {
    /// `constant + slope·t + Σ weight·|a + b·t|`: solved exactly, segment by segment.
    case piecewise(PiecewiseLinear)
    /// Any other convex function (top-N concentration): solved by bisection.
    case convex((Double) -> Double)

    func value(at t: Double) -> Double {
        switch self {
        case .piecewise(let function): function.value(at: t)
        case .convex(let function): function(t)
        }
    }

    /// The largest t in [0, 1] with value(t) ≤ threshold (within float noise), or 0 when none.
    func largestFraction(upTo threshold: Double) -> Double {
        if !exceeds(value(at: 1), threshold) { return 1 }
        switch self {
        case .piecewise(let function): return function.largestFraction(upTo: threshold)
        case .convex(let function): return bisect(function, upTo: threshold)
        }
    }

    private func bisect(_ f: (Double) -> Double, upTo threshold: Double) -> Double {
        var feasible = 0.0
        if exceeds(f(0), threshold) {
            // The feasible interval, if any, surrounds the minimum: find it first.
            var lo = 0.0, hi = 1.0
            for _ in 0..<100 {
                let m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3
                if f(m1) <= f(m2) { hi = m2 } else { lo = m1 }
            }
            feasible = lo
            if exceeds(f(feasible), threshold) { return 0 }
        }
        var infeasible = 1.0
        for _ in 0..<100 where infeasible - feasible > 1e-15 {
            let mid = (feasible + infeasible) / 2
            if exceeds(f(mid), threshold) { infeasible = mid } else { feasible = mid }
        }
        return feasible
    }
}

/// `constant + slope·t + Σ weight·|a + b·t|` with non-negative weights: convex and linear between
/// the breakpoints `t = −a/b`.
struct PiecewiseLinear {
    var constant = 0.0
    var slope = 0.0
    var terms: [(weight: Double, a: Double, b: Double)] = []

    func value(at t: Double) -> Double {
        var total = constant + slope * t
        for term in terms { total += term.weight * abs(term.a + term.b * t) }
        return total
    }

    /// Given value(1) > threshold: walks back from t = 1 to the last feasible breakpoint, then
    /// solves the linear segment after it exactly.
    func largestFraction(upTo threshold: Double) -> Double {
        var points: [Double] = [0, 1]
        for term in terms where term.b != 0 {
            let t = -term.a / term.b
            if t > 0, t < 1 { points.append(t) }
        }
        points.sort()
        var upper = value(at: 1)
        for index in stride(from: points.count - 2, through: 0, by: -1) {
            let lower = value(at: points[index])
            if !exceeds(lower, threshold) {
                let p0 = points[index], p1 = points[index + 1]
                guard upper > lower else { return p1 }
                return min(p1, max(p0, p0 + (threshold - lower) / (upper - lower) * (p1 - p0)))
            }
            upper = lower
        }
        return 0
    }
}

/// Where a breached upper limit on a convex measure leaves the decision: the largest scale of the
/// whole decision that keeps the measure within the threshold, the order to blame (the last one
/// that raises the measure) and that order's largest compliant quantity.
struct BreachAdjustment {
    var scale: Double
    var order: Int
    var maxQuantity: Double

    /// Solves for `threshold`, blaming among `candidates` (order indices, ascending; non-empty).
    init(threshold: Double, decision: TradingDecision, book: TouchedBook, cash: Double,
         candidates: [Int], measure: (DecisionPath) -> PathMeasure) {
        scale = measure(book.scalePath(decision, cash: cash)).largestFraction(upTo: threshold)
        let raises = candidates.last { index in
            let along = measure(book.orderPath(index, of: decision, cash: cash))
            return exceeds(along.value(at: 1), along.value(at: 0))
        }
        // When no single order raises the measure on its own (they only do together), blame the last.
        order = raises ?? candidates.last ?? 0
        // Callers only solve a breach the orders caused, so there is an order; stay total regardless.
        guard decision.orders.indices.contains(order) else {
            maxQuantity = 0
            return
        }
        let along = measure(book.orderPath(order, of: decision, cash: cash))
        maxQuantity = along.largestFraction(upTo: threshold) * decision.orders[order].quantity
    }
}
