/// What a batch of decisions reads before it is evaluated: the stored snapshots of portfolios
/// whose decisions carry no state, and breaker and quarantine state.
public struct DecisionInputs: Sendable, Equatable {
    /// Stored snapshots by portfolio id (absent: none stored).
    public var states: [String: PortfolioState]
    /// Breakers and quarantined features.
    public var enforcement: EnforcementSnapshot

    /// Creates the inputs.
    public init(states: [String: PortfolioState] = [:], enforcement: EnforcementSnapshot = EnforcementSnapshot()) {
        self.states = states
        self.enforcement = enforcement
    }
}

/// Reads ``DecisionInputs``. A store holding both kinds of state (Redis) answers in one round trip;
/// ``SeparateDecisionStateReads`` asks the two stores in turn.
public protocol DecisionStateReader: Sendable {
    /// The snapshots of `portfolioIDs` (when any) and the state of `scopes` and `features` (when
    /// there are scopes).
    func read(statesOf portfolioIDs: Set<String>, scopes: Set<String>, features: Set<String>) throws -> DecisionInputs
}

/// The portfolio store, then the enforcement reader, each asked only when there is something to ask.
public struct SeparateDecisionStateReads: DecisionStateReader {
    let portfolios: any PortfolioStateStore
    let enforcement: any EnforcementStateReader

    /// Combines the two stores.
    public init(portfolios: any PortfolioStateStore, enforcement: any EnforcementStateReader) {
        self.portfolios = portfolios
        self.enforcement = enforcement
    }

    public func read(statesOf portfolioIDs: Set<String>, scopes: Set<String>, features: Set<String>) throws -> DecisionInputs {
        DecisionInputs(states: portfolioIDs.isEmpty ? [:] : try portfolios.latestStates(for: portfolioIDs),
                       enforcement: scopes.isEmpty ? EnforcementSnapshot() : try enforcement.snapshot(scopes: scopes, features: features))
    }
}
