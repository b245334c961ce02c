import Foundation
public import VigilCore
public import VigilRedis

/// HISTORICAL_REVISION's history in Redis: one HASH per (feature, entity, event time) holding the
/// recorded version (`v`), value digest (`d`) and every write's answer (`a:<write id>`). Each
/// compare-and-set is one Lua script, so two instances racing on one fact are serialized by Redis;
/// a batch's scripts are pipelined in one round trip and run in batch order. Keys expire after
/// the retention, after which a fact is forgotten (docs/pit.md).
public struct RedisFeatureHistoryStore: FeatureHistoryStore {
    private let client: RedisClient
    private let prefix: String
    private let retentionMilliseconds: Int64

    /// Creates a store with keys `<keyPrefix>pit:history:…`, kept for `retention` seconds.
    public init(client: RedisClient, keyPrefix: String, retention: TimeInterval) {
        self.client = client
        self.prefix = keyPrefix
        self.retentionMilliseconds = max(1000, Int64((retention * 1000).rounded()))
    }

    public func record(_ entries: [HistoryEntry]) throws -> [HistoryAnswer] {
        guard !entries.isEmpty else { return [] }
        let replies = try client.withConnection { try $0.evaluateAll([calls(entries)]) }[0]
        return try Self.answers(replies, expected: entries.count)
    }

    /// The script calls for `entries`, for one pipeline (also ``RedisPITStateBatch``).
    func calls(_ entries: [HistoryEntry]) -> RedisScriptCalls {
        RedisScriptCalls(Self.script, calls: entries.map { entry in
            // Lengths keep `a:b` + `c` apart from `a` + `b:c`.
            let key = "\(prefix)pit:history:\(entry.feature.utf8.count):\(entry.feature):\(entry.entity.utf8.count):\(entry.entity):\(entry.eventMilliseconds)"
            return ([RedisArgument(key)], [RedisArgument(entry.writeID), RedisArgument(entry.version), entry.isRevision ? "1" : "0",
                                           RedisArgument(entry.valueDigest), RedisArgument(retentionMilliseconds)])
        })
    }

    /// Reads the script's replies, one per entry.
    static func answers(_ replies: [RedisValue], expected: Int) throws -> [HistoryAnswer] {
        guard replies.count == expected else { throw PITStoreError("Redis answered \(replies.count) of \(expected) history entries") }
        return try replies.map { reply in
            if let message = reply.errorMessage {
                throw RedisError(code: .script, message: "feature history script failed: \(message)", serverMessage: message)
            }
            guard let text = reply.string else { throw PITStoreError("feature history script returned no text") }
            if text == "ok" { return .accepted }
            guard text.hasPrefix("conflict:"), let version = Int(text.dropFirst(9)) else {
                throw PITStoreError("feature history script returned '\(text.prefix(40))'")
            }
            return .conflict(recordedVersion: version)
        }
    }

    /// KEYS: the fact's HASH. ARGV: write id, version, revision 1/0, value digest, retention ms.
    /// Returns `ok` or `conflict:<recorded version>`; mirrors InMemoryFeatureHistoryStore.
    static let script = RedisScript("""
        local answer = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
        if answer then return answer end
        local v = redis.call('HGET', KEYS[1], 'v')
        local version = tonumber(ARGV[2])
        if not v then
          redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[4])
          answer = 'ok'
        elseif redis.call('HGET', KEYS[1], 'd') == ARGV[4] then
          if version > tonumber(v) then redis.call('HSET', KEYS[1], 'v', ARGV[2]) end
          answer = 'ok'
        elseif ARGV[3] == '1' and version > tonumber(v) then
          redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[4])
          answer = 'ok'
        else
          answer = 'conflict:' .. v
        end
        redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], answer)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return answer
        """)
}
