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
    ],
    targets: [
        // C libraries: module maps and shim headers only.
        .systemLibrary(name: "CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // The pure engine: models, decoding, rules, state-store protocols and in-memory stores.
        .target(name: "VigilCore", swiftSettings: swiftSettings),

        // Adapters: one per server, each testable alone against the real server.
        .target(
            name: "VigilNATS",
            dependencies: ["CNATS", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilRedis",
            dependencies: ["CHiredis", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilPostgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "vigil",
            dependencies: ["VigilCore", "VigilNATS", "VigilRedis", "VigilPostgres"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilNATSTests", dependencies: ["VigilNATS"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilRedisTests", dependencies: ["VigilRedis"], swiftSettings: swiftSettings),
        .testTarget(name: "VigilPostgresTests", dependencies: ["VigilPostgres"], swiftSettings: swiftSettings),
    ]
)
