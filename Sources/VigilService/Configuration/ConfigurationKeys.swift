import VigilCore
/// Every configuration key and how its text sets the configuration. The dotted key is the YAML
/// path; see ``ConfigurationLoader`` for the matching environment variable.
enum ConfigurationKeys {
    typealias Setter = @Sendable (inout VigilConfiguration, String, String) throws -> Void

    /// Every key. Each capability keeps its keys in its own file and is merged in here.
    static let all: [String: Setter] = core.merging(pit) { a, _ in a }.merging(breaker) { a, _ in a }.merging(sla) { a, _ in a }
        .merging(alerts) { a, _ in a }

    /// The keys of the core service and the decision pipeline.
    static let core: [String: Setter] = {
        var keys: [String: Setter] = [
            "instance_id": { c, v, _ in c.instanceID = v },
            "log_level": { c, v, k in
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(v.lowercased()) else {
                    throw ConfigurationError(key: k, "expected trace, debug, info, notice, warning, error or critical")
                }
                c.logLevel = v.lowercased()
            },
            "event_source": { c, v, _ in c.eventSource = v },
            "nats.url": { c, v, _ in c.nats.url = v },
            "nats.user": { c, v, _ in c.nats.user = v },
            "nats.password": { c, v, _ in c.nats.password = v },
            "nats.token": { c, v, _ in c.nats.token = v },
            "nats.credentials_file": { c, v, _ in c.nats.credentialsFile = v },
            "nats.tls_ca_file": { c, v, _ in c.nats.tlsCAFile = v },
            "nats.tls_cert_file": { c, v, _ in c.nats.tlsCertFile = v },
            "nats.tls_key_file": { c, v, _ in c.nats.tlsKeyFile = v },
            "nats.max_reconnect": { c, v, k in c.nats.maxReconnect = try ConfigValue.integer(v, key: k, in: -1...1_000_000) },
            "nats.reconnect_wait": { c, v, k in c.nats.reconnectWait = try ConfigValue.duration(v, key: k) },
            "redis.url": { c, v, _ in c.redis.url = v },
            "redis.pool_size": { c, v, k in c.redis.poolSize = try ConfigValue.integer(v, key: k, in: 1...256) },
            "redis.key_prefix": { c, v, _ in c.redis.keyPrefix = v },
            "database.url": { c, v, _ in c.database.url = v },
            "database.pool_size": { c, v, k in c.database.poolSize = try ConfigValue.integer(v, key: k, in: 1...256) },
            "database.migrations_dir": { c, v, _ in c.database.migrationsDirectory = v },
            "database.migrate_on_start": { c, v, k in c.database.migrateOnStart = try ConfigValue.boolean(v, key: k) },
            "http.addr": { c, v, _ in c.http.address = v },
            "http.admin_token": { c, v, _ in c.http.adminToken = v.isEmpty ? nil : v },
            "decisions.durable_name": { c, v, _ in c.decisions.durableName = v },
            "decisions.batch_size": { c, v, k in c.decisions.batchSize = try ConfigValue.integer(v, key: k, in: 1...10_000) },
            "decisions.fetch_wait": { c, v, k in c.decisions.fetchWait = try ConfigValue.duration(v, key: k) },
            "decisions.ack_wait": { c, v, k in c.decisions.ackWait = try ConfigValue.duration(v, key: k) },
            "decisions.max_ack_pending": { c, v, k in c.decisions.maxAckPending = try ConfigValue.integer(v, key: k, in: 1...1_000_000) },
            "decisions.retry_delay": { c, v, k in c.decisions.retryDelay = try ConfigValue.duration(v, key: k) },
            "decisions.commit_interval": { c, v, k in c.decisions.commitInterval = try ConfigValue.duration(v, key: k) },
            "decisions.workers": { c, v, k in c.decisions.workers = try ConfigValue.integer(v, key: k, in: 1...64) },
            "portfolio_states.durable_name": { c, v, _ in c.portfolioStates.durableName = v },
            "portfolio_states.batch_size": { c, v, k in c.portfolioStates.batchSize = try ConfigValue.integer(v, key: k, in: 1...10_000) },
            "portfolio_states.retry_delay": { c, v, k in c.portfolioStates.retryDelay = try ConfigValue.duration(v, key: k) },
            "validation.subject": { c, v, _ in c.validation.subject = v },
            "validation.queue_group": { c, v, _ in c.validation.queueGroup = v },
            "validation.subscribers": { c, v, k in c.validation.subscribers = try ConfigValue.integer(v, key: k, in: 1...64) },
            "limits.max_payload_bytes": { c, v, k in c.limits.maxPayloadBytes = Int(try ConfigValue.bytes(v, key: k)) },
            "limits.max_orders_per_decision": { c, v, k in c.limits.maxOrdersPerDecision = try ConfigValue.integer(v, key: k, in: 1...100_000) },
            "limits.max_positions": { c, v, k in c.limits.maxPositions = try ConfigValue.integer(v, key: k, in: 1...1_000_000) },
            "limits.max_quantity": { c, v, k in c.limits.maxQuantity = try ConfigValue.number(v, key: k, in: 1...1e30) },
            "limits.max_amount": { c, v, k in c.limits.maxAmount = try ConfigValue.number(v, key: k, in: 1...1e30) },
            "limits.min_positive": { c, v, k in c.limits.minPositive = try ConfigValue.number(v, key: k, in: 1e-30...1) },
        ]
        for (name, path) in [("decisions", \VigilConfiguration.streams.decisions), ("events", \.streams.events),
                             ("dead_letters", \.streams.deadLetters), ("portfolios", \.streams.portfolios)] {
            let prefix = "streams.\(name)."
            keys[prefix + "name"] = { c, v, _ in c[keyPath: path].name = v }
            keys[prefix + "subjects"] = { c, v, k in
                let subjects = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !subjects.isEmpty else { throw ConfigurationError(key: k, "needs at least one subject") }
                c[keyPath: path].subjects = subjects
            }
            keys[prefix + "max_age"] = { c, v, k in c[keyPath: path].maxAge = try ConfigValue.duration(v, key: k) }
            keys[prefix + "max_bytes"] = { c, v, k in c[keyPath: path].maxBytes = try ConfigValue.bytes(v, key: k) }
            keys[prefix + "max_message_size"] = { c, v, k in
                let size = try ConfigValue.bytes(v, key: k)
                guard size <= Int64(Int32.max) else { throw ConfigurationError(key: k, "must be below 2GiB") }
                c[keyPath: path].maxMessageSize = Int32(size)
            }
            keys[prefix + "duplicate_window"] = { c, v, k in c[keyPath: path].duplicateWindow = try ConfigValue.duration(v, key: k) }
        }
        return keys
    }()
}

import Foundation
