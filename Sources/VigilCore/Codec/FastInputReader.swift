import Foundation

/// An input type the fast reader can build straight from bytes. Whatever `read` returns must equal
/// what Foundation's `JSONDecoder` would decode; anything else throws ``FastPathBail`` and the
/// input is decoded by Foundation (the reference), which also produces every error.
///
/// Rules shared with Foundation: unknown keys are ignored; `null` or a missing key makes an
/// optional field nil. Duplicate keys, known or not, make the fast reader bail; the slow path
/// refuses them naming the key (``JSONStructureCheck``).
protocol FastReadable: ValidatedInput {
    /// Reads one value at the reader's position.
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> Self
}

/// Tracks the keys an object has had, to bail on a repeated one: known keys by bit, unknown ones
/// by their bytes (the slow path's ``JSONStructureCheck`` then names the key). Without this, a
/// repeated unknown key would be accepted here but refused when anything else in the same
/// document sends it down the slow path.
struct SeenKeys {
    private var mask: UInt16 = 0
    private var unknown: [UnsafeBufferPointer<UInt8>] = []

    /// More unknown keys than this in one object are left to the slow path.
    static let maxUnknown = 32

    mutating func mark(_ bit: Int) throws(FastPathBail) {
        let flag: UInt16 = 1 << UInt16(bit)
        guard mask & flag == 0 else { throw FastPathBail() }
        mask |= flag
    }

    /// Records an unknown key, bailing when it was seen before in this object.
    mutating func markUnknown(_ key: UnsafeBufferPointer<UInt8>) throws(FastPathBail) {
        guard unknown.count < Self.maxUnknown else { throw FastPathBail() }
        for earlier in unknown where earlier.count == key.count {
            if key.isEmpty || memcmp(earlier.baseAddress!, key.baseAddress!, key.count) == 0 { throw FastPathBail() }
        }
        unknown.append(key)
    }

    /// Records an unknown key and skips its value.
    mutating func skip(_ key: UnsafeBufferPointer<UInt8>, _ reader: inout JSONByteReader) throws(FastPathBail) {
        try markUnknown(key)
        try reader.skipValue()
    }
}

/// Whether a key's bytes are exactly `name`.
@inline(__always)
func keyIs(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
    guard key.count == name.utf8CodeUnitCount else { return false }
    return key.count == 0 || memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
}

extension JSONByteReader {
    /// A required value: `null` bails (Foundation reports it as the wrong type).
    @inline(__always) mutating func required<T>(_ value: T?) throws(FastPathBail) -> T {
        guard let value else { throw FastPathBail() }
        return value
    }

    /// An RFC 3339 timestamp string (the decoder's date strategy).
    mutating func timestamp() throws(FastPathBail) -> Date {
        let raw = try rawString(allowNonASCII: false)
        guard let date = RFC3339.parse(utf8: raw) else { throw FastPathBail() }
        return date
    }

    /// BUY or SELL in any ASCII case, as ``OrderSide``'s decoder accepts.
    mutating func side() throws(FastPathBail) -> OrderSide {
        let raw = try rawString(allowNonASCII: false)
        guard raw.count == 3 || raw.count == 4 else { throw FastPathBail() }
        var folded: UInt32 = 0
        for byte in raw { folded = folded << 8 | UInt32(byte >= 97 && byte <= 122 ? byte - 32 : byte) }
        switch folded {
        case 0x42_55_59: return .buy          // BUY
        case 0x53_45_4C_4C: return .sell      // SELL
        default: throw FastPathBail()
        }
    }
}

extension Order {
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> Order {
        var symbol: String?, side: OrderSide?, quantity: Double?, price: Double?
        var sector: String?, assetClass: String?, country: String?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "symbol") { try seen.mark(0); symbol = try reader.string() }
            else if keyIs(key, "side") { try seen.mark(1); side = try reader.side() }
            else if keyIs(key, "quantity") { try seen.mark(2); quantity = try reader.number() }
            else if keyIs(key, "price") { try seen.mark(3); price = try reader.number() }
            else if keyIs(key, "sector") { try seen.mark(4); sector = try reader.optionalString() }
            else if keyIs(key, "asset_class") { try seen.mark(5); assetClass = try reader.optionalString() }
            else if keyIs(key, "country") { try seen.mark(6); country = try reader.optionalString() }
            else { try seen.skip(key, &reader) }
        }
        return Order(symbol: try reader.required(symbol), side: try reader.required(side), quantity: try reader.required(quantity),
                     price: try reader.required(price), sector: sector, assetClass: assetClass, country: country)
    }
}

extension Position {
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> Position {
        var symbol: String?, quantity: Double?, price: Double?
        var sector: String?, assetClass: String?, country: String?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "symbol") { try seen.mark(0); symbol = try reader.string() }
            else if keyIs(key, "quantity") { try seen.mark(1); quantity = try reader.number() }
            else if keyIs(key, "price") { try seen.mark(2); price = try reader.number() }
            else if keyIs(key, "sector") { try seen.mark(3); sector = try reader.optionalString() }
            else if keyIs(key, "asset_class") { try seen.mark(4); assetClass = try reader.optionalString() }
            else if keyIs(key, "country") { try seen.mark(5); country = try reader.optionalString() }
            else { try seen.skip(key, &reader) }
        }
        return Position(symbol: try reader.required(symbol), quantity: try reader.required(quantity), price: try reader.required(price),
                        sector: sector, assetClass: assetClass, country: country)
    }
}

extension TradingDecision: FastReadable {
    /// Reads a decision (see ``FastReadable``).
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> TradingDecision {
        var decisionID: String?, portfolioID: String?, timestamp: Date?, orders: [Order]?
        var strategy: String?, features: [String]?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "decision_id") { try seen.mark(0); decisionID = try reader.string() }
            else if keyIs(key, "portfolio_id") { try seen.mark(1); portfolioID = try reader.string() }
            else if keyIs(key, "timestamp") { try seen.mark(2); timestamp = try reader.timestamp() }
            else if keyIs(key, "orders") {
                try seen.mark(3)
                var list: [Order] = []
                list.reserveCapacity(4)
                try reader.forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in list.append(try Order.read(&reader)) }
                orders = list
            }
            else if keyIs(key, "strategy") { try seen.mark(4); strategy = try reader.optionalString() }
            else if keyIs(key, "features_used") { try seen.mark(5); features = try reader.optionalStrings() }
            else { try seen.skip(key, &reader) }
        }
        return TradingDecision(decisionID: try reader.required(decisionID), portfolioID: try reader.required(portfolioID),
                               timestamp: try reader.required(timestamp), orders: try reader.required(orders),
                               strategy: strategy, featuresUsed: features)
    }
}

extension PortfolioState: FastReadable {
    /// Reads a portfolio snapshot (see ``FastReadable``).
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> PortfolioState {
        var portfolioID: String?, nav: Double?, cash: Double?, positions: [Position]?, asOf: Date?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "portfolio_id") { try seen.mark(0); portfolioID = try reader.string() }
            else if keyIs(key, "nav") { try seen.mark(1); nav = try reader.number() }
            else if keyIs(key, "cash") { try seen.mark(2); cash = try reader.number() }
            else if keyIs(key, "positions") {
                try seen.mark(3)
                var list: [Position] = []
                list.reserveCapacity(32)
                try reader.forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in list.append(try Position.read(&reader)) }
                positions = list
            }
            else if keyIs(key, "as_of") { try seen.mark(4); asOf = try reader.timestamp() }
            else { try seen.skip(key, &reader) }
        }
        return PortfolioState(portfolioID: try reader.required(portfolioID), nav: try reader.required(nav), cash: try reader.required(cash),
                              positions: try reader.required(positions), asOf: try reader.required(asOf))
    }
}

extension PolicyValidationRequest: FastReadable {
    /// Reads a validation request (see ``FastReadable``).
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> PolicyValidationRequest {
        var decision: TradingDecision?, state: PortfolioState?, applicable: [String]?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "decision") { try seen.mark(0); decision = try TradingDecision.read(&reader) }
            else if keyIs(key, "portfolio_state") { try seen.mark(1); state = try reader.consumeNull() ? nil : try PortfolioState.read(&reader) }
            else if keyIs(key, "applicable_policies") { try seen.mark(2); applicable = try reader.optionalStrings() }
            else { try seen.skip(key, &reader) }
        }
        return PolicyValidationRequest(decision: try reader.required(decision), portfolioState: state, applicablePolicies: applicable)
    }
}
