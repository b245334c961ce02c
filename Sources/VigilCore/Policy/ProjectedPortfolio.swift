/// A portfolio as it would be after a decision's orders fill at their prices.
public struct ProjectedPortfolio: Sendable {
    /// One symbol's exposure before and after the decision.
    public struct Exposure: Sendable, Equatable {
        /// Signed quantity held before the decision.
        public var before: Double
        /// Net signed quantity the decision's orders add.
        public var delta: Double
        /// Price used to value the symbol: the last order's price, else the position's.
        public var price: Double
        /// Signed quantity after the decision.
        public var after: Double { before + delta }
    }

    /// Net asset value (trades at market price leave it unchanged).
    public let nav: Double
    /// Exposure per symbol touched by the decision.
    public let touched: [String: Exposure]

    /// Projects `state` through `decision`'s orders.
    public init(state: PortfolioState, decision: TradingDecision) {
        nav = state.nav
        var touched: [String: Exposure] = [:]
        touched.reserveCapacity(decision.orders.count)
        for order in decision.orders {
            if var exposure = touched[order.symbol] {
                exposure.delta += order.signedQuantity
                exposure.price = order.price
                touched[order.symbol] = exposure
            } else {
                touched[order.symbol] = Exposure(before: 0, delta: order.signedQuantity, price: order.price)
            }
        }
        for position in state.positions where touched[position.symbol] != nil {
            touched[position.symbol]?.before += position.quantity
        }
        self.touched = touched
    }
}
