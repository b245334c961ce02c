/// The symbols a decision trades, one line each, with the attributes the portfolio-wide rules need.
///
/// Built by each rule that needs it rather than once per decision, because `EvaluationContext`
/// belongs to the evaluator; it is cheap: lines are found by scanning the decision's few orders,
/// not by hashing every position's symbol.
struct TouchedBook {
    /// One traded symbol.
    struct Line {
        var symbol: String
        /// The last order's sector for the symbol (orders carry the authoritative attributes).
        var sector: String?
        /// Price of the last order on the symbol; the whole position is valued at it.
        var price: Double
        /// Signed quantity held before the decision.
        var before: Double
        /// Net signed quantity the decision adds.
        var delta: Double
        var after: Double { before + delta }
    }

    var lines: [Line]
    /// For each order, the index of its symbol's line.
    var lineOfOrder: [Int]

    init(_ decision: TradingDecision, state: PortfolioState) {
        var lines: [Line] = []
        var lineOfOrder: [Int] = []
        lines.reserveCapacity(decision.orders.count)
        lineOfOrder.reserveCapacity(decision.orders.count)
        for order in decision.orders {
            if let index = lines.firstIndex(where: { $0.symbol == order.symbol }) {
                lines[index].delta += order.signedQuantity
                lines[index].price = order.price
                if order.sector != nil { lines[index].sector = order.sector }
                lineOfOrder.append(index)
            } else {
                lines.append(Line(symbol: order.symbol, sector: order.sector, price: order.price, before: 0, delta: order.signedQuantity))
                lineOfOrder.append(lines.count - 1)
            }
        }
        for position in state.positions {
            if let index = lines.firstIndex(where: { $0.symbol == position.symbol }) { lines[index].before += position.quantity }
        }
        self.lines = lines
        self.lineOfOrder = lineOfOrder
    }

    /// The line of `symbol`, if the decision trades it.
    func line(of symbol: String) -> Int? { lines.firstIndex { $0.symbol == symbol } }

    /// The whole decision scaled by t: quantities `before + t·delta`, cash `cash − t·Σ notional`.
    func scalePath(_ decision: TradingDecision, cash: Double) -> DecisionPath {
        DecisionPath(start: lines.map(\.before), step: lines.map(\.delta),
                     cashStart: cash, cashStep: -decision.orders.reduce(0) { $0 + $1.signedQuantity * $1.price })
    }

    /// Order `index` scaled by t with every other order at its full size.
    func orderPath(_ index: Int, of decision: TradingDecision, cash: Double) -> DecisionPath {
        let order = decision.orders[index]
        let line = lineOfOrder[index]
        var start = lines.map(\.after)
        var step = [Double](repeating: 0, count: lines.count)
        start[line] -= order.signedQuantity
        step[line] = order.signedQuantity
        let spent = decision.orders.reduce(0) { $0 + $1.signedQuantity * $1.price }
        let own = order.signedQuantity * order.price
        return DecisionPath(start: start, step: step, cashStart: cash - spent + own, cashStep: -own)
    }
}

/// The touched symbols' quantities and the cash balance as affine functions of t ∈ [0, 1].
struct DecisionPath {
    var start: [Double]
    var step: [Double]
    var cashStart: Double
    var cashStep: Double

    func quantity(_ line: Int, at t: Double) -> Double { start[line] + t * step[line] }
}

/// Whether each order adds exposure, applying the orders in sequence: every order except one that
/// only reduces a holding towards zero without crossing it. These are the orders a mandate or
/// sector rule must be able to judge; a sale that only trims a holding never needs checking.
func exposureAddingOrders(_ decision: TradingDecision, book: TouchedBook) -> [Bool] {
    var running = book.lines.map(\.before)
    var out: [Bool] = []
    out.reserveCapacity(decision.orders.count)
    for (index, order) in decision.orders.enumerated() {
        let line = book.lineOfOrder[index]
        let held = running[line]
        let next = held + order.signedQuantity
        out.append(!(held != 0 && next * held >= 0 && abs(next) < abs(held)))
        running[line] = next
    }
    return out
}
