import Foundation
public import VigilCore
public import VigilRedis

/// Latest portfolio snapshots in Redis: one hash per portfolio with the snapshot's `as_of` (epoch
/// milliseconds) and its JSON. A Lua script replaces it only with a newer snapshot, atomically, so
/// several instances consuming out-of-order state updates converge on the newest.
public struct RedisPortfolioStateStore: PortfolioStateStore {
    private let client: RedisClient
    private let prefix: String
    private let encoder = OutputEncoder()
    private let decoder = InputDecoder(limits: InputLimits(maxPayloadBytes: 64 << 20, maxPositions: 1_000_000))

    static let saveIfNewer = RedisScript("""
        local current = redis.call('HGET', KEYS[1], 'as_of')
        if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'as_of', ARGV[1], 'state', ARGV[2])
        return 1
        """)

    /// Creates a store over `client`, with keys `<prefix>portfolio:<id>`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    private func key(_ portfolioID: String) -> RedisArgument { RedisArgument("\(prefix)portfolio:\(portfolioID)") }

    public func latestStates(for portfolioIDs: Set<String>) throws -> [String: PortfolioState] {
        let ids = Array(portfolioIDs)
        guard !ids.isEmpty else { return [:] }
        let replies = try client.withConnection { try $0.pipeline(readCommands(ids)) }
        return try states(ids, from: replies[...])
    }

    /// The reads of `ids`' snapshots, one `HGET` each (also sent by ``RedisDecisionStateReader``).
    func readCommands(_ ids: [String]) -> [[RedisArgument]] {
        ids.map { ["HGET", key($0), "state"] }
    }

    /// The snapshots in the replies to ``readCommands(_:)``.
    func states(_ ids: [String], from replies: ArraySlice<RedisValue>) throws -> [String: PortfolioState] {
        guard replies.count == ids.count else {
            throw RedisError(code: .protocol, message: "portfolio state read got \(replies.count) replies for \(ids.count) commands")
        }
        var states: [String: PortfolioState] = [:]
        for (id, reply) in zip(ids, replies) {
            if let message = reply.errorMessage { throw RedisError(code: .server, message: "HGET portfolio state: \(message)") }
            // A snapshot that no longer decodes (e.g. written under other limits) counts as absent,
            // so the decision is dead-lettered instead of blocking its whole batch forever.
            guard let bytes = reply.bytes, let state = try? decoder.decode(PortfolioState.self, from: Data(bytes)) else { continue }
            states[id] = state
        }
        return states
    }

    @discardableResult
    public func save(_ state: PortfolioState) throws -> Bool {
        let millis = Int64((state.asOf.timeIntervalSince1970 * 1000).rounded())
        let json = try encoder.encode(state)
        let reply = try client.withConnection { connection in
            try connection.evaluate(Self.saveIfNewer, keys: [key(state.portfolioID)],
                                    arguments: [RedisArgument(String(millis)), RedisArgument(Array(json))])
        }
        return reply.int == 1
    }
}
