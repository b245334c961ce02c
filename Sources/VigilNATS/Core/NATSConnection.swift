import CNATS
import Logging

/// A connection to NATS, owning one cnats `natsConnection`.
///
/// All methods block the calling thread: call them from dedicated threads, never from Swift's cooperative
/// pool. Use separate connections for bulk publishing and for subscribing/latency-sensitive replies: a
/// publish burst holds the connection lock that the same connection's read loop needs, and the server can
/// then drop the client as a slow consumer.
// @unchecked: cnats connections are internally locked and documented as thread-safe; the handle is immutable.
public final class NATSConnection: @unchecked Sendable {
    let handle: OpaquePointer
    /// The configuration this connection was made with.
    public let configuration: NATSConfiguration
    let logger: Logger
    private let events: ConnectionEventSink

    /// Connects to the configured servers, failing with `NATSError` if none can be reached in time.
    public init(configuration: NATSConfiguration, logger: Logger = Logger(label: "vigil.nats")) throws {
        self.configuration = configuration
        self.logger = logger
        let events = ConnectionEventSink(logger: logger, name: configuration.name)
        self.events = events
        let secrets = [configuration.password, configuration.token].compactMap { $0 }.filter { !$0.isEmpty }
        do {
            let options = try Self.makeOptions(configuration)
            defer { natsOptions_Destroy(options) }
            let closure = Unmanaged.passRetained(events).toOpaque()
            do {
                try Self.installCallbacks(options, closure: closure)
                var connection: OpaquePointer?
                try NATSError.check(natsConnection_Connect(&connection, options), "connect to \(configuration.servers.joined(separator: ","))")
                guard let connection else {
                    throw NATSError(code: .connectionFailed, operation: "connect", detail: "cnats returned no connection")
                }
                handle = connection
            } catch {
                // No connection exists, so no closed callback will ever release cnats' reference.
                Unmanaged<ConnectionEventSink>.fromOpaque(closure).release()
                throw error
            }
        } catch let error as NATSError {
            throw error.redacting(secrets)
        }
    }

    /// Whether the connection is currently connected (false while reconnecting or once closed).
    public var isConnected: Bool {
        natsConnection_Status(handle) == NATS_CONN_STATUS_CONNECTED
    }

    /// Whether the connection has been closed for good.
    public var isClosed: Bool { natsConnection_IsClosed(handle) }

    /// Sends buffered publishes and waits until the server has processed them.
    public func flush(timeout: Duration = .seconds(5)) throws {
        try NATSError.check(natsConnection_FlushTimeout(handle, timeout.natsMilliseconds), "flush")
    }

    /// Stops subscriptions taking new messages, lets their handlers finish, flushes, then closes.
    /// Blocks up to `timeout`; calling it again or after `close()` does nothing.
    public func drainAndClose(timeout: Duration = .seconds(10)) {
        guard !isClosed else { return }
        let status = natsConnection_DrainTimeout(handle, timeout.natsMilliseconds)
        guard status == NATS_OK else {
            natsConnection_Close(handle)
            return
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout + .seconds(1)
        while !isClosed, clock.now < deadline { nats_Sleep(5) }
        natsConnection_Close(handle)
    }

    /// Closes the connection now, dropping anything not yet sent. Idempotent.
    public func close() {
        natsConnection_Close(handle)
    }

    deinit {
        natsConnection_Destroy(handle)
    }
}

extension NATSConnection {
    private static func makeOptions(_ configuration: NATSConfiguration) throws -> OpaquePointer {
        var created: OpaquePointer?
        try NATSError.check(natsOptions_Create(&created), "create connection options")
        guard let options = created else {
            throw NATSError(code: .other, operation: "create connection options")
        }
        do {
            try apply(configuration, to: options)
        } catch {
            natsOptions_Destroy(options)
            throw error
        }
        return options
    }

    private static func apply(_ configuration: NATSConfiguration, to options: OpaquePointer) throws {
        guard !configuration.servers.isEmpty else {
            throw NATSError(code: .invalidArgument, operation: "configure connection", detail: "no server URL given")
        }
        let arena = CStringArena()
        let servers = arena.copyArray(configuration.servers)
        try NATSError.check(natsOptions_SetServers(options, servers, Int32(configuration.servers.count)), "set servers")
        try NATSError.check(natsOptions_SetName(options, configuration.name), "set name")
        if let user = configuration.user {
            try NATSError.check(natsOptions_SetUserInfo(options, user, configuration.password), "set user")
        }
        if let token = configuration.token {
            try NATSError.check(natsOptions_SetToken(options, token), "set token")
        }
        if let credentials = configuration.credentialsFile {
            try NATSError.check(natsOptions_SetUserCredentialsFromFiles(options, credentials, nil), "load credentials file")
        }
        if let tls = configuration.tls {
            try NATSError.check(natsOptions_SetSecure(options, true), "enable TLS")
            if let ca = tls.caFile {
                try NATSError.check(natsOptions_LoadCATrustedCertificates(options, ca), "load TLS CA file")
            }
            if let cert = tls.certFile {
                try NATSError.check(natsOptions_LoadCertificatesChain(options, cert, tls.keyFile), "load TLS certificate")
            }
            try NATSError.check(natsOptions_SkipServerVerification(options, tls.skipServerVerification), "set TLS verification")
        }
        try NATSError.check(natsOptions_SetMaxReconnect(options, Int32(clamping: configuration.maxReconnect)), "set max reconnect")
        try NATSError.check(natsOptions_SetReconnectWait(options, configuration.reconnectWait.natsMilliseconds), "set reconnect wait")
        try NATSError.check(natsOptions_SetTimeout(options, configuration.connectTimeout.natsMilliseconds), "set connect timeout")
        try NATSError.check(natsOptions_SetSendAsap(options, configuration.sendAsap), "set send-asap")
    }

    private static func installCallbacks(_ options: OpaquePointer, closure: UnsafeMutableRawPointer) throws {
        try NATSError.check(natsOptions_SetDisconnectedCB(options, natsDisconnectedCallback, closure), "set disconnected callback")
        try NATSError.check(natsOptions_SetReconnectedCB(options, natsReconnectedCallback, closure), "set reconnected callback")
        try NATSError.check(natsOptions_SetClosedCB(options, natsClosedCallback, closure), "set closed callback")
        try NATSError.check(natsOptions_SetErrorHandler(options, natsAsyncErrorCallback, closure), "set error handler")
    }
}
