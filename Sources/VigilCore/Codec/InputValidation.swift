// Semantic checks that JSON decoding cannot express: finite positive numbers, bounded sizes,
// ids that fit their columns and NATS subject tokens.

// Field paths are autoclosures: they are built only when a check fails, not for every element.

func checkID(_ value: String, field: @autoclosure () -> String, limits: InputLimits) throws(InputError) {
    guard !value.isEmpty else { throw InputError(.invalidValue, field: field(), "must not be empty") }
    // The UTF-8 length bounds the character count from above: count characters only when it might be over.
    if value.utf8.count > limits.maxIDLength, value.count > limits.maxIDLength {
        throw InputError(.invalidValue, field: field(), "is \(value.count) characters; the limit is \(limits.maxIDLength)")
    }
    // Printable ASCII has no control characters; only other text needs the Unicode property lookup.
    var plainASCII = true
    for byte in value.utf8 where byte < 0x20 || byte >= 0x7F { plainASCII = false; break }
    guard plainASCII || !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw InputError(.invalidValue, field: field(), "must not contain control characters")
    }
}

func checkPositive(_ value: Double, field: @autoclosure () -> String) throws(InputError) {
    guard value.isFinite, value > 0 else {
        throw InputError(.invalidValue, field: field(), "must be a finite number greater than 0, got \(value)")
    }
}

func checkFinite(_ value: Double, field: @autoclosure () -> String) throws(InputError) {
    guard value.isFinite else { throw InputError(.invalidValue, field: field(), "must be a finite number, got \(value)") }
}

/// A trading number (quantity, price, NAV) from `limits.minPositive` up to `maximum`.
func checkPositive(_ value: Double, atMost maximum: Double, limits: InputLimits, field: @autoclosure () -> String) throws(InputError) {
    guard value.isFinite, value >= limits.minPositive, value <= maximum else {
        throw InputError(.invalidValue, field: field(),
                         "must be a number from \(limits.minPositive) to \(maximum), got \(value) (limits.min_positive, limits.max_quantity / max_amount)")
    }
}

func checkMagnitude(_ value: Double, atMost maximum: Double, field: @autoclosure () -> String) throws(InputError) {
    guard value.isFinite, abs(value) <= maximum else {
        throw InputError(.invalidValue, field: field(), "must be a number of at most \(maximum) in magnitude, got \(value)")
    }
}

extension Order {
    func validate(field: @autoclosure () -> String, limits: InputLimits) throws(InputError) {
        try checkID(symbol, field: "\(field()).symbol", limits: limits)
        try checkPositive(quantity, atMost: limits.maxQuantity, limits: limits, field: "\(field()).quantity")
        try checkPositive(price, atMost: limits.maxQuantity, limits: limits, field: "\(field()).price")
    }
}

extension TradingDecision: ValidatedInput {
    /// Checks ids, order count and every order's numbers.
    public func validate(limits: InputLimits) throws(InputError) {
        try validate(field: "", limits: limits)
    }

    func validate(field prefix: String, limits: InputLimits) throws(InputError) {
        try checkID(decisionID, field: "\(prefix)decision_id", limits: limits)
        try checkID(portfolioID, field: "\(prefix)portfolio_id", limits: limits)
        guard !orders.isEmpty else {
            throw InputError(.invalidValue, field: "\(prefix)orders", "must contain at least one order")
        }
        guard orders.count <= limits.maxOrdersPerDecision else {
            throw InputError(.tooLarge, field: "\(prefix)orders", "has \(orders.count) orders; the limit is \(limits.maxOrdersPerDecision)")
        }
        for (index, order) in orders.enumerated() {
            try order.validate(field: "\(prefix)orders[\(index)]", limits: limits)
        }
    }
}

extension PortfolioState: ValidatedInput {
    /// Checks the id, NAV, cash and every position's numbers.
    public func validate(limits: InputLimits) throws(InputError) {
        try validate(field: "", limits: limits)
    }

    func validate(field prefix: String, limits: InputLimits) throws(InputError) {
        try checkID(portfolioID, field: "\(prefix)portfolio_id", limits: limits)
        try checkPositive(nav, atMost: limits.maxAmount, limits: limits, field: "\(prefix)nav")
        try checkMagnitude(cash, atMost: limits.maxAmount, field: "\(prefix)cash")
        guard positions.count <= limits.maxPositions else {
            throw InputError(.tooLarge, field: "\(prefix)positions", "has \(positions.count) positions; the limit is \(limits.maxPositions)")
        }
        for index in positions.indices {
            let position = positions[index]
            try checkID(position.symbol, field: "\(prefix)positions[\(index)].symbol", limits: limits)
            try checkMagnitude(position.quantity, atMost: limits.maxQuantity, field: "\(prefix)positions[\(index)].quantity")
            guard position.price.isFinite, position.price >= 0, position.price <= limits.maxQuantity else {
                throw InputError(.invalidValue, field: "\(prefix)positions[\(index)].price",
                                 "must be a number from 0 to \(limits.maxQuantity), got \(position.price)")
            }
        }
    }
}

extension PolicyValidationRequest: ValidatedInput {
    /// Checks the decision, the state if given, and that both name the same portfolio.
    public func validate(limits: InputLimits) throws(InputError) {
        try decision.validate(field: "decision.", limits: limits)
        if let state = portfolioState {
            try state.validate(field: "portfolio_state.", limits: limits)
            guard state.portfolioID == decision.portfolioID else {
                throw InputError(.invalidValue, field: "portfolio_state.portfolio_id",
                                 "is '\(state.portfolioID.prefix(100))' but the decision is for '\(decision.portfolioID.prefix(100))'")
            }
        }
    }
}
