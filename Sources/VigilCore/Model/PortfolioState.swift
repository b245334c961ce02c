public import Foundation

/// A held position in a portfolio.
public struct Position: Sendable, Codable, Equatable {
    /// Instrument symbol.
    public var symbol: String
    /// Signed quantity (negative for a short).
    public var quantity: Double
    /// Latest price per unit.
    public var price: Double
    /// Sector of the instrument.
    public var sector: String?
    /// Asset class of the instrument.
    public var assetClass: String?
    /// Country of the issuer.
    public var country: String?

    /// Creates a position.
    public init(symbol: String, quantity: Double, price: Double,
                sector: String? = nil, assetClass: String? = nil, country: String? = nil) {
        self.symbol = symbol
        self.quantity = quantity
        self.price = price
        self.sector = sector
        self.assetClass = assetClass
        self.country = country
    }

    /// Signed market value.
    public var value: Double { quantity * price }

    enum CodingKeys: String, CodingKey {
        case symbol, quantity, price, sector, country
        case assetClass = "asset_class"
    }
}

/// A snapshot of a portfolio, sent with a decision or published on `trading.portfolios.<id>.state`.
public struct PortfolioState: Sendable, Codable, Equatable {
    /// Portfolio id.
    public var portfolioID: String
    /// Net asset value; positive and finite.
    public var nav: Double
    /// Cash balance (may be negative when levered).
    public var cash: Double
    /// Held positions.
    public var positions: [Position]
    /// When the snapshot was taken.
    public var asOf: Date

    /// Creates a snapshot.
    public init(portfolioID: String, nav: Double, cash: Double, positions: [Position], asOf: Date) {
        self.portfolioID = portfolioID
        self.nav = nav
        self.cash = cash
        self.positions = positions
        self.asOf = asOf
    }

    enum CodingKeys: String, CodingKey {
        case nav, cash, positions
        case portfolioID = "portfolio_id"
        case asOf = "as_of"
    }
}
