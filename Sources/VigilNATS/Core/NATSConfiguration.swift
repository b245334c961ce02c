/// How to connect to NATS. Every field has a documented default; only `servers` usually needs setting.
public struct NATSConfiguration: Sendable {
    /// TLS settings; setting `tls` at all makes the connection require TLS.
    public struct TLS: Sendable {
        /// PEM file of CA certificates to trust (default: system trust store).
        public var caFile: String?
        /// PEM client certificate for mutual TLS (default: none).
        public var certFile: String?
        /// PEM private key for `certFile` (default: none).
        public var keyFile: String?
        /// Skip server certificate verification — for tests only (default: false).
        public var skipServerVerification: Bool

        /// Creates TLS settings.
        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, skipServerVerification: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.skipServerVerification = skipServerVerification
        }
    }

    /// Server URLs, e.g. `nats://127.0.0.1:4222` (default: `nats://127.0.0.1:4222`).
    public var servers: [String] = ["nats://127.0.0.1:4222"]
    /// Connection name shown by the server's monitoring (default: `vigil`).
    public var name: String = "vigil"
    /// User name for user/password authentication (default: none; URL user-info also works).
    public var user: String?
    /// Password for `user` (default: none). Never logged.
    public var password: String?
    /// Authentication token (default: none). Never logged.
    public var token: String?
    /// Path to a `.creds` file holding a user JWT and NKey seed (default: none).
    public var credentialsFile: String?
    /// TLS settings (default: nil — plain TCP unless the URL says `tls://`).
    public var tls: TLS?
    /// Reconnect attempts per server after a disconnect; -1 retries forever (default: -1).
    public var maxReconnect: Int = -1
    /// Pause between reconnect attempts to the same server (default: 1 s).
    public var reconnectWait: Duration = .seconds(1)
    /// Time allowed for each connection attempt (default: 2 s).
    public var connectTimeout: Duration = .seconds(2)
    /// Flush every publish immediately: ~5× lower request latency, ~2.5× lower bulk throughput
    /// (default: false — cnats then batches writes for about 1 ms).
    public var sendAsap: Bool = false
    /// Per-subscription limit of messages queued for the handler before the slow-consumer error drops
    /// new ones; keeps memory bounded (default: 65,536).
    public var pendingMessagesLimit: Int = 65_536
    /// Per-subscription limit of bytes queued for the handler (default: 64 MiB).
    public var pendingBytesLimit: Int = 64 * 1024 * 1024

    /// A configuration with every default.
    public init() {}

    /// A configuration for `url`, which may list several comma-separated server URLs.
    public init(url: String) {
        let servers = url.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        if !servers.isEmpty { self.servers = servers }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
