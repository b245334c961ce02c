// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
    ],
    targets: [
        // C libraries: module maps and shim headers only.
        .systemLibrary(name: "CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // The pure engine: models, decoding, rules, state-store protocols and in-memory stores.
        .target(name: "VigilCore", dependencies: ["VigilDigest"], swiftSettings: swiftSettings),
        // SHA-1 for Redis script names and name-based UUIDs; shared so it exists once.
        .target(name: "VigilDigest", swiftSettings: swiftSettings),

        // Adapters: one per server, each testable alone against the real server.
        .target(
            name: "VigilNATS",
            dependencies: ["CNATS", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilRedis",
            dependencies: ["CHiredis", "VigilDigest", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilPostgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // Wiring: configuration, the pipelines, the HTTP API and the service lifecycle.
        .target(
            name: "VigilService",
            dependencies: [
                "VigilCore", "VigilNATS", "VigilRedis", "VigilPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // A thin command line: flags become options, everything else lives in VigilService.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks: NATS load generator with latency percentiles, and in-process evaluation.
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilService", "VigilCore", "VigilNATS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilNATSTests", dependencies: ["VigilNATS"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilRedisTests", dependencies: ["VigilRedis", "VigilDigest"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilPostgresTests", dependencies: ["VigilPostgres"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VigilServiceTests",
            dependencies: ["VigilService"],
            swiftSettings: swiftSettings
        ),
    ]
)
