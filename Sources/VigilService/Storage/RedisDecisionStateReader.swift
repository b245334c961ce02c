public import VigilCore
public import VigilRedis

/// Stored portfolio snapshots and breaker/quarantine state read in one pipelined round trip: a
/// batch of decisions without inline state used to wait for two in a row (about 0.2 ms each on a
/// loaded two-core machine), as did a request-reply validation.
public struct RedisDecisionStateReader: DecisionStateReader {
    private let client: RedisClient
    private let portfolios: RedisPortfolioStateStore
    private let enforcement: RedisEnforcementState

    /// Reads both stores' keys through `client` (the one they use).
    public init(client: RedisClient, portfolios: RedisPortfolioStateStore, enforcement: RedisEnforcementState) {
        self.client = client
        self.portfolios = portfolios
        self.enforcement = enforcement
    }

    public func read(statesOf portfolioIDs: Set<String>, scopes: Set<String>, features: Set<String>) throws -> DecisionInputs {
        let ids = Array(portfolioIDs)
        // As SeparateDecisionStateReads: enforcement state only for a batch with scopes.
        let query = enforcement.query(scopes: scopes, features: scopes.isEmpty ? [] : features)
        let stateCommands = portfolios.readCommands(ids)
        let commands = stateCommands + query.commands()
        guard !commands.isEmpty else { return DecisionInputs() }
        let replies = try client.withConnection { try $0.pipeline(commands) }
        guard replies.count == commands.count else {
            throw RedisError(code: .protocol, message: "decision state read got \(replies.count) replies for \(commands.count) commands")
        }
        return DecisionInputs(states: try portfolios.states(ids, from: replies[..<stateCommands.count]),
                              enforcement: try query.snapshot(from: replies[stateCommands.count...]))
    }
}
