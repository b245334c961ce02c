public import Foundation

/// A checked feature write and the effects to make durable before it is acknowledged.
public struct PITResult: Sendable {
    /// The decoded write.
    public var write: FeatureWrite
    /// Its arrival (the write's own, or Vigil's receive time).
    public var arrival: PITTimestamp
    /// What the checks found.
    public var violations: [DetectedViolation]
    /// One `vigil.events.violation.pit.<severity>` event per violation, in the same order.
    public var events: [OutboundEvent]
}

/// What became of one feature-write input.
public enum PITOutcome: Sendable {
    /// Checked; publish `events`, write the violations, then acknowledge.
    case checked(PITResult)
    /// Refused; publish the DLQ event, then acknowledge.
    case deadLettered(OutboundEvent, InputError)
}

/// Runs the point-in-time checks over batches of feature writes. Pure apart from the injected
/// stores and clock. Each store is called once per batch, so a Redis store costs one round trip.
public struct PITProcessor: Sendable {
    /// Subjects, limits and the stateful checks' parameters.
    public struct Configuration: Sendable {
        /// CloudEvents `source` of every output.
        public var source = "/vigil"
        /// Prefix of output event subjects.
        public var eventsPrefix = "vigil.events"
        /// Prefix of DLQ subjects; the input subject follows it.
        public var deadLetterPrefix = "vigil.dlq"
        /// At most this many bytes of a refused input are carried in its DLQ event.
        public var deadLetterOriginalLimit = 256 * 1024
        /// Input limits.
        public var limits = InputLimits()
        /// QUALITY_DEGRADATION's window, minimum samples and threshold.
        public var quality = QualityRule()
        /// CONFIG_WARNING fires at most once per feature per this many seconds.
        public var configWarningInterval: TimeInterval = 3600

        /// The defaults.
        public init() {}
    }

    /// The stateful parts, shared by all instances in service (Redis).
    public struct Stores: Sendable {
        /// HISTORICAL_REVISION's compare-and-set history.
        public var history: any FeatureHistoryStore
        /// QUALITY_DEGRADATION's windows.
        public var quality: any QualityWindowStore
        /// CONFIG_WARNING's throttle.
        public var warnings: any ContractWarningThrottle
        /// The three asked at once (one Redis round trip instead of three), when the stores can.
        public var batch: (any PITStateBatch)?

        /// Creates the set.
        public init(history: any FeatureHistoryStore, quality: any QualityWindowStore, warnings: any ContractWarningThrottle,
                    batch: (any PITStateBatch)? = nil) {
            self.history = history
            self.quality = quality
            self.warnings = warnings
            self.batch = batch
        }

        /// Asks the three stores, through ``batch`` when there is one.
        public func answer(_ query: PITStateQuery) throws -> PITStateAnswers {
            if let batch { return try batch.answer(query) }
            return PITStateAnswers(history: try history.record(query.history), quality: try quality.observe(query.samples, rule: query.rule),
                                   claims: try warnings.claim(query.claims, at: query.now, interval: query.interval))
        }

        /// In-memory stores, for tests and the simulator.
        public static func inMemory() -> Stores {
            Stores(history: InMemoryFeatureHistoryStore(), quality: InMemoryQualityWindowStore(), warnings: InMemoryContractWarningThrottle())
        }
    }

    private let contracts: FeatureContractRegistry
    private let stores: Stores
    private let clock: any WallClock
    private let configuration: Configuration
    private let decoder: InputDecoder
    private let encoder = OutputEncoder()

    /// Creates a processor.
    public init(contracts: FeatureContractRegistry, stores: Stores, clock: any WallClock, configuration: Configuration = Configuration()) {
        self.contracts = contracts
        self.stores = stores
        self.clock = clock
        self.configuration = configuration
        self.decoder = InputDecoder(limits: configuration.limits)
    }

    /// Checks a batch. Input errors become DLQ outcomes; a store failure throws, and the caller must
    /// not acknowledge any message of the batch.
    public func process(_ batch: [InboundMessage]) throws -> [PITOutcome] {
        let now = clock.now()
        let contractSet = contracts.current
        let decoded = batch.map { message in
            Result { () throws(InputError) in try decoder.decode(FeatureWrite.self, from: message.payload) }
        }
        let writes = decoded.compactMap { try? $0.get() }
        let arrivals = writes.map { $0.arrivalTimestamp ?? PITTimestamp(now) }
        let digests = writes.map(\.valueDigest)
        let ids = zip(writes, digests).map { $0.writeID(valueDigest: $1) }
        let samples = zip(writes, zip(ids, arrivals)).map { write, idArrival in
            QualitySample(writeID: idArrival.0, feature: write.featureName, atMilliseconds: idArrival.1.milliseconds,
                          missing: write.isMissingValue)
        }
        let uncontracted = writes.indices.filter { contractSet[writes[$0].featureName] == nil }
        let answers = try stores.answer(PITStateQuery(
            history: writes.indices.map { HistoryEntry(writes[$0], writeID: ids[$0], valueDigest: digests[$0]) },
            samples: samples, rule: configuration.quality,
            claims: uncontracted.map { (writes[$0].featureName, ids[$0]) }, now: now, interval: configuration.configWarningInterval))
        let (history, quality, claims) = (answers.history, answers.quality, answers.claims)
        guard history.count == writes.count, quality.count == writes.count, claims.count == uncontracted.count else {
            throw PITStoreError("a PIT store answered for the wrong number of writes")
        }
        let warned = Set(zip(uncontracted, claims).filter(\.1).map(\.0))
        var next = 0
        return try zip(batch, decoded).map { message, result in
            let write: FeatureWrite
            switch result {
            case .failure(let error): return .deadLettered(try deadLetter(message, error, at: now), error)
            case .success(let value): write = value
            }
            let index = next
            next += 1
            var findings = findings(for: write, arrival: arrivals[index], contract: contractSet[write.featureName])
            if case .conflict(let recorded) = history[index] {
                findings.append(PITFinding(
                    .historicalRevision,
                    "feature \(write.featureName) entity \(write.entityID) at event_timestamp \(write.eventTimestamp.raw) was recorded with another value (version \(recorded)); this write (version \(write.version), is_revision \(write.isRevision)) changes it without a revision of higher version",
                    details: ["recorded_version": .number(Double(recorded)), "version": .number(Double(write.version)),
                              "is_revision": .bool(write.isRevision), "value": write.value]))
            }
            if let crossing = quality[index] {
                let rate = Double(crossing.missing) / Double(max(crossing.total, 1))
                findings.append(PITFinding(
                    .qualityDegradation,
                    "feature \(write.featureName): \(crossing.missing) of the last \(crossing.total) values in \(Format.number(configuration.quality.windowSeconds)) s are null/NaN (\(Format.percent(rate))), above \(Format.percent(configuration.quality.threshold))",
                    details: ["missing": .number(Double(crossing.missing)), "total": .number(Double(crossing.total)),
                              "rate": .number(rate), "threshold": .number(configuration.quality.threshold),
                              "window_seconds": .number(configuration.quality.windowSeconds)]))
            }
            if warned.contains(index) {
                findings.append(PITFinding(.configWarning, "feature \(write.featureName) has no contract; written by \(write.serviceName)"))
            }
            return .checked(try checked(write, id: ids[index], arrival: arrivals[index], findings: findings, at: now))
        }
    }

    private func findings(for write: FeatureWrite, arrival: PITTimestamp, contract: FeatureContract?) -> [PITFinding] {
        var found: [PITFinding?] = [PITChecks.futureLeakage(write, arrival: arrival)]
        if let contract {
            found.append(PITChecks.contractViolation(write, contract: contract))
            found.append(PITChecks.arrivalDelay(write, arrival: arrival, contract: contract))
        }
        found.append(PITChecks.timestampDrift(write, contract: contract))
        return found.compactMap { $0 }
    }

    private func checked(_ write: FeatureWrite, id writeID: String, arrival: PITTimestamp, findings: [PITFinding], at now: Date) throws -> PITResult {
        var violations: [DetectedViolation] = []
        var events: [OutboundEvent] = []
        for finding in findings {
            let id = DeterministicID.uuid("violation", "pit", writeID, finding.type.rawValue).uuidString.lowercased()
            var details = finding.details
            details["write_id"] = .string(writeID)
            details["event_timestamp"] = .string(write.eventTimestamp.raw)
            details["as_of_timestamp"] = .string(write.asOfTimestamp.raw)
            let violation = DetectedViolation(
                id: id, domain: .pit, violationType: finding.type.rawValue, severity: finding.type.severity,
                description: finding.description, serviceName: write.serviceName, featureName: write.featureName,
                entityID: write.entityID, occurredAt: arrival.date, detectedAt: now, details: details)
            let event = CloudEvent(id: id, source: configuration.source, type: "io.vigil.violation", subject: write.featureName,
                                   time: now, data: violation)
            events.append(OutboundEvent(subject: "\(configuration.eventsPrefix).violation.pit.\(violation.severity.subjectToken)",
                                        id: id, payload: try encoder.encode(event)))
            violations.append(violation)
        }
        return PITResult(write: write, arrival: arrival, violations: violations, events: events)
    }

    /// The DLQ event for a refused write, in the shape ``DecisionProcessor/deadLetter(_:_:)`` uses.
    public func deadLetter(_ message: InboundMessage, _ error: InputError, at now: Date) throws -> OutboundEvent {
        let limit = configuration.deadLetterOriginalLimit
        let data = DeadLetterData(
            subject: message.subject,
            error: .init(code: error.code.rawValue, field: error.field.isEmpty ? nil : error.field, message: error.message),
            receivedAt: now, streamSequence: message.streamSequence, originalSize: message.payload.count,
            originalTruncated: message.payload.count > limit, originalBase64: Data(message.payload.prefix(limit)).base64EncodedString())
        let id = message.streamSequence.map { DeterministicID.uuid("dlq", message.subject, String($0)).uuidString.lowercased() }
            ?? UUID().uuidString.lowercased()
        let event = CloudEvent(id: id, source: configuration.source, type: "io.vigil.dead_letter", subject: message.subject, time: now, data: data)
        return OutboundEvent(subject: "\(configuration.deadLetterPrefix).\(message.subject)", id: id, payload: try encoder.encode(event))
    }
}
