// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Samen",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "samen", targets: ["samen"]),
        .library(name: "SamenCore", targets: ["SamenCore"]),
        .library(name: "SamenStats", targets: ["SamenStats"]),
        .library(name: "SamenServer", targets: ["SamenServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(name: "SamenCore", dependencies: ["SamenStats"]),
        .target(name: "SamenStats"),
        .target(
            name: "SamenServer",
            dependencies: [
                "SamenCore",
                "SamenStats",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "samen",
            dependencies: [
                "SamenServer",
                "SamenCore",
                "SamenStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SamenCoreTests", dependencies: ["SamenCore"]),
        .testTarget(name: "SamenStatsTests", dependencies: ["SamenStats"]),
        .testTarget(
            name: "SamenServerTests",
            dependencies: [
                "SamenServer",
                "SamenStats",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
