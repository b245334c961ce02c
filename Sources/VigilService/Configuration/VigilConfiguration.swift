public import VigilCore

/// Everything `vigil run` needs, with documented defaults. Built by ``ConfigurationLoader`` from
/// `vigil.yaml`, `VIGIL_*` environment variables and flags, in that order of precedence (flags win).
public struct VigilConfiguration: Sendable, Equatable {
    /// Identifies this instance in logs, metrics and NATS connection names.
    public var instanceID = "vigil"
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel = "info"
    /// NATS connection.
    public var nats = NATS()
    /// Redis connection.
    public var redis = Redis()
    /// PostgreSQL connection and migrations.
    public var database = Database()
    /// The HTTP listener (health, readiness, metrics, API).
    public var http = HTTP()
    /// JetStream streams Vigil creates or updates at start.
    public var streams = Streams()
    /// The durable pull consumer of trading decisions.
    public var decisions = DecisionConsumer()
    /// The portfolio-state consumer (on `streams.portfolios`); one worker.
    public var portfolioStates: DecisionConsumer = {
        var consumer = DecisionConsumer()
        consumer.durableName = "vigil-portfolio-states"
        // Its commit is the Redis save the validator reads: not spaced out.
        consumer.commitInterval = 0
        return consumer
    }()
    /// Request-reply validation.
    public var validation = Validation()
    /// Bounds on inputs.
    public var limits = InputLimits()
    /// Dispatch SLA monitoring and analytics (docs/sla.md).
    public var sla = SLAConfiguration()
    /// CloudEvents `source` of everything Vigil publishes.
    public var eventSource = "/vigil"
    /// Point-in-time detection of feature writes.
    public var pit = PIT()
    /// Violation windows, breakers, quarantine, incidents and reported violations.
    public var breaker = Breaker()
    /// Alert escalation loop (docs/alerts.md).
    public var alerts = AlertsConfiguration()

    /// The defaults.
    public init() {}

    /// NATS settings.
    public struct NATS: Sendable, Equatable {
        /// Comma-separated server URLs (`VIGIL_NATS_URL`).
        public var url = "nats://127.0.0.1:4222"
        /// User name, if the server requires one.
        public var user: String?
        /// Password (`VIGIL_NATS_PASSWORD`); never logged.
        public var password: String?
        /// Token (`VIGIL_NATS_TOKEN`); never logged.
        public var token: String?
        /// A `.creds` file for JWT/NKey authentication.
        public var credentialsFile: String?
        /// CA bundle to verify the server; setting any TLS file turns TLS on.
        public var tlsCAFile: String?
        /// Client certificate for mutual TLS.
        public var tlsCertFile: String?
        /// Client key for mutual TLS.
        public var tlsKeyFile: String?
        /// Reconnect attempts before giving up; -1 retries forever.
        public var maxReconnect = -1
        /// Pause between reconnect attempts, in seconds.
        public var reconnectWait = 1.0
    }

    /// Redis settings.
    public struct Redis: Sendable, Equatable {
        /// `redis://[user:password@]host:port/db` or `unix:///path?db=N` (`VIGIL_REDIS_URL`).
        public var url = "redis://127.0.0.1:6379/0"
        /// Connections in the pool.
        public var poolSize = 4
        /// Key prefix of everything Vigil stores.
        public var keyPrefix = "vigil:"
    }

    /// PostgreSQL settings.
    public struct Database: Sendable, Equatable {
        /// `postgresql://user:password@host:port/db` (`VIGIL_DATABASE_URL`).
        public var url = "postgresql://postgres@127.0.0.1:5432/vigil"
        /// Connections in the pool used by the API and the policy loader.
        public var poolSize = 4
        /// Folder of `NNNN_name.sql` migrations; nil searches `./schemas/sql`, then
        /// `<executable>/../share/vigil/sql`, then `/usr/share/vigil/sql`.
        public var migrationsDirectory: String?
        /// Apply pending migrations when `vigil run` starts.
        public var migrateOnStart = true
    }

    /// HTTP settings.
    public struct HTTP: Sendable, Equatable {
        /// `host:port` to listen on (`VIGIL_HTTP_ADDR`).
        public var address = "127.0.0.1:8080"
        /// Bearer token required by admin endpoints (`VIGIL_ADMIN_TOKEN`); admin endpoints are
        /// refused while it is unset.
        public var adminToken: String?
    }

    /// One JetStream stream.
    public struct Stream: Sendable, Equatable {
        /// Stream name.
        public var name: String
        /// Subjects it captures.
        public var subjects: [String]
        /// Oldest message kept, in seconds.
        public var maxAge: Double
        /// Largest total size in bytes.
        public var maxBytes: Int64
        /// Largest single message in bytes.
        public var maxMessageSize: Int32
        /// Window in which a repeated `Nats-Msg-Id` is dropped, in seconds.
        public var duplicateWindow: Double
    }

    /// The streams.
    public struct Streams: Sendable, Equatable {
        /// Trading decisions in.
        public var decisions = Stream(name: "VIGIL_DECISIONS", subjects: ["trading.decisions.>"], maxAge: 7 * 86_400,
                                      maxBytes: 10 << 30, maxMessageSize: 1 << 20, duplicateWindow: 120)
        /// Everything Vigil publishes, so downstream consumers can replay.
        public var events = Stream(name: "VIGIL_EVENTS", subjects: ["vigil.events.>"], maxAge: 7 * 86_400,
                                   maxBytes: 10 << 30, maxMessageSize: 1 << 20, duplicateWindow: 600)
        /// Refused inputs.
        public var deadLetters = Stream(name: "VIGIL_DLQ", subjects: ["vigil.dlq.>"], maxAge: 30 * 86_400,
                                        maxBytes: 1 << 30, maxMessageSize: 1 << 20, duplicateWindow: 600)
        /// Portfolio-state snapshots in; the stream keeps only the latest per subject (portfolio).
        public var portfolios = Stream(name: "VIGIL_PORTFOLIOS", subjects: ["trading.portfolios.*.state"], maxAge: 30 * 86_400,
                                       maxBytes: 1 << 30, maxMessageSize: 1 << 20, duplicateWindow: 120)
    }

    /// The decision consumer.
    public struct DecisionConsumer: Sendable, Equatable {
        /// Durable consumer name, shared by every instance.
        public var durableName = "vigil-decisions"
        /// Messages fetched and processed together.
        public var batchSize = 256
        /// Longest wait of one fetch while the consumer is idle (a long poll), in seconds; a stored
        /// message is handed over at once, never held for a batch to fill.
        public var fetchWait = 0.25
        /// Redelivery after this many seconds without an ack.
        public var ackWait = 30.0
        /// Unacknowledged messages allowed across all instances.
        public var maxAckPending = 20_000
        /// Delay before redelivering a batch whose effects failed, in seconds.
        public var retryDelay = 1.0
        /// Worker threads in this instance.
        public var workers = 1
        /// Shortest time between two commits of the decision log (or the pipeline's other writes),
        /// in seconds: batches prepared meanwhile are written in the same transaction. Delays acks,
        /// not events; 0 commits as soon as the previous commit ends.
        public var commitInterval = 0.005
    }

    /// Request-reply validation.
    public struct Validation: Sendable, Equatable {
        /// Subject of validation requests.
        public var subject = "vigil.validate"
        /// Queue group shared by every instance.
        public var queueGroup = "vigil"
        /// Subscriptions per instance; each answers requests on its own thread.
        public var subscribers = 4
    }
}
