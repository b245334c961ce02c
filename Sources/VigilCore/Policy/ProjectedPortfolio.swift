/// A portfolio as it would be after a decision's orders fill at their prices.
///
/// Decisions touch a handful of symbols, so the touched symbols are kept as a small array sorted
/// once by symbol: a linear scan with a length test first beats hashing every symbol, and rules
/// that report per symbol need no sort of their own (evaluation runs this for every decision).
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
    /// The touched symbols in ascending `String` order, each once, with their exposure.
    public let exposures: [(symbol: String, exposure: Exposure)]

    /// Projects `state` through `decision`'s orders.
    public init(state: PortfolioState, decision: TradingDecision) {
        nav = state.nav
        var lines: [(symbol: String, exposure: Exposure)] = []
        lines.reserveCapacity(decision.orders.count)
        for order in decision.orders {
            if let index = Self.index(of: order.symbol, in: lines) {
                lines[index].exposure.delta += order.signedQuantity
                lines[index].exposure.price = order.price
            } else {
                lines.append((order.symbol, Exposure(before: 0, delta: order.signedQuantity, price: order.price)))
            }
        }
        // Through a buffer pointer, so no position (four strings) is copied per decision.
        state.positions.withUnsafeBufferPointer { positions in
            for position in positions.indices {
                if let index = Self.index(of: positions[position].symbol, in: lines) {
                    lines[index].exposure.before += positions[position].quantity
                }
            }
        }
        if lines.count > 1 { lines.sort { $0.symbol < $1.symbol } }
        exposures = lines
    }

    /// The exposure of `symbol`, if the decision trades it.
    public func exposure(of symbol: String) -> Exposure? {
        Self.index(of: symbol, in: exposures).map { exposures[$0].exposure }
    }

    /// Exposure per touched symbol, as a dictionary (built on each call; prefer ``exposure(of:)``).
    public var touched: [String: Exposure] {
        Dictionary(exposures.map { ($0.symbol, $0.exposure) }, uniquingKeysWith: { _, last in last })
    }

    private static func index(of symbol: String, in lines: [(symbol: String, exposure: Exposure)]) -> Int? {
        var index = 0
        while index < lines.count {
            if sameSymbol(lines[index].symbol, symbol) { return index }
            index += 1
        }
        return nil
    }
}
