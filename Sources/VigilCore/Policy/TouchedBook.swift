/// The symbols a decision trades, one line each, with the attributes the portfolio-wide rules need
/// to solve a breach (the slow path: only built once a limit is known to be broken; the fast path
/// uses the allocation-free queries on ``EvaluationContext`` below).
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

/// Symbol equality with a cheap length test first: most symbols differ in length, and the full
/// comparison of two different strings is the costliest step of a portfolio scan. (Symbols are
/// compared as exact UTF-8, so tickers in different Unicode normal forms would not match.)
@inline(__always)
func sameSymbol(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a == b
}

// Fast-path queries that rules use before any violation is found: they scan the decision's few
// orders and read the evaluator's projection, and allocate nothing.
extension EvaluationContext {
    /// Whether order `index` is the decision's last order on its symbol (where its line is complete).
    func isLastOrder(_ index: Int) -> Bool {
        let orders = decision.orders
        var later = index + 1
        while later < orders.count {
            if sameSymbol(orders[later].symbol, orders[index].symbol) { return false }
            later += 1
        }
        return true
    }

    /// The net signed quantity the decision trades in order `index`'s symbol.
    func netTraded(_ index: Int) -> Double {
        let orders = decision.orders
        var total = 0.0
        for other in orders.indices where sameSymbol(orders[other].symbol, orders[index].symbol) { total += orders[other].signedQuantity }
        return total
    }

    /// Calls `body` with, per order, the quantity its symbol held before the decision (filled at the
    /// symbol's last order only), from one scan of the positions that compares symbols with the few
    /// orders' rather than hashing them; the index of each position the decision does not trade is
    /// passed to `untouched`. Allocates nothing on the heap and copies no position.
    func withHoldings<R>(untouched: (Int) -> Void, _ body: (UnsafeMutableBufferPointer<Double>) -> R) -> R {
        let orders = decision.orders
        let positions = state.positions
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: orders.count) { held in
            _ = held.initialize(from: repeatElement(0, count: orders.count))
            for position in positions.indices {
                var match = orders.count - 1
                while match >= 0, !sameSymbol(orders[match].symbol, positions[position].symbol) { match -= 1 }
                if match >= 0 { held[match] += positions[position].quantity } else { untouched(position) }
            }
            return body(held)
        }
    }

    /// The position in order `index`'s symbol just before it: the holding plus earlier orders.
    func held(before index: Int) -> Double {
        let symbol = decision.orders[index].symbol
        var held = projection.exposure(of: symbol)?.before ?? 0
        for order in decision.orders[..<index] where order.symbol == symbol { held += order.signedQuantity }
        return held
    }

    /// Whether order `index` adds exposure: every order except one that only trims a holding
    /// towards zero without crossing it. These are the orders a mandate or sector rule must be able
    /// to judge; a sale that only trims a holding never needs checking.
    func addsExposure(_ index: Int) -> Bool {
        let held = held(before: index)
        let next = held + decision.orders[index].signedQuantity
        return !(held != 0 && next * held >= 0 && abs(next) < abs(held))
    }

    /// The sector of order `index`'s symbol: the last sector any order on it names (as in ``TouchedBook``).
    func lineSector(_ index: Int) -> String? {
        let symbol = decision.orders[index].symbol
        return decision.orders.last { $0.symbol == symbol && $0.sector != nil }?.sector
    }
}
