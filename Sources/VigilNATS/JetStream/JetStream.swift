import CNATS
import Synchronization

/// A JetStream context on a connection, owning one cnats `jsCtx`.
///
/// Thread-safe. `publishBatch` calls on one context are serialized (cnats' "wait for all async acks" is
/// per context), so threads that publish batches in parallel should each use their own context.
// @unchecked: jsCtx calls are internally locked in cnats; batch publishing is serialized by `batchLock`.
public final class JetStream: @unchecked Sendable {
    let handle: OpaquePointer
    /// The connection this context uses; kept alive as long as the context.
    public let connection: NATSConnection
    let failures: PublishFailureLog
    let batchLock = Mutex<Void>(())
    /// The JetStream API subject prefix: `$JS.API`, `$JS.<domain>.API`, or the configured prefix.
    let apiPrefix: String
    /// Keeps the prefix/domain strings valid for the context's life.
    private let strings: CStringArena
    private let failureClosure: UnmanagedPublishFailureLog

    init(connection: NATSConnection, domain: String?, prefix: String?, publishAsyncMaxPending: Int) throws {
        self.connection = connection
        apiPrefix = prefix.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? domain.map { "$JS.\($0).API" } ?? "$JS.API"
        let strings = CStringArena()
        self.strings = strings
        let failures = PublishFailureLog()
        self.failures = failures
        failureClosure = UnmanagedPublishFailureLog(failures)
        var options = jsOptions()
        try NATSError.check(jsOptions_Init(&options), "initialise JetStream options")
        options.Domain = strings.copy(domain)
        options.Prefix = strings.copy(prefix)
        options.PublishAsync.MaxPending = Int64(publishAsyncMaxPending)
        options.PublishAsync.ErrHandler = jetStreamPublishErrorCallback
        options.PublishAsync.ErrHandlerClosure = failureClosure.pointer
        var created: OpaquePointer?
        try NATSError.check(natsConnection_JetStream(&created, connection.handle, &options), "create JetStream context")
        guard let created else { throw NATSError(code: .other, operation: "create JetStream context") }
        handle = created
    }

    deinit {
        jsCtx_Destroy(handle)
    }
}

/// Holds cnats' retained reference to the failure log and gives it back when the context goes away.
///
/// `publishBatch` always ends with no publish pending (acknowledged, or taken back from cnats), so no
/// error callback can run after the context is destroyed and the reference can be released then.
final class UnmanagedPublishFailureLog {
    let pointer: UnsafeMutableRawPointer
    init(_ log: PublishFailureLog) { pointer = Unmanaged.passRetained(log).toOpaque() }
    deinit { Unmanaged<PublishFailureLog>.fromOpaque(pointer).release() }
}

extension NATSConnection {
    /// A JetStream context using this connection.
    ///
    /// - Parameters:
    ///   - domain: JetStream domain (leaf-node setups); nil for the default.
    ///   - prefix: custom API prefix instead of `$JS.API`; nil for the default.
    ///   - publishAsyncMaxPending: how many async publishes may await acks before publishing stalls (default 4,000).
    public func jetStream(domain: String? = nil, prefix: String? = nil, publishAsyncMaxPending: Int = 4_000) throws -> JetStream {
        try JetStream(connection: self, domain: domain, prefix: prefix, publishAsyncMaxPending: publishAsyncMaxPending)
    }
}
