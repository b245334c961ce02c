public import Foundation

/// Whether an order buys or sells.
public enum OrderSide: String, Sendable, Codable {
    case buy = "BUY"
    case sell = "SELL"

    /// +1 for a buy, -1 for a sell: the sign an order's quantity adds to the position.
    public var sign: Double { self == .buy ? 1 : -1 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch text.uppercased() {
        case "BUY": self = .buy
        case "SELL": self = .sell
        default:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected BUY or SELL, got '\(text.prefix(40))'")
        }
    }
}

/// One order of a trading decision (seed 001).
public struct Order: Sendable, Codable, Equatable {
    /// Instrument symbol, e.g. `AAPL`.
    public var symbol: String
    /// BUY or SELL.
    public var side: OrderSide
    /// Number of units; positive and finite.
    public var quantity: Double
    /// Price per unit in the portfolio's currency; positive and finite.
    public var price: Double
    /// GICS-style sector; needed by sector rules.
    public var sector: String?
    /// Asset class, e.g. `EQUITY`.
    public var assetClass: String?
    /// ISO country code of the issuer.
    public var country: String?

    /// Creates an order.
    public init(symbol: String, side: OrderSide, quantity: Double, price: Double,
                sector: String? = nil, assetClass: String? = nil, country: String? = nil) {
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.sector = sector
        self.assetClass = assetClass
        self.country = country
    }

    /// Signed quantity: positive for buys, negative for sells.
    public var signedQuantity: Double { side.sign * quantity }
    /// Absolute notional value of the order.
    public var notional: Double { quantity * price }

    enum CodingKeys: String, CodingKey {
        case symbol, side, quantity, price, sector, country
        case assetClass = "asset_class"
    }
}

/// A trading decision from the coordination engine (seed 001's CoordinatedTradingDecision).
public struct TradingDecision: Sendable, Codable, Equatable {
    /// Unique id of the decision; Vigil is idempotent by it.
    public var decisionID: String
    /// Portfolio the orders are for.
    public var portfolioID: String
    /// When the decision was made.
    public var timestamp: Date
    /// The orders; at least one.
    public var orders: [Order]
    /// Strategy that produced the decision, when known.
    public var strategy: String?
    /// Feature names the decision was based on (checked against quarantine).
    public var featuresUsed: [String]?

    /// Creates a decision.
    public init(decisionID: String, portfolioID: String, timestamp: Date, orders: [Order],
                strategy: String? = nil, featuresUsed: [String]? = nil) {
        self.decisionID = decisionID
        self.portfolioID = portfolioID
        self.timestamp = timestamp
        self.orders = orders
        self.strategy = strategy
        self.featuresUsed = featuresUsed
    }

    enum CodingKeys: String, CodingKey {
        case timestamp, orders, strategy
        case decisionID = "decision_id"
        case portfolioID = "portfolio_id"
        case featuresUsed = "features_used"
    }
}
