using Aos.Kernel.Tests.Cluster;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>The bus's end-to-end tests on the embedded transport: SQLite outbox and in-process dispatch.</summary>
public sealed class EmbeddedMessageBusTests(OneSiloClusterFixture fixture) : MessageBusTests(fixture), IClassFixture<OneSiloClusterFixture>;

/// <summary>The bus's end-to-end tests on NATS JetStream, against a real <c>nats-server -js</c>.</summary>
public sealed class NatsMessageBusTests(OneSiloNatsClusterFixture fixture) : MessageBusTests(fixture), IClassFixture<OneSiloNatsClusterFixture>;
