import Foundation
import VigilCore

extension VigilConfiguration {
    /// Checks the values that only make sense together, naming the key at fault.
    func validate() throws(ConfigurationError) {
        if nats.url.trimmingCharacters(in: .whitespaces).isEmpty { throw ConfigurationError(key: "nats.url", "must not be empty") }
        for url in nats.url.split(separator: ",") where !(url.hasPrefix("nats://") || url.hasPrefix("tls://")) {
            throw ConfigurationError(key: "nats.url", "expected nats://host:port or tls://host:port URLs, got '\(url.prefix(60))'")
        }
        if (nats.tlsCertFile == nil) != (nats.tlsKeyFile == nil) {
            throw ConfigurationError(key: "nats.tls_cert_file", "tls_cert_file and tls_key_file must be given together")
        }
        guard database.url.hasPrefix("postgres://") || database.url.hasPrefix("postgresql://") || database.url.contains("=") else {
            throw ConfigurationError(key: "database.url", "expected postgresql://user@host:port/db or a libpq conninfo string")
        }
        guard redis.url.hasPrefix("redis://") || redis.url.hasPrefix("unix://") else {
            throw ConfigurationError(key: "redis.url", "expected redis://host:port/db or unix:///path")
        }
        _ = try HTTPAddress(http.address, key: "http.addr")
        if decisions.ackWait < 1 { throw ConfigurationError(key: "decisions.ack_wait", "must be at least 1s") }
        if decisions.fetchWait > 5 { throw ConfigurationError(key: "decisions.fetch_wait", "must be at most 5s so shutdown stays prompt") }
        if decisions.fetchWait < 0.001 { throw ConfigurationError(key: "decisions.fetch_wait", "must be at least 1ms (an idle worker would spin)") }
        if decisions.commitInterval > 1 || decisions.commitInterval * 10 > decisions.ackWait {
            throw ConfigurationError(key: "decisions.commit_interval", "must be at most 1s and a tenth of decisions.ack_wait (acks wait for it)")
        }
        if limits.maxPayloadBytes > Int(streams.decisions.maxMessageSize) {
            throw ConfigurationError(key: "limits.max_payload_bytes", "must not exceed streams.decisions.max_message_size")
        }
        // Name the configuration key (`streams.decisions.…`), not the stream (`VIGIL_DECISIONS`).
        for (key, stream) in [("decisions", streams.decisions), ("events", streams.events), ("dead_letters", streams.deadLetters),
                              ("portfolios", streams.portfolios)]
        where stream.duplicateWindow > stream.maxAge {
            throw ConfigurationError(key: "streams.\(key).duplicate_window", "must not exceed streams.\(key).max_age")
        }
        try pit.validate()
        if sla.fetchWait > 5 || sla.fetchWait < 0.001 {
            throw ConfigurationError(key: "sla.fetch_wait", "must be between 1ms and 5s (an idle worker would spin; shutdown waits for it)")
        }
        if let token = http.adminToken, token.count < 16 {
            throw ConfigurationError(key: "http.admin_token", "must be at least 16 characters")
        }
    }
}

/// A `host:port` listen address.
struct HTTPAddress: Sendable, Equatable {
    var host: String
    var port: Int

    init(_ text: String, key: String) throws(ConfigurationError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ConfigurationError(key: key, "expected host:port, got '\(text.prefix(60))'")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}
